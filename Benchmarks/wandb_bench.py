#!/usr/bin/env python3
"""The CohortBench workloads, run with the official ``wandb`` client in offline mode.

One benchmark per process, one JSON object on stdout, with the same keys as ``CohortBench`` so
``report.py`` can put the two side by side (see BENCHMARKS.md for what each figure means)::

    wandb_bench.py log --dir DIR [--rows3 N] [--rows50 N] [--nested N] [--warmup N] [--repeat N]
    wandb_bench.py start --dir DIR [--count N]
    wandb_bench.py lifecycle --dir DIR [--rows N] [--shape scalars3|scalars50|nested]

``wandb`` is imported only inside the benchmarks, so the lifecycle benchmark can read the
interpreter's memory before the client is loaded.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import statistics
import struct
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

POOL_SIZE = 1024
PROJECT = "cohort-bench"
CONFIG = {"lr": 0.001, "batch_size": 64, "optimizer": "adam"}
SCALAR_KEYS = [f"m{key:02d}" for key in range(50)]


# Workloads -------------------------------------------------------------------------------------


def row_scalars3(index: int) -> dict[str, Any]:
    """Three scalars, as CohortBench's ``scalars3``."""
    x = index * 0.001
    return {"loss": 1.0 / (1.0 + x), "acc": x / (1.0 + x), "lr": 0.001}


def row_scalars50(index: int) -> dict[str, Any]:
    """Fifty scalars ``m00`` … ``m49``, as CohortBench's ``scalars50``."""
    x = index * 0.001
    return {key: x + offset for offset, key in enumerate(SCALAR_KEYS)}


def row_nested(index: int) -> dict[str, Any]:
    """Nested train/eval dictionaries and a scalar, as CohortBench's ``nested``."""
    x = index * 0.001
    return {
        "train": {"loss": 1.0 / (1.0 + x), "acc": x / (1.0 + x)},
        "eval": {"f1": x, "precision": x * 0.5, "recall": x * 0.25},
        "lr": 0.001,
    }


WORKLOADS: dict[str, Callable[[int], dict[str, Any]]] = {
    "scalars3": row_scalars3,
    "scalars50": row_scalars50,
    "nested": row_nested,
}


# Measurement helpers ---------------------------------------------------------------------------


def percentile(sorted_values: list[int], fraction: float) -> float:
    """Nearest-rank percentile of ``sorted_values`` (nanoseconds), in microseconds."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1] / 1e3


def memory_kib(pid: int | str = "self") -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of a process, in KiB, from ``/proc/<pid>/status`` (0 when missing)."""
    figures = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in figures:
                    figures[name] = int(value.split()[0])
    except (OSError, ValueError):
        pass  # the process has gone, or /proc is missing: report 0
    return figures


def descendants(root: int) -> list[int]:
    """Process ids of every descendant of ``root`` (the ``wandb-core`` service and its helpers)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                # The command name is in parentheses and may contain spaces; ppid follows it.
                fields = stat.read().rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(entry))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def process_name(pid: int) -> str:
    """The command name of ``pid`` (``""`` when it has gone)."""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as comm:
            return comm.read().strip()
    except OSError:
        return ""


def wandb_records(path: Path) -> Iterator[bytes]:
    """The records of a ``.wandb`` file: a 7-byte header, then LevelDB log blocks of 32 KiB."""
    data = path.read_bytes()
    block = 32768
    position, pending = 7, b""
    while position + 7 <= len(data):
        left = block - position % block
        if left < 7:  # a block trailer too short for a record header
            position += left
            continue
        _crc, length, kind = struct.unpack_from("<IHB", data, position)
        if kind == 0 and length == 0:
            break
        payload = data[position + 7 : position + 7 + length]
        position += 7 + length
        if kind == 1:  # FULL
            yield payload
        elif kind == 2:  # FIRST
            pending = payload
        elif kind == 3:  # MIDDLE
            pending += payload
        elif kind == 4:  # LAST
            yield pending + payload
            pending = b""


def last_record_kind(path: Path) -> str | None:
    """The type of the last whole record of a ``.wandb`` file, reading only its last two blocks."""
    from wandb.proto import wandb_internal_pb2

    block = 32768
    with path.open("rb") as file:
        size = file.seek(0, os.SEEK_END)
        start = max(0, (size - 1) // block * block - block)
        file.seek(start)
        data = file.read()
    position, pending, last = max(7 - start, 0), None, None
    while position + 7 <= len(data):
        left = block - (start + position) % block
        if left < 7:
            position += left
            continue
        _crc, length, kind = struct.unpack_from("<IHB", data, position)
        if (kind == 0 and length == 0) or position + 7 + length > len(data):
            break
        payload = data[position + 7 : position + 7 + length]
        position += 7 + length
        if kind in (1, 2):  # FULL, FIRST
            pending = payload
        elif pending is not None:  # MIDDLE or LAST of a record whose start we saw
            pending += payload
        if kind in (1, 4) and pending is not None:
            last, pending = pending, None
    if last is None:
        return None
    record = wandb_internal_pb2.Record()
    record.ParseFromString(last)
    return record.WhichOneof("record_type")


def wait_until_written(run_dir: str, timeout: float = 60.0) -> float:
    """Waits until the run's ``.wandb`` file ends with the ``exit`` record; returns ``perf_counter()``.

    In wandb 0.31, ``run.finish()`` can return while ``wandb-core`` still holds the file's last
    block, so this, not the return of ``finish()``, is when every row is in the file.
    """
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        files = list(Path(run_dir).glob("run-*.wandb"))
        if len(files) == 1 and last_record_kind(files[0]) == "exit":
            return time.perf_counter()
        time.sleep(0.0005)
    raise TimeoutError(f"no exit record in {run_dir} after {timeout} s")


def history_rows(run_dir: str) -> int:
    """How many history records the run's ``.wandb`` file holds."""
    from wandb.proto import wandb_internal_pb2

    files = list(Path(run_dir).glob("run-*.wandb"))
    if len(files) != 1:
        return -1
    count = 0
    for raw in wandb_records(files[0]):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(raw)
        count += record.WhichOneof("record_type") == "history"
    return count


def start_run(directory: str) -> Any:
    """``wandb.init`` in offline mode under ``directory``, without console capture or system stats."""
    import wandb

    os.makedirs(directory, exist_ok=True)
    settings = wandb.Settings(console="off", x_disable_stats=True, silent=True)
    return wandb.init(project=PROJECT, config=CONFIG, mode="offline", dir=directory, settings=settings)


# Benchmarks ------------------------------------------------------------------------------------


def measure_log(workload: str, rows: int, warmup: int, directory: str) -> dict[str, Any]:
    """``log()`` rate and per-call latency for one workload, then rows persisted until ``finish()``.

    Rows come from a pool of ``POOL_SIZE`` dictionaries built before timing (``run.log`` copies the
    dictionary it is given, so reusing them is safe). The clock is read once per call.
    """
    make_row = WORKLOADS[workload]
    pool = [make_row(index) for index in range(POOL_SIZE)]
    run = start_run(directory)
    for index in range(warmup):
        run.log(pool[index % POOL_SIZE])

    clock = time.perf_counter_ns
    latencies = [0] * rows
    start = previous = clock()
    for index in range(rows):
        run.log(pool[index % POOL_SIZE])
        now = clock()
        latencies[index] = now - previous
        previous = now
    loop_end = previous
    run_dir = run.settings.sync_dir
    run.finish()
    finish_seconds = (clock() - loop_end) / 1e9
    written_seconds = wait_until_written(run_dir) - loop_end / 1e9
    loop_seconds = (loop_end - start) / 1e9

    latencies.sort()
    return {
        "rows": rows,
        "seconds": loop_seconds,
        "rows_per_s": rows / loop_seconds,
        "p50_us": percentile(latencies, 0.50),
        "p99_us": percentile(latencies, 0.99),
        "max_us": latencies[-1] / 1e3,
        "mean_us": sum(latencies) / len(latencies) / 1e3,
        "finish_ms": finish_seconds * 1e3,
        "written_ms": written_seconds * 1e3,
        "persisted_rows_per_s": rows / (loop_seconds + written_seconds),
        "journal_rows": history_rows(run_dir),
        "journal_rows_expected": warmup + rows,
    }


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The medians over the repetitions of one workload, and each repetition's rate."""
    figures = ["rows_per_s", "p50_us", "p99_us", "max_us", "mean_us", "finish_ms", "written_ms", "persisted_rows_per_s"]
    summary: dict[str, Any] = {name: statistics.median(result[name] for result in results) for name in figures}
    summary.update({
        "rows": results[0]["rows"],
        "repetitions": len(results),
        "rows_per_s_each": [result["rows_per_s"] for result in results],
        "journal_rows": results[-1]["journal_rows"],
        "journal_rows_expected": results[-1]["journal_rows_expected"],
        "journal_complete": all(result["journal_rows"] == result["journal_rows_expected"] for result in results),
    })
    return summary


def bench_log(options: argparse.Namespace) -> dict[str, Any]:
    """Every workload in turn, each repetition in its own run; persistence from the 3-key workload."""
    counts = {"scalars3": options.rows3, "scalars50": options.rows50, "nested": options.nested}
    results = {
        name: summarize([
            measure_log(name, rows, options.warmup, f"{options.dir}/log-{name}-{repetition}")
            for repetition in range(options.repeat)
        ])
        for name, rows in counts.items()
    }
    return {
        "log": results,
        "persist": {
            "rows": results["scalars3"]["rows"],
            "rows_per_s": results["scalars3"]["persisted_rows_per_s"],
            "until": "run.finish() returned and the .wandb file ends with the exit record",
        },
    }


def bench_start(options: argparse.Namespace) -> dict[str, Any]:
    """``wandb.init`` timed ``count`` times in fresh directories; each run finished untimed.

    The first ``wandb.init`` in a process also starts the ``wandb-core`` service; later ones reuse it.
    """
    begin = time.perf_counter()
    import wandb

    import_ms = (time.perf_counter() - begin) * 1e3
    milliseconds = []
    for index in range(options.count):
        begin = time.perf_counter()
        run = start_run(f"{options.dir}/start-{index}")
        milliseconds.append((time.perf_counter() - begin) * 1e3)
        run.finish()
    wandb.teardown()
    warm = milliseconds[1:]
    return {
        "start": {
            "first_ms": milliseconds[0],
            "warm_ms": warm,
            "warm_median_ms": statistics.median(warm) if warm else 0.0,
            "import_ms": import_ms,
        }
    }


def bench_lifecycle(options: argparse.Namespace) -> dict[str, Any]:
    """Memory and ``finish()`` time of a whole run, in a process of its own.

    RSS is read before ``import wandb``; after ``finish()`` the peak (``VmHWM``) of this process and of
    every descendant (the ``wandb-core`` service, which lives until ``wandb.teardown()``) is read.
    Each row is a new dictionary, as in a training loop.
    """
    before = memory_kib()
    import wandb

    after_import = memory_kib()
    make_row = WORKLOADS[options.shape]
    run = start_run(f"{options.dir}/lifecycle")
    run_dir = run.settings.sync_dir
    log_start = time.perf_counter()
    for index in range(options.rows):
        run.log(make_row(index))
    log_end = time.perf_counter()
    run.finish()
    finish_end = time.perf_counter()
    written = wait_until_written(run_dir)

    after = memory_kib()
    helpers = {pid: (process_name(pid), memory_kib(pid)) for pid in descendants(os.getpid())}
    helper_peak_kib = sum(figures["VmHWM"] for _, figures in helpers.values())
    wandb.teardown()

    log_seconds = log_end - log_start
    finish_seconds = finish_end - log_end
    python_added_kib = after["VmHWM"] - before["VmRSS"]
    return {
        "lifecycle": {
            "rows": options.rows,
            "shape": options.shape,
            "log_seconds": log_seconds,
            "finish_ms": finish_seconds * 1e3,
            "written_ms": (written - log_end) * 1e3,
            "persisted_rows_per_s": options.rows / (written - log_start),
            "rss_before_mb": before["VmRSS"] / 1024,
            "rss_after_import_mb": after_import["VmRSS"] / 1024,
            "peak_rss_mb": after["VmHWM"] / 1024,
            "rss_after_mb": after["VmRSS"] / 1024,
            "python_added_mb": python_added_kib / 1024,
            "helper_processes": sorted({name for name, _ in helpers.values()}),
            "helper_peak_mb": helper_peak_kib / 1024,
            "added_mb": (python_added_kib + helper_peak_kib) / 1024,
            "journal_rows": history_rows(run_dir),
        }
    }


# Command line ----------------------------------------------------------------------------------


def parse(arguments: list[str]) -> argparse.Namespace:
    """The command line, with the same names and defaults as CohortBench (Python uses fewer rows)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["log", "start", "lifecycle"])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--rows3", type=int, default=20_000)
    parser.add_argument("--rows50", type=int, default=5_000)
    parser.add_argument("--nested", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--shape", choices=sorted(WORKLOADS), default="scalars3")
    return parser.parse_args(arguments)


def main(arguments: list[str]) -> int:
    """Runs one benchmark and prints its JSON report."""
    options = parse(arguments)
    benchmark = {"log": bench_log, "start": bench_start, "lifecycle": bench_lifecycle}[options.command]
    report = benchmark(options)
    import wandb

    report.update({"client": "wandb", "version": wandb.__version__})
    json.dump(report, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
