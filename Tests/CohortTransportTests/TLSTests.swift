import CohortTestSupport
import CohortTransport
import Foundation
import Testing

/// HTTPS through a real TLS server: nginx (Debian `nginx-light`, installed by scripts/setup.sh)
/// terminating TLS with HTTP/2 in front of an in-memory origin, with a certificate from a CA made for
/// the test. Verification stays on: the CA is trusted only when the client is told to.
@Suite("HTTPS and HTTP/2 through nginx", .serialized, .enabled(if: TLSFront.isAvailable, "needs nginx and openssl: run scripts/setup.sh"))
struct TLSTests {
    @Test("a certificate from an unknown CA is refused as a TLS error, naming no secret")
    func unknownCA() async throws {
        try await TLSFront.with { front, origin in
            origin.store(Array("secret".utf8), at: "/file.bin")
            let client = HTTPClient()
            defer { client.shutdown() }
            do {
                _ = try await client.execute(HTTPRequest(url: front.baseURL + "/file.bin?token=abc"))
                Issue.record("an untrusted certificate was accepted")
            } catch {
                #expect((error as? TransportError)?.kind == .tls, "\(error)")
                #expect(!"\(error)".contains("token=abc"), "the query (signed URLs carry tokens there) is not shown")
            }
        }
    }

    @Test("with the CA trusted (caBundlePath): HTTP/2 over TLS, bodies both ways")
    func trustedCA() async throws {
        try await TLSFront.with { front, origin in
            let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            origin.store(content, at: "/file.bin")
            var configuration = HTTPClient.Configuration()
            configuration.caBundlePath = front.caPath
            let client = HTTPClient(configuration: configuration)
            defer { client.shutdown() }
            let first = try await client.execute(HTTPRequest(url: front.baseURL + "/file.bin"))
            #expect(first.status == 200 && first.body == content)
            #expect(first.httpVersion == 2, "nginx offers h2 through ALPN")
            let put = try await client.execute(HTTPRequest(method: .put, url: front.baseURL + "/upload.bin", body: .bytes(content)))
            #expect((200..<300).contains(put.status) && put.httpVersion == 2)
            #expect(origin.requests.last { $0.method == "PUT" }?.bodySize == content.count, "the body arrived through the TLS front whole")
        }
    }
}

/// nginx with a test CA's certificate on a free loopback port, proxying to an in-memory origin.
struct TLSFront {
    let baseURL: String
    let caPath: String

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    /// Runs `body` with a started front and its origin; stops both afterwards.
    static func with(_ body: (TLSFront, FaultInjectingProxy) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-tls")
        defer { directory.remove() }
        let origin = try await FaultInjectingProxy.start()
        let originPort = try #require(URLComponents(string: origin.baseURL)?.port)
        try makeCertificates(in: directory.path)
        var lastLog = ""
        for _ in 0..<5 {  // a port taken between choosing and binding: choose again
            let port = Int.random(in: 20_000..<60_000)
            let config = directory.appending("nginx.conf")
            try configuration(directory: directory.path, port: port, originPort: originPort)
                .write(toFile: config, atomically: true, encoding: .utf8)
            let nginx = try ChildProcess.launch("/usr/sbin/nginx", ["-p", directory.path, "-c", config, "-e", directory.appending("error.log")])
            if await listening(port: port, errorLog: directory.appending("error.log")) {
                defer { nginx.send(SIGKILL); _ = try? nginx.wait(timeout: .seconds(20)) }  // a fixture: no graceful stop needed
                try await body(TLSFront(baseURL: "https://localhost:\(port)", caPath: directory.appending("ca.pem")), origin)
                try await origin.shutdown()
                return
            }
            nginx.send(SIGKILL)
            _ = try? nginx.wait(timeout: .seconds(20))
            lastLog = (try? String(contentsOfFile: directory.appending("error.log"), encoding: .utf8)) ?? ""
        }
        try await origin.shutdown()
        Issue.record("nginx did not start:\n\(lastLog)")
    }

    private static func listening(port: Int, errorLog: String) async -> Bool {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            if let log = try? String(contentsOfFile: errorLog, encoding: .utf8), log.contains("[emerg]") { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    private static func makeCertificates(in directory: String) throws {
        let commands: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Cohort Test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
             "-extfile", "san.cnf"],
        ]
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: directory + "/san.cnf", atomically: true, encoding: .utf8)
        for arguments in commands {
            let result = try ChildProcess.run("/usr/bin/openssl", arguments, directory: directory)
            try #require(result.status == 0, "openssl \(arguments[0]) failed: \(result.standardError)")
        }
    }

    private static func configuration(directory: String, port: Int, originPort: Int) -> String {
        """
        worker_processes 1;
        daemon off;
        master_process off;
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(directory)/tmp-body;
            proxy_temp_path \(directory)/tmp-proxy;
            fastcgi_temp_path \(directory)/tmp-fastcgi;
            uwsgi_temp_path \(directory)/tmp-uwsgi;
            scgi_temp_path \(directory)/tmp-scgi;
            client_max_body_size 100m;
            server {
                listen 127.0.0.1:\(port) ssl http2;
                ssl_certificate \(directory)/server.pem;
                ssl_certificate_key \(directory)/server.key;
                location / {
                    proxy_pass http://127.0.0.1:\(originPort);
                    proxy_http_version 1.1;
                    proxy_request_buffering off;
                }
            }
        }
        """
    }
}
