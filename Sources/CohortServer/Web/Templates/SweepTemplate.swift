/// The runs of a sweep with their parameters and the target metric.
enum SweepTemplate {
    static let text = """
        <h1>{{sweep}} <span class="muted">sweep</span></h1>
        <form method="get" class="filters" aria-label="Target metric">
        <label>Target metric <select name="metric">{{#metricChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/metricChoices}}</select></label>
        <label class="check"><input type="checkbox" name="goal" value="max"{{#maximize}} checked{{/maximize}}> Higher is better</label>
        <button type="submit">Apply</button>
        </form>
        <p class="muted">{{runCount}} runs{{#hasBest}} · best: <a href="{{bestHref}}">{{bestName}}</a> ({{bestValue}}){{/hasBest}}</p>
        <div class="scroll"><table class="list"><thead><tr><th scope="col">Run</th><th scope="col">State</th>{{#parameters}}<th scope="col">{{.}}</th>{{/parameters}}<th scope="col" class="num">{{metric}}</th></tr></thead><tbody>
        {{#runs}}<tr{{#best}} class="current"{{/best}}><td><a href="{{href}}">{{name}}</a></td><td><span class="state state-{{state}}">{{state}}</span></td>{{#values}}<td>{{.}}</td>{{/values}}<td class="num">{{target}}</td></tr>{{/runs}}
        </tbody></table></div>
        {{^runs}}<p class="empty">No runs in this sweep.</p>{{/runs}}
        """
}
