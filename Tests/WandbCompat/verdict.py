"""Shared verdict helpers for the self-checking wandb scenarios.

A scenario records each check with `check`/`attempt` and ends with `finish()`, which prints one JSON
line {"ok": bool, "failures": [...], "passed": [...]} (plus `extra`) so the Swift test reports every
failed check at once.
"""
import json
import sys
import traceback

failures, passed = [], []


def check(name, got, expected):
    if got == expected:
        passed.append(name)
    else:
        failures.append(f"{name}: got {got!r}, expected {expected!r}")


def attempt(name, body):
    try:
        body()
    except Exception as error:  # noqa: BLE001 - every failure is reported in the verdict
        failures.append(f"{name}: {type(error).__name__}: {error} {traceback.format_exc()[-1500:]}")


def finish(**extra):
    print(json.dumps({"ok": not failures, "failures": failures, "passed": passed, **extra}))
    sys.stdout.flush()
