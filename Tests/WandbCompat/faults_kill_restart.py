"""The official wandb client logs steps slowly while the test kills (SIGKILL) and restarts the server.

Run by CohortServerTests (FaultLiveTests). After step FAULT_MARK_AT it writes FAULT_MARK (a file) so the
test knows the run is under way; it logs FAULT_STEPS steps FAULT_SLEEP seconds apart, then finishes.
Prints one JSON line with the run's id and the number of steps logged.
"""
import json
import os
import time

import wandb

steps = int(os.environ.get("FAULT_STEPS", "40"))
pause = float(os.environ.get("FAULT_SLEEP", "0.1"))
mark_at = int(os.environ.get("FAULT_MARK_AT", "10"))
mark = os.environ["FAULT_MARK"]

run = wandb.init(project="faults", name="survivor", settings=wandb.Settings(init_timeout=120))
for step in range(steps):
    run.log({"step_value": step, "loss": 1.0 / (step + 1)})
    if step == mark_at:
        with open(mark, "w") as handle:
            handle.write(run.id + "\n")
    time.sleep(pause)
run.summary["done"] = True
run.finish()
print(json.dumps({"id": run.id, "steps": steps}))
