"""The official wandb client saves files with policy "live", "end" and "now" on a Cohort server; a
"live" file changes several times while the run runs. wandb.Api() then downloads each one and the
bytes must equal the final local content.

Run by CohortServerTests (WandbCompatScenarioTests.savePolicies). Prints a verdict line (see verdict.py).
"""
import hashlib
import os
import time

import wandb

from verdict import attempt, check, finish

base = os.environ["WANDB_DIR"]
work = os.path.join(base, "work")
os.makedirs(work, exist_ok=True)


def write(name, text):
    with open(os.path.join(work, name), "w") as handle:
        handle.write(text)


run = wandb.init(project="saving")
write("live.txt", "live 0\n")
write("end.txt", "end 0\n")
write("now.txt", "now 0\n")
run.save(os.path.join(work, "live.txt"), base_path=work, policy="live")
run.save(os.path.join(work, "end.txt"), base_path=work, policy="end")
run.save(os.path.join(work, "now.txt"), base_path=work, policy="now")
final = {}
for version in range(1, 6):
    run.log({"v": version})
    time.sleep(0.6)
    # The symlink in run.dir points at this file: each write is a change the watcher may upload.
    write("live.txt", f"live {version}\n" + "x" * (version * 100) + "\n")
    write("end.txt", f"end {version}\n")
final["live.txt"] = f"live 5\n" + "x" * 500 + "\n"
final["end.txt"] = "end 5\n"
final["now.txt"] = "now 0\n"
run_id, entity = run.id, run.entity
run.finish()

api = wandb.Api(timeout=30)
remote = api.run(f"{entity}/saving/{run_id}")


def files():
    listed = {f.name: f for f in remote.files()}
    target = os.path.join(base, "download")
    for name, text in final.items():
        file = listed.get(name)
        check(f"{name} listed", file is not None, True)
        if file is None:
            continue
        file.download(root=target, replace=True)
        with open(os.path.join(target, name)) as handle:
            check(f"{name} bytes", handle.read(), text)
        check(f"{name} size", file.size, len(text.encode()))
    one = remote.file("live.txt")
    check("run.file name", one.name, "live.txt")
    check("run.file size", one.size, len(final["live.txt"]))


attempt("files", files)
finish(run=run_id, entity=entity, final={name: hashlib.sha256(text.encode()).hexdigest() for name, text in final.items()})
