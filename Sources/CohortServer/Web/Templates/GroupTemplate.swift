/// A group: every rank's curve per metric over the aggregate's mean and min–max band, the rank
/// table and the group summary.
enum GroupTemplate {
    static let text = """
        <h1>{{group}} <span class="muted">group</span></h1>
        <dl class="facts">
        <dt>Runs</dt><dd>{{runCount}}</dd>
        {{#hasAggregate}}<dt>Aggregate run</dt><dd><a href="{{aggregateHref}}">{{aggregateName}}</a></dd>{{/hasAggregate}}
        {{#hasGroupState}}<dt>Group state</dt><dd><span class="state state-{{groupState}}">{{groupState}}</span></dd>{{/hasGroupState}}
        </dl>
        <section><h2>Ranks</h2>
        <div class="scroll"><table class="list">
        <thead><tr><th scope="col">Rank</th><th scope="col">Run</th><th scope="col">State</th><th scope="col">Health</th><th scope="col" class="num">Last step</th><th scope="col" class="num">Lag (steps)</th><th scope="col" class="num">Step time</th><th scope="col" class="num">Exit code</th></tr></thead>
        <tbody>{{#ranks}}<tr><td>{{rank}}</td><td><a href="{{href}}">{{name}}</a></td><td><span class="state state-{{state}}">{{state}}</span></td><td><span class="health health-{{health}}">{{health}}</span></td><td class="num">{{lastStep}}</td><td class="num">{{lag}}</td><td class="num">{{stepTime}}</td><td class="num">{{exitCode}}</td></tr>{{/ranks}}</tbody>
        </table></div>
        </section>
        <section><h2>Metrics</h2>
        <form method="get" class="chart-controls" aria-label="Chart options">
        <label>Smoothing <input type="range" name="smooth" min="0" max="0.99" step="0.01" value="{{smoothing}}" data-smoothing></label>
        <label class="check"><input type="checkbox" name="scale" value="log"{{#logScale}} checked{{/logScale}}> Log scale</label>
        <button type="submit">Apply</button>
        </form>
        {{^charts}}<p class="empty">No metrics logged by the ranks yet.</p>{{/charts}}
        <div class="charts">{{#charts}}<div class="chart">{{{svg}}}</div>{{/charts}}</div>
        </section>
        {{#hasSummary}}<section><h2>Group summary</h2>
        <div class="scroll"><table class="list"><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Min</th><th scope="col" class="num">Max</th><th scope="col" class="num">Std</th><th scope="col" class="num">Ranks</th></tr></thead>
        <tbody>{{#summary}}<tr><th scope="row">{{metric}}</th><td class="num">{{mean}}</td><td class="num">{{min}}</td><td class="num">{{max}}</td><td class="num">{{std}}</td><td class="num">{{count}}</td></tr>{{/summary}}</tbody></table></div>
        </section>{{/hasSummary}}
        """
}
