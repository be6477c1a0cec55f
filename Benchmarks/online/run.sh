#!/usr/bin/env bash
# Online streaming benchmark (issue 5): rows/s from log() until finish() returned, Cohort's Swift client
# vs the official wandb client, online to the same `cohort server` on loopback. See BENCHMARKS.md.
#
#   Benchmarks/online/run.sh [--rows N] [--repeat N]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product cohort --scratch-path .build-bench
swift build -c release --product CohortBench --scratch-path .build-bench
python3 Benchmarks/online/online_bench.py --cohort .build-bench/release/cohort --bench .build-bench/release/CohortBench "$@"
