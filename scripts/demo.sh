#!/usr/bin/env bash
# The demo: build Cohort, start the W&B-compatible `cohort server` on loopback, run a 4-rank grouped
# training job with `cohort launch` whose ranks stream their runs to it online (rank 0's leader adds
# the group's aggregate run), then let the official wandb client log a 2-rank group to the same
# server, printing the runs and their URLs.
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

# The server: Cohort's Swift client and unmodified wandb scripts log to it.
mkdir -p "$COHORT_DIR"
server_data="$(cd "$COHORT_DIR" && pwd)/server"
server_log="$server_data.log"
mkdir -p "$server_data"
"$bin/cohort" server --port 0 --data "$server_data" >"$server_log" 2>&1 &
server_pid=$!
trap 'kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on http://" "$server_log" 2>/dev/null && break
    sleep 0.1
done
server_url="$(grep -o 'listening on http://[^ ]*' "$server_log" | head -1 | cut -d' ' -f3)"
echo
echo "demo: cohort server at $server_url (admin key in $server_data/admin-key, log in $server_log)"
group="demo-$(date +%Y%m%d-%H%M%S)"
COHORT_MODE=online COHORT_BASE_URL="$server_url" COHORT_API_KEY="$(cat "$server_data/admin-key")" \
    "$bin/cohort" launch -n "${DEMO_RANKS:-4}" --group "$group" -- "$bin/example-train" --steps "${DEMO_STEPS:-200}" --project cohort-demo \
    | tee "$COHORT_DIR/launch-$group.log"
echo
"$bin/cohort" runs --dir "$COHORT_DIR"
echo
echo "demo: group $group: $(ls -d "$COHORT_DIR"/cohort/*-"$group"-r* | wc -l) rank runs under $(cd "$COHORT_DIR" && pwd)/cohort"
ls -d "$(cd "$COHORT_DIR" && pwd)"/cohort/*-"$group"-r*
echo "demo: the group's aggregate run (mean/min/max/std per step across ranks, written by rank 0's leader):"
ls -d "$(cd "$COHORT_DIR" && pwd)"/cohort/*-"$group"-agg

echo "demo: the Swift group's runs on the server (streamed online while they trained):"
grep -o "run page .*" "$COHORT_DIR/launch-$group.log" | sed 's/^run page /demo: rank run: /'
aggregate_dir="$(ls -d "$(cd "$COHORT_DIR" && pwd)"/cohort/*-"$group"-agg | head -1)"
aggregate_id="$(basename "$aggregate_dir" | sed -E 's/^(offline-)?run-[0-9]{8}_[0-9]{6}-//')"
echo "demo: aggregate run: $server_url/admin/cohort-demo/runs/$aggregate_id"
export WANDB_BASE_URL="$server_url" WANDB_API_KEY="$(cat "$server_data/admin-key")" WANDB_MODE=online WANDB_SILENT=true
export WANDB_DIR="$(cd "$COHORT_DIR" && pwd)"
python_ranks=()
for rank in 0 1; do
    "$COHORT_WANDB_VENV/bin/python" Examples/python/grouped_wandb.py --group "$group-py" --rank "$rank" --steps 50 \
        --url-file "$WANDB_DIR/py-rank$rank.url" &
    python_ranks+=("$!")
done
for pid in "${python_ranks[@]}"; do wait "$pid"; done
for rank in 0 1; do echo "demo: wandb client rank $rank run: $(cat "$WANDB_DIR/py-rank$rank.url")"; done
echo "demo: group page $server_url/admin/cohort-demo/groups/$group"
echo "demo: project page $server_url/admin/cohort-demo (web UI: log in at $server_url/login with the admin key)"
if [ -t 0 ] && [ -z "${DEMO_NO_WAIT:-}" ]; then
    read -r -p "demo: the server stays up for these pages; press Enter to stop it " _
fi
