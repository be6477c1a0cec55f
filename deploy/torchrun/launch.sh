#!/usr/bin/env bash
# Runs a Cohort training program on one node with torchrun's environment, without PyTorch:
# `cohort launch` sets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and
# TORCHELASTIC_RUN_ID exactly as torchrun does. Under a real torchrun nothing is needed: Cohort reads
# the same variables (TORCHELASTIC_RUN_ID, from --rdzv-id, names the group; the default "none" does not).
#
#   deploy/torchrun/launch.sh -n 4 [--group G] -- ./example-train --steps 1000
set -euo pipefail
cohort_bin="${COHORT_BIN:-$(command -v cohort || echo "$(dirname "$0")/../../.build/debug/cohort")}"
exec "$cohort_bin" launch "$@"
