"""The official wandb client logs two runs in one group, for wandb.Api() to read back.

Run by CohortServerTests (WandbAPIReadTests) with WANDB_BASE_URL, WANDB_API_KEY and WANDB_DIR set.
Prints one JSON line with the run ids; api_read.py gets it as COHORT_LOGGED.
"""
import json
import os
import sys

import wandb

directory = os.environ["WANDB_DIR"]
logged = {}

# alpha: finished, train, higher score, one saved file
run = wandb.init(
    project="readback", group="exp-1", job_type="train", name="alpha", notes="first run",
    tags=["t1", "shared"], config={"lr": 0.1, "batch": 32, "opt": {"name": "adam"}},
)
for i in range(5):
    run.log({"loss": 1.0 / (i + 1), "acc": i * 0.1})
run.summary["best"] = 0.9
with open(os.path.join(directory, "notes.txt"), "w") as handle:
    handle.write("alpha file\n")
run.save(os.path.join(directory, "notes.txt"), base_path=directory, policy="now")
logged["alpha"] = run.id
run.finish(exit_code=0)

# beta: failed, eval, lower score
run = wandb.init(
    project="readback", group="exp-1", job_type="eval", name="beta", notes="second run",
    tags=["t2", "shared"], config={"lr": 0.01, "batch": 64},
)
for i in range(3):
    run.log({"loss": 2.0 - i, "acc": 0.5})
run.summary["best"] = 0.5
logged["beta"] = run.id
logged["entity"] = run.entity
run.finish(exit_code=1)

print(json.dumps(logged))
sys.stdout.flush()
