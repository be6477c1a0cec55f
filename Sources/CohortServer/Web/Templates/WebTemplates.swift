import HTTPTypes
import Mustache

/// The web UI's Mustache templates, compiled into the binary and parsed once into one library.
/// Every value is HTML-escaped by `{{…}}`; only server-made SVG and HTML use `{{{…}}}`.
enum WebTemplates {
    static let sources: [String: String] = [
        "layout": LayoutTemplate.text, "error": ErrorTemplate.text, "login": LoginTemplate.text, "home": HomeTemplate.text,
        "project": ProjectTemplate.text, "run": RunTemplate.text, "group": GroupTemplate.text,
        "artifact": ArtifactTemplate.text, "artifacts": ArtifactsTemplate.text, "sweep": SweepTemplate.text,
    ]

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                try library.register(text, named: name)
            } catch {
                // The templates are constants of this binary; a test renders each one.
                preconditionFailure("web template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// One link of the breadcrumb.
    struct Crumb: Sendable {
        var label: String
        var href: String
    }

    private struct User {
        var entity: String
        var isAdmin: Bool
    }

    private struct Layout {
        var title: String
        var crumbs: [Crumb]
        var user: [User]
        var live: Bool
        var body: String
    }

    /// A whole page: `template` rendered with `view`, inside the layout.
    static func page(
        _ template: String, view: Any, title: String, crumbs: [Crumb] = [], principal: APIKeyRecord?, live: Bool = false
    ) -> String {
        let body = library.render(view, withTemplate: template) ?? ""
        let user = principal.map { [User(entity: $0.entity, isAdmin: $0.isAdmin)] } ?? []
        let layout = Layout(title: title, crumbs: crumbs, user: user, live: live, body: body)
        return library.render(layout, withTemplate: "layout") ?? body
    }

    private struct ErrorView {
        var code: Int
        var reason: String
        var message: String
    }

    /// An error page for `status` saying `message`.
    static func errorPage(status: HTTPResponse.Status, message: String) -> String {
        page(
            "error", view: ErrorView(code: status.code, reason: status.reasonPhrase, message: message),
            title: "\(status.code) \(status.reasonPhrase)", principal: nil)
    }
}
