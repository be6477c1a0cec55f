"""Resuming runs on a Cohort server with the official wandb client.

Run by CohortServerTests (WandbCompatScenarioTests.resume). Modes (each its own process):

  resume.py first ID          logs steps 0-2 (config a=1, summary best=1), finishes
  resume.py crash ID          logs steps 0-2 then SIGKILLs itself (no finish: the run is left running)
  resume.py continue ID MODE  wandb.init(id=ID, resume=MODE) and logs two more steps, config b=2,
                              summary extra=True, finishes
  resume.py refuse ID MODE    wandb.init(id=ID, resume=MODE) must fail; prints the error
  resume.py await-state ID S  wandb.Api() polls (90 s at most) until the run's state is S
  resume.py check ID COUNT    wandb.Api() reads the run back: COUNT steps 0..COUNT-1, each once,
                              merged summary and config

Prints one JSON line (a verdict from `check`; the error text from `refuse`).
"""
import json
import os
import signal
import sys
import time

import wandb

from verdict import attempt, check, finish

mode, run_id = sys.argv[1], sys.argv[2]
project = "resuming"

if mode in ("first", "crash"):
    run = wandb.init(project=project, id=run_id, config={"a": 1})
    for step in range(3):
        run.log({"loss": 1.0 / (step + 1)})
    run.summary["best"] = 1
    if mode == "crash":
        # Wait until the server has every step so the resume sees them (a crash loses only unsent data).
        api = wandb.Api(timeout=30)
        for _ in range(100):
            try:
                if api.run(f"{run.entity}/{project}/{run_id}").lastHistoryStep >= 2:
                    break
            except Exception:  # noqa: BLE001 - not visible yet
                pass
            time.sleep(0.2)
        print(json.dumps({"id": run_id}))
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    run.finish()
    print(json.dumps({"id": run_id}))
elif mode == "continue":
    run = wandb.init(project=project, id=run_id, resume=sys.argv[3])
    start = run.starting_step
    run.config.update({"b": 2})
    for _ in range(2):
        run.log({"loss": 0.1})
    run.summary["extra"] = True
    run.finish()
    print(json.dumps({"id": run_id, "start": start, "resumed": run.resumed}))
elif mode == "refuse":
    try:
        run = wandb.init(project=project, id=run_id, resume=sys.argv[3])
    except Exception as error:  # noqa: BLE001 - the failure is the expected outcome
        print(json.dumps({"refused": True, "error": f"{type(error).__name__}: {error}"}))
    else:
        run.finish()
        print(json.dumps({"refused": False}))
elif mode == "await-state":
    # The server marks a silent run crashed after its --crash-after; poll for it with a deadline.
    api = wandb.Api(timeout=30)
    remote, wanted = api.run(f"{api.default_entity}/{project}/{run_id}"), sys.argv[3]
    deadline = time.monotonic() + 90
    while remote.state != wanted and time.monotonic() < deadline:
        time.sleep(0.5)
        remote.load(force=True)  # the Api object caches the run; ask the server again
    state = remote.state
    check("state", state, wanted)
    finish(run=run_id)
elif mode == "check":
    count = int(sys.argv[3])
    api = wandb.Api(timeout=30)
    entity = api.default_entity
    remote = api.run(f"{entity}/{project}/{run_id}")

    def history():
        steps = [row["_step"] for row in remote.scan_history()]
        check("scan steps", steps, list(range(count)))
        steps = [row["_step"] for row in remote.history(pandas=False)]
        check("history steps", steps, list(range(count)))
        check("lastHistoryStep", remote.lastHistoryStep, count - 1)

    def summary():
        check("summary best", remote.summary.get("best"), 1)
        check("summary extra", remote.summary.get("extra"), True)
        check("summary loss", remote.summary.get("loss"), 0.1)
        check("summary _step", remote.summary.get("_step"), count - 1)

    def config():
        check("config", {k: v for k, v in remote.config.items()}, {"a": 1, "b": 2})

    def state():
        check("state", remote.state, "finished")

    attempt("history", history)
    attempt("summary", summary)
    attempt("config", config)
    attempt("state", state)
    finish(run=run_id)
else:
    raise SystemExit(f"unknown mode {mode}")
sys.stdout.flush()
