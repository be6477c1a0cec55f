#!/usr/bin/env bash
# The demo: build Cohort, start a 4-rank grouped training job with `cohort launch` (each rank logs a
# synthetic training run offline into one group), and show where the runs are.
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Example settings for the demo (COHORT_* variables, read by Settings.fromEnvironment()).
set -a
source configs/demo.env
set +a

swift build --product example-train
swift build --product cohort
bin="$(swift build --show-bin-path)"

group="demo-$(date +%Y%m%d-%H%M%S)"
"$bin/cohort" launch -n "${DEMO_RANKS:-4}" --group "$group" -- "$bin/example-train" --steps "${DEMO_STEPS:-200}" --project cohort-demo
echo
"$bin/cohort" runs --dir "$COHORT_DIR"
echo
echo "demo: group $group: $(ls -d "$COHORT_DIR"/cohort/*-"$group"-r* | wc -l) rank runs under $(cd "$COHORT_DIR" && pwd)/cohort"
ls -d "$(cd "$COHORT_DIR" && pwd)"/cohort/*-"$group"-r*
echo "demo: the group's aggregate run (mean/min/max/std per step across ranks, written by rank 0's leader):"
ls -d "$(cd "$COHORT_DIR" && pwd)"/cohort/*-"$group"-agg
