"""Logs a table with an image column, as an unmodified training script would (online, to the server
in WANDB_BASE_URL). Usage: log_table.py PROJECT. Prints one JSON line: {"path": entity/project/id}.
"""
import json
import sys

import numpy
import wandb

run = wandb.init(project=sys.argv[1])
pixels = (numpy.arange(4 * 5 * 3) % 256).astype(numpy.uint8).reshape(4, 5, 3)
run.log({"preds": wandb.Table(columns=["id", "image"], data=[[1, wandb.Image(pixels, caption="first")], [2, None]])})
path = "/".join(run.path) if isinstance(run.path, (list, tuple)) else run.path
run.finish()
print(json.dumps({"path": path}))
