"""The official wandb client logs and uses artifacts on a Cohort server.

Run by CohortServerTests (WandbCompatTests.artifacts) with WANDB_BASE_URL, WANDB_API_KEY and
WANDB_DIR set. Two modes, each in its own process:

  artifacts.py log   logs "compat-ds" v0 (a.txt, sub/b.csv; alias "best") and v1 (a.txt changed)
  artifacts.py use   in a new run: use_artifact("compat-ds:best") and ("compat-ds:latest"),
                     download() both (cold cache) and report the files' bytes

Prints one JSON line with what the test should check.
"""
import json
import os
import sys

import wandb

mode = sys.argv[1]
base = os.environ["WANDB_DIR"]

if mode == "log":
    run = wandb.init(project="compat-art", job_type="produce")
    source = os.path.join(base, "ds")
    os.makedirs(os.path.join(source, "sub"), exist_ok=True)
    with open(os.path.join(source, "a.txt"), "w") as handle:
        handle.write("version zero\n")
    with open(os.path.join(source, "sub", "b.csv"), "w") as handle:
        handle.write("x,y\n1,2\n")
    first = wandb.Artifact("compat-ds", type="dataset", description="two files", metadata={"rows": 1})
    first.add_dir(source)
    run.log_artifact(first, aliases=["best"])
    first.wait()

    with open(os.path.join(source, "a.txt"), "w") as handle:
        handle.write("version one, changed\n")
    second = wandb.Artifact("compat-ds", type="dataset")
    second.add_dir(source)
    run.log_artifact(second)
    second.wait()

    report = {
        "run": run.id,
        "v0": {"id": first.id, "version": first.version, "aliases": sorted(first.aliases)},
        "v1": {"id": second.id, "version": second.version},
    }
    run.finish(exit_code=0)
    print(json.dumps(report))
elif mode == "use":
    run = wandb.init(project="compat-art", job_type="consume")
    report = {"run": run.id}
    for alias in ["best", "latest"]:
        artifact = run.use_artifact(f"compat-ds:{alias}")
        root = artifact.download(root=os.path.join(base, "download-" + alias))
        files = {}
        for directory, _, names in os.walk(root):
            for name in names:
                path = os.path.join(directory, name)
                with open(path) as handle:
                    files[os.path.relpath(path, root)] = handle.read()
        report[alias] = {
            "id": artifact.id,
            "version": artifact.version,
            "files": files,
            # From the manifest the producer uploaded: which version stored each file's bytes.
            "birth": {path: entry.birth_artifact_id for path, entry in artifact.manifest.entries.items()},
        }
    run.finish(exit_code=0)
    print(json.dumps(report))
else:
    raise SystemExit(f"unknown mode {mode}")
sys.stdout.flush()
