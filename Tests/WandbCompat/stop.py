"""Stopping a run from outside with wandb.Api().run(path).stop(), against a Cohort server.

Run by the Swift tests. Modes (each its own process):

  stop.py request ENTITY/PROJECT/ID  asks the server to stop the run (the official public API's
                                     `Run.stop()`, which sends the `StopRun` mutation); prints
                                     {"requested": true}
  stop.py train                      the official client trains (one step every 0.1 s, 180 s at most)
                                     after asking the server to stop its own run: the client must
                                     interrupt it with KeyboardInterrupt (not caught here, so the
                                     process fails and wandb finishes the run with exit code 255);
                                     prints {"run": ID} first and {"interrupted": false} if it never is
"""
import json
import sys
import time

import wandb

mode = sys.argv[1]
if mode == "request":
    api = wandb.Api(timeout=30)
    api.run(sys.argv[2]).stop()
    print(json.dumps({"requested": True}))
elif mode == "train":
    run = wandb.init(project="stopping")
    print(json.dumps({"run": run.id}))
    sys.stdout.flush()
    wandb.Api(timeout=30).run(f"{run.entity}/{run.project}/{run.id}").stop()
    for step in range(1800):
        run.log({"loss": 1.0 / (step + 1)})
        time.sleep(0.1)
    run.finish()
    print(json.dumps({"interrupted": False}))
else:
    sys.exit(f"unknown mode {mode!r}")
