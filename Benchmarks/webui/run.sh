#!/usr/bin/env bash
# Web UI benchmark: a release `cohort server` with one run of ROWS (default 1,000,000) history rows,
# sent through the real file_stream API (with the server's CPU time for it); the script then waits
# until the series indexer has written every row to the run's series files (polling their
# manifest; skipped for a server without series files) and restarts the server. The run page is
# then fetched with curl: cold (first request after the restart: the series is read from the
# series files, or parsed from the store by an older server; also the server's CPU time for it,
# which waiting for a core on a busy machine does not inflate) and warm (the metric series cache
# answers), plus the wall-time x axis; last, cold again after another restart with the series files
# dropped from the OS page cache (read from disk). Prints one JSON object.
#   bash Benchmarks/webui/run.sh [ROWS]
# COHORT_BENCH_SERIES_FILES=0 starts the server with --no-series-files (no indexing; the cold view
# parses every row from the store), for the comparison.
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

flags=()
if [ "${COHORT_BENCH_SERIES_FILES:-1}" = 0 ]; then flags=(--no-series-files); fi
start_server() {
    rm -f "$work/server.log"   # so the wait below cannot read the previous process's address
    COHORT_ADMIN_KEY="$key" "$bin" server --port 0 --data "$work/data" "${flags[@]}" > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        url="$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1 || true)"
        if [ -n "$url" ]; then return; fi
        sleep 0.2
    done
    echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }   # the server's user + system time
seconds_since() { awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {print (b - a) / hz}'; }

start_server
before="$(cpu_ticks)"
populated="$(python3 Benchmarks/webui/populate.py "$url" "$key" admin bench big "$rows")"
populate_cpu="$(seconds_since "$before" "$(cpu_ticks)")"
# Wait for the series indexer to catch up: the run's manifest counts every row.
catch_up="$(python3 - "$work/data/series" "$rows" <<'PY'
import glob, json, os, sys, time
root, rows, started = sys.argv[1], int(sys.argv[2]), time.time()
if not os.path.isdir(root):
    print("null"); sys.exit()   # a server without series files
while time.time() - started < 600:
    for path in glob.glob(root + "/*/manifest.json"):
        try:
            if json.load(open(path))["rows"] >= rows:
                print(round(time.time() - started, 2)); sys.exit()
        except (OSError, ValueError, KeyError):
            pass
    time.sleep(0.05)
print("null")
PY
)"
index_cpu="$(seconds_since "$before" "$(cpu_ticks)")"
series_mib="$(du -sm "$work/data/series" 2>/dev/null | cut -f1 || true)"
stop_server
start_server   # a fresh process: nothing cached

page="$url/admin/bench/runs/big"
time_page() {  # prints seconds and bytes of one authenticated GET
    curl -s -o "$work/page.html" -w '%{time_total} %{size_download} %{http_code}' -u "api:$key" "$1"
}
before="$(cpu_ticks)"
read -r cold cold_bytes cold_code <<< "$(time_page "$page")"
cold_cpu="$(seconds_since "$before" "$(cpu_ticks)")"
warm=()
for _ in 1 2 3 4 5; do read -r t _ _ <<< "$(time_page "$page")"; warm+=("$t"); done
read -r runtime_axis _ _ <<< "$(time_page "$page?x=_runtime&scale=log&smooth=0.8")"
read -r project_page _ _ <<< "$(time_page "$url/admin/bench")"
rss_kb="$(ps -o rss= -p "$server_pid" | tr -d ' ')"
warm_sorted="$(printf '%s\n' "${warm[@]}" | sort -n | tr '\n' ' ')"
disk_cold="null"
if [ -d "$work/data/series" ]; then
    stop_server
    # Drop the series files from the OS page cache (POSIX_FADV_DONTNEED; only these files).
    python3 -c 'import os, sys
for d, _, names in os.walk(sys.argv[1]):
    for n in names:
        fd = os.open(os.path.join(d, n), os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$work/data/series"
    start_server
    read -r disk_cold _ disk_cold_code <<< "$(time_page "$url/admin/bench/runs/big")"
    if [ "$disk_cold_code" != 200 ]; then echo "the page answered $disk_cold_code" >&2; exit 1; fi
fi
python3 - "$populated" "$cold" "$cold_bytes" "$cold_code" "$warm_sorted" "$runtime_axis" "$project_page" "$rss_kb" "$cold_cpu" \
    "$populate_cpu" "$catch_up" "$index_cpu" "${series_mib:-0}" "$disk_cold" <<'PY'
import json, sys
populated = json.loads(sys.argv[1])
warm = [float(x) for x in sys.argv[5].split()]
print(json.dumps({
    "history_rows": populated["rows"], "populate_seconds": populated["populate_seconds"],
    "run_page_cold_seconds": float(sys.argv[2]), "run_page_cold_server_cpu_seconds": float(sys.argv[9]),
    "run_page_bytes": int(sys.argv[3]), "status": int(sys.argv[4]),
    "run_page_warm_seconds_median": warm[len(warm) // 2], "run_page_warm_seconds_max": warm[-1],
    "run_page_runtime_axis_log_smoothed_seconds": float(sys.argv[6]), "project_page_seconds": float(sys.argv[7]),
    "server_rss_mib_after": round(int(sys.argv[8]) / 1024, 1), "load_average": open("/proc/loadavg").read().split()[:3],
    "populate_server_cpu_seconds": float(sys.argv[10]),
    "rows_per_second_file_stream": round(populated["rows"] / populated["populate_seconds"]),
    "index_catch_up_seconds_after_populate": json.loads(sys.argv[11]),
    "populate_and_catch_up_server_cpu_seconds": float(sys.argv[12]),
    "series_files_mib": int(sys.argv[13]),
    "run_page_cold_series_files_not_in_os_cache_seconds": json.loads(sys.argv[14]),
}))
PY
