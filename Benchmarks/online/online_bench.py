#!/usr/bin/env python3
"""Online streaming benchmark: Cohort's Swift client vs the official wandb client, same server.

Starts `cohort server` (release build) on a free loopback port, then alternately runs
`CohortBench online` and the official `wandb` client (in its virtualenv) logging the same rows of 3
scalars online to it; each side's figure is rows divided by the time from the first log() until
finish() returned (the server has acknowledged every row). Afterwards each run's stored history line
count is read back through GraphQL, so a fast client that lost rows would show.

Prints one JSON object; BENCHMARKS.md "Online streaming" shows the table.
"""
import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PYTHON_SIDE = r'''
import json, sys, time, wandb
rows = int(sys.argv[1])
run = wandb.init(project="online-bench")
start = time.perf_counter()
for step in range(rows):
    run.log({"loss": 1.0 / (step + 1), "acc": (step % 1000) / 1000, "lr": 0.001 * 0.999 ** (step % 5000)})
logged = time.perf_counter()
run.finish()
done = time.perf_counter()
print(json.dumps({"rows": rows, "seconds": done - start, "rows_per_s": rows / (done - start),
                  "log_seconds": logged - start, "url": run.url}))
'''


def start_server(cohort, data):
    log = open(data + ".log", "w")
    server = subprocess.Popen([cohort, "server", "--port", "0", "--data", data], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "COHORT_ADMIN_KEY": "bench-" + "0123456789abcdef" * 3})
    deadline = time.time() + 120
    while time.time() < deadline:
        text = open(data + ".log").read()
        if "listening on http://" in text:
            url = "http://" + text.split("listening on http://")[1].split()[0]
            return server, url, "bench-" + "0123456789abcdef" * 3
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("cohort server did not start")


def history_lines(url, key, path):
    entity, project, run = path.split("/")
    query = 'query { project(name: "%s", entityName: "%s") { run(name: "%s") { historyLineCount } } }' % (project, entity, run)
    request = urllib.request.Request(url + "/graphql", data=json.dumps({"query": query}).encode(), headers={
        "Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(b"api:" + key.encode()).decode()})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["data"]["project"]["run"]["historyLineCount"]


def run_path(url):
    parts = url.rstrip("/").split("/")
    return "/".join([parts[-4], parts[-3], parts[-1]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", default=".build-bench/release/cohort")
    parser.add_argument("--bench", default=".build-bench/release/CohortBench")
    parser.add_argument("--venv", default=os.environ.get("COHORT_WANDB_VENV", "/opt/wandb-venv"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cohort-online-bench-")
    server, url, key = start_server(options.cohort, work + "/server")
    results = {"cohort": [], "wandb": []}
    try:
        for repetition in range(options.repeat):
            env = {**os.environ, "COHORT_BASE_URL": url, "COHORT_API_KEY": key}
            out = subprocess.run([options.bench, "online", "--dir", f"{work}/swift-{repetition}", "--rows", str(options.rows)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            swift = json.loads(out.strip().splitlines()[-1])["online"]
            swift["stored_rows"] = history_lines(url, key, run_path(swift["url"]))
            results["cohort"].append(swift)
            env = {**os.environ, "WANDB_BASE_URL": url, "WANDB_API_KEY": key, "WANDB_MODE": "online", "WANDB_SILENT": "true",
                   "WANDB_DIR": f"{work}/py-{repetition}", "WANDB_CONSOLE": "off", "HOME": work}
            os.makedirs(env["WANDB_DIR"], exist_ok=True)
            out = subprocess.run([options.venv + "/bin/python", "-c", PYTHON_SIDE, str(options.rows)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            python = json.loads(out.strip().splitlines()[-1])
            python["stored_rows"] = history_lines(url, key, run_path(python["url"]))
            results["wandb"].append(python)
            print(f"online_bench: repetition {repetition}: cohort {swift['rows_per_s']:.0f} rows/s, "
                  f"wandb {python['rows_per_s']:.0f} rows/s", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    median = {side: statistics.median(r["rows_per_s"] for r in runs) for side, runs in results.items()}
    print(json.dumps({"rows": options.rows, "repeat": options.repeat, "runs": results, "median_rows_per_s": median,
                      "ratio_cohort_over_wandb": median["cohort"] / median["wandb"],
                      "loadavg": open("/proc/loadavg").read().strip()}, indent=2))


main()
