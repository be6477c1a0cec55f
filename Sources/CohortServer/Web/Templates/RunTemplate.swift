/// A run: its facts, charts, media, tables, files, artifacts, alerts and console.
enum RunTemplate {
    static let text = """
        <h1>{{name}} <span class="state state-{{state}}">{{state}}</span></h1>
        <dl class="facts">
        <dt>Run id</dt><dd><code>{{id}}</code></dd>
        {{#hasGroup}}<dt>Group</dt><dd><a href="{{groupHref}}">{{group}}</a></dd>{{/hasGroup}}
        {{#hasJobType}}<dt>Job type</dt><dd>{{jobType}}</dd>{{/hasJobType}}
        {{#hasSweep}}<dt>Sweep</dt><dd><a href="{{sweepHref}}">{{sweep}}</a></dd>{{/hasSweep}}
        <dt>Started</dt><dd><time datetime="{{startISO}}">{{start}}</time></dd>
        <dt>Duration</dt><dd>{{duration}}</dd>
        {{#hasExitCode}}<dt>Exit code</dt><dd>{{exitCode}}</dd>{{/hasExitCode}}
        <dt>History rows</dt><dd>{{historyRows}}</dd>
        {{#hasTags}}<dt>Tags</dt><dd>{{#tags}}<span class="tag">{{.}}</span> {{/tags}}</dd>{{/hasTags}}
        {{#metadata}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/metadata}}
        </dl>
        {{#hasNotes}}<section><h2>Notes</h2><p class="notes">{{notes}}</p></section>{{/hasNotes}}
        {{#hasAlerts}}<section><h2>Alerts</h2><ul class="alerts">{{#alerts}}<li class="alert alert-{{severity}}"><strong>{{title}}</strong> <span class="muted">{{severity}} · <time datetime="{{atISO}}">{{at}}</time></span><br>{{text}}</li>{{/alerts}}</ul></section>{{/hasAlerts}}
        <section aria-labelledby="charts-h"><h2 id="charts-h">Charts</h2>
        <form method="get" class="chart-controls" aria-label="Chart options">{{#mediaHidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/mediaHidden}}
        <label>X axis <select name="x">{{#xChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/xChoices}}</select></label>
        <label>Smoothing <input type="range" name="smooth" min="0" max="0.99" step="0.01" value="{{smoothing}}" data-smoothing></label>
        <label class="check"><input type="checkbox" name="scale" value="log"{{#logScale}} checked{{/logScale}}> Log scale</label>
        <button type="submit">Apply</button>
        </form>
        {{^charts}}<p class="empty">No numeric metrics logged yet.</p>{{/charts}}
        <div class="charts">{{#charts}}<div class="chart">{{{svg}}}</div>{{/charts}}</div>
        </section>
        {{#hasHistograms}}<section><h2>Histograms</h2><div class="charts">{{#histograms}}<div class="chart">{{{svg}}}</div>{{/histograms}}</div></section>{{/hasHistograms}}
        {{#hasMedia}}<section aria-labelledby="media-h"><h2 id="media-h">Media</h2>
        {{#hasMasks}}{{{maskFilter}}}{{/hasMasks}}
        {{#media}}<div class="media-key" id="{{navigation.anchor}}"><h3>{{key}}</h3>
        {{#navigation}}{{#thinned}}<p class="muted small thinned">{{thinnedNote}}</p>{{/thinned}}
        {{#paged}}<nav class="media-pages" aria-label="Steps of {{key}}"><span class="muted">{{range}} shown · {{kept}} steps kept</span>
        {{#hasNewer}}<a href="{{newestHref}}">Newest</a> <a href="{{newerHref}}" rel="prev">Newer</a>{{/hasNewer}}
        {{#hasOlder}}<a href="{{olderHref}}" rel="next">Older</a>{{/hasOlder}}
        <form method="get" action="#{{anchor}}" class="media-step">{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}<label class="check">Up to <select name="until">{{#choices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/choices}}</select></label> <button type="submit">Show</button></form>
        </nav>{{/paged}}{{/navigation}}
        <div class="media-row">
        {{#items}}<figure class="media"><figcaption>step {{step}}{{#hasCaption}} · {{caption}}{{/hasCaption}}</figcaption>
        {{#isImage}}<div class="img-wrap"><img src="{{src}}" alt="{{key}} at step {{step}}" loading="lazy"{{#hasSize}} width="{{width}}" height="{{height}}"{{/hasSize}}>{{#hasOverlay}}{{{overlay}}}{{/hasOverlay}}{{#masks}}<img class="mask" src="{{src}}" alt="mask {{name}}" style="filter:url(#{{filter}})">{{/masks}}</div>
        {{#masks}}{{#hasClasses}}<ul class="mask-legend" aria-label="Classes of mask {{name}}"><li class="muted">{{name}}:</li>{{#classes}}<li><span class="swatch{{#isBackground}} swatch-none{{/isBackground}}"{{^isBackground}} style="background:{{color}}"{{/isBackground}}></span>{{id}} {{name}}{{#isBackground}} <span class="muted">(transparent)</span>{{/isBackground}}</li>{{/classes}}{{#hasMoreClasses}}<li class="muted">and {{moreClasses}} more</li>{{/hasMoreClasses}}</ul>{{/hasClasses}}{{/masks}}{{/isImage}}
        {{#isAudio}}<audio controls preload="none" src="{{src}}" aria-label="{{key}} at step {{step}}"></audio>{{/isAudio}}
        {{#isVideo}}{{#isGIF}}<img src="{{src}}" alt="{{key}} at step {{step}}" loading="lazy">{{/isGIF}}{{^isGIF}}<video controls preload="none" src="{{src}}" aria-label="{{key}} at step {{step}}"></video>{{/isGIF}}{{/isVideo}}
        {{#isTable}}{{{tableHTML}}}{{/isTable}}
        {{#isDownload}}<a href="{{src}}" download>{{fileName}}</a> <span class="muted">{{kind}}</span>{{/isDownload}}
        </figure>{{/items}}
        </div></div>{{/media}}
        </section>{{/hasMedia}}
        <section class="cols">
        <div><h2>Config</h2>{{^config}}<p class="empty">No config.</p>{{/config}}{{#hasConfig}}<table class="kv">{{#config}}<tr><th scope="row">{{key}}</th><td>{{value}}</td></tr>{{/config}}</table>{{/hasConfig}}</div>
        <div><h2>Summary</h2>{{^summary}}<p class="empty">No summary.</p>{{/summary}}{{#hasSummary}}<table class="kv">{{#summary}}<tr><th scope="row">{{key}}</th><td>{{value}}</td></tr>{{/summary}}</table>{{/hasSummary}}</div>
        </section>
        <section><h2>Files</h2>{{^files}}<p class="empty">No files.</p>{{/files}}{{#hasFiles}}<div class="scroll"><table class="list"><thead><tr><th scope="col">Name</th><th scope="col" class="num">Size</th></tr></thead><tbody>
        {{#files}}<tr><td>{{#stored}}<a href="{{href}}" download>{{name}}</a>{{/stored}}{{^stored}}{{name}} <span class="muted">(not uploaded)</span>{{/stored}}</td><td class="num">{{size}}</td></tr>{{/files}}
        </tbody></table></div>{{/hasFiles}}</section>
        <section class="cols">
        <div><h2>Artifacts logged</h2>{{^logged}}<p class="empty">None.</p>{{/logged}}<ul>{{#logged}}<li><a href="{{href}}">{{label}}</a> <span class="muted">{{type}}</span></li>{{/logged}}</ul></div>
        <div><h2>Artifacts used</h2>{{^used}}<p class="empty">None.</p>{{/used}}<ul>{{#used}}<li><a href="{{href}}">{{label}}</a> <span class="muted">{{type}}</span></li>{{/used}}</ul></div>
        </section>
        <section><h2>Console</h2>{{^hasConsole}}<p class="empty">No console output.</p>{{/hasConsole}}{{#hasConsole}}{{#consoleTruncated}}<p class="muted">The last {{consoleShown}} of {{consoleTotal}} lines.</p>{{/consoleTruncated}}<pre class="console">{{console}}</pre>{{/hasConsole}}</section>
        """
}
