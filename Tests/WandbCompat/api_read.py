"""wandb.Api() reads back what api_log.py logged to a Cohort server and checks it.

Run by CohortServerTests (WandbAPIReadTests) with COHORT_LOGGED set to api_log.py's JSON line.
Prints one JSON line: {"ok": bool, "failures": [...], "passed": [...]}. Exits 0 either way once
the verdict is printed, so the Swift test reports every failed check at once.
"""
import json
import os

import wandb
from verdict import attempt, check, finish

logged = json.loads(os.environ["COHORT_LOGGED"])
entity, alpha_id, beta_id = logged["entity"], logged["alpha"], logged["beta"]
path = f"{entity}/readback"
api = wandb.Api(timeout=30)


def projects():
    names = [p.name for p in api.projects(entity)]
    check("projects", "readback" in names, True)


def filters():
    def ids(filters=None):
        return sorted(r.id for r in api.runs(path, filters=filters or {}))

    both = sorted([alpha_id, beta_id])
    check("runs", ids(), both)
    check("runs len", len(api.runs(path)), 2)
    check("group", ids({"group": "exp-1"}), both)
    check("group other", ids({"group": "nope"}), [])
    check("jobType", ids({"jobType": "train"}), [alpha_id])
    check("job_type", ids({"job_type": "eval"}), [beta_id])
    check("state", ids({"state": "failed"}), [beta_id])
    check("state finished", ids({"state": "finished"}), [alpha_id])
    check("tags $in", ids({"tags": {"$in": ["t1"]}}), [alpha_id])
    check("tags $in shared", ids({"tags": {"$in": ["shared", "zz"]}}), both)
    check("display_name", ids({"display_name": "beta"}), [beta_id])
    check("config.lr", ids({"config.lr": 0.1}), [alpha_id])
    check("config.lr.value", ids({"config.lr.value": 0.01}), [beta_id])
    check("config.batch $eq", ids({"config.batch": {"$eq": 64}}), [beta_id])
    check("summary $gt", ids({"summary_metrics.best": {"$gt": 0.7}}), [alpha_id])
    check("summary $lt", ids({"summary_metrics.best": {"$lt": 0.7}}), [beta_id])
    check("$and", ids({"$and": [{"group": "exp-1"}, {"summary_metrics.best": {"$lt": 0.7}}]}), [beta_id])
    check("$or", ids({"$or": [{"jobType": "train"}, {"state": "failed"}]}), both)
    check("$or none", ids({"$or": [{"jobType": "x"}, {"state": "crashed"}]}), [])
    names = {r.id: r.name for r in api.runs(path, filters={"group": "exp-1"})}
    check("runs names", names, {alpha_id: "alpha", beta_id: "beta"})


def one_run():
    run = api.run(f"{path}/{alpha_id}")
    check("id", run.id, alpha_id)
    check("name", run.name, "alpha")
    check("group", run.group, "exp-1")
    check("job_type", run.job_type, "train")
    check("tags", sorted(run.tags), ["shared", "t1"])
    check("notes", run.notes, "first run")
    check("state", run.state, "finished")
    check("config", run.config, {"lr": 0.1, "batch": 32, "opt": {"name": "adam"}})
    check("summary best", run.summary["best"], 0.9)
    check("summary loss", run.summary["loss"], 0.2)

    rows = run.history(pandas=False)
    check("history steps", [r["_step"] for r in rows], [0, 1, 2, 3, 4])
    check("history loss", [r["loss"] for r in rows], [1.0 / (i + 1) for i in range(5)])
    sampled = run.history(keys=["loss"], pandas=False)
    check("sampled history", [(r["_step"], r["loss"]) for r in sampled], [(i, 1.0 / (i + 1)) for i in range(5)])
    scanned = list(run.scan_history())
    check("scan_history steps", [r["_step"] for r in scanned], [0, 1, 2, 3, 4])
    check("scan_history acc", [r["acc"] for r in scanned], [i * 0.1 for i in range(5)])
    scanned = list(run.scan_history(keys=["loss"], page_size=2))
    check("scan_history paged", [r["loss"] for r in scanned], [1.0 / (i + 1) for i in range(5)])

    files = {f.name: f for f in run.files()}
    check("files has notes.txt", "notes.txt" in files, True)
    target = os.path.join(os.environ["WANDB_DIR"], "downloads")
    with files["notes.txt"].download(root=target, replace=True) as handle:
        check("download", handle.read(), "alpha file\n")

    beta = api.run(f"{path}/{beta_id}")
    check("beta state", beta.state, "failed")
    check("beta config", beta.config, {"lr": 0.01, "batch": 64})


for name, body in [("projects", projects), ("filters", filters), ("run", one_run)]:
    attempt(name, body)
finish()
