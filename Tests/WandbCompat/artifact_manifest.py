"""Prints the manifest and digest the official client computes offline for a directory artifact.

Usage: artifact_manifest.py DIR. The artifact holds DIR under `data/`, DIR/a.txt again as
`single.txt`, a `file://` reference to DIR/a.txt as `ref/a.txt` and an `https://` reference
(checksum=False: no request) as `web/x.bin`. Prints one JSON line {"manifest": …, "digest": …}.
"""
import json
import os
import sys

import wandb

directory = os.path.abspath(sys.argv[1])
artifact = wandb.Artifact("fixture", type="dataset")
artifact.add_dir(directory, name="data")
artifact.add_file(os.path.join(directory, "a.txt"), name="single.txt")
artifact.add_reference("file://" + os.path.join(directory, "a.txt"), name="ref/a.txt")
artifact.add_reference("https://example.invalid/x.bin", name="web/x.bin", checksum=False)
print(json.dumps({"manifest": artifact.manifest.to_manifest_json(), "digest": artifact.manifest.digest()}))
