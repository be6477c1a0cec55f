// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Cohort",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cohort", targets: ["Cohort"]),
        .executable(name: "cohort", targets: ["CohortCLI"]),
        .executable(name: "example-train", targets: ["ExampleTrain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libcurl as a system library; only CohortTransport imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // zlib as a system library; Cohort's PNG encoder (Media/) deflates through it.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Pure values shared by client, coordinator and server: JSON, journal framing, records.
        .target(name: "CohortModel"),
        // HTTP through libcurl on a thread of its own (HTTPClient), RetryPolicy, RetryingHTTPClient.
        .target(
            name: "CohortTransport",
            dependencies: ["CCurl", "CohortModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Group leader and workers: codec and pure state machines (NIOCore), TCP over NIOPosix (Network/).
        .target(
            name: "CohortCoordinator",
            dependencies: [
                "CohortModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The public client: Run, Settings, journal writer, run directory, the online sender.
        .target(
            name: "Cohort",
            dependencies: [
                "CohortModel",
                "CohortCoordinator",
                "CohortTransport",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The W&B-compatible server: HTTP (Hummingbird), GraphQL, file_stream, signed blob URLs, RunStore.
        .target(
            name: "CohortServer",
            dependencies: [
                "CohortModel",
                "CohortCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // SVG line and histogram charts for the web UI, downsampling and smoothing; Foundation only.
        .target(name: "CohortCharts", path: "Sources/CohortCharts"),
        // Test-only helpers: temporary directories, child processes, a fault-injecting HTTP proxy.
        .target(
            name: "CohortTestSupport",
            dependencies: [
                "Cohort", "CohortModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "CohortCLI",
            dependencies: [
                "Cohort", "CohortModel", "CohortTransport", "CohortServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ExampleTrain",
            dependencies: ["Cohort"],
            path: "Examples/ExampleTrain"
        ),
        // A small program the tests start as a child process (crash, signal and console tests).
        .executableTarget(
            name: "cohort-fixture",
            dependencies: ["Cohort"],
            path: "Tests/Fixtures/CohortFixture"
        ),
        // Release-build benchmark of log(), the journal, start and finish (see BENCHMARKS.md).
        .executableTarget(
            name: "CohortBench",
            dependencies: ["Cohort"],
            path: "Benchmarks/CohortBench"
        ),
        // Release-build benchmark of the group leader (see BENCHMARKS.md).
        .executableTarget(
            name: "CohortLeaderBench",
            dependencies: ["CohortCoordinator", "CohortModel"],
            path: "Benchmarks/CohortLeaderBench"
        ),
        // Release-build benchmark of downsampling and SVG for a chart of 1,000,000 points.
        .executableTarget(
            name: "CohortChartsBench",
            dependencies: ["CohortCharts"],
            path: "Benchmarks/CohortChartsBench"
        ),
        .testTarget(name: "CohortChartsTests", dependencies: ["CohortCharts", "CohortTestSupport"]),
        .testTarget(
            name: "CohortCoordinatorTests",
            dependencies: [
                "CohortCoordinator",
                "CohortTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CohortTransportTests", dependencies: ["CohortTransport", "CohortTestSupport"]),
        .testTarget(name: "CohortModelTests", dependencies: ["CohortModel", "CohortTestSupport"]),
        .testTarget(
            name: "CohortTests",
            dependencies: ["Cohort", "CohortCoordinator", "CohortModel", "CohortTestSupport", "CohortTransport", "cohort-fixture"]
        ),
        .testTarget(
            name: "CohortServerTests",
            dependencies: [
                "CohortServer", "CohortModel", "CohortTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "CohortCLITests",
            dependencies: ["Cohort", "CohortModel", "CohortTestSupport", "CohortCLI", "ExampleTrain"]
        ),
    ]
)

// One settings loop for every target (Swift 6 language mode is the tools-version default).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
