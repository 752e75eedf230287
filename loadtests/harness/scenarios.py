"""Scenarios: which locust classes run (loadtests/locustfile.py), how fast students arrive, the command."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import PY, REPORTS, ROOT

CLASSES = {
    "login": ["LoginStudent"],
    "quiz": ["QuizStudent"],
    "leaderboard": ["BoardStudent"],
    "mixed": ["QuizStudent", "BoardStudent", "StatsStudent", "NewStudent"],
    "scale": ["QuizStudent", "BoardStudent", "StatsStudent", "NewStudent"],
}
# Students arriving per second. The login burst is the 50/s; 5,000 students
# arrive at that same rate (the Argon2 hashes alone would need ~60 s of two cores).
SPAWN_RATE = {"login": 50, "scale": 50}
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"


def spawn_rate(args: argparse.Namespace) -> float:
    return args.spawn_rate or SPAWN_RATE.get(args.scenario, max(10, args.users // 20))


def run_name(args: argparse.Namespace) -> str:
    """The reports' file name: loadtests/reports/<name>.{csv,html,json}."""
    name = f"{args.scenario}-{args.users}" + ("-pgbouncer" if args.pgbouncer else "")
    name += "-chaos" if args.chaos else ""
    return name + ("-redis-outage" if args.redis_outage else "")


def locust_command(args: argparse.Namespace, *, name: str, host: str) -> list[str]:
    classes = CLASSES[args.scenario] + (["Spammer"] if args.spammer else [])
    return [
        PY, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host, "-u", str(args.users),
        "-r", str(spawn_rate(args)), "-t", args.duration,
        "--csv", str(REPORTS / name), "--html", str(REPORTS / f"{name}.html"), "--only-summary",
        "--exit-code-on-error", "0", *classes,
    ]  # fmt: skip


def duration_seconds(text: str) -> float:
    """A duration as locust takes it ("90s", "2m", "1m30s", "1h"; a bare number is seconds)."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, digits = 0.0, ""
    for character in text.strip().lower():
        if character.isdigit() or character == ".":
            digits += character
        elif character in units and digits:
            total, digits = total + float(digits) * units[character], ""
        else:
            raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 2m, 1m30s)")
    if digits:
        total += float(digits)
    if total <= 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 2m, 1m30s)")
    return total


def stats_csv(name: str) -> Path:
    return REPORTS / f"{name}_stats.csv"
