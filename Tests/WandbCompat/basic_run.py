"""The official wandb client logs one run to a Cohort server.

Run by CohortServerTests (WandbCompatTests) with WANDB_BASE_URL, WANDB_API_KEY and WANDB_DIR set.
Prints one JSON line with what the test should find on the server.
"""
import json
import os
import sys

import wandb

run = wandb.init(
    project="compat",
    group="grp-1",
    job_type="train",
    name="compat-display",
    notes="logged by the official client",
    tags=["t1", "t2"],
    config={"lr": 0.1, "layers": [64, 32], "opt": {"name": "adam", "beta": 0.9}},
)
for i in range(5):
    run.log({"loss": 1.0 / (i + 1), "acc": i * 0.1})
run.log({"nested": {"a": 1, "b": {"c": 2.5}}})
run.log({"partial": 1}, commit=False)
run.log({"partial2": 2})
run.log({"jump": 1}, step=10)
run.summary["best"] = 0.99
run.config.update({"late": "yes"})

with open(os.path.join(os.environ["WANDB_DIR"], "now.txt"), "w") as handle:
    handle.write("saved now\n")
run.save(os.path.join(os.environ["WANDB_DIR"], "now.txt"), base_path=os.environ["WANDB_DIR"], policy="now")
with open(os.path.join(os.environ["WANDB_DIR"], "end.txt"), "w") as handle:
    handle.write("saved at the end\n")
run.save(os.path.join(os.environ["WANDB_DIR"], "end.txt"), base_path=os.environ["WANDB_DIR"], policy="end")

run.alert(title="loss plateau", text="loss stopped improving", level=wandb.AlertLevel.WARN, wait_duration=300)
run.alert(title="loss plateau", text="throttled: same title within 300 s", level=wandb.AlertLevel.WARN, wait_duration=300)
print("stdout line for output.log")

run_id, entity, project = run.id, run.entity, run.project
run.finish(exit_code=0)
print(json.dumps({"id": run_id, "entity": entity, "project": project}))
sys.stdout.flush()
