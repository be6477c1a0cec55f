#!/usr/bin/env python3
"""Artifact transfer benchmark: a 1 GiB file as an artifact, up and down, three clients, one server.

For every repetition and client a fresh `cohort server` (release build, SQLite, its own data
directory, so no client finds the bytes already stored) runs on loopback, and:

- curl (the practical limit): PUTs the file to a signed run-file upload URL of that server
  (`Expect:` off), then GETs it back into a file from the signed artifact-file URL the clients use,
  after the Cohort client stored it; curl does no hashing and keeps no cache;
- cohort: `CohortBench artifact` times `Artifact.addFile` (reading and hashing the file; W&B's
  protocol needs every MD5 before it hands out upload URLs) apart from the upload (`logArtifact`
  until `finish()` returned: CreateArtifact, CreateArtifactFiles, the PUT, manifest, commit); then
  `cohort artifact get NAME:latest --root DIR` with an empty cache (download hashed as it arrives,
  into the cache, copied into DIR) and with `--skip-cache` (straight into DIR); and, end to end,
  `cohort artifact put FILE` as a user runs it (process start, hashing, upload, finish);
- cohort multipart: the same `CohortBench artifact` with COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES =
  100 MiB (parallel 100 MiB parts, each hashed for its Content-MD5);
- wandb (0.31, in its virtualenv): `Artifact.add_file` apart from `log_artifact(...).wait()` (after
  `wandb.init`, untimed), and `wandb.Api().artifact(NAME:latest).download(root)` with an empty cache,
  with and without `skip_cache=True`, timed inside the script (interpreter start-up and
  `import wandb` excluded).

Each figure is MiB of the file divided by the wall time; the best of the repetitions is kept (the
machine is shared and noisy). Prints one JSON object; BENCHMARKS.md "Artifacts" has the table.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

KEY = "bench-" + "0123456789abcdef" * 3

WANDB_UPLOAD = r'''
import json, sys, time
import wandb
path = sys.argv[1]
run = wandb.init(project="artifact-bench", job_type="upload")
start = time.perf_counter()
artifact = wandb.Artifact("big", type="dataset")
artifact.add_file(path)
hashed = time.perf_counter()
run.log_artifact(artifact).wait()
uploaded = time.perf_counter()
run.finish()
print(json.dumps({"hash_seconds": hashed - start, "upload_seconds": uploaded - hashed}))
'''

WANDB_DOWNLOAD = r'''
import json, sys, time
import wandb
start = time.perf_counter()
api = wandb.Api(timeout=120)
artifact = api.artifact(sys.argv[1])
directory = artifact.download(root=sys.argv[2], skip_cache=sys.argv[3] == "skip")
print(json.dumps({"seconds": time.perf_counter() - start, "directory": directory}))
'''

WANDB_FILE_URL = r'''
import json, sys
import wandb
artifact = wandb.Api(timeout=120).artifact(sys.argv[1])
file = next(f for f in artifact.files() if f.name == sys.argv[2])
print(json.dumps({"url": file.direct_url}))
'''


class Server:
    """A release `cohort server` on a free loopback port with a fresh data directory."""

    def __init__(self, cohort, data):
        self.data = data
        self.log = open(data + ".log", "w")
        self.process = subprocess.Popen([cohort, "server", "--port", "0", "--data", data], stdout=self.log,
                                        stderr=subprocess.STDOUT, env={**os.environ, "COHORT_ADMIN_KEY": KEY})
        deadline = time.time() + 120
        while time.time() < deadline:
            text = open(data + ".log").read()
            if "listening on http://" in text:
                self.url = "http://" + text.split("listening on http://")[1].split()[0]
                return
            time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("cohort server did not start:\n" + open(data + ".log").read())

    def graphql(self, query):
        request = urllib.request.Request(self.url + "/graphql", data=json.dumps({"query": query}).encode(), headers={
            "Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(b"api:" + KEY.encode()).decode()})
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = json.load(answer)
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        shutil.rmtree(self.data, ignore_errors=True)


def timed(command, env=None, cwd=None):
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}\n{result.stdout[-2000:]}")
    return seconds, result.stdout


def client_env(server, work):
    env = {**os.environ, "WANDB_BASE_URL": server.url, "WANDB_API_KEY": KEY, "WANDB_SILENT": "true",
           "WANDB_DIR": work, "WANDB_CACHE_DIR": os.path.join(work, "wandb-cache"),
           "WANDB_DATA_DIR": os.path.join(work, "wandb-data"), "WANDB_ARTIFACT_DIR": os.path.join(work, "wandb-artifacts"),
           "WANDB_CONFIG_DIR": os.path.join(work, "wandb-config"), "COHORT_CACHE_DIR": os.path.join(work, "cohort-cache"),
           "COHORT_DIR": work, "WANDB_PROJECT": "artifact-bench"}
    env.pop("COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES", None)
    return env


def curl_round(args, work, path):
    """curl PUTs the file to a signed run-file URL; GETs an artifact's file back (stored by cohort)."""
    server = Server(args.cohort, os.path.join(work, "server-curl"))
    try:
        server.graphql('mutation { upsertBucket(input: {name: "curl-run", modelName: "artifact-bench"}) { bucket { id } } }')
        files = server.graphql('mutation { createRunFiles(input: {entityName: "admin", projectName: "artifact-bench", '
                               'runName: "curl-run", files: ["big.bin"]}) { files { uploadUrl } } }')
        upload_url = files["createRunFiles"]["files"][0]["uploadUrl"]
        # `Expect:` off: curl would otherwise wait up to 1 s for a `100 Continue` before sending.
        up, _ = timed(["curl", "-sS", "--fail", "-o", "/dev/null", "-H", "Expect:", "-T", path, upload_url])
        # The same bytes as an artifact, stored by cohort (not timed here), for curl's download.
        env = client_env(server, work)
        timed([args.cohort, "artifact", "put", path, "--name", "big", "--type", "dataset"], env=env, cwd=work)
        _, out = timed([args.python, "-c", WANDB_FILE_URL, "big:latest", os.path.basename(path)], env=env, cwd=work)
        url = json.loads(out.strip().splitlines()[-1])["url"]
        # Into a file, as every client's download must end on disk (no hashing, no cache).
        target = os.path.join(work, "curl-download.bin")
        down, _ = timed(["curl", "-sS", "--fail", "-o", target, "-u", "api:" + KEY, url])
        same = os.path.getsize(target) == os.path.getsize(path)
        os.remove(target)
        if not same:
            raise RuntimeError("curl downloaded a file of the wrong size")
        return up, down
    finally:
        server.stop()


def cohort_bench(args, env, work, path):
    _, out = timed([args.bench, "artifact", "--dir", os.path.join(work, "bench-runs"), "--file", path], env=env, cwd=work)
    report = json.loads(out.strip().splitlines()[-1])["artifact"]
    return report["hash_seconds"], report["upload_seconds"]


def cohort_get(args, env, work, path, skip_cache):
    root = os.path.join(work, "cohort-download")
    command = [args.cohort, "artifact", "get", "big:latest", "--root", root] + (["--skip-cache"] if skip_cache else [])
    seconds, _ = timed(command, env=env, cwd=work)
    same = os.path.getsize(os.path.join(root, os.path.basename(path))) == os.path.getsize(path)
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(env["COHORT_CACHE_DIR"], ignore_errors=True)
    if not same:
        raise RuntimeError("cohort artifact get wrote a file of the wrong size")
    return seconds


def cohort_round(args, work, path, multipart):
    """Returns hash and upload seconds, and (single part only) the two downloads and the CLI put."""
    server = Server(args.cohort, os.path.join(work, "server-cohort"))
    try:
        env = client_env(server, work)
        env.update({"COHORT_BASE_URL": server.url, "COHORT_API_KEY": KEY})
        if multipart:
            env["COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES"] = str(100 << 20)
        hashed, uploaded = cohort_bench(args, env, work, path)
        if multipart:
            return {"hash": hashed, "up": uploaded}
        down = cohort_get(args, env, work, path, skip_cache=False)
        down_direct = cohort_get(args, env, work, path, skip_cache=True)
    finally:
        server.stop()
    server = Server(args.cohort, os.path.join(work, "server-cohort-cli"))
    try:
        env = client_env(server, work)
        cli, _ = timed([args.cohort, "artifact", "put", path, "--name", "big", "--type", "dataset"], env=env, cwd=work)
    finally:
        server.stop()
    return {"hash": hashed, "up": uploaded, "down": down, "down_skip_cache": down_direct, "cli_put": cli}


def wandb_round(args, work, path):
    server = Server(args.cohort, os.path.join(work, "server-wandb"))
    try:
        env = client_env(server, work)
        _, out = timed([args.python, "-c", WANDB_UPLOAD, path], env=env, cwd=work)
        upload = json.loads(out.strip().splitlines()[-1])
        result = {"hash": upload["hash_seconds"], "up": upload["upload_seconds"]}
        # log_artifact put the file in wandb's cache: empty it, or the download would be a cache hit.
        for directory in ("wandb-cache", "wandb-data", "wandb-artifacts"):
            shutil.rmtree(os.path.join(work, directory), ignore_errors=True)
        for mode, name in (("cache", "down"), ("skip", "down_skip_cache")):
            root = os.path.join(work, "wandb-download")
            _, out = timed([args.python, "-c", WANDB_DOWNLOAD, "big:latest", root, mode], env=env, cwd=work)
            result[name] = json.loads(out.strip().splitlines()[-1])["seconds"]
            same = os.path.getsize(os.path.join(root, os.path.basename(path))) == os.path.getsize(path)
            for directory in ("wandb-download", "wandb-cache", "wandb-data", "wandb-artifacts"):
                shutil.rmtree(os.path.join(work, directory), ignore_errors=True)
            if not same:
                raise RuntimeError("wandb downloaded a file of the wrong size")
        return result
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cohort", required=True)
    parser.add_argument("--bench", required=True, help="the CohortBench executable")
    parser.add_argument("--python", default=os.path.join(os.environ.get("COHORT_WANDB_VENV", "/opt/wandb-venv"), "bin", "python"))
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.cohort = os.path.abspath(args.cohort)
    args.bench = os.path.abspath(args.bench)

    work = tempfile.mkdtemp(prefix="cohort-artifact-bench-")
    path = os.path.join(work, "big.bin")
    with open(path, "wb") as out:
        for _ in range(args.mib):
            out.write(os.urandom(1 << 20))
    samples = {}

    def add(prefix, values):
        for name, value in values.items():
            samples.setdefault(f"{prefix}_{name}", []).append(value)

    try:
        for _ in range(args.repeat):
            up, down = curl_round(args, work, path)
            add("curl", {"up": up, "down": down})
            add("cohort", cohort_round(args, work, path, multipart=False))
            add("cohort_multipart", cohort_round(args, work, path, multipart=True))
            add("wandb", wandb_round(args, work, path))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best = {name: min(values) for name, values in samples.items()}
    rate = {name: args.mib / seconds for name, seconds in best.items()}
    # End to end: hashing plus upload, best of the per-repetition sums.
    for client in ("cohort", "cohort_multipart", "wandb"):
        total = min(h + u for h, u in zip(samples[f"{client}_hash"], samples[f"{client}_up"]))
        rate[f"{client}_hash_and_up"] = args.mib / total

    def ratio(a, b):
        return round(rate[a] / rate[b], 3)

    print(json.dumps({
        "benchmark": "artifact-transfer", "mib": args.mib, "repeat": args.repeat, "load_average_1m": round(os.getloadavg()[0], 2),
        "seconds": {name: [round(value, 3) for value in values] for name, values in samples.items()},
        "mib_per_s": {name: round(value, 1) for name, value in sorted(rate.items())},
        "ratios": {
            "cohort_up_vs_curl": ratio("cohort_up", "curl_up"),
            "cohort_multipart_up_vs_curl": ratio("cohort_multipart_up", "curl_up"),
            "cohort_hash_and_up_vs_curl": ratio("cohort_hash_and_up", "curl_up"),
            "cohort_down_vs_curl": ratio("cohort_down", "curl_down"),
            "cohort_down_skip_cache_vs_curl": ratio("cohort_down_skip_cache", "curl_down"),
            "cohort_up_vs_wandb": ratio("cohort_up", "wandb_up"),
            "cohort_hash_and_up_vs_wandb": ratio("cohort_hash_and_up", "wandb_hash_and_up"),
            "cohort_down_vs_wandb": ratio("cohort_down", "wandb_down"),
            "cohort_down_skip_cache_vs_wandb": ratio("cohort_down_skip_cache", "wandb_down_skip_cache"),
        },
    }, indent=2))


if __name__ == "__main__":
    main()
