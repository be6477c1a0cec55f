import Foundation
import HTTPTypes
import Hummingbird

/// Puts the viewer's API key in the context for web pages: from the session cookie, or from HTTP
/// Basic auth (scripts and `curl` may send the key as the API does). A request with neither is
/// redirected to `/login?next=<path>`; a cookie whose key was revoked counts as none.
struct WebAuthMiddleware: RouterMiddleware {
    typealias Context = CohortRequestContext
    let services: ServerServices

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let principal = try await Self.principal(of: request, services: services) else {
            return WebResponses.redirect(to: "/login?next=" + WebPaths.queryEncode(request.uri.description))
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    /// The live key behind the request's cookie or Basic auth, if any.
    static func principal(of request: Request, services: ServerServices) async throws -> APIKeyRecord? {
        if let header = request.headers[.authorization], let key = APIKeys.fromBasicAuthorization(header) {
            return try await WebStoreCalls.run { try await services.store.apiKey(secretHash: APIKeys.hash(key)) }
        }
        guard let cookie = request.cookies[WebSession.cookieName],
            let keyID = WebSession.keyID(fromCookie: cookie.value, signer: services.signer)
        else { return nil }
        let keys = try await WebStoreCalls.run { try await services.store.apiKeys() }
        return keys.first { $0.id == keyID && $0.revokedAt == nil }
    }
}
