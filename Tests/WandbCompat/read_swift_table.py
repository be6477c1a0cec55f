"""Reads a table a Swift run logged, the way W&B users do: `wandb.Api().artifact(NAME).get(KEY)`.

Usage: read_swift_table.py ENTITY/PROJECT/ARTIFACT:ALIAS KEY. Prints one JSON line: the artifact's
type, the table's columns, and its rows with media cells as {"type", ...} (images: width, height,
format, caption, pixel bytes' length after decoding, boxes and mask layers; other media: the
downloaded file's size).
"""
import json
import os
import sys

import wandb


def cell(value):
    if isinstance(value, wandb.Image):
        image = value.image  # decodes the downloaded PNG
        return {"type": "image", "width": value._width, "height": value._height, "caption": value._caption,
                "decoded": list(image.size), "boxes": sorted((value._boxes or {}).keys()),
                "masks": sorted((value._masks or {}).keys())}
    if isinstance(value, (wandb.Audio, wandb.Html, wandb.Video, wandb.Object3D)):
        return {"type": type(value).__name__, "size": os.path.getsize(value._path)}
    return value


artifact = wandb.Api().artifact(sys.argv[1])
table = artifact.get(sys.argv[2])
print(json.dumps({"type": artifact.type, "columns": table.columns,
                  "rows": [[cell(value) for value in row] for row in table.data]}))
