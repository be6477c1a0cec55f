#!/usr/bin/env bash
# Image encoding and histogram computation: Cohort (release build) beside the official wandb client
# on the same arrays (issue 6). Prints a combined JSON object and a markdown table (see BENCHMARKS.md).
#
#   Benchmarks/media.sh               # BENCH_REPEAT=N (default 3) measurements per figure
#
# Environment: WANDB_VENV (default /opt/wandb-venv) must hold wandb==0.31.0, numpy and Pillow.
set -euo pipefail

readonly REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly VENV="${WANDB_VENV:-/opt/wandb-venv}"
readonly SCRATCH="$REPO/.build-bench"
readonly REPEAT="${BENCH_REPEAT:-3}"

log() { printf 'media.sh: %s\n' "$*" >&2; }

log "building CohortBench (release) in $SCRATCH"
(cd "$REPO" && swift build -c release --product CohortBench --scratch-path "$SCRATCH" >&2)
bench="$(cd "$REPO" && swift build -c release --product CohortBench --scratch-path "$SCRATCH" --show-bin-path)/CohortBench"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
loadavg_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "Cohort"
"$bench" media --dir "$work/cohort" --repeat "$REPEAT" > "$work/cohort.json"
log "wandb"
"$VENV/bin/python" "$REPO/Benchmarks/wandb_media_bench.py" --dir "$work/wandb" --repeat "$REPEAT" > "$work/wandb.json"
loadavg_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/cohort.json" "$work/wandb.json" "$loadavg_before" "$loadavg_after" <<'PY'
import json, os, sys
cohort, wandb = (json.load(open(path))["media"] for path in sys.argv[1:3])
versions = [json.load(open(path))["version"] for path in sys.argv[1:3]]
rows = []
for size in cohort["images"]:
    ours, theirs = cohort["images"][size]["mb_per_s"], wandb["images"][size]["mb_per_s"]
    rows.append((f"image encode + log, RGB {size} (UInt8)", "MB/s raw", ours, theirs))
ours, theirs = cohort["histogram"]["values_per_s"], wandb["histogram"]["values_per_s"]
rows.append(("histogram, 1,000,000 float64, 64 bins", "M values/s", ours / 1e6, theirs / 1e6))
print(json.dumps({"cohort": cohort, "wandb": wandb, "versions": versions, "cpus": os.cpu_count(),
                  "loadavg_before": sys.argv[3], "loadavg_after": sys.argv[4]}, indent=2))
print()
print(f"| metric | unit | Cohort {versions[0]} | wandb {versions[1]} | Cohort advantage |")
print("|---|---|---:|---:|---:|")
for name, unit, ours, theirs in rows:
    print(f"| {name} | {unit} | {ours:,.1f} | {theirs:,.1f} | {ours / theirs:.2f}× |")
print()
print("| row without media (Cohort) | loop alone, ns/call | loop + media check, ns/call | whole log(), ns/call |")
print("|---|---:|---:|---:|")
for name, figures in sorted(cohort["media_check"].items()):
    print(f"| {name} | {figures['loop_ns_per_call']:,.1f} | {figures['check_ns_per_call']:,.1f} | "
          f"{figures['log_ns_per_call']:,.1f} |")
PY
