#!/usr/bin/env bash
# Benchmarks Cohort (release build) against the official wandb Python client, offline, on this
# machine, and prints a combined JSON object and a markdown table (see BENCHMARKS.md).
#
#   Benchmarks/run.sh                  # full run (about 1–2 minutes after the first build)
#   BENCH_QUICK=1 Benchmarks/run.sh    # small counts, to check that everything works
#   BENCH_GROUP_ONLY=1 Benchmarks/run.sh   # only the group-leader parts (no wandb needed)
#
# Environment: WANDB_VENV (default /opt/wandb-venv) is created with wandb==0.31.0 when it lacks it;
# BENCH_RESULTS=FILE also writes the output to FILE. Progress goes to stderr, results to stdout.
set -euo pipefail

readonly WANDB_VERSION="0.31.0"
readonly REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly VENV="${WANDB_VENV:-/opt/wandb-venv}"
readonly SCRATCH="$REPO/.build-bench"

# Rows per workload and processes. wandb's log() is ~100x slower, so it logs fewer rows for the
# per-workload figures (rates are compared, not totals); both sides log 100k rows in the lifecycle.
# Each log workload is measured 3 times (--repeat) on both sides; the report shows medians.
if [[ "${BENCH_QUICK:-0}" == "1" ]]; then
    SWIFT_LOG_ARGS=(--rows3 10000 --rows50 2000 --nested 5000 --warmup 100 --repeat 1)
    PY_LOG_ARGS=(--rows3 1000 --rows50 300 --nested 500 --warmup 100 --repeat 1)
    LIFECYCLE_ROWS=5000
    START_PROCESSES=2
    LIFECYCLE_PROCESSES=1
else
    SWIFT_LOG_ARGS=(--rows3 100000 --rows50 20000 --nested 50000 --warmup 1000 --repeat 3)
    PY_LOG_ARGS=(--rows3 20000 --rows50 5000 --nested 10000 --warmup 1000 --repeat 3)
    LIFECYCLE_ROWS=100000
    START_PROCESSES=5
    LIFECYCLE_PROCESSES=3
fi

# Group leader (issue 3): ranks are processes started by `cohort launch`. log() cost with the link on
# and off (2 ranks: rank 0 is leader + worker), and the leader's throughput with 8 and 32 ranks.
if [[ "${BENCH_QUICK:-0}" == "1" ]]; then
    GROUP_OVERHEAD_STEPS=20000
    GROUP_THROUGHPUT_STEPS=2000
    GROUP_THROUGHPUT_RANKS=(8)
    LEADER_BENCH_STEPS=200
    GROUP_REPEAT=1
else
    GROUP_OVERHEAD_STEPS=200000
    GROUP_THROUGHPUT_STEPS=5000
    GROUP_THROUGHPUT_RANKS=(8 32)
    LEADER_BENCH_STEPS=1000
    GROUP_REPEAT=3
fi

log() { printf 'run.sh: %s\n' "$*" >&2; }

# Builds CohortBench once, in its own scratch directory, and prints the binary's path.
build_cohort_bench() {
    log "building CohortBench (release) in $SCRATCH"
    (cd "$REPO" && swift build -c release --product CohortBench --scratch-path "$SCRATCH" >&2)
    echo "$(cd "$REPO" && swift build -c release --product CohortBench --scratch-path "$SCRATCH" --show-bin-path)/CohortBench"
}

# Builds the `cohort` launcher in the same scratch directory and prints the binary's path.
build_cohort_cli() {
    log "building cohort (release) in $SCRATCH"
    (cd "$REPO" && swift build -c release --product cohort --scratch-path "$SCRATCH" >&2)
    echo "$(cd "$REPO" && swift build -c release --product cohort --scratch-path "$SCRATCH" --show-bin-path)/cohort"
}

# The group-leader parts: each repetition is one `cohort launch` of `CohortBench rank` (rank 0 prints
# the group's report). On and off alternate, so drifting load on the machine hits both alike.
run_group_parts() {
    local bench="$1" cohort="$2" index ranks leader_bench
    # The in-process figure (leader and workers in one process, no Run, no journal), for comparison.
    log "building CohortLeaderBench (release) in $SCRATCH"
    (cd "$REPO" && swift build -c release --product CohortLeaderBench --scratch-path "$SCRATCH" >&2)
    leader_bench="$(cd "$REPO" && swift build -c release --product CohortLeaderBench --scratch-path "$SCRATCH" --show-bin-path)/CohortLeaderBench"
    for index in $(seq "$GROUP_REPEAT"); do
        log "group-inprocess-$index"
        # 256 ranks is issue 3's target (256 ranks × 1,000 steps/s); `leader_split` holds the leader
        # process's own CPU per report with the workers in a child process.
        "$leader_bench" --ranks "$(IFS=,; echo "${GROUP_THROUGHPUT_RANKS[*]}"),256" --steps "$LEADER_BENCH_STEPS" \
            --metrics 3 2>/dev/null >"$PARTS/group-inprocess-$index.json"
    done
    for index in $(seq "$GROUP_REPEAT"); do
        run_part "group-overhead-on-$index" "$cohort" launch -n 2 -- "$bench" rank \
            --steps "$GROUP_OVERHEAD_STEPS" --warmup 1000
        run_part "group-overhead-off-$index" env COHORT_GROUP_LINK=false "$cohort" launch -n 2 -- "$bench" rank \
            --steps "$GROUP_OVERHEAD_STEPS" --warmup 1000
    done
    for ranks in "${GROUP_THROUGHPUT_RANKS[@]}"; do
        for index in $(seq "$GROUP_REPEAT"); do
            run_part "group-throughput-$ranks-$index" "$cohort" launch -n "$ranks" -- "$bench" rank \
                --steps "$GROUP_THROUGHPUT_STEPS" --warmup 1000
        done
    done
}

# Makes sure $VENV has wandb==$WANDB_VERSION (creating the virtualenv if needed).
ensure_wandb() {
    if [[ -x "$VENV/bin/python" ]] &&
        "$VENV/bin/python" -c "import sys, wandb; sys.exit(wandb.__version__ != '$WANDB_VERSION')" 2>/dev/null; then
        return
    fi
    log "installing wandb==$WANDB_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "wandb==$WANDB_VERSION"
}

# Runs one benchmark process: run_part NAME COMMAND…; its stdout becomes $PARTS/NAME.json.
run_part() {
    local name="$1"
    shift
    log "$name"
    mkdir -p "$WORK/runs/$name"
    (cd "$WORK/runs/$name" && "$@" --dir "$WORK/runs/$name") >"$PARTS/$name.json"
}

main() {
    local bench cohort swift_version revision load_before
    bench="$(build_cohort_bench)"
    cohort="$(build_cohort_cli)"
    if [[ "${BENCH_GROUP_ONLY:-0}" != "1" ]]; then ensure_wandb; fi
    swift_version="$(swift --version 2>/dev/null | head -n 1)"
    revision="$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"

    WORK="$(mktemp -d "${TMPDIR:-/tmp}/cohort-bench.XXXXXX")"
    PARTS="$WORK/parts"
    trap 'rm -rf "$WORK"' EXIT
    mkdir -p "$PARTS"

    # Offline, quiet, and nothing written outside $WORK. Each benchmark runs in its own process, in a
    # directory that is not a git repository (both clients look for git facts in the current one).
    export WANDB_SILENT=true WANDB_MODE=offline
    export WANDB_CONFIG_DIR="$WORK/wandb-config" WANDB_CACHE_DIR="$WORK/wandb-cache" WANDB_DATA_DIR="$WORK/wandb-data"
    local python="$VENV/bin/python" script="$REPO/Benchmarks/wandb_bench.py"
    # Other work on the machine skews every figure; the report shows the load around the run.
    load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"

    run_group_parts "$bench" "$cohort"
    if [[ "${BENCH_GROUP_ONLY:-0}" == "1" ]]; then
        python3 "$REPO/Benchmarks/report.py" --swift-version "$swift_version" --revision "$revision" \
            --loadavg "$load_before before, $(cut -d ' ' -f 1-3 /proc/loadavg) after" "$PARTS"/*.json |
            tee "${BENCH_RESULTS:-/dev/null}"
        return
    fi

    run_part cohort-log "$bench" log "${SWIFT_LOG_ARGS[@]}"
    for index in $(seq "$START_PROCESSES"); do
        run_part "cohort-start-$index" "$bench" start --count 10
    done
    for index in $(seq "$LIFECYCLE_PROCESSES"); do
        run_part "cohort-lifecycle-$index" "$bench" lifecycle --rows "$LIFECYCLE_ROWS"
    done

    run_part wandb-log "$python" "$script" log "${PY_LOG_ARGS[@]}"
    for index in $(seq "$START_PROCESSES"); do
        run_part "wandb-start-$index" "$python" "$script" start --count 5
    done
    for index in $(seq "$LIFECYCLE_PROCESSES"); do
        run_part "wandb-lifecycle-$index" "$python" "$script" lifecycle --rows "$LIFECYCLE_ROWS"
    done

    "$python" "$REPO/Benchmarks/report.py" --swift-version "$swift_version" --revision "$revision" \
        --loadavg "$load_before before, $(cut -d ' ' -f 1-3 /proc/loadavg) after" "$PARTS"/*.json |
        tee "${BENCH_RESULTS:-/dev/null}"
}

main "$@"
