import CohortTestSupport
import CohortTransport

/// Runs `body` with an origin proxy and a client, and shuts both down afterwards.
func withOrigin<T>(
    _ body: (FaultInjectingProxy, HTTPClient) async throws -> T
) async throws -> T {
    let proxy = try await FaultInjectingProxy.start()
    let client = HTTPClient()
    do {
        let result = try await body(proxy, client)
        await client.shutdownGracefully()
        try await proxy.shutdown()
        return result
    } catch {
        await client.shutdownGracefully()
        try await proxy.shutdown()
        throw error
    }
}

/// `count` bytes of a repeating, position-dependent pattern.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}
