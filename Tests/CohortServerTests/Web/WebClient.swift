@testable import CohortServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// What a web route test sees of a response.
struct WebAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    func contains(_ text: String) -> Bool { body.contains(text) }
}

extension WebFixture {
    /// Runs `body` with a client of the server's full router (API and web routes) in memory.
    func withClient(_ body: @escaping @Sendable (WebTestClient) async throws -> Void) async throws {
        let app = Application(router: CohortServerApp.makeRouter(services: services), logger: services.logger)
        try await app.test(.router) { client in try await body(WebTestClient(client: client)) }
    }
}

/// GETs and POSTs with an API key (HTTP Basic), a session cookie, or neither.
struct WebTestClient: Sendable {
    let client: any TestClientProtocol

    enum Credential: Sendable {
        case none
        case key(String)
        case cookie(String)
    }

    func get(_ path: String, as credential: Credential) async throws -> WebAnswer {
        try await send(path, method: .get, credential: credential, body: nil)
    }

    func post(_ path: String, form: String, as credential: Credential = .none) async throws -> WebAnswer {
        try await send(path, method: .post, credential: credential, body: form)
    }

    private func send(_ path: String, method: HTTPRequest.Method, credential: Credential, body: String?) async throws -> WebAnswer {
        var headers: HTTPFields = [:]
        switch credential {
        case .none: break
        case .key(let key): headers[.authorization] = "Basic " + Data("api:\(key)".utf8).base64EncodedString()
        case .cookie(let value): headers[.cookie] = "\(WebSession.cookieName)=\(value)"
        }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return WebAnswer(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}
