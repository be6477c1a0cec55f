#!/usr/bin/env bash
# Runs a Cohort training program under Open MPI's mpirun: every rank gets its own run, all in one
# group (the mpirun job's PMIX_NAMESPACE unless COHORT_RUN_GROUP is set), named <group>-rank<N>.
#
#   deploy/mpirun/launch.sh -n 4 [--hostfile FILE] -- ./example-train --steps 1000
#
# COHORT_* and WANDB_* variables of this shell are passed to every rank (-x). On more than one
# host, set COHORT_LEADER=<rank-0 host>:<port> so the ranks can find their group's leader.
set -euo pipefail

ranks=""
hostfile=""
while [ $# -gt 0 ]; do
    case "$1" in
        -n) ranks="$2"; shift 2 ;;
        --hostfile) hostfile="$2"; shift 2 ;;
        --) shift; break ;;
        *) echo "launch.sh: unknown option $1 (usage: -n N [--hostfile FILE] -- command ...)" >&2; exit 2 ;;
    esac
done
if [ -z "$ranks" ] || [ $# -eq 0 ]; then
    echo "usage: deploy/mpirun/launch.sh -n N [--hostfile FILE] -- command [args...]" >&2
    exit 2
fi

mpirun_bin="$(command -v mpirun.openmpi || command -v mpirun || true)"
if [ -z "$mpirun_bin" ]; then
    echo "launch.sh: mpirun not found; install Open MPI (Debian: apt-get install openmpi-bin)" >&2
    exit 1
fi

# The group's leader (rank 0) needs a port every rank knows. On one host, pick a free one; across
# hosts, set COHORT_LEADER=<rank-0 host>:<port> before calling this script.
if [ -z "${COHORT_LEADER:-}" ] && [ -z "${COHORT_LEADER_PORT:-}" ]; then
    if command -v python3 >/dev/null 2>&1; then
        COHORT_LEADER_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    else
        COHORT_LEADER_PORT="$(shuf -i 20000-60000 -n 1)"
    fi
    export COHORT_LEADER_PORT
fi

args=(-np "$ranks" --oversubscribe)
[ "$(id -u)" -eq 0 ] && args+=(--allow-run-as-root)
[ -n "$hostfile" ] && args+=(--hostfile "$hostfile")
for name in $(env | sed -n 's/^\(\(COHORT\|WANDB\)_[A-Z0-9_]*\)=.*/\1/p'); do
    args+=(-x "$name")
done

exec "$mpirun_bin" "${args[@]}" "$@"
