#!/usr/bin/env python3
"""Combines CohortBench and wandb_bench.py reports into one JSON object and a markdown table.

    report.py [--swift-version TEXT] [--revision TEXT] [--loadavg TEXT] PART.json …

Each part is the stdout of one benchmark process (``"client"`` says whose). ``start`` parts from
several processes are pooled: "first start" is the median over processes of the first start in
each, "warm start" the median of every later start. ``lifecycle`` parts from several processes
are reduced to the median of each figure (each process's memory and finish time are kept too). Prints the JSON object, a blank line, then the
markdown table and the targets of issue 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
from typing import Any, Callable

# How a figure compares: for a rate more is better, for a time or a size less is better.
HIGHER, LOWER = "higher", "lower"


def merge(paths: list[str]) -> dict[str, dict[str, Any]]:
    """The parts, merged per client; ``start`` parts are kept as a list."""
    clients: dict[str, dict[str, Any]] = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            part = json.load(file)
        merged = clients.setdefault(part.pop("client"), {"starts": [], "lifecycles": []})
        if "start" in part:
            merged["starts"].append(part.pop("start"))
        if "lifecycle" in part:
            merged["lifecycles"].append(part.pop("lifecycle"))
        merged.update(part)
    for merged in clients.values():
        merged["lifecycle"] = median_lifecycle(merged.pop("lifecycles"))
        starts = merged.pop("starts")
        merged["start"] = {
            "processes": len(starts),
            "first_ms": [start["first_ms"] for start in starts],
            "first_median_ms": statistics.median(start["first_ms"] for start in starts),
            "warm_median_ms": statistics.median(ms for start in starts for ms in start["warm_ms"]),
        }
    return clients


def median_lifecycle(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every numeric figure of the lifecycle processes, and each process's memory and
    finish time."""
    if not parts:
        return {}
    result = dict(parts[0])
    for name, value in parts[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result[name] = statistics.median(part[name] for part in parts)
    result["processes"] = len(parts)
    result["added_mb_each"] = [part["added_mb"] for part in parts]
    result["finish_ms_each"] = [part["finish_ms"] for part in parts]
    result["journal_complete"] = all(part["journal_rows"] == part["rows"] for part in parts)
    return result


def lookup(report: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of ``report`` (``None`` when missing)."""
    value: Any = report
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def rows(cohort: dict[str, Any], wandb: dict[str, Any]) -> list[dict[str, Any]]:
    """The table: one entry per figure, with both values and Cohort's advantage."""
    lifecycle_rows = f"{lookup(cohort, 'lifecycle.rows'):,}"

    def count(report: dict[str, Any], workload: str) -> str:
        return f"{lookup(report, f'log.{workload}.rows'):,}"

    spec: list[tuple[str, str, str, str, Callable[[dict[str, Any]], str] | None]] = []
    for workload, label in [("scalars3", "3 scalars"), ("scalars50", "50 scalars"), ("nested", "nested")]:
        spec += [
            (f"log() rows/s, {label}", f"log.{workload}.rows_per_s", "rows/s", HIGHER,
             lambda report, workload=workload: count(report, workload)),
            (f"log() p50 latency, {label}", f"log.{workload}.p50_us", "µs", LOWER, None),
            (f"log() p99 latency, {label}", f"log.{workload}.p99_us", "µs", LOWER, None),
        ]
    for workload, label in [("scalars3", "3 scalars"), ("scalars50", "50 scalars"), ("nested", "nested")]:
        spec.append((f"rows/s persisted, {label} (Cohort: log→flush; wandb: log→finish, file written)",
                     f"log.{workload}.persisted_rows_per_s", "rows/s", HIGHER, None))
    spec += [
        ("rows/s persisted, log→finish, both sides", "lifecycle.persisted_rows_per_s", "rows/s", HIGHER,
         lambda report: f"{lookup(report, 'lifecycle.rows'):,} × {lookup(report, 'lifecycle.processes')}"),
        ("run start, first in a process (median)", "start.first_median_ms", "ms", LOWER,
         lambda report: f"{lookup(report, 'start.processes')} processes"),
        ("run start, warm (median)", "start.warm_median_ms", "ms", LOWER, None),
        (f"finish() after {lifecycle_rows} rows", "lifecycle.finish_ms", "ms", LOWER, None),
        (f"peak RSS added, {lifecycle_rows} rows + finish (wandb: Python + wandb-core)", "lifecycle.added_mb",
         "MiB", LOWER, None),
    ]
    table = []
    for label, path, unit, better, note in spec:
        mine, theirs = lookup(cohort, path), lookup(wandb, path)
        advantage = None
        if mine and theirs:
            advantage = mine / theirs if better == HIGHER else theirs / mine
        table.append({
            "metric": label, "unit": unit, "better": better, "cohort": mine, "wandb": theirs,
            "cohort_advantage": advantage,
            "cohort_count": note(cohort) if note else None, "wandb_count": note(wandb) if note else None,
        })
    return table


def targets(cohort: dict[str, Any], wandb: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of issue 2, each with the measured value and whether it is met."""
    result = []
    for workload in ["scalars3", "scalars50", "nested"]:
        ratio = lookup(cohort, f"log.{workload}.rows_per_s") / lookup(wandb, f"log.{workload}.rows_per_s")
        result.append({"target": f"log() rows/s ≥ 100× wandb ({workload})", "measured": f"{ratio:,.0f}×", "met": ratio >= 100})
    persisted = lookup(cohort, "lifecycle.persisted_rows_per_s") / lookup(wandb, "lifecycle.persisted_rows_per_s")
    result.append({"target": "(not a target) rows persisted/s, log→finish, vs wandb", "measured": f"{persisted:,.0f}×", "met": None})
    first = lookup(cohort, "start.first_median_ms")
    result.append({"target": "run start < 50 ms (first in a process)", "measured": f"{first:.1f} ms", "met": first < 50})
    added = lookup(cohort, "lifecycle.added_mb")
    rows_logged = f"{lookup(cohort, 'lifecycle.rows'):,}"
    result.append({"target": f"< 30 MB RSS added by Cohort ({rows_logged} rows + finish)", "measured": f"{added:.1f} MiB", "met": added < 30 * 1e6 / 2**20})
    return result


def number(value: Any) -> str:
    """A figure with a precision that suits its size."""
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown(table: list[dict[str, Any]], goals: list[dict[str, Any]]) -> str:
    """The table and the targets as markdown."""
    lines = [
        "| metric | unit | Cohort | wandb 0.31 | Cohort advantage |",
        "|---|---|---:|---:|---:|",
    ]
    for row in table:
        counts = f" ({row['cohort_count']} / {row['wandb_count']})" if row["cohort_count"] else ""
        advantage = f"{number(row['cohort_advantage'])}×" if row["cohort_advantage"] else "—"
        lines.append(f"| {row['metric']}{counts} | {row['unit']} | {number(row['cohort'])} | {number(row['wandb'])} | {advantage} |")
    lines += ["", "| target (issue 2) | measured | met |", "|---|---:|:---:|"]
    for goal in goals:
        met = {True: "yes", False: "**no**", None: "—"}[goal["met"]]
        lines.append(f"| {goal['target']} | {goal['measured']} | {met} |")
    return "\n".join(lines)


def machine(swift_version: str, cohort: dict[str, Any], wandb: dict[str, Any]) -> dict[str, Any]:
    """Where and with what the figures were measured."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass  # not Linux: leave the model out
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "cpu_model": cpu, "kernel": platform.release(),
        "swift": swift_version, "python": platform.python_version(),
        "cohort": cohort.get("version"), "wandb": wandb.get("version"),
    }


# --- Group leader (issue 3) ---------------------------------------------------------------------
# Parts named group-*.json: `group-overhead-{on,off}-K` and `group-throughput-N-K` are rank 0's
# report of one `cohort launch` of `CohortBench rank`; `group-inprocess-K` is CohortLeaderBench.
# W&B has no group leader, so these figures have no wandb column: log() with the link on is compared
# with Cohort itself with the link off.


def is_group_part(path: str) -> bool:
    """Whether ``path`` is a group-leader part (kept out of the Cohort-vs-wandb table)."""
    return os.path.basename(path).startswith("group-")


def group_report(paths: list[str]) -> dict[str, Any]:
    """Medians over repetitions of the group-leader parts."""
    overhead: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    throughput: dict[int, list[dict[str, Any]]] = {}
    inprocess: dict[int, list[dict[str, Any]]] = {}
    split: dict[int, list[dict[str, Any]]] = {}
    for path in paths:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as file:
            part = json.load(file)
        if name.startswith("group-overhead-"):
            overhead["on" if part["rank"]["link"] else "off"].append(part["rank"])
        elif name.startswith("group-throughput-"):
            throughput.setdefault(part["rank"]["world_size"], []).append(part["rank"])
        elif name.startswith("group-inprocess-"):
            for entry in part["leader"]:
                inprocess.setdefault(entry["ranks"], []).append(entry)
            for entry in part.get("leader_split", []):
                split.setdefault(entry["ranks"], []).append(entry)

    def middle(parts: list[dict[str, Any]], key: str) -> Any:
        values = [part[key] for part in parts if part.get(key) is not None]
        return statistics.median(values) if values else None

    result: dict[str, Any] = {"overhead": {}, "throughput": {}, "leader": {}}
    for ranks in sorted(set(inprocess) | set(split)):
        local, apart = inprocess.get(ranks, []), split.get(ranks, [])
        result["leader"][str(ranks)] = {
            "repetitions": max(len(local), len(apart)),
            "inprocess_reports_per_s": middle(local, "reports_per_s"),
            "split_reports_per_s": middle(apart, "reports_per_s"),
            "leader_cpu_us_per_report": middle(apart, "leader_cpu_us_per_report"),
            "leader_capacity_per_core": middle(apart, "leader_capacity_per_core"),
            "leader_capacity_per_core_each": [entry.get("leader_capacity_per_core") for entry in apart],
        }
    for link, parts in overhead.items():
        if not parts:
            continue
        result["overhead"][link] = {
            "repetitions": len(parts), "steps": parts[0]["steps"],
            "ns_per_log_rank0": statistics.median(part["ns_per_log_each"][0] for part in parts),
            "ns_per_log_rank1": statistics.median(part["ns_per_log_each"][1] for part in parts),
            "ns_per_log_mean": middle(parts, "ns_per_log_mean"),
            "ns_per_log_each_run": [part["ns_per_log_each"] for part in parts],
            "cpu_ns_per_log_mean": statistics.median(sum(part["cpu_ns_per_log_each"]) / 2 for part in parts),
            "stall_ns_per_log_mean": statistics.median(sum(part["stall_ns_per_log_each"]) / 2 for part in parts),
            "p50_us_rank0": statistics.median(part["p50_us_each"][0] for part in parts),
            "p50_us_rank1": statistics.median(part["p50_us_each"][1] for part in parts),
            "p99_us_rank0": statistics.median(part["p99_us_each"][0] for part in parts),
            "p99_us_rank1": statistics.median(part["p99_us_each"][1] for part in parts),
            "aggregate_rows": [part.get("aggregate_rows") for part in parts],
            "aggregate_rows_expected": parts[0].get("aggregate_rows_expected"),
            "aggregate_rows_all_ranks": [part.get("aggregate_rows_all_ranks") for part in parts],
        }
    on, off = result["overhead"].get("on"), result["overhead"].get("off")
    if on and off:
        result["overhead"]["added_ns_per_log"] = on["ns_per_log_mean"] - off["ns_per_log_mean"]
        result["overhead"]["ratio_on_off"] = on["ns_per_log_mean"] / off["ns_per_log_mean"]
    for ranks, parts in sorted(throughput.items()):
        inproc = inprocess.get(ranks, [])
        result["throughput"][str(ranks)] = {
            "repetitions": len(parts), "steps": parts[0]["steps"],
            "reports_aggregated_per_s": middle(parts, "reports_aggregated_per_s"),
            "reports_aggregated_per_s_each": [part.get("reports_aggregated_per_s") for part in parts],
            "rank_step_reports_per_s": middle(parts, "rank_step_reports_per_s"),
            "aligned_steps_per_s": middle(parts, "aligned_steps_per_s"),
            "aligned_s": middle(parts, "aligned_s"),
            "aggregate_rows": [part.get("aggregate_rows") for part in parts],
            "aggregate_rows_all_ranks": [part.get("aggregate_rows_all_ranks") for part in parts],
            "reports_aggregated": [part.get("reports_aggregated") for part in parts],
            "reports_sent": parts[0].get("reports_sent"),
            "dropped_reports": [part.get("dropped_reports") for part in parts],
            "inprocess_reports_per_s": statistics.median(e["reports_per_s"] for e in inproc) if inproc else None,
        }
    return result


def group_markdown(report: dict[str, Any]) -> str:
    """The group-leader figures as markdown."""
    lines = []
    overhead = report["overhead"]
    if overhead.get("on") and overhead.get("off"):
        on, off = overhead["on"], overhead["off"]
        lines += [
            f"log() with the group link on vs off (2 ranks of `cohort launch`, {on['steps']:,} rows of 3 scalars each; "
            f"median of {on['repetitions']}; W&B has no group link, so Cohort is compared with itself)",
            "",
            "| figure | link on | link off | on − off |",
            "|---|---:|---:|---:|",
        ]
        for label, key, unit in [
            ("ns per log(), mean of the 2 ranks", "ns_per_log_mean", 1),
            ("ns per log(), rank 0 (leader + worker)", "ns_per_log_rank0", 1),
            ("ns per log(), rank 1 (worker)", "ns_per_log_rank1", 1),
            ("CPU ns per log() (logging thread's CPU time), mean of the 2 ranks", "cpu_ns_per_log_mean", 1),
            ("ns per log() spent in calls over 20 µs (preempted), mean of the 2 ranks", "stall_ns_per_log_mean", 1),
            ("p50 µs, rank 0", "p50_us_rank0", 1), ("p50 µs, rank 1", "p50_us_rank1", 1),
            ("p99 µs, rank 0", "p99_us_rank0", 1), ("p99 µs, rank 1", "p99_us_rank1", 1),
        ]:
            lines.append(f"| {label} | {number(on[key])} | {number(off[key])} | {on[key] - off[key]:+.3g} |")
        met = "yes" if overhead["added_ns_per_log"] < 1000 else "**no**"
        cpu_added = on["cpu_ns_per_log_mean"] - off["cpu_ns_per_log_mean"]
        lines += [
            "",
            f"Added wall time {overhead['added_ns_per_log']:+.0f} ns per log() (on/off ratio {overhead['ratio_on_off']:.2f}); "
            f"target < 1 µs: {met}. Added CPU time of the logging thread {cpu_added:+.0f} ns per log() "
            f"(on/off ratio {on['cpu_ns_per_log_mean'] / off['cpu_ns_per_log_mean']:.2f}). Aggregate rows with the link on: {on['aggregate_rows']} of "
            f"{on['aggregate_rows_expected']} (rows holding both ranks: {on['aggregate_rows_all_ranks']}).",
            "",
        ]
    if report.get("leader"):
        lines += [
            "One leader alone (CohortLeaderBench, medians): in-process = workers in the leader's process; "
            "split = workers in a child process, leader CPU = the leader process's own CPU time per report. "
            "Target: 256 ranks × 1,000 steps/s = 256,000 reports/s.",
            "",
            "| ranks | in-process reports/s | split reports/s | leader CPU µs per report | leader capacity per core (reports/s) |",
            "|---:|---:|---:|---:|---:|",
        ]
        for ranks, row in report["leader"].items():
            lines.append(
                f"| {ranks} | {number(row['inprocess_reports_per_s'])} | {number(row['split_reports_per_s'])} | "
                f"{number(row['leader_cpu_us_per_report'])} | {number(row['leader_capacity_per_core'])} |")
        lines.append("")
    if report["throughput"]:
        lines += [
            "| ranks (processes) | steps × 3 scalars | reports aggregated/s | reports sent/s (ranks × steps ÷ time) | "
            "aggregate rows (of steps) | rows holding every rank | in-process reports/s (CohortLeaderBench) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for ranks, row in report["throughput"].items():
            lines.append(
                f"| {ranks} | {row['steps']:,} | {number(row['reports_aggregated_per_s'])} | "
                f"{number(row['rank_step_reports_per_s'])} | {row['aggregate_rows']} | {row['aggregate_rows_all_ranks']} | "
                f"{number(row['inprocess_reports_per_s'])} |")
    return "\n".join(lines)


def main(arguments: list[str]) -> int:
    """Reads the parts and prints the combined JSON object and the markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swift-version", default="")
    parser.add_argument("--revision", default="", help="the Cohort source revision measured")
    parser.add_argument("--loadavg", default="", help="/proc/loadavg before and after the benchmarks")
    parser.add_argument("parts", nargs="+")
    options = parser.parse_args(arguments)
    group_paths = [path for path in options.parts if is_group_part(path)]
    options.parts = [path for path in options.parts if not is_group_part(path)]
    group = group_report(group_paths) if group_paths else None
    if not options.parts:  # BENCH_GROUP_ONLY: the group-leader figures alone
        print(json.dumps({"group": group, "loadavg": options.loadavg, "revision": options.revision}, indent=2, sort_keys=True))
        print()
        print(f"Load average {options.loadavg}; Cohort {options.revision}; {options.swift_version}.")
        print()
        print(group_markdown(group or {"overhead": {}, "throughput": {}, "leader": {}}))
        return 0
    clients = merge(options.parts)
    cohort, wandb = clients["cohort"], clients["wandb"]
    table, goals = rows(cohort, wandb), targets(cohort, wandb)
    combined = {
        "machine": machine(options.swift_version, cohort, wandb)
        | {"revision": options.revision, "loadavg": options.loadavg},
        "cohort": cohort, "wandb": wandb, "table": table, "targets": goals,
    }
    if group:
        combined["group"] = group
    print(json.dumps(combined, indent=2, sort_keys=True, ensure_ascii=False))
    print()
    info = combined["machine"]
    print(f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu_model']}), Linux {info['kernel']}; "
          f"{info['swift']}; Python {info['python']}; Cohort {info['cohort']} ({info['revision']}); "
          f"wandb {info['wandb']}. Load average {info['loadavg']}.")
    print()
    print(markdown(table, goals))
    if group:
        print()
        print(group_markdown(group))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
