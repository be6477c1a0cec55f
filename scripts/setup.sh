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
# nginx-light and openssl: the HTTPS/HTTP-2 transport tests put nginx with a test CA in front.
# chromium: the web UI's browser test (Tests/Browser) loads the pages in it, headless.
for package in libcurl4-openssl-dev zlib1g-dev pkg-config git openmpi-bin mpich python3-yaml nginx-light openssl chromium; do
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
# The media scenario (Tests/WandbCompat/media.py) logs wandb.Image/Histogram, which need numpy and Pillow;
# wandb.plot.pr_curve/roc_curve (the media parity tests) need scikit-learn and pandas.
if ! "$COHORT_WANDB_VENV/bin/python" -c "import numpy, PIL, sklearn, pandas" 2>/dev/null; then
    "$COHORT_WANDB_VENV/bin/pip" install --quiet numpy pillow scikit-learn pandas
fi

# Playwright (PyPI) drives Debian's chromium for the web UI's browser test (its own browser
# download is not used). COHORT_BROWSER_VENV moves it.
export COHORT_BROWSER_VENV="${COHORT_BROWSER_VENV:-/opt/cohort-browser-venv}"
if ! "$COHORT_BROWSER_VENV/bin/python" -c "import playwright" 2>/dev/null; then
    echo "setup: installing playwright into $COHORT_BROWSER_VENV" >&2
    python3 -m venv "$COHORT_BROWSER_VENV"
    "$COHORT_BROWSER_VENV/bin/pip" install --quiet playwright
fi

# PostgreSQL 15 for the server's store conformance suite: started here (a fresh machine runs no
# services), with a role and database for the tests. COHORT_TEST_POSTGRES_URL tells the tests.
if [ -z "${COHORT_TEST_POSTGRES_URL:-}" ]; then
    if ! dpkg -s postgresql >/dev/null 2>&1; then
        echo "setup: installing postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq postgresql >/dev/null
    fi
    cluster="$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')"
    if [ -n "$cluster" ] && ! pg_lsclusters --no-header | awk 'NR==1 {exit $4!="online"}'; then
        pg_ctlcluster $cluster start
    fi
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='cohort'\"" | grep -q 1 ||
        su postgres -c "psql -qc \"CREATE ROLE cohort LOGIN PASSWORD 'cohort'\""
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='cohort_test'\"" | grep -q 1 ||
        su postgres -c "createdb -O cohort cohort_test"
    port="$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')"
    export COHORT_TEST_POSTGRES_URL="postgres://cohort:cohort@127.0.0.1:${port}/cohort_test"
fi
