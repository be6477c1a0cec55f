#!/usr/bin/env bash
# Artifact transfer benchmark (issue 5): MiB/s uploading and downloading a 1 GiB artifact to
# `cohort server` on loopback — `cohort artifact put|get` beside curl moving the same bytes to the same
# server (the practical limit) and the official wandb client doing the same artifact. See BENCHMARKS.md.
#
#   Benchmarks/artifacts/run.sh [--mib 1024] [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product cohort --scratch-path .build-bench
swift build -c release --product CohortBench --scratch-path .build-bench
python3 Benchmarks/artifacts/artifact_bench.py --cohort .build-bench/release/cohort --bench .build-bench/release/CohortBench "$@"
