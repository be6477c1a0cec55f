/// The artifact collections of a project.
enum ArtifactsTemplate {
    static let text = """
        <h1>{{project}} <span class="muted">artifacts</span></h1>
        {{^collections}}<p class="empty">No artifacts in this project.</p>{{/collections}}
        {{#hasCollections}}<div class="scroll"><table class="list"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Updated</th></tr></thead><tbody>
        {{#collections}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{type}}</td><td><time datetime="{{updatedISO}}">{{updated}}</time></td></tr>{{/collections}}
        </tbody></table></div>{{/hasCollections}}
        """
}
