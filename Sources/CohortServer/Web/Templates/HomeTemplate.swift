/// The start page: every entity the viewer may see, with its projects.
enum HomeTemplate {
    static let text = """
        <h1>Projects</h1>
        {{^entities}}<p class="empty">No projects yet. Start a run with <code>WANDB_BASE_URL</code> pointing at this server.</p>{{/entities}}
        {{#entities}}
        <section class="entity">
        <h2>{{name}}</h2>
        {{^projects}}<p class="empty">No projects.</p>{{/projects}}
        {{#hasProjects}}
        <div class="scroll"><table class="list">
        <thead><tr><th scope="col">Project</th><th scope="col" class="num">Runs</th><th scope="col">Last activity</th></tr></thead>
        <tbody>
        {{#projects}}<tr><td><a href="{{href}}">{{name}}</a></td><td class="num">{{runCount}}</td><td><time datetime="{{lastActivityISO}}">{{lastActivity}}</time></td></tr>
        {{/projects}}
        </tbody></table></div>
        {{/hasProjects}}
        </section>
        {{/entities}}
        """
}
