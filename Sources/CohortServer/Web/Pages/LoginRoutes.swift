import HTTPTypes
import Foundation
import Hummingbird
import NIOCore

/// `GET /login` (the form), `POST /login` (an API key → a session cookie, then back to `next`),
/// `POST /logout` and `GET /logout` (the cookie cleared).
enum LoginRoutes {
    private struct LoginView {
        var error: String
        var hasError: Bool
        var next: String
    }

    static func register(on router: Router<CohortRequestContext>, services: ServerServices) {
        router.get("/login") { request, _ -> Response in
            let next = WebPaths.safeRedirect(WebQuery(request).value("next"))
            return form(next: next, error: nil)
        }
        router.post("/login") { request, _ -> Response in
            try await login(request: request, services: services)
        }
        router.post("/logout") { _, _ -> Response in logout() }
        router.get("/logout") { _, _ -> Response in logout() }
    }

    static func form(next: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let view = LoginView(error: error ?? "", hasError: error != nil, next: next)
        return WebResponses.html(WebTemplates.page("login", view: view, title: "Log in", principal: nil), status: status)
    }

    static func login(request: Request, services: ServerServices) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 10)
        let fields = WebQuery(query: String(buffer: body))
        let next = WebPaths.safeRedirect(fields.value("next"))
        guard let key = fields.value("key"), APIKeys.isWellFormed(key) else {
            return form(next: next, error: "That is not an API key: keys are at least 40 letters, digits, - and _.", status: .badRequest)
        }
        let record = try await WebStoreCalls.run { try await services.store.apiKey(secretHash: APIKeys.hash(key)) }
        guard let record else {
            return form(next: next, error: "This API key is unknown or revoked.", status: .unauthorized)
        }
        let cookie = Cookie(
            name: WebSession.cookieName, value: WebSession.cookieValue(keyID: record.id, signer: services.signer),
            maxAge: Int(WebSession.lifetime), path: "/", secure: services.baseURL.hasPrefix("https://"), httpOnly: true,
            sameSite: .lax)
        return WebResponses.redirect(to: next, cookie: cookie)
    }

    static func logout() -> Response {
        let cookie = Cookie(name: WebSession.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)
        return WebResponses.redirect(to: "/login", cookie: cookie)
    }
}
