import HTTPTypes

/// The web UI's permission rule, the API's: a key sees its own entity; an admin key sees all.
enum WebAccess {
    /// The viewer, when it may see `entity`; else a 403 page (a 303 to the login never reaches
    /// here: `WebAuthMiddleware` sets the principal).
    @discardableResult
    static func require(_ context: CohortRequestContext, entity: String) throws(WebError) -> APIKeyRecord {
        guard let principal = context.principal else { throw WebError(.unauthorized, "Log in to see this page.") }
        guard principal.mayAct(in: entity) else {
            throw WebError(.forbidden, "Your API key belongs to entity \(principal.entity) and may not see entity \(entity). Log in with a key of that entity or an admin key.")
        }
        return principal
    }
}
