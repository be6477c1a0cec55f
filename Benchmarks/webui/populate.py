"""Creates a run with ROWS history rows on a Cohort server through the real API: UpsertBucket over
/graphql, then file_stream requests of CHUNK lines each (what a client sends), with a summary.

  populate.py BASE_URL API_KEY ENTITY PROJECT RUN ROWS [CHUNK]
"""
import base64
import json
import math
import sys
import time
import urllib.request

base, key, entity, project, run, rows = sys.argv[1:7]
rows = int(rows)
chunk = int(sys.argv[7]) if len(sys.argv) > 7 else 20000
auth = "Basic " + base64.b64encode(f"api:{key}".encode()).decode()


def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read() or b"{}")


mutation = """mutation UpsertBucket($name: String, $project: String, $entity: String, $displayName: String) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, displayName: $displayName}) { bucket { id name } }
}"""
post("/graphql", {"query": mutation, "variables": {"name": run, "project": project, "entity": entity,
                                                    "displayName": f"{rows} rows"}})
started = time.time()
offset = 0
while offset < rows:
    lines = []
    for step in range(offset, min(rows, offset + chunk)):
        lines.append(json.dumps({"_step": step, "_runtime": step * 0.01, "_timestamp": 1.8e9 + step * 0.01,
                                 "loss": 1 / (1 + step * 1e-4) + 0.01 * math.sin(step), "acc": step / rows,
                                 "lr": 1e-3 * (0.5 ** (step // 200000)), "grad_norm": abs(math.cos(step * 0.001))}))
    post(f"/files/{entity}/{project}/{run}/file_stream",
         {"files": {"wandb-history.jsonl": {"offset": offset, "content": lines}}})
    offset += len(lines)
post(f"/files/{entity}/{project}/{run}/file_stream",
     {"files": {"wandb-summary.json": {"offset": 0, "content": [json.dumps({"loss": 0.1, "_step": rows - 1})]}},
      "complete": True, "exitcode": 0})
print(json.dumps({"rows": rows, "populate_seconds": round(time.time() - started, 1)}))
