/// The runs table of a project, with its filter form, column picker and group folding.
enum ProjectTemplate {
    static let text = """
        <h1>{{project}} <span class="muted">runs</span></h1>
        <p class="links"><a href="{{artifactsHref}}">Artifacts</a></p>
        <form method="get" class="filters" aria-label="Filter runs">
        <label>State <select name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}</select></label>
        <label>Tag <input name="tag" value="{{tag}}" list="tags"></label>
        <label>Group <input name="group" value="{{group}}" list="groups"></label>
        <label>Search <input name="q" type="search" value="{{q}}" placeholder="name, notes, job type"></label>
        <label class="check"><input type="checkbox" name="fold" value="1"{{#fold}} checked{{/fold}}> Fold groups</label>
        <input type="hidden" name="sort" value="{{sort}}"><input type="hidden" name="order" value="{{order}}">
        <details class="columns"><summary>Columns</summary>
        <fieldset><legend>Config</legend>{{#configChoices}}<label class="check"><input type="checkbox" name="config" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}}</label>{{/configChoices}}{{^configChoices}}<span class="muted">none</span>{{/configChoices}}</fieldset>
        <fieldset><legend>Summary</legend>{{#summaryChoices}}<label class="check"><input type="checkbox" name="summary" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}}</label>{{/summaryChoices}}{{^summaryChoices}}<span class="muted">none</span>{{/summaryChoices}}</fieldset>
        </details>
        <button type="submit">Apply</button> <a href="?">Reset</a>
        <datalist id="tags">{{#allTags}}<option value="{{.}}">{{/allTags}}</datalist>
        <datalist id="groups">{{#allGroups}}<option value="{{.}}">{{/allGroups}}</datalist>
        </form>
        <p class="muted">{{shown}} of {{total}} runs</p>
        <div class="scroll"><table class="list runs">
        <thead><tr>{{#headers}}<th scope="col"{{#ariaSort}} aria-sort="{{ariaSort}}"{{/ariaSort}}><a href="{{href}}">{{label}}{{arrow}}</a></th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}
        {{#isGroup}}<tr class="group-row"><td><a href="{{href}}">{{name}}</a> <span class="muted">{{memberCount}} runs</span> <a class="small" href="{{expandHref}}">{{expandLabel}}</a></td><td>{{{stateBadges}}}</td><td>{{group}}</td><td>{{jobType}}</td><td><time datetime="{{startISO}}">{{start}}</time></td><td class="num">{{duration}}</td><td>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}</tr>{{/isGroup}}
        {{^isGroup}}<tr class="{{rowClass}}"><td><a href="{{href}}">{{name}}</a></td><td><span class="state state-{{state}}">{{state}}</span></td><td>{{#hasGroup}}<a href="{{groupHref}}">{{group}}</a>{{/hasGroup}}</td><td>{{jobType}}</td><td><time datetime="{{startISO}}">{{start}}</time></td><td class="num">{{duration}}</td><td>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</td>{{#cells}}<td class="num">{{.}}</td>{{/cells}}</tr>{{/isGroup}}
        {{/rows}}
        </tbody></table></div>
        {{^rows}}<p class="empty">No runs match.</p>{{/rows}}
        """
}
