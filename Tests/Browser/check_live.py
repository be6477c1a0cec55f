"""Checks that run pages refresh themselves while the run is running, in headless Chromium
(Debian's /usr/bin/chromium through Playwright), and that finished runs' pages do not poll.

  check_live.py BASE_URL API_KEY OUT_DIR PAGES_JSON

PAGES_JSON is populate.py's page map; its "run" page (a finished run) names the entity and project.
The script makes a run of its own through the wandb API (GraphQL UpsertBucket, then file_stream,
as the wandb client does), opens its page, logs more history rows through file_stream and expects
the open page, never reloaded, to show them: the history row count, the summary value and the
chart's last step; but not while a form control on the page has focus. Then it finishes the run and
expects the page to say so and stop polling.

The page's timers run on Playwright's fake clock (`clock.install`), so the 15-second refresh is
fast-forwarded rather than waited for; fetches and the server are real. A wrapped `window.fetch`
counts the refreshes. Waits for the page to change are bounded (WAIT_SECONDS).

Prints one JSON line {"ok": bool, "failures": [...], "checked": [...]} and exits 1 on failure.
"""
import base64
import json
import os
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

base, key, out, pages = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
os.makedirs(out, exist_ok=True)
failures, checked = [], []
WAIT_SECONDS = 20
REFRESH = "00:16"  # a little more than the pages' 15-second refresh (data-live="15")

entity, project = pages["run"].strip("/").split("/")[:2]
run_id = "live" + os.urandom(4).hex()
live_path = f"/{entity}/{project}/runs/{run_id}"
authorization = "Basic " + base64.b64encode(("api:" + key).encode()).decode()


def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": authorization})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def stream(first, last, complete=False):
    """Logs history rows [first, last) of live_metric = 2 × step, and the summary, like the wandb client."""
    rows = [json.dumps({"_step": step, "_runtime": step, "_timestamp": time.time(), "live_metric": 2 * step})
            for step in range(first, last)]
    body = {"files": {"wandb-history.jsonl": {"offset": first, "content": rows},
                      "wandb-summary.json": {"offset": 0, "content": [json.dumps({"live_metric": 2 * (last - 1)})]}}}
    if complete:
        body.update(complete=True, exitcode=0)
    post(f"/files/{entity}/{project}/{run_id}/file_stream", body)


upsert = post("/graphql", {
    "query": "mutation UpsertBucket($name: String, $project: String, $entity: String) {"
             " upsertBucket(input: {name: $name, modelName: $project, entityName: $entity}) { bucket { id name } } }",
    "variables": {"name": run_id, "project": project, "entity": entity}})
assert upsert["data"]["upsertBucket"]["bucket"]["name"] == run_id, upsert
stream(0, 5)

# Counts the page's own fetches (the refreshes) without changing what they do.
COUNT_FETCHES = """(() => {
  let count = 0;
  const original = window.fetch;
  window.fetch = function () { count += 1; return original.apply(this, arguments); };
  Object.defineProperty(window, "cohortFetches", { get: () => count });
})();"""

READ_PAGE = """() => {
  const after = (selector, text) => {
    const cell = [...document.querySelectorAll(selector)].find(element => element.textContent.trim() === text);
    return cell && cell.nextElementSibling ? cell.nextElementSibling.textContent.trim() : null;
  };
  const data = document.querySelector('script[id^="chart-"][id$="-live-metric-data"]');
  const xs = data ? JSON.parse(data.textContent).series.flatMap(line => line.x).filter(x => x !== null) : [];
  const paths = [...document.querySelectorAll('figure.cohort-chart svg')].map(svg => svg.querySelectorAll('path').length);
  return {rows: after('dl.facts dt', 'History rows'), summary: after('table.kv th', 'live_metric'),
          lastStep: xs.length ? Math.max(...xs) : null, state: (document.querySelector('h1 .state') || {}).textContent,
          live: document.body.getAttribute('data-live'), fetches: window.cohortFetches,
          emptyCharts: paths.filter(count => count === 0).length};
}"""


def wait_for(page, label, predicate):
    """Reads the page until `predicate` holds, for at most WAIT_SECONDS; records a failure if not."""
    deadline = time.monotonic() + WAIT_SECONDS
    facts = page.evaluate(READ_PAGE)
    while not predicate(facts) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        facts = page.evaluate(READ_PAGE)
    if not predicate(facts):
        failures.append(f"{label}: not shown within {WAIT_SECONDS} s; the page shows {facts}")
    checked.append({"check": label, **facts})
    return facts


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("COHORT_CHROMIUM", "/usr/bin/chromium"),
                                         args=["--no-sandbox", "--disable-gpu"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_FETCHES)
    page = context.new_page()
    page.clock.install()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 400 else None)
    page.goto(base + "/login")
    page.fill("#key", key)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors.clear()  # as check_pages.py: only the checked pages' errors count

    # A running run's page picks up new rows by itself.
    page.goto(base + live_path, wait_until="networkidle")
    before = wait_for(page, "running run before", lambda f: f["rows"] == "5" and f["live"] and f["lastStep"] == 4)
    stream(5, 12)
    page.clock.fast_forward(REFRESH)
    after = wait_for(page, "running run refreshed", lambda f: f["rows"] == "12" and f["summary"] == "22" and f["lastStep"] == 11)
    if after["fetches"] < 1:
        failures.append(f"running run refreshed: the page made no fetch ({after})")
    if after["emptyCharts"]:
        failures.append(f"running run refreshed: {after['emptyCharts']} charts without a path after the refresh")
    page.screenshot(path=os.path.join(out, "live-running.png"), full_page=True)

    # While the reader has a control focused (here the x-axis menu) the page is left alone.
    page.focus('select[name="x"]')
    focused = page.evaluate(READ_PAGE)  # a refresh that was already under way may have counted
    stream(12, 14)
    page.clock.fast_forward(REFRESH)
    busy = page.evaluate(READ_PAGE)
    if busy["fetches"] != focused["fetches"] or busy["rows"] != "12":
        failures.append(f"control focused: the page refreshed under the reader ({focused} → {busy})")
    page.evaluate("document.activeElement.blur()")

    # Once finished, the next refresh shows it and the polling stops.
    stream(14, 15, complete=True)
    page.clock.fast_forward(REFRESH)
    ended = wait_for(page, "run finished while open", lambda f: f["state"] == "finished" and f["rows"] == "15")
    page.clock.fast_forward("02:00")
    page.wait_for_load_state("networkidle")
    stopped = page.evaluate(READ_PAGE)
    if stopped["fetches"] != ended["fetches"]:
        failures.append(f"run finished while open: the page kept polling ({ended['fetches']} → {stopped['fetches']} fetches)")

    # A finished run's page never polls.
    page.goto(base + pages["run"], wait_until="networkidle")
    page.clock.fast_forward("02:00")
    page.wait_for_load_state("networkidle")
    finished = page.evaluate(READ_PAGE)
    checked.append({"check": "finished run", **finished})
    if finished["live"] is not None or finished["fetches"] != 0:
        failures.append(f"finished run: the page polls (data-live {finished['live']!r}, {finished['fetches']} fetches)")
    if errors:
        failures.append(f"console errors {errors}")
    context.close()
    browser.close()

print(json.dumps({"ok": not failures, "failures": failures, "checked": checked}))
sys.exit(1 if failures else 0)
