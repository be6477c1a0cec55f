"""One rank of a grouped training run logged with the official wandb client to `cohort server`.

    WANDB_BASE_URL=http://127.0.0.1:8080 WANDB_API_KEY=<key> python grouped_wandb.py --group g --rank 0

Used by scripts/demo.sh to show an unmodified W&B script logging to Cohort's server.
"""
import argparse
import math
import random

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--group", required=True)
parser.add_argument("--rank", type=int, required=True)
parser.add_argument("--steps", type=int, default=50)
parser.add_argument("--project", default="cohort-demo")
parser.add_argument("--url-file", help="also write the run's URL to this file")
args = parser.parse_args()

run = wandb.init(
    project=args.project, group=args.group, job_type="train", name=f"{args.group}-py-rank{args.rank}",
    config={"rank": args.rank, "lr": 0.01, "batch_size": 64}, tags=["demo", "python"],
)
noise = random.Random(args.rank)
for step in range(args.steps):
    loss = 2.0 * math.exp(-step / 15) + 0.05 * noise.random()
    run.log({"train/loss": loss, "train/acc": 1 - loss / 2.2})
run.summary["final_loss"] = loss
url = run.url
if args.url_file:
    with open(args.url_file, "w") as handle:
        handle.write(url + "\n")
run.finish()
