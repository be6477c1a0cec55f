import HTTPTypes
import Foundation
import Hummingbird

/// `GET /`: the entities the viewer may see and their projects, with run counts and last activity.
enum HomePage {
    private struct ProjectRow {
        var name: String
        var href: String
        var runCount: Int
        var lastActivity: String
        var lastActivityISO: String
    }

    private struct EntitySection {
        var name: String
        var projects: [ProjectRow]
        var hasProjects: Bool
    }

    private struct View {
        var entities: [EntitySection]
    }

    static func render(context: CohortRequestContext, services: ServerServices) async throws -> Response {
        guard let principal = context.principal else { throw WebError(.unauthorized, "Log in to see this page.") }
        var names = [principal.entity]
        if principal.isAdmin { names = try await WebDirectory.entityNames(services: services) }
        var sections: [EntitySection] = []
        for name in names {
            let projects = try await WebStoreCalls.run { try await services.store.projects(entity: name) }
            let rows = projects.map { project in
                ProjectRow(
                    name: project.name, href: WebPaths.project(name, project.name), runCount: project.runCount,
                    lastActivity: WebFormat.date(project.lastActivity), lastActivityISO: WebFormat.iso(project.lastActivity))
            }
            if principal.isAdmin && rows.isEmpty && name != principal.entity { continue }
            sections.append(EntitySection(name: name, projects: rows, hasProjects: !rows.isEmpty))
        }
        let html = WebTemplates.page("home", view: View(entities: sections), title: "Projects", principal: principal)
        return WebResponses.html(html)
    }
}
