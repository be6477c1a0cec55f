"""Populates a Cohort server for the browser test with the official wandb client: a run with
metrics, media (image with boxes, an image with a segmentation mask of three classes, histogram,
table, 3D points, a small image every 25 steps for paging), an alert, console output and an
artifact; a run that uses the artifact; two ranks of a group with an aggregate run shaped like
Cohort's leader writes it; and two runs of a sweep. Prints one JSON line with the pages to visit.

Run by CohortServerTests (WebBrowserTests) through WandbClient.run, with WANDB_BASE_URL/API_KEY set.
"""
import base64
import json
import os
import urllib.request

import numpy
import wandb

PROJECT = "browser"
pages = {}

run = wandb.init(project=PROJECT, name="main <b>run</b>", tags=["baseline"], notes="browser test run",
                 config={"lr": 0.01, "batch": 32})
pixels = (numpy.arange(32 * 32 * 3) % 256).astype(numpy.uint8).reshape(32, 32, 3)
# check_pages.py reads the colours back: left half cat (class 1), top right dog (class 2), bottom
# right background (class 0), over a plain gray image.
mask = numpy.zeros((32, 32), dtype=numpy.uint8)
mask[:, :16] = 1
mask[:16, 16:] = 2
for step in range(300):
    row = {"loss": 1.0 / (step + 1) + 0.01 * numpy.sin(step), "acc": step / 300.0}
    if step % 50 == 0:
        row["weights"] = wandb.Histogram(numpy.random.default_rng(step).normal(size=200))
    if step % 25 == 0:
        row["frames"] = wandb.Image(numpy.full((8, 8, 3), step % 256, dtype=numpy.uint8), caption=f"frame {step}")
    if step == 100:
        boxes = {"predictions": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6},
                                                "class_id": 1, "box_caption": "cat"}],
                                 "class_labels": {1: "cat"}}}
        row["sample"] = wandb.Image(pixels, caption="sample", boxes=boxes)
        row["predictions"] = wandb.Table(columns=["label", "score"], data=[["cat", 0.9], ["dog", 0.4]])
        row["segmentation"] = wandb.Image(
            numpy.full((32, 32, 3), 128, dtype=numpy.uint8), caption="segmentation",
            masks={"truth": {"mask_data": mask, "class_labels": {0: "background", 1: "cat", 2: "dog"}}})
        row["cloud"] = wandb.Object3D(numpy.random.default_rng(1).normal(size=(50, 3)))
    run.log(row)
print("training done")
run.alert(title="loss spiked", text="loss went above the threshold", level=wandb.AlertLevel.WARN)
artifact = wandb.Artifact("digits", type="dataset")
with artifact.new_file("train.csv") as handle:
    handle.write("label,pixels\n1,0\n")
run.log_artifact(artifact)
entity = run.entity
pages["run"] = f"/{entity}/{PROJECT}/runs/{run.id}"
run.finish()

user = wandb.init(project=PROJECT, name="consumer", job_type="eval")
user.use_artifact("digits:latest")
user.log({"score": 0.5})
user.finish(exit_code=1)
pages["artifact"] = f"/{entity}/{PROJECT}/artifacts/dataset/digits/v0"

for rank in range(2):
    ranked = wandb.init(project=PROJECT, group="ddp", job_type="train", name=f"ddp-rank{rank}",
                        config={"_cohort": {"rank": rank, "world_size": 2}})
    for step in range(100):
        ranked.log({"loss": (rank + 1) / (step + 1)}, step=step)
    ranked.finish()
aggregate = wandb.init(project=PROJECT, group="ddp", job_type="group", name="ddp-aggregate", config={"world_size": 2})
for step in range(100):
    low, high = 1 / (step + 1), 2 / (step + 1)
    aggregate.log({"loss/mean": (low + high) / 2, "loss/min": low, "loss/max": high, "loss/std": (high - low) / 2,
                   "loss/count": 2, "ranks/rank1/lag": 1, "ranks/rank0/step_time": 0.2}, step=step)
aggregate.summary["group_state"] = "finished"
aggregate.summary["ranks_summary"] = {"loss": {"mean": 0.015, "min": 0.01, "max": 0.02, "std": 0.005, "count": 2}}
aggregate.finish()
pages["group"] = f"/{entity}/{PROJECT}/groups/ddp"
pages["project"] = f"/{entity}/{PROJECT}"
pages["folded"] = f"/{entity}/{PROJECT}?fold=1&expand=ddp"
pages["artifacts"] = f"/{entity}/{PROJECT}/artifacts"

# Sweeps are run by wandb's agent against a sweep controller, which Cohort does not have; the runs
# are made by the client and put in sweep sw1 with the UpsertBucket field the agent's runs send.
for lr in (0.1, 0.01):
    swept = wandb.init(project=PROJECT, config={"lr": lr}, name=f"sweep lr={lr}")
    swept.log({"val_loss": lr * 3})
    swept_id = swept.id
    swept.finish()
    upsert = {"query": "mutation UpsertBucket($name: String, $project: String, $entity: String, $sweep: String) {"
                       " upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, sweep: $sweep})"
                       " { bucket { id sweepName } } }",
              "variables": {"name": swept_id, "project": PROJECT, "entity": entity, "sweep": "sw1"}}
    request = urllib.request.Request(
        os.environ["WANDB_BASE_URL"] + "/graphql", data=json.dumps(upsert).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(("api:" + os.environ["WANDB_API_KEY"]).encode()).decode()})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer["data"]["upsertBucket"]["bucket"]["sweepName"] == "sw1", answer
pages["sweep"] = f"/{entity}/{PROJECT}/sweeps/sw1"
pages["home"] = "/"
print(json.dumps({"pages": pages}))
