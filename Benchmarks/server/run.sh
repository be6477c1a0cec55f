#!/usr/bin/env bash
# Server ingestion benchmark (issue 4): cohort server's file_stream vs the MLflow tracking server's
# log-batch, from 1 and 16 concurrent runs. See BENCHMARKS.md "Server ingestion".
#
#   Benchmarks/server/run.sh                       # SQLite: results.json's "sqlite" entry
#   Benchmarks/server/run.sh --database postgres://cohort:cohort@127.0.0.1/cohort_bench --fresh-database
#                                                  # PostgreSQL: its "postgresql" entry (--fresh-database
#                                                  # empties that database's public schema before each measurement)
#   Benchmarks/server/run.sh --mlflow ''           # cohort only
#
# Extra arguments go to server_bench.py (--runs, --lines, --total-lines, --repeat, --mlflow-workers …).
set -euo pipefail
cd "$(dirname "$0")/../.."

swift build -c release --product cohort --scratch-path .build-bench
if [ ! -x /opt/mlflow-venv/bin/mlflow ]; then
    python3 -m venv /opt/mlflow-venv
    /opt/mlflow-venv/bin/pip install --quiet mlflow
fi
python3 Benchmarks/server/server_bench.py --cohort .build-bench/release/cohort --output Benchmarks/server/results.json "$@"
