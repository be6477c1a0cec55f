#!/usr/bin/env python3
"""Artifact transfer benchmark: a 1 GiB file as an artifact, up and down, three clients, one server.

For every repetition and client a fresh `cohort server` (release build, SQLite, its own data
directory, so no client finds the bytes already stored) runs on loopback, and:

- curl (the practical limit): PUTs the file to a signed run-file upload URL of that server, then
  GETs it back from the artifact download route the clients use (`/artifactsV2/...`, Basic auth)
  after the Cohort client stored it; curl does no hashing and writes the download to /dev/null;
- cohort: `cohort artifact put FILE` (MD5 of the file, run start, CreateArtifact, the PUT, commit,
  finish) and `cohort artifact get NAME:latest --root DIR` with an empty cache (download, MD5 check,
  copy into DIR);
- cohort multipart: the same put with COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES=100 MiB (parallel
  100 MiB parts);
- wandb (0.31, in its virtualenv): `wandb.init`, `Artifact.add_file`, `log_artifact(...).wait()`,
  `finish()`, timed inside the script (interpreter start-up and `import wandb` excluded), and
  `wandb.Api().artifact(NAME:latest).download(root)` with an empty cache, timed the same way.

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
start = time.perf_counter()
run = wandb.init(project="artifact-bench", job_type="upload")
artifact = wandb.Artifact("big", type="dataset")
artifact.add_file(path)
run.log_artifact(artifact).wait()
run.finish()
print(json.dumps({"seconds": time.perf_counter() - start}))
'''

WANDB_DOWNLOAD = r'''
import json, sys, time
import wandb
start = time.perf_counter()
api = wandb.Api(timeout=120)
artifact = api.artifact(sys.argv[1])
directory = artifact.download(root=sys.argv[2])
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
        up, _ = timed(["curl", "-sS", "--fail", "-o", "/dev/null", "-T", path, upload_url])
        # The same bytes as an artifact, stored by cohort (not timed here), for curl's download.
        env = client_env(server, work)
        timed([args.cohort, "artifact", "put", path, "--name", "big", "--type", "dataset"], env=env, cwd=work)
        _, out = timed([args.python, "-c", WANDB_FILE_URL, "big:latest", os.path.basename(path)], env=env, cwd=work)
        url = json.loads(out.strip().splitlines()[-1])["url"]
        down, _ = timed(["curl", "-sS", "--fail", "-o", "/dev/null", "-u", "api:" + KEY, url])
        return up, down
    finally:
        server.stop()


def cohort_round(args, work, path, multipart):
    server = Server(args.cohort, os.path.join(work, "server-cohort"))
    try:
        env = client_env(server, work)
        if multipart:
            env["COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES"] = str(100 << 20)
        up, _ = timed([args.cohort, "artifact", "put", path, "--name", "big", "--type", "dataset"], env=env, cwd=work)
        if multipart:
            return up, None
        root = os.path.join(work, "cohort-download")
        down, _ = timed([args.cohort, "artifact", "get", "big:latest", "--root", root], env=env, cwd=work)
        same = os.path.getsize(os.path.join(root, os.path.basename(path))) == os.path.getsize(path)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(env["COHORT_CACHE_DIR"], ignore_errors=True)
        if not same:
            raise RuntimeError("cohort artifact get wrote a file of the wrong size")
        return up, down
    finally:
        server.stop()


def wandb_round(args, work, path):
    server = Server(args.cohort, os.path.join(work, "server-wandb"))
    try:
        env = client_env(server, work)
        _, out = timed([args.python, "-c", WANDB_UPLOAD, path], env=env, cwd=work)
        up = json.loads(out.strip().splitlines()[-1])["seconds"]
        root = os.path.join(work, "wandb-download")
        _, out = timed([args.python, "-c", WANDB_DOWNLOAD, "big:latest", root], env=env, cwd=work)
        down = json.loads(out.strip().splitlines()[-1])["seconds"]
        same = os.path.getsize(os.path.join(root, os.path.basename(path))) == os.path.getsize(path)
        for name in ("wandb-download", "wandb-cache", "wandb-data", "wandb-artifacts", "wandb"):
            shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        if not same:
            raise RuntimeError("wandb downloaded a file of the wrong size")
        return up, down
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cohort", required=True)
    parser.add_argument("--python", default=os.path.join(os.environ.get("COHORT_WANDB_VENV", "/opt/wandb-venv"), "bin", "python"))
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.cohort = os.path.abspath(args.cohort)

    work = tempfile.mkdtemp(prefix="cohort-artifact-bench-")
    path = os.path.join(work, "big.bin")
    with open(path, "wb") as out:
        for _ in range(args.mib):
            out.write(os.urandom(1 << 20))
    samples = {"curl_up": [], "curl_down": [], "cohort_up": [], "cohort_down": [], "cohort_multipart_up": [],
               "wandb_up": [], "wandb_down": []}
    try:
        for _ in range(args.repeat):
            up, down = curl_round(args, work, path)
            samples["curl_up"].append(up)
            samples["curl_down"].append(down)
            up, down = cohort_round(args, work, path, multipart=False)
            samples["cohort_up"].append(up)
            samples["cohort_down"].append(down)
            up, _ = cohort_round(args, work, path, multipart=True)
            samples["cohort_multipart_up"].append(up)
            up, down = wandb_round(args, work, path)
            samples["wandb_up"].append(up)
            samples["wandb_down"].append(down)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best = {name: min(values) for name, values in samples.items()}
    rate = {name: args.mib / seconds for name, seconds in best.items()}
    load = os.getloadavg()[0]
    print(json.dumps({
        "benchmark": "artifact-transfer", "mib": args.mib, "repeat": args.repeat, "load_average_1m": round(load, 2),
        "seconds": {name: [round(value, 3) for value in values] for name, values in samples.items()},
        "mib_per_s": {name: round(value, 1) for name, value in rate.items()},
        "ratios": {
            "cohort_up_vs_curl": round(rate["cohort_up"] / rate["curl_up"], 3),
            "cohort_multipart_up_vs_curl": round(rate["cohort_multipart_up"] / rate["curl_up"], 3),
            "cohort_down_vs_curl": round(rate["cohort_down"] / rate["curl_down"], 3),
            "cohort_up_vs_wandb": round(rate["cohort_up"] / rate["wandb_up"], 3),
            "cohort_down_vs_wandb": round(rate["cohort_down"] / rate["wandb_down"], 3),
        },
    }, indent=2))


if __name__ == "__main__":
    main()
