"""The official wandb client tries to start a run with a key the server refuses.

Run by CohortServerTests (FaultLiveTests) with WANDB_BASE_URL and WANDB_API_KEY set (a wrong key, or a
key of another entity with FAULT_ENTITY naming the entity it may not act in). Prints one JSON line:
{"failed": true, "error": "..."} when wandb.init raised, {"failed": false, "id": ...} when it did not.
"""
import json
import os

import wandb

entity = os.environ.get("FAULT_ENTITY") or None
try:
    run = wandb.init(project="faults", entity=entity, settings=wandb.Settings(init_timeout=60))
    run.log({"loss": 1.0})
    run.finish()
    print(json.dumps({"failed": False, "id": run.id}))
except Exception as error:  # noqa: BLE001 - the test reads the message
    print(json.dumps({"failed": True, "type": type(error).__name__, "error": str(error)}))
