#!/usr/bin/env bash
# Web UI benchmark: a release `cohort server` with one run of ROWS (default 1,000,000) history rows,
# sent through the real file_stream API; then the run page is fetched with curl: cold (first
# request after the server starts: every row is read from the store and parsed; also the server's
# CPU time for it, which waiting for a core on a busy machine does not inflate) and warm (the
# metric series cache answers), plus the wall-time x axis. Prints one JSON object.
#   bash Benchmarks/webui/run.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
scratch="${COHORT_BENCH_SCRATCH:-.build-bench}"
if [ -n "${COHORT_BENCH_BIN:-}" ]; then
    bin="$COHORT_BENCH_BIN"   # an already built cohort (e.g. a debug build, to try the script)
else
    swift build -c release --scratch-path "$scratch" --product cohort >&2
    bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/cohort"
fi

work="$(mktemp -d /tmp/cohort-webui-bench.XXXXXX)"
key="cohort-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

start_server() {
    COHORT_ADMIN_KEY="$key" "$bin" server --port 0 --data "$work/data" > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        url="$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1 || true)"
        if [ -n "$url" ]; then return; fi
        sleep 0.2
    done
    echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

start_server
populated="$(python3 Benchmarks/webui/populate.py "$url" "$key" admin bench big "$rows")"
stop_server
start_server   # a fresh process: nothing cached

page="$url/admin/bench/runs/big"
time_page() {  # prints seconds and bytes of one authenticated GET
    curl -s -o "$work/page.html" -w '%{time_total} %{size_download} %{http_code}' -u "api:$key" "$1"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }   # the server's user + system time
before="$(cpu_ticks)"
read -r cold cold_bytes cold_code <<< "$(time_page "$page")"
cold_cpu="$(awk -v a="$before" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN {print (b - a) / hz}')"
warm=()
for _ in 1 2 3 4 5; do read -r t _ _ <<< "$(time_page "$page")"; warm+=("$t"); done
read -r runtime_axis _ _ <<< "$(time_page "$page?x=_runtime&scale=log&smooth=0.8")"
read -r project_page _ _ <<< "$(time_page "$url/admin/bench")"
rss_kb="$(ps -o rss= -p "$server_pid" | tr -d ' ')"
warm_sorted="$(printf '%s\n' "${warm[@]}" | sort -n | tr '\n' ' ')"
python3 - "$populated" "$cold" "$cold_bytes" "$cold_code" "$warm_sorted" "$runtime_axis" "$project_page" "$rss_kb" "$cold_cpu" <<'PY'
import json, sys
populated = json.loads(sys.argv[1])
warm = [float(x) for x in sys.argv[5].split()]
print(json.dumps({
    "history_rows": populated["rows"], "populate_seconds": populated["populate_seconds"],
    "run_page_cold_seconds": float(sys.argv[2]), "run_page_cold_server_cpu_seconds": float(sys.argv[9]),
    "run_page_bytes": int(sys.argv[3]), "status": int(sys.argv[4]),
    "run_page_warm_seconds_median": warm[len(warm) // 2], "run_page_warm_seconds_max": warm[-1],
    "run_page_runtime_axis_log_smoothed_seconds": float(sys.argv[6]), "project_page_seconds": float(sys.argv[7]),
    "server_rss_mib_after": round(int(sys.argv[8]) / 1024, 1),
}))
PY
