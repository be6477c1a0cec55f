#!/usr/bin/env python3
"""Server ingestion benchmark: `cohort server` file_stream vs the MLflow tracking server's log-batch.

Starts each server on a free loopback port with a fresh data directory, creates N runs, and has N
threads (one per run, each with its own keep-alive HTTP connection, like one training process each)
send the same metric values:

* cohort: POST /files/{entity}/{project}/{run}/file_stream with 100 history lines per request, as the
  official wandb client batches them (`{"files": {"wandb-history.jsonl": {"offset": n, "content": [...]}}}`).
* MLflow: POST /api/2.0/mlflow/runs/log-batch (what `MlflowClient.log_batch` sends) with the same 100
  steps per request: 100 steps x METRICS metrics (MLflow's limit is 1000 metrics per batch).

Request bodies are encoded before the clock starts; the threads only send and read. Afterwards the
stored rows are counted (cohort: history_lines in SQLite or the historyLineCount GraphQL field;
MLflow: metric history through its REST API) so that a fast server that dropped data would show.

Standard library only (http.client + threads). Prints one JSON object; see BENCHMARKS.md
"Server ingestion" for the commands.
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

METRICS = ["loss", "acc", "lr"]
BATCH = 100


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port, path, timeout=120.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def metric_values(run, step):
    """The values both servers receive for `step` of run number `run`."""
    return {"loss": 1.0 / (step + 1) + run * 1e-3, "acc": (step % 1000) / 1000.0, "lr": 0.001 * (0.999 ** step)}


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


def drive(port, requests_per_run, headers):
    """One thread per run sends its (method, path, body) list over one keep-alive connection."""
    latencies = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(requests_per_run) + 1)

    def worker(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        local = []
        barrier.wait()
        for method, path, body in requests:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            local.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors.append(f"{response.status} {data[:200]!r}")
                break
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker, args=(requests,)) for requests in requests_per_run]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sorted(latencies), errors


def summarize(name, runs, lines_per_run, wall, latencies, errors, stored):
    lines = runs * lines_per_run
    return {
        "server": name,
        "runs": runs,
        "history_lines": lines,
        "metrics": lines * len(METRICS),
        "requests": len(latencies),
        "seconds": round(wall, 3),
        "lines_per_s": round(lines / wall, 1),
        "metrics_per_s": round(lines * len(METRICS) / wall, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
        "errors": errors[:3],
        "stored_lines": stored,
        "complete": stored == lines and not errors,
    }


# --- cohort ---------------------------------------------------------------------------------------

UPSERT = """mutation UpsertBucket($name: String, $project: String, $entity: String, $config: JSONString) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, config: $config}) { bucket { id name } inserted }
}"""
RESUME = """query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) { bucket(name: $name) { historyLineCount } }
}"""


def empty_database(url):
    """Empties the public schema of the PostgreSQL database at `url` (psql), so a measurement starts
    from empty tables like a fresh SQLite file does. Destroys everything in that schema."""
    subprocess.run(
        ["psql", "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--dbname", url,
         "--command", "DROP SCHEMA IF EXISTS public CASCADE", "--command", "CREATE SCHEMA public"],
        check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))


def cohort_bench(args, runs, lines_per_run):
    if args.database and args.fresh_database:
        empty_database(args.database)
    data = tempfile.mkdtemp(prefix="cohort-server-bench-")
    port = free_port()
    key = "cohort-bench-" + "b3nch" * 8
    command = [args.cohort, "server", "--port", str(port), "--data", data]
    if args.database:
        command += ["--database", args.database]
    env = dict(os.environ, COHORT_ADMIN_KEY=key, COHORT_LOG_LEVEL="warning")
    log = open(data + ".log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(port, "/healthz")
        auth = "Basic " + base64.b64encode(f"api:{key}".encode()).decode()
        headers = {"Authorization": auth, "Content-Type": "application/json", "User-Agent": "server-bench"}
        # A project of its own per measurement: in a database kept between measurements, runs of an
        # earlier one would turn these requests into retries of lines already stored.
        project = f"bench-{runs}-{os.urandom(4).hex()}"
        names = [f"run{r:03d}" for r in range(runs)]

        def graphql(query, variables):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", "/graphql", body=json.dumps({"query": query, "variables": variables}), headers=headers)
            answer = json.loads(conn.getresponse().read())
            conn.close()
            if answer.get("errors"):
                raise RuntimeError(answer["errors"])
            return answer["data"]

        for name in names:
            graphql(UPSERT, {"name": name, "project": project, "entity": "admin", "config": "{}"})
        requests_per_run = []
        t0 = 1_700_000_000.0
        for r, name in enumerate(names):
            path = f"/files/admin/{project}/{name}/file_stream"
            requests = []
            for offset in range(0, lines_per_run, BATCH):
                content = []
                for step in range(offset, min(offset + BATCH, lines_per_run)):
                    row = {"_step": step, "_runtime": step * 0.01, "_timestamp": t0 + step * 0.01}
                    row.update(metric_values(r, step))
                    content.append(json.dumps(row, separators=(",", ":")))
                body = {"files": {"wandb-history.jsonl": {"offset": offset, "content": content}}, "dropped": 0}
                requests.append(("POST", path, json.dumps(body).encode()))
            requests_per_run.append(requests)
        wall, latencies, errors = drive(port, requests_per_run, headers)
        stored = sum(
            graphql(RESUME, {"project": project, "entity": "admin", "name": name})["model"]["bucket"]["historyLineCount"]
            for name in names
        )
        return summarize("cohort", runs, lines_per_run, wall, latencies, errors, stored)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)


# --- MLflow ---------------------------------------------------------------------------------------


def mlflow_bench(args, runs, lines_per_run):
    data = tempfile.mkdtemp(prefix="mlflow-server-bench-")
    port = free_port()
    command = [
        args.mlflow, "server", "--host", "127.0.0.1", "--port", str(port),
        "--backend-store-uri", f"sqlite:///{data}/mlflow.db", "--default-artifact-root", f"{data}/artifacts",
    ]
    if args.mlflow_workers:
        command += ["--workers", str(args.mlflow_workers)]
    log = open(data + ".log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(port, "/health", timeout=180)
        # /health answers once the first worker is up; wait for all of them (uvicorn prints one
        # "Application startup complete" per worker) so that none starts during the measurement.
        workers = args.mlflow_workers or 4
        deadline = time.time() + 180
        while time.time() < deadline:
            with open(data + ".log") as handle:
                if handle.read().count("Application startup complete") >= workers:
                    break
            time.sleep(0.5)
        time.sleep(2)
        headers = {"Content-Type": "application/json"}

        def call(method, path, body=None):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            answer = json.loads(response.read() or b"{}")
            conn.close()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status} {answer}")
            return answer

        experiment = call("POST", "/api/2.0/mlflow/experiments/create", {"name": f"bench-{runs}"})["experiment_id"]
        run_ids = [
            call("POST", "/api/2.0/mlflow/runs/create", {"experiment_id": experiment, "run_name": f"run{r:03d}", "start_time": 0})["run"]["info"]["run_id"]
            for r in range(runs)
        ]
        requests_per_run = []
        t0 = 1_700_000_000_000
        for r, run_id in enumerate(run_ids):
            requests = []
            for offset in range(0, lines_per_run, BATCH):
                metrics = []
                for step in range(offset, min(offset + BATCH, lines_per_run)):
                    for name, value in metric_values(r, step).items():
                        metrics.append({"key": name, "value": value, "timestamp": t0 + step * 10, "step": step})
                body = {"run_id": run_id, "metrics": metrics}
                requests.append(("POST", "/api/2.0/mlflow/runs/log-batch", json.dumps(body).encode()))
            requests_per_run.append(requests)
        wall, latencies, errors = drive(port, requests_per_run, headers)
        stored = 0
        for run_id in run_ids:
            answer = call("GET", f"/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=loss&max_results=1000000")
            stored += len(answer.get("metrics", []))
        return summarize("mlflow", runs, lines_per_run, wall, latencies, errors, stored)
    finally:
        try:
            os.killpg(server.pid, 15)
        except ProcessLookupError:
            pass
        server.wait(timeout=60)
        log.close()
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def record_report(path, database, report):
    """Stores `report` in the JSON object at `path` under `database`, keeping the other entries."""
    reports = {}
    if os.path.exists(path):
        with open(path) as f:
            reports = json.load(f)
        if "database" in reports:  # the older one-report layout
            reports = {reports["database"]: reports}
    reports[database] = report
    with open(path, "w") as f:
        json.dump(reports, f, indent=2)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cohort", default=".build-bench/release/cohort", help="the cohort binary (release build)")
    parser.add_argument("--database", default=None, help="postgres://… to pass to cohort server --database (default: SQLite)")
    parser.add_argument("--fresh-database", action="store_true",
                        help="with --database: empty its public schema (psql) before each cohort measurement; DESTROYS its data")
    parser.add_argument("--mlflow", default="/opt/mlflow-venv/bin/mlflow", help="the mlflow CLI; '' to skip MLflow")
    parser.add_argument("--mlflow-workers", type=int, default=None, help="mlflow server --workers (default: MLflow's, 4)")
    parser.add_argument("--runs", default="1,16", help="concurrent runs to measure, comma-separated")
    parser.add_argument("--lines", type=int, default=20000, help="history lines per run for 1 run")
    parser.add_argument("--total-lines", type=int, default=64000, help="history lines in total when runs > 1 (split evenly)")
    parser.add_argument("--mlflow-scale", type=float, default=0.25, help="MLflow gets this fraction of the lines (it is slow)")
    parser.add_argument("--repeat", type=int, default=1, help="repetitions of each measurement (the best is kept)")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--output", default=None,
                        help="also record the report in this JSON file, under its database (sqlite or postgresql), "
                             "keeping the other database's report")
    args = parser.parse_args()

    results = []
    for runs in [int(n) for n in args.runs.split(",")]:
        lines = args.lines if runs == 1 else max(BATCH, args.total_lines // runs // BATCH * BATCH)
        servers = [("cohort", cohort_bench, lines)]
        if args.mlflow:
            servers.append(("mlflow", mlflow_bench, max(BATCH, int(lines * args.mlflow_scale) // BATCH * BATCH)))
        for name, bench, count in servers:
            best = None
            for _ in range(args.repeat):
                result = bench(args, runs, count)
                print(json.dumps(result), file=sys.stderr, flush=True)
                if best is None or result["metrics_per_s"] > best["metrics_per_s"]:
                    best = result
            results.append(best)
    ratios = {}
    for runs in {r["runs"] for r in results}:
        by = {r["server"]: r for r in results if r["runs"] == runs}
        if "cohort" in by and "mlflow" in by:
            ratios[f"{runs}_runs"] = round(by["cohort"]["metrics_per_s"] / by["mlflow"]["metrics_per_s"], 1)
    database = "postgresql" if args.database else "sqlite"
    report = {
        "database": database,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "batch_lines": BATCH,
        "metrics_per_line": len(METRICS),
        "results": results,
        "cohort_over_mlflow_metrics_per_s": ratios,
    }
    print(json.dumps(report, indent=2))
    if args.output:
        record_report(args.output, database, report)
    return 0 if all(r["complete"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
