#!/usr/bin/env bash
# The demo: build Cohort, log a short synthetic training run offline, and show where it is.
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

"$bin/example-train" --steps "${DEMO_STEPS:-200}" --project cohort-demo
echo
"$bin/cohort" runs --dir "$COHORT_DIR"
echo
echo "demo: runs are under $(cd "$COHORT_DIR" && pwd)/cohort (latest: $(cd "$COHORT_DIR" && pwd)/cohort/latest-run)"
