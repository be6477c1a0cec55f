"""Reads an artifact a Swift run logged, with the official `wandb.Api()`, and downloads it.

Usage: read_swift_artifact.py ENTITY/PROJECT/NAME:ALIAS ROOT. Prints one JSON line: the version,
type, aliases, digest, metadata, description, and each downloaded file's hex MD5 by path.
"""
import hashlib
import json
import os
import sys

import wandb

artifact = wandb.Api().artifact(sys.argv[1])
root = artifact.download(root=sys.argv[2])
files = {}
for directory, _, names in os.walk(root):
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "rb") as handle:
            files[os.path.relpath(path, root)] = hashlib.md5(handle.read()).hexdigest()
print(json.dumps({
    "version": artifact.version, "type": artifact.type, "aliases": sorted(artifact.aliases), "digest": artifact.digest,
    "metadata": artifact.metadata, "description": artifact.description, "files": files,
}))
