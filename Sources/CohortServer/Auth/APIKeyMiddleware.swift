import Foundation
import Hummingbird
import NIOCore

/// Requires a live API key (HTTP Basic, any user, the key as password) on every route behind it,
/// and puts the key's record in the context. A missing or unknown key is a 401 that says how to
/// authenticate; the key itself is never echoed or logged.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = CohortRequestContext
    let store: any RunStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], let key = APIKeys.fromBasicAuthorization(header) else {
            return Self.unauthorized("an API key is required: send HTTP Basic auth with user api and the key as password")
        }
        let record: APIKeyRecord?
        do {
            record = try await store.apiKey(secretHash: APIKeys.hash(key))
        } catch {
            // 503 + Retry-After: both official clients retry it (a 4xx would end a file_stream).
            let body = #"{"errors":[{"message":"the server's database is unavailable; retry later"}]}"#
            return Response(
                status: .serviceUnavailable, headers: [.retryAfter: "5", .contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        guard let record else {
            return Self.unauthorized("the API key is not valid (unknown or revoked)")
        }
        var context = context
        context.principal = record
        return try await next(request, context)
    }

    /// A 401 whose body has GraphQL's shape, `{"errors": [{"message": …}]}`: wandb-core raises
    /// `CommError(errors[0].message)` from it (with any other shape the user sees "<no message>").
    static func unauthorized(_ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["errors": [["message": message]]])) ?? Data()
        return Response(
            status: .unauthorized,
            headers: [.wwwAuthenticate: #"Basic realm="cohort""#, .contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIKeyRecord {
    /// Whether this key may act in `entity`: its own entity, or any for admin keys.
    public func mayAct(in entity: String) -> Bool { isAdmin || entity == self.entity }
}
