import Foundation
import Hummingbird

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
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="cohort""#],
                message: "an API key is required: send HTTP Basic auth with user api and the key as password")
        }
        let record: APIKeyRecord?
        do {
            record = try await store.apiKey(secretHash: APIKeys.hash(key))
        } catch {
            throw HTTPError(.serviceUnavailable, message: "the key store is unavailable; retry later")
        }
        guard let record else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="cohort""#],
                message: "the API key is not valid (unknown or revoked)")
        }
        var context = context
        context.principal = record
        return try await next(request, context)
    }
}

extension APIKeyRecord {
    /// Whether this key may act in `entity`: its own entity, or any for admin keys.
    public func mayAct(in entity: String) -> Bool { isAdmin || entity == self.entity }
}
