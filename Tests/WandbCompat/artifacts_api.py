"""wandb.Api() reads artifacts back from a Cohort server.

Run by CohortServerTests (WandbCompatScenarioTests.artifactReads), in two processes with their own caches:

  artifacts_api.py log    a producer run logs "api-ds" v0 (alias "gold") and v1 (a.txt changed) plus
                          "api-model" of another type; a consumer run uses api-ds:gold. Prints the ids.
  artifacts_api.py read   (COHORT_LOGGED = the log line) wandb.Api() reads them by name, version,
                          alias and type, downloads (cold cache, so every byte comes from the server),
                          fetches single entries, and walks the lineage both ways. Prints a verdict
                          line (see verdict.py).
"""
import json
import os
import sys

import wandb

from verdict import attempt, check, finish

mode = sys.argv[1]

base = os.environ["WANDB_DIR"]
project = "art-api"
source = os.path.join(base, "ds")
os.makedirs(os.path.join(source, "sub"), exist_ok=True)


def write(name, text):
    with open(os.path.join(source, name), "w") as handle:
        handle.write(text)


def log():
    run = wandb.init(project=project, job_type="produce")
    write("a.txt", "zero\n")
    write("sub/b.csv", "x,y\n1,2\n")
    first = wandb.Artifact("api-ds", type="dataset", description="two files", metadata={"rows": 1})
    first.add_dir(source)
    run.log_artifact(first, aliases=["gold"])
    first.wait()
    write("a.txt", "one\n")
    second = wandb.Artifact("api-ds", type="dataset")
    second.add_dir(source)
    run.log_artifact(second)
    second.wait()
    model = wandb.Artifact("api-model", type="model")
    model.add_file(os.path.join(source, "a.txt"), name="weights.txt")
    run.log_artifact(model)
    model.wait()
    producer, entity = run.id, run.entity
    run.finish()

    run = wandb.init(project=project, job_type="consume")
    run.use_artifact("api-ds:gold")
    consumer = run.id
    run.finish()
    print(json.dumps({"entity": entity, "producer": producer, "consumer": consumer,
                      "first": first.id, "first_digest": first.digest, "second": second.id, "model": model.id}))


if mode == "log":
    log()
    sys.exit(0)

logged = json.loads(os.environ["COHORT_LOGGED"])
entity, producer, consumer = logged["entity"], logged["producer"], logged["consumer"]
first_id, second_id, model_id = logged["first"], logged["second"], logged["model"]

api = wandb.Api(timeout=30)
path = f"{entity}/{project}"


def read_tree(root):
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            full = os.path.join(directory, name)
            with open(full) as handle:
                found[os.path.relpath(full, root)] = handle.read()
    return found


def by_name():
    v0 = api.artifact(f"{path}/api-ds:v0")
    check("v0 id", v0.id, first_id)
    check("v0 version", v0.version, "v0")
    check("v0 type", v0.type, "dataset")
    check("v0 description", v0.description, "two files")
    check("v0 metadata", v0.metadata, {"rows": 1})
    check("v0 aliases", sorted(v0.aliases), ["gold"])
    check("v0 digest", v0.digest, logged["first_digest"])
    latest = api.artifact(f"{path}/api-ds:latest")
    check("latest id", latest.id, second_id)
    check("latest version", latest.version, "v1")
    gold = api.artifact(f"{path}/api-ds:gold", type="dataset")
    check("alias id", gold.id, first_id)
    check("v0 files", sorted(f.name for f in v0.files()), ["a.txt", "sub/b.csv"])
    check("v0 download", read_tree(v0.download(root=os.path.join(base, "dl-v0"))),
          {"a.txt": "zero\n", os.path.join("sub", "b.csv"): "x,y\n1,2\n"})
    check("latest download", read_tree(latest.download(root=os.path.join(base, "dl-latest"))),
          {"a.txt": "one\n", os.path.join("sub", "b.csv"): "x,y\n1,2\n"})
    check("verify", v0.verify(root=os.path.join(base, "dl-v0")), None)
    check("source_version", v0.source_version, "v0")
    check("qualified_name", v0.qualified_name, f"{path}/api-ds:v0")
    check("file_count", (v0.file_count, v0.size), (2, len("zero\n") + len("x,y\n1,2\n")))
    check("project-relative name", api.artifact(f"{project}/api-ds:gold").id, first_id)


def entries():
    # A fresh object whose manifest entries carry no signed URL: the client fetches each file from
    # /artifactsV2/... with the API key.
    v1 = api.artifact(f"{path}/api-ds:v1")
    entry = v1.get_entry("sub/b.csv")
    check("entry birth", entry.birth_artifact_id, first_id)
    with open(entry.download(root=os.path.join(base, "entry"))) as handle:
        check("entry bytes (born in v0)", handle.read(), "x,y\n1,2\n")
    with open(v1.get_entry("a.txt").download(root=os.path.join(base, "entry"))) as handle:
        check("entry bytes", handle.read(), "one\n")
    with open(v1.get_path("a.txt").download(root=os.path.join(base, "path"))) as handle:
        check("get_path bytes", handle.read(), "one\n")


def lineage():
    produced = api.run(f"{path}/{producer}")
    check("logged_artifacts", [a.id for a in produced.logged_artifacts()], [first_id, second_id, model_id])
    check("producer used", [a.id for a in produced.used_artifacts()], [])
    consumed = api.run(f"{path}/{consumer}")
    check("used_artifacts", [a.id for a in consumed.used_artifacts()], [first_id])
    check("consumer logged", [a.id for a in consumed.logged_artifacts()], [])
    v0 = api.artifact(f"{path}/api-ds:v0")
    check("logged_by", v0.logged_by().id, producer)
    check("used_by", [r.id for r in v0.used_by()], [consumer])


def collections():
    versions = api.artifact_versions("dataset", f"{path}/api-ds")
    check("artifact_versions", sorted(a.version for a in versions), ["v0", "v1"])
    listed = api.artifacts("dataset", f"{path}/api-ds")
    check("artifacts", sorted(a.id for a in listed), sorted([first_id, second_id]))
    collection = api.artifact_collection("dataset", f"{path}/api-ds")
    check("collection name", collection.name, "api-ds")
    check("collection type", collection.type, "dataset")
    check("collection versions", sorted(a.version for a in collection.artifacts()), ["v0", "v1"])
    check("collection exists", api.artifact_collection_exists(f"{path}/api-ds", "dataset"), True)
    check("artifact exists", api.artifact_exists(f"{path}/api-ds:v1"), True)
    check("artifact missing", api.artifact_exists(f"{path}/api-ds:v9"), False)
    check("collection missing", api.artifact_collection_exists(f"{path}/nope", "dataset"), False)
    check("collection other type", api.artifact_collection_exists(f"{path}/api-ds", "model"), False)
    check("collection aliases", sorted(collection.aliases), ["gold", "latest"])


def types():
    names = sorted(t.name for t in api.artifact_types(path))
    check("artifact_types", names, ["dataset", "model"])
    kind = api.artifact_type("model", path)
    check("artifact_type name", kind.name, "model")
    check("type collections", [c.name for c in kind.collections()], ["api-model"])
    check("type missing", api.artifact_types(path) is not None and "nope" not in names, True)
    check("collections of dataset", [c.name for c in api.artifact_collections(path, "dataset")], ["api-ds"])


for name, body in [("entries", entries), ("by_name", by_name), ("lineage", lineage), ("collections", collections), ("types", types)]:
    attempt(name, body)
finish(producer=producer, consumer=consumer)
