"""The official wandb client logs media (Histogram, Image, Table) to a Cohort server; wandb.Api() reads
the media files and the history descriptors back.

Run by CohortServerTests (WandbCompatScenarioTests.media), in two processes with their own caches:

  media.py log    logs two steps of media and prints the run and the local media files (base64)
  media.py read   (COHORT_LOGGED = that line) reads everything back through wandb.Api() and prints
                  a verdict line (see verdict.py)
"""
import base64
import hashlib
import json
import os
import sys

import wandb

from verdict import attempt, check, finish

if sys.argv[1] == "log":
    import numpy

    run = wandb.init(project="media")
    pixels = (numpy.arange(8 * 8 * 3) % 256).astype(numpy.uint8).reshape(8, 8, 3)
    for step in range(2):
        run.log({
            "hist": wandb.Histogram([1, 2, 2, 3, 3, 3, step]),
            "img": wandb.Image(pixels, caption=f"step {step}"),
            "tab": wandb.Table(columns=["a", "b"], data=[[step, "x"], [step + 1, "y"]]),
            "loss": 0.5 / (step + 1),
        })
    run_dir, run_id, entity = run.dir, run.id, run.entity
    run.finish()

    local = {}
    for directory, _, names in os.walk(os.path.join(run_dir, "media")):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                local[os.path.relpath(path, run_dir)] = handle.read()
    print(json.dumps({"run": run_id, "entity": entity, "local": {k: base64.b64encode(v).decode() for k, v in local.items()}}))
    sys.exit(0)

logged = json.loads(os.environ["COHORT_LOGGED"])
run_id, entity = logged["run"], logged["entity"]
local = {name: base64.b64decode(data) for name, data in logged["local"].items()}

api = wandb.Api(timeout=30)
remote = api.run(f"{entity}/media/{run_id}")


def files():
    names = sorted(f.name for f in remote.files() if f.name.startswith("media/"))
    check("local media written", len(local) >= 4, True)
    check("media files listed", names, sorted(local))
    target = os.path.join(os.environ["WANDB_DIR"], "download")
    for file in remote.files():
        if not file.name.startswith("media/"):
            continue
        file.download(root=target, replace=True)
        with open(os.path.join(target, file.name), "rb") as handle:
            data = handle.read()
        check(f"bytes {file.name}", hashlib.sha256(data).hexdigest(),
              hashlib.sha256(local.get(file.name, b"")).hexdigest())
        check(f"size {file.name}", file.size, len(local.get(file.name, b"")))


def history():
    rows = remote.history(pandas=False)
    check("history rows", len(rows), 2)
    for row in rows:
        check(f"hist _type {row.get('_step')}", (row.get("hist") or {}).get("_type"), "histogram")
        check(f"img _type {row.get('_step')}", (row.get("img") or {}).get("_type"), "image-file")
        check(f"tab _type {row.get('_step')}", (row.get("tab") or {}).get("_type"), "table-file")
        path = (row.get("img") or {}).get("path")
        check(f"img path {row.get('_step')} uploaded", path in local, True)
        path = (row.get("tab") or {}).get("path")
        check(f"tab path {row.get('_step')} uploaded", path in local, True)


def scan():
    rows = list(remote.scan_history())
    check("scan rows", [r.get("_step") for r in rows], [0, 1])
    check("scan hist", [(r.get("hist") or {}).get("_type") for r in rows], ["histogram"] * 2)
    check("scan img", [(r.get("img") or {}).get("_type") for r in rows], ["image-file"] * 2)
    keyed = list(remote.scan_history(keys=["tab"]))
    check("scan keys tab", [(r.get("tab") or {}).get("_type") for r in keyed], ["table-file"] * 2)
    check("summary img", (remote.summary.get("img") or {}).get("_type"), "image-file")
    check("summary hist", (remote.summary.get("hist") or {}).get("_type"), "histogram")
    sampled = remote.history(keys=["img", "hist"], pandas=False)
    check("sampled img", [(r.get("img") or {}).get("_type") for r in sampled], ["image-file"] * 2)
    check("sampled hist bins", [len((r.get("hist") or {}).get("values") or []) > 0 for r in sampled], [True, True])
    first = sampled[0]["img"] if sampled else {}
    check("img size", (first.get("width"), first.get("height")), (8, 8))
    one = remote.file(first.get("path", ""))
    target = os.path.join(os.environ["WANDB_DIR"], "one")
    one.download(root=target, replace=True)
    with open(os.path.join(target, first.get("path", "")), "rb") as handle:
        check("run.file download", handle.read(), local.get(first.get("path", "")))


def tables():
    # wandb.Table in run.log is also logged as a run_table artifact, one version per step.
    logged = [a for a in remote.logged_artifacts() if a.type == "run_table"]
    check("table artifacts", [a.version for a in logged], ["v0", "v1"])
    table = api.artifact(f"{entity}/media/run-{run_id}-tab:latest").get("tab")
    check("table columns", table.columns, ["a", "b"])
    check("table data", table.data, [[1, "x"], [2, "y"]])


attempt("files", files)
attempt("tables", tables)
attempt("history", history)
attempt("scan", scan)
finish(run=run_id)
