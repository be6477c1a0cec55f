#!/usr/bin/env bash
# Installs what Cohort needs on a fresh Debian machine (run as root; Swift 6.1+ must be on PATH).
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        if [ -x "$candidate/swift" ]; then export PATH="$candidate:$PATH"; fi
    done
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: Swift is not on PATH; install a Swift 6.1 or newer toolchain first" >&2
    exit 1
fi

needed=()
# openmpi-bin and mpich: the launcher tests run the real mpirun and MPICH's mpiexec (Debian keeps
# `mpirun` pointing at Open MPI when both are installed; MPICH's is mpiexec.mpich).
# python3-yaml: the Kubernetes manifest tests parse the manifests.
for package in libcurl4-openssl-dev pkg-config git openmpi-bin mpich python3-yaml; do
    dpkg -s "$package" >/dev/null 2>&1 || needed+=("$package")
done
if [ "${#needed[@]}" -gt 0 ]; then
    echo "setup: installing ${needed[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${needed[@]}" >/dev/null
fi

# The official wandb client (PyPI wandb==0.31.0) for the server compatibility tests, in its own
# virtualenv so the system Python stays untouched. COHORT_WANDB_VENV moves it.
export COHORT_WANDB_VENV="${COHORT_WANDB_VENV:-/opt/wandb-venv}"
if ! "$COHORT_WANDB_VENV/bin/python" -c "import sys, wandb; sys.exit(wandb.__version__ != '0.31.0')" 2>/dev/null; then
    echo "setup: installing wandb==0.31.0 into $COHORT_WANDB_VENV" >&2
    if ! python3 -m venv "$COHORT_WANDB_VENV" 2>/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$COHORT_WANDB_VENV"
    fi
    "$COHORT_WANDB_VENV/bin/pip" install --quiet "wandb==0.31.0"
fi
