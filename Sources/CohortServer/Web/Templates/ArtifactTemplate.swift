/// An artifact version: its versions and aliases, files, and lineage.
enum ArtifactTemplate {
    static let text = """
        <h1>{{name}}:{{version}} <span class="muted">{{type}}</span></h1>
        <dl class="facts">
        <dt>State</dt><dd>{{state}}</dd>
        <dt>Digest</dt><dd><code>{{digest}}</code></dd>
        <dt>Size</dt><dd>{{size}} in {{fileCount}} files</dd>
        <dt>Created</dt><dd><time datetime="{{createdISO}}">{{created}}</time></dd>
        {{#hasAliases}}<dt>Aliases</dt><dd>{{#aliases}}<span class="tag">{{.}}</span> {{/aliases}}</dd>{{/hasAliases}}
        {{#hasDescription}}<dt>Description</dt><dd>{{description}}</dd>{{/hasDescription}}
        {{#hasLoggedBy}}<dt>Logged by</dt><dd><a href="{{loggedByHref}}">{{loggedBy}}</a></dd>{{/hasLoggedBy}}
        </dl>
        <section><h2>Used by</h2>{{^usedBy}}<p class="empty">No run used this version.</p>{{/usedBy}}<ul>{{#usedBy}}<li><a href="{{href}}">{{label}}</a></li>{{/usedBy}}</ul></section>
        <section><h2>Files</h2>{{^files}}<p class="empty">No files.</p>{{/files}}{{#hasFiles}}<div class="scroll"><table class="list"><thead><tr><th scope="col">Path</th><th scope="col" class="num">Size</th></tr></thead><tbody>
        {{#files}}<tr><td>{{#stored}}<a href="{{href}}" download>{{name}}</a>{{/stored}}{{^stored}}{{name}} <span class="muted">(not uploaded)</span>{{/stored}}</td><td class="num">{{size}}</td></tr>{{/files}}
        </tbody></table></div>{{/hasFiles}}</section>
        <section><h2>Versions</h2><div class="scroll"><table class="list"><thead><tr><th scope="col">Version</th><th scope="col">Aliases</th><th scope="col" class="num">Size</th><th scope="col">Created</th></tr></thead><tbody>
        {{#versions}}<tr{{#current}} class="current"{{/current}}><td><a href="{{href}}">{{label}}</a></td><td>{{#aliases}}<span class="tag">{{.}}</span> {{/aliases}}</td><td class="num">{{size}}</td><td><time datetime="{{createdISO}}">{{created}}</time></td></tr>{{/versions}}
        </tbody></table></div></section>
        {{#hasMetadata}}<section><h2>Metadata</h2><table class="kv">{{#metadata}}<tr><th scope="row">{{key}}</th><td>{{value}}</td></tr>{{/metadata}}</table></section>{{/hasMetadata}}
        """
}
