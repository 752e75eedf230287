"""The run's JSON report (loadtests/reports/<name>.json): locust's figures, the stack's, the ledger's.

`python loadtests/report_table.py` turns reports into the tables of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from . import REPORTS
from .thresholds import checks_apply


def number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def locust_figures(stats_csv: Path) -> dict:
    """Per page (as "<method> <name>") and in total: requests, failures, percentiles, requests a second."""
    pages, total = {}, {"requests": 0, "failures": 0, "rps": 0.0, "p95_ms": 0.0}
    with open(stats_csv) as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": number(row["50%"]),
                "p95_ms": number(row["95%"]),
                "p99_ms": number(row["99%"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
            if row["Name"] == "Aggregated":
                total = {**figures, "rps": float(row["Requests/s"])}
            else:
                pages[f"{row['Type']} {row['Name']}"] = figures
    return {"pages": pages, "total": total}


def report_build(
    *,
    args: argparse.Namespace,
    arrivals_per_second: float,
    locust: dict,
    acks: dict,
    stored: dict,
    duplicated: int,
    aggregates_differ: int,
    sampler,
) -> dict:
    """The report without its checks (`checks_add` applies THRESHOLDS once every section is in)."""
    total = locust["total"]
    error_rate = total["failures"] / total["requests"] if total["requests"] else 1.0
    acknowledged = len(acks.get("answered_items", []))
    # Answers sent but never acknowledged: no reply, or still in flight when locust stopped.
    unacknowledged = max(0, acks.get("answers_sent", 0) - acks.get("spam_limited", 0) - acknowledged)
    elapsed = sampler.elapsed
    return {
        "scenario": args.scenario,
        "users": args.users,
        "duration": args.duration,
        "pgbouncer": args.pgbouncer,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "proxy": "haproxy" if args.proxy else None,
        "arrivals_per_second": arrivals_per_second,
        "requests": total["requests"],
        "requests_per_second": round(total["rps"], 1),
        "error_rate": round(error_rate, 5),
        "p95_ms_all_requests": total["p95_ms"],
        "spammer_429s": acks.get("spam_limited", 0),
        "answers": {
            "acknowledged": acknowledged,
            "stored": stored["stored"],
            "acknowledged_but_missing": stored["missing"],
            "sent_without_reply": acks.get("answers_without_reply", 0),
            "sent_unacknowledged": unacknowledged,
            # Acknowledged answers that replaced an earlier choice (the spammer's; stored once, counted again
            # by usmle_answers_total).
            "changed": acks.get("answers_changed", 0),
            "duplicated": duplicated,
            "aggregate_rows_differing_from_rebuild": aggregates_differ,
        },
        "peak_db_connections": sampler.db_connections,
        "peak_gunicorn_rss_mb": round(sampler.rss_mb, 1),
        "gunicorn_cpu_percent_of_one_core": round(100 * sampler.cpu_seconds / elapsed, 1)
        if elapsed
        else None,
        "pages": locust["pages"],
    }


def checks_add(report: dict, *, faults_injected: bool, extra: dict[str, bool] | None = None) -> dict:
    """THRESHOLDS (and any further checks, e.g. Prometheus agreeing with locust) applied; `passed` set."""
    report["checks"] = {**checks_apply(report, faults_injected=faults_injected), **(extra or {})}
    report["passed"] = all(report["checks"].values())
    return report


def report_write(report: dict, *, name: str) -> None:
    (REPORTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
