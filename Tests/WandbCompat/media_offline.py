"""The official wandb client, offline, as a reference for Cohort's media (CohortTests, Media suite).

  media_offline.py decode FILE        Pillow decodes FILE; prints {"mode", "width", "height", "pixels"}
  media_offline.py jpeg FILE W H      Pillow writes a W x H RGB JPEG to FILE
  media_offline.py gif FILE           Pillow reads every frame of FILE as RGB; prints {"frames", "width",
                                      "height", "pixels", "durations"} (pixels of all frames, in order)
  media_offline.py wav FILE           Python's wave module reads FILE; prints {"channels", "rate",
                                      "width", "samples"} (16-bit samples, interleaved)
  media_offline.py hist SPEC          SPEC is JSON [{"values": [...], "bins": n}]; prints wandb.Histogram's
                                      JSON for each, computed by wandb (numpy) on the same arrays
  media_offline.py boxes              logs one image with bounding boxes and a mask offline; prints
                                      {"rows": [...], "files": [...]} as `log` does
  media_offline.py object3d           logs point clouds (N x 3, N x 4, N x 6) and an .obj file offline;
                                      prints {"rows": [...], "files": [...]}; leaves mesh.obj behind
  media_offline.py scene              logs lidar/beta point clouds with boxes and vectors (the dict form,
                                      Object3D.from_point_cloud with wandb.box3d boxes, boxes only) offline;
                                      prints {"rows", "files", "config", "tables", "objects"} (objects: each
                                      logged .pts.json file's JSON by key)
  media_offline.py lists              logs lists under one key offline: two point clouds, two HTML pages,
                                      two videos with captions and two without (from anim.gif, left behind);
                                      prints {"rows", "files", ...} as plots does
  media_offline.py plots              logs wandb.plot line, scatter, bar, histogram, confusion-matrix and line-series charts;
                                      prints {"rows", "files", "config", "tables"} (config: the merged
                                      updates; tables: each logged table's JSON by key)
  media_offline.py curves SPEC         SPEC is JSON [{"kind": "pr"|"roc", "key", "y_true", "y_probas",
                                      "labels", "classes_to_plot", "interp_size"?}]; logs each
                                      wandb.plot.pr_curve/roc_curve offline (needs scikit-learn and pandas);
                                      prints {"rows", "files", "config", "tables"} as plots does
  media_offline.py tables             logs tables with every kind of column (numbers, strings, booleans, nulls,
                                      lists, objects, images with boxes and masks, audio, HTML, video, point
                                      clouds) offline, one under a nested key and one with a '/' in its key;
                                      prints {"rows", "files", "artifacts": [{"name", "type", "aliases",
                                      "paths", "client_id", "sequence_client_id", "table": the entry's JSON}]};
                                      leaves clip.wav and anim.gif behind
  media_offline.py log                logs one row of each media type in an offline run (WANDB_DIR is the
                                      working directory), reads the history back from the run's .wandb
                                      file and prints {"rows": [...], "files": [...]}; leaves
                                      clip.wav and anim.gif (the logged audio and video) behind
"""
import glob
import json
import os
import struct
import sys


def decode(path):
    from PIL import Image
    image = Image.open(path)
    image.load()
    print(json.dumps({"mode": image.mode, "width": image.width, "height": image.height,
                      "pixels": list(image.tobytes())}))


def jpeg(path, width, height):
    import numpy
    from PIL import Image
    pixels = (numpy.arange(height * width * 3) % 251).astype(numpy.uint8).reshape(height, width, 3)
    Image.fromarray(pixels, "RGB").save(path, format="JPEG")


def gif(path):
    from PIL import Image, ImageSequence
    image = Image.open(path)
    pixels, durations = [], []
    for frame in ImageSequence.Iterator(image):
        pixels += list(frame.convert("RGB").tobytes())
        durations.append(frame.info.get("duration"))
    print(json.dumps({"frames": len(durations), "width": image.width, "height": image.height,
                      "pixels": pixels, "durations": durations}))


def wav(path):
    import array
    import wave
    with wave.open(path, "rb") as reader:
        frames = reader.readframes(reader.getnframes())
        samples = array.array("h", frames)
        print(json.dumps({"channels": reader.getnchannels(), "rate": reader.getframerate(),
                          "width": reader.getsampwidth(), "samples": list(samples)}))


def hist(spec):
    import wandb
    cases = json.load(open(spec))
    print(json.dumps([wandb.Histogram(case["values"], num_bins=case["bins"]).to_json() for case in cases]))


def records(run_dir):
    """The records of a .wandb file (LevelDB log framing: 7-byte file header, 32 KiB blocks, 7-byte
    record headers: CRC32, length, type)."""
    from wandb.proto import wandb_internal_pb2 as pb
    raw = open(glob.glob(os.path.join(run_dir, "*.wandb"))[0], "rb").read()
    position, block, buffer = 7, 32768, b""
    while position + 7 <= len(raw):
        left = block - position % block
        if left < 7:
            position += left
            continue
        _, length, kind = struct.unpack("<IHB", raw[position:position + 7])
        position += 7
        if kind == 0 and length == 0:
            position += left - 7
            continue
        buffer += raw[position:position + length]
        position += length
        if kind in (1, 4):  # FULL or LAST
            record = pb.Record()
            record.ParseFromString(buffer)
            buffer = b""
            yield record


def nest(root, items):
    """Sets each item's value at its (nested) key in `root`."""
    for item in items:
        target = root
        path = list(item.nested_key) or [item.key]
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = json.loads(item.value_json)


def history_rows(run_dir):
    """The history rows, each with its nesting rebuilt."""
    rows = []
    for record in records(run_dir):
        if record.WhichOneof("record_type") == "history":
            row = {}
            nest(row, record.history.item)
            rows.append(row)
    return rows


def config(run_dir):
    """The config updates of the run, merged."""
    merged = {}
    for record in records(run_dir):
        if record.WhichOneof("record_type") == "config":
            nest(merged, record.config.update)
    return merged


def finish(run):
    files_dir = run.dir
    run.finish()
    import wandb
    wandb.teardown()  # waits for wandb-core to close the .wandb file
    files = sorted(os.path.relpath(path, files_dir) for path in glob.glob(files_dir + "/media/**/*", recursive=True)
                   if os.path.isfile(path))
    run_dir = os.path.dirname(files_dir)
    tables, objects = {}, {}
    for row in history_rows(run_dir):
        for key, value in row.items():
            if isinstance(value, dict) and value.get("_type") == "table-file":
                tables[key] = json.load(open(os.path.join(files_dir, value["path"])))
            if isinstance(value, dict) and value.get("_type") == "object3D-file" and value["path"].endswith(".pts.json"):
                objects[key] = json.load(open(os.path.join(files_dir, value["path"])))
    print(json.dumps({"rows": history_rows(run_dir), "files": files, "config": config(run_dir), "tables": tables,
                      "objects": objects}))


def plots():
    import wandb
    run = wandb.init(project="media-parity", mode="offline")
    table = wandb.Table(columns=["epoch", "loss", "name"], data=[[1, 0.9, "a"], [2, 0.5, "b"]])
    run.log({"curve": wandb.plot.line(table, "epoch", "loss", title="Loss")})
    run.log({"points": wandb.plot.scatter(table, "epoch", "loss", title="Scatter")})
    run.log({"bars": wandb.plot.bar(table, "name", "loss", title="Bars", split_table=True)})
    run.log({"spread": wandb.plot.histogram(table, "loss", title="Spread")})
    run.log({"confusion": wandb.plot.confusion_matrix(y_true=[0, 1, 2, 1, 0], preds=[0, 2, 2, 1, 1],
                                                      class_names=["cat", "dog", "bird"])})
    run.log({"confusion_unnamed": wandb.plot.confusion_matrix(y_true=[3, 5, 5], preds=[5, 5, 3])})
    run.log({"series": wandb.plot.line_series(xs=[0.0, 1.0, 2.0], ys=[[1.0, 0.5, 0.25], [1.0, 0.75, 0.5]],
                                              keys=["train", "val"], title="Loss", xname="epoch")})
    finish(run)


def curves(spec):
    import wandb
    cases = json.load(open(spec))
    run = wandb.init(project="media-parity", mode="offline")
    for case in cases:
        arguments = {"labels": case.get("labels"), "classes_to_plot": case.get("classes_to_plot")}
        if case["kind"] == "pr":
            chart = wandb.plot.pr_curve(case["y_true"], case["y_probas"], interp_size=case.get("interp_size", 21),
                                        **arguments)
        else:
            chart = wandb.plot.roc_curve(case["y_true"], case["y_probas"], **arguments)
        run.log({case["key"]: chart})
    finish(run)


def scene():
    import numpy
    import wandb
    run = wandb.init(project="media-parity", mode="offline")
    points = numpy.array([[0.0, 0.0, 0.0], [1.0, 0.5, 2.0], [3.0, 4.0, 5.25]])
    corners = [[x, y, z] for x in (0.0, 1.5) for y in (0.0, 2.0) for z in (0.0, 0.75)]
    boxes = numpy.array([{"corners": corners, "label": "car", "color": [255.0, 0.0, 0.0], "score": 0.875},
                         {"corners": corners, "label": None, "color": [0.0, 128.0, 255.0], "score": None}])
    vectors = numpy.array([{"start": [0.0, 0.0, 0.0], "end": [1.0, 0.5, 0.25]}])
    run.log({"scene": wandb.Object3D({"type": "lidar/beta", "points": points, "boxes": boxes, "vectors": vectors})})
    rotated = [wandb.box3d(center=(1.0, 2.0, 0.5), size=(4.0, 1.8, 1.5), orientation=(0.9, 0.1, 0.3, 0.2),
                           color=(0.0, 255.0, 0.0), label="truck", score=0.5),
               wandb.box3d(center=(-3.0, 0.0, 1.0), size=(1.0, 1.0, 2.0), orientation=(1.0, 0.0, 0.0, 0.0),
                           color=(10.0, 20.0, 30.0))]
    run.log({"scene_box3d": wandb.Object3D.from_point_cloud(points=points.tolist(), boxes=rotated,
                                                            vectors=[{"start": [0.0, 0.0, 0.0], "end": [2.0, 0.0, 0.0]}])})
    run.log({"scene_boxes_only": wandb.Object3D.from_point_cloud(points=[], boxes=boxes.tolist())})
    finish(run)


def lists():
    import numpy
    import wandb
    from PIL import Image
    run = wandb.init(project="media-parity", mode="offline")
    run.log({"clouds": [wandb.Object3D(numpy.array([[0.0, 0.0, 0.0]])), wandb.Object3D(numpy.array([[1.0, 2.0, 3.0]]))]})
    run.log({"pages": [wandb.Html("<b>a</b>"), wandb.Html("<b>b</b>")]})
    frames = [Image.fromarray(numpy.full((6, 8, 3), value, numpy.uint8)) for value in (0, 120, 240)]
    frames[0].save("anim.gif", save_all=True, append_images=frames[1:], duration=250, loop=0)
    run.log({"clips": [wandb.Video("anim.gif", caption="one"), wandb.Video("anim.gif", caption="two")]})
    run.log({"silent": [wandb.Video("anim.gif"), wandb.Video("anim.gif")]})
    finish(run)


def boxes():
    import numpy
    import wandb
    run = wandb.init(project="media-parity", mode="offline")
    rgb = (numpy.arange(4 * 5 * 3) % 256).astype(numpy.uint8).reshape(4, 5, 3)
    mask = (numpy.arange(20) % 3).astype(numpy.uint8).reshape(4, 5)
    run.log({"det": wandb.Image(rgb, boxes={"predictions": {"box_data": [
        {"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6}, "class_id": 1, "box_caption": "cat",
         "scores": {"acc": 0.9}}], "class_labels": {1: "cat", 2: "dog"}}},
        masks={"truth": {"mask_data": mask, "class_labels": {0: "bg", 1: "cat", 2: "dog"}}})})
    finish(run)


def object3d():
    import numpy
    import wandb
    run = wandb.init(project="media-parity", mode="offline")
    run.log({"cloud": wandb.Object3D(numpy.array([[0, 0, 0], [1, 0.5, 2], [3, 4, 5.25]]))})
    run.log({"cloud4": wandb.Object3D(numpy.array([[0, 0, 0, 1], [1, 2, 3, 2]]))})
    run.log({"cloud6": wandb.Object3D(numpy.array([[0, 0, 0, 255, 0, 0], [1, 2, 3, 0, 255, 0]]))})
    with open("mesh.obj", "w") as file:
        file.write("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with open("mesh.obj") as file:
        run.log({"mesh": wandb.Object3D(file)})
    finish(run)


def clip_and_gif():
    """Writes clip.wav (200 bytes of 16-bit mono audio at 8 kHz) and anim.gif (3 frames of 8 x 6)."""
    import numpy
    import wave
    from PIL import Image
    with wave.open("clip.wav", "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(bytes(range(200)))
    frames = [Image.fromarray(numpy.full((6, 8, 3), value, numpy.uint8)) for value in (0, 120, 240)]
    frames[0].save("anim.gif", save_all=True, append_images=frames[1:], duration=250, loop=0)


def artifacts(run_dir):
    """The artifact records of the run: name, type, aliases, entry paths, client ids and, for
    run_table artifacts, the table entry's JSON (read from where wandb staged it)."""
    found = []
    for record in records(run_dir):
        if record.WhichOneof("record_type") != "artifact":
            continue
        artifact = record.artifact
        entry = {"name": artifact.name, "type": artifact.type, "aliases": list(artifact.aliases),
                 "paths": sorted(item.path for item in artifact.manifest.contents),
                 "client_id": artifact.client_id, "sequence_client_id": artifact.sequence_client_id}
        for item in artifact.manifest.contents:
            if item.path.endswith(".table.json"):
                entry["table"] = json.load(open(item.local_path))
        found.append(entry)
    return found


def tables():
    import numpy
    import wandb
    clip_and_gif()
    run = wandb.init(project="media-parity", mode="offline")
    rgb = (numpy.arange(4 * 5 * 3) % 256).astype(numpy.uint8).reshape(4, 5, 3)
    mask = (numpy.arange(20) % 3).astype(numpy.uint8).reshape(4, 5)
    boxed = wandb.Image(rgb, caption="det", boxes={"predictions": {"box_data": [
        {"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6}, "class_id": 1, "box_caption": "cat",
         "scores": {"acc": 0.9}}], "class_labels": {1: "cat", 2: "dog"}}},
        masks={"truth": {"mask_data": mask, "class_labels": {0: "bg", 1: "cat", 2: "dog"}}})
    table = wandb.Table(columns=["n", "s", "b", "none", "lst", "mixed", "empty", "dct", "img", "boxed", "clip", "page",
                                 "video", "cloud"])
    table.add_data(1, "x", True, None, [1, 2], [1, None], [], {"a": 1, "b": "z"}, wandb.Image(rgb), boxed,
                   wandb.Audio("clip.wav", caption="beep"), wandb.Html("<b>hi</b>"), wandb.Video("anim.gif"),
                   wandb.Object3D(numpy.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])))
    table.add_data(2.5, None, False, None, [3], [None], [], {"a": 2, "b": "y"}, None, boxed, None, None, None, None)
    run.log({"eval/preds": table})
    run.log({"nest": {"inner": wandb.Table(columns=["q"], data=[[1]])}})
    run.log({"plain": wandb.Table(columns=["a"], data=[[1], [2]])})
    files_dir = run.dir
    run.finish()
    wandb.teardown()
    run_dir = os.path.dirname(files_dir)
    files = sorted(os.path.relpath(path, files_dir) for path in glob.glob(files_dir + "/media/**/*", recursive=True)
                   if os.path.isfile(path))
    print(json.dumps({"rows": history_rows(run_dir), "files": files, "artifacts": artifacts(run_dir)}))


def log():
    import numpy
    import wandb
    run = wandb.init(project="media-parity", mode="offline")
    rgb = (numpy.arange(4 * 5 * 3) % 256).astype(numpy.uint8).reshape(4, 5, 3)
    gray = (numpy.arange(4 * 5) * 12).astype(numpy.uint8).reshape(4, 5)
    rgba = (numpy.arange(4 * 5 * 4) % 256).astype(numpy.uint8).reshape(4, 5, 4)
    run.log({"img": wandb.Image(rgb, caption="ramp")})
    run.log({"gray": wandb.Image(gray)})
    run.log({"rgba": wandb.Image(rgba)})
    run.log({"hist": wandb.Histogram([1, 2, 3, 4, 5.5])})
    run.log({"tbl": wandb.Table(columns=["a", "b", "c", "d"], data=[[1, "x", True, None], [2.5, "y", False, 3]])})
    run.log({"imgs": [wandb.Image(rgb, caption="one"), wandb.Image(rgb, caption="two")]})
    run.log({"page": wandb.Html("<b>hi</b>")})
    run.log({"nested": {"img": wandb.Image(rgb)}})
    # Audio and video from files (raw samples and frames need soundfile and moviepy, not installed).
    clip_and_gif()
    run.log({"clip": wandb.Audio("clip.wav", caption="beep")})
    run.log({"anim": wandb.Video("anim.gif", caption="flash")})
    finish(run)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "decode":
        decode(sys.argv[2])
    elif command == "jpeg":
        jpeg(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif command == "gif":
        gif(sys.argv[2])
    elif command == "wav":
        wav(sys.argv[2])
    elif command == "hist":
        hist(sys.argv[2])
    elif command == "plots":
        plots()
    elif command == "curves":
        curves(sys.argv[2])
    elif command == "object3d":
        object3d()
    elif command == "lists":
        lists()
    elif command == "scene":
        scene()
    elif command == "boxes":
        boxes()
    elif command == "log":
        log()
    elif command == "tables":
        tables()
