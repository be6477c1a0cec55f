"""Reads a run that Cohort's Swift client logged, through the official wandb.Api(), and prints it
as one JSON line for the Swift test to compare with what it logged.

Usage: read_swift_run.py ENTITY/PROJECT/RUN_ID [FILE ...]
The named run files are downloaded and their text included.
"""
import json
import os
import sys
import tempfile

import wandb


def main():
    path, names = sys.argv[1], sys.argv[2:]
    api = wandb.Api(timeout=30)
    run = api.run(path)
    history = [
        {key: value for key, value in row.items() if not key.startswith("_") or key == "_step"}
        for row in run.scan_history()
    ]
    summary = {key: value for key, value in run.summary._json_dict.items() if not key.startswith("_")}
    config = {key: value for key, value in run.config.items() if not key.startswith("_")}
    files = sorted(file.name for file in run.files())
    contents = {}
    target = tempfile.mkdtemp()
    for name in names:
        file = run.file(name)
        file.download(root=target, replace=True)
        with open(os.path.join(target, name), encoding="utf-8") as handle:
            contents[name] = handle.read()
    print(json.dumps({
        "state": run.state, "history": history, "summary": summary, "config": config, "files": files,
        "contents": contents, "name": run.name, "group": run.group, "job_type": run.job_type, "tags": run.tags,
    }, sort_keys=True))


main()
