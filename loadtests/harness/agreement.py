"""Prometheus's figures of a load run against locust's and the answer ledger's, each with its tolerance
(loadtests/harness/thresholds.py), and which disagreements fail the run."""

from __future__ import annotations

import math

from .prometheus import REDIS_ALERT, REDIS_ALERT_FOR_SECONDS, SCRAPE_SECONDS
from .thresholds import ANSWERS_IN_FLIGHT, ERROR_RATIO_TOLERANCE, REQUEST_COUNT_TOLERANCE


def bucket_of(milliseconds: float, bounds_ms: list[float]) -> tuple[float, float]:
    """The histogram bucket (lower, upper] that holds a latency (upper is inf past the last bound)."""
    lower = 0.0
    for upper in sorted(bounds_ms):
        if milliseconds <= upper:
            return lower, upper
        lower = upper
    return lower, math.inf


def _check(prometheus, other, *, other_name: str, rule: str, passed: bool, fails_run: bool) -> dict:
    return {
        "prometheus": prometheus,
        other_name: other,
        "rule": rule,
        "passed": passed,
        "fails_run": fails_run,
    }


def agreement(observed: dict, report: dict, *, faults_injected: bool) -> dict[str, dict]:
    """Prometheus's figures against locust's and the ledger's, each with its rule and whether it passed.

    Which disagreements fail the run (`fails_run`), and why:
    - the request rate (within REQUEST_COUNT_TOLERANCE), both over locust's own run time, so it compares
      the counts: both count the same requests one by one, so a gap beyond 5 % is a counter that misses
      requests or counts some twice. Not in a fault run, where requests die before Django (a worker killed
      mid-request, HAProxy refusing while gunicorn restarts) or are health probes.
    - answers recorded against the ledger's: both exact, so a difference beyond the answers whose reply no
      one saw (ANSWERS_IN_FLIGHT and those sent without a reply) is a counting bug. Not in a fault run (a
      worker killed between its commit and its increment).
    - the 5xx share may not exceed locust's failure share by more than ERROR_RATIO_TOLERANCE: every 5xx
      reaches locust as a failure, the reverse need not hold (a refused connection, a 4xx). Not in fault runs.
    - p95 is recorded, never fatal: Prometheus interpolates within a histogram bucket (500 ms wide at 1-2 s,
      2.5 s at 2.5-5 s), and locust's clock also holds HAProxy, the listen queue and its own scheduling on the
      same two cores, which no server-side histogram sees. Agreement is "the same bucket".
    Peak database connections and active students are reported beside the sampler's and locust's without a
    rule: gauges sampled at different moments see different peaks.
    """
    steady = not faults_injected
    checks = {}
    locust_requests, locust_rate = report["requests"], report["requests_per_second"]
    load_seconds = locust_requests / locust_rate if locust_rate else 0.0
    prometheus_rate = round(observed["requests"] / load_seconds, 1) if load_seconds else 0.0
    gap = abs(observed["requests"] - locust_requests) / locust_requests if locust_requests else 0.0
    checks["request_rate"] = _check(
        prometheus_rate, locust_rate, other_name="locust",
        rule=f"within {REQUEST_COUNT_TOLERANCE:.0%} ({observed['requests']} requests, {locust_requests})",
        passed=gap <= REQUEST_COUNT_TOLERANCE, fails_run=steady,
    )  # fmt: skip
    checks["error_ratio"] = _check(
        observed["error_ratio"], report["error_rate"], other_name="locust",
        rule=f"the 5xx share at most locust's failure share + {ERROR_RATIO_TOLERANCE:.1%}",
        passed=observed["error_ratio"] <= report["error_rate"] + ERROR_RATIO_TOLERANCE, fails_run=steady,
    )  # fmt: skip
    locust_p95, bounds = report.get("p95_ms_all_requests"), observed["latency_bucket_bounds_ms"]
    if observed["p95_ms"] is not None and locust_p95 is not None and bounds:
        lower, upper = bucket_of(locust_p95, bounds)
        checks["p95_ms"] = _check(
            observed["p95_ms"], locust_p95, other_name="locust",
            rule=f"in the histogram bucket of locust's p95, ({lower:g}, {upper:g}] ms",
            passed=bucket_of(observed["p95_ms"], bounds) == (lower, upper), fails_run=False,
        )  # fmt: skip
    if observed["answers_recorded"] is not None:
        # usmle_answers_total counts every stored choice, a changed timed answer again: the ledger's answers
        # (one per item) plus the changes the spammer saw acknowledged (QuizStudent never changes an answer).
        # A change whose reply never came (the spammer's request in flight when locust stops, or one without
        # a reply) is counted by the app and seen by no one else: at most that many more.
        answers = report["answers"]
        stored, changed = answers["stored"], answers.get("changed", 0)
        unseen = ANSWERS_IN_FLIGHT + answers.get("sent_without_reply", 0)
        extra = observed["answers_recorded"] - (stored + changed)
        checks["answers_recorded"] = _check(
            observed["answers_recorded"], stored + changed, other_name="ledger",
            rule=f"the ledger's {stored} stored answers + {changed} changed, or up to {unseen} more unseen",
            passed=0 <= extra <= unseen, fails_run=steady,
        )  # fmt: skip
    return checks


def section_build(observed: dict, report: dict, *, faults_injected: bool) -> dict:
    """The report's "prometheus" section: what it saw, then how that agrees with locust and the ledger."""
    checks = agreement(observed, report, faults_injected=faults_injected)
    return {
        "status": "scraped",
        **observed,
        "requests_per_second": checks["request_rate"]["prometheus"],
        "beside": {
            "sampler_peak_db_connections": report["peak_db_connections"],
            "locust_students": report["users"],
        },
        "agreement": checks,
    }


def outage_checks(section: dict, *, outage_seconds: float) -> dict[str, bool]:
    """`--redis-outage`: the "Redis lost" alert (for: 1m in alerts.yml) fired while Redis was down and
    cleared once it was back. Checked only when the rules were loaded and the outage outlasts that minute by
    a few scrapes and evaluations: a shorter outage may rightly never fire it."""
    if not section.get("rule_files") or outage_seconds < REDIS_ALERT_FOR_SECONDS + 5 * SCRAPE_SECONDS:
        return {}
    fired = [alert for alert in section["alerts"] if alert["alert"] == REDIS_ALERT]
    return {
        f"{REDIS_ALERT} fired during the Redis outage": bool(fired),
        f"{REDIS_ALERT} cleared after it": bool(fired) and all(alert["resolved"] for alert in fired),
    }


def agreement_checks(section: dict) -> dict[str, bool]:
    """The agreements that fail the run, as checks named for the report."""
    return {
        f"prometheus agrees: {name}": check["passed"]
        for name, check in section.get("agreement", {}).items()
        if check["fails_run"]
    }


def agreement_print(section: dict) -> None:
    if not section.get("agreement"):
        print(f"Prometheus: {section.get('status')}")
        return
    print("\nPrometheus against locust and the ledger:")
    for name, check in section["agreement"].items():
        other = check.get("locust", check.get("ledger"))
        verdict = (
            "agrees" if check["passed"] else ("DISAGREES" if check["fails_run"] else "differs (not fatal)")
        )
        figures = f"prometheus {check['prometheus']!s:>10}  other {other!s:>10}"
        print(f"  {name:17} {figures}  {verdict}: {check['rule']}")
    for name, last_words in section.get("exporters_failed", {}).items():
        print(f"  the {name} exporter exited at start, so it was not scraped: {last_words}")
    for alert in section.get("alerts", []):
        state = "cleared" if alert["resolved"] else "still firing"
        print(f"  alert {alert['alert']} fired {alert['first_firing']:.0f} s into the run, {state}")
