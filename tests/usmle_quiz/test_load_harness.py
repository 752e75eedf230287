"""The load harness's pure parts (loadtests/harness/): the thresholds table on a report, Prometheus agreeing
with locust and the ledger, the generated Prometheus configuration. No stack is started here."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess

import pytest

from loadtests.harness import agreement, prometheus, report, scenarios, thresholds

BOUNDS_MS = [10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2000.0, 2500.0, 5000.0, 10000.0, 30000.0]


def passing_report(**changes) -> dict:
    """A report as loadtests/harness/report.py builds it, of a run that passes every threshold."""
    base = {
        "scenario": "mixed",
        "users": 50,
        "requests": 1000,
        "requests_per_second": 40.0,
        "error_rate": 0.0,
        "p95_ms_all_requests": 300.0,
        "answers": {
            "acknowledged": 90,
            "stored": 90,
            "acknowledged_but_missing": 0,
            "sent_without_reply": 0,
            "sent_unacknowledged": 3,
            "changed": 10,
            "duplicated": 0,
            "aggregate_rows_differing_from_rebuild": 0,
        },
        "peak_db_connections": 6,
        "pages": {
            "GET /leaderboard/rows/": {"requests": 20, "p95_ms": 120.0},
            "GET /quizzes/[id]/q/[n]/": {"requests": 80, "p95_ms": 450.0},
        },
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def observed(**changes) -> dict:
    """What prometheus.observe() returns, agreeing with passing_report()."""
    return {
        "requests": 1010,
        "responses_5xx": 0,
        "error_ratio": 0.0,
        "p95_ms": 280.0,
        "latency_bucket_bounds_ms": BOUNDS_MS,
        "answers_recorded": 100,
        **changes,
    }


# --- THRESHOLDS ---------------------------------------------------------------------------------------------


def test_a_clean_run_passes_every_threshold_of_a_steady_run():
    checks = thresholds.checks_apply(passing_report(), faults_injected=False)

    assert checks == {
        "error rate < 1 %": True,
        "p95 < 2 s on every page": True,
        "p95 < 200 ms on cached pages": True,
        "database connections < 100": True,
        "no lost answer": True,
        "no unexplained answer": True,
        "no answer counted twice": True,
        "aggregates equal a rebuild": True,
    }


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"error_rate": 0.01}, "error rate < 1 %"),  # the limit itself fails: strictly below
        ({"pages": {"GET /stats/": {"requests": 5, "p95_ms": 2000.0}}}, "p95 < 2 s on every page"),
        (
            {"pages": {"GET /leaderboard/rows/": {"requests": 5, "p95_ms": 200.0}}},
            "p95 < 200 ms on cached pages",
        ),
        ({"peak_db_connections": 100}, "database connections < 100"),
        ({"answers": {"acknowledged_but_missing": 1}}, "no lost answer"),
        ({"answers": {"stored": 94}}, "no unexplained answer"),  # 90 acknowledged + 3 without a reply < 94
        ({"answers": {"duplicated": 1}}, "no answer counted twice"),
        ({"answers": {"aggregate_rows_differing_from_rebuild": 2}}, "aggregates equal a rebuild"),
    ],
)
def test_each_threshold_fails_on_its_own_figure(changes, failed):
    checks = thresholds.checks_apply(passing_report(**changes), faults_injected=False)

    assert [name for name, passed in checks.items() if not passed] == [failed]


def test_a_slow_personalised_page_is_not_held_to_the_cached_budget():
    slow_dashboard = {"pages": {"GET / (dashboard)": {"requests": 40, "p95_ms": 900.0}}}

    checks = thresholds.checks_apply(passing_report(**slow_dashboard), faults_injected=False)

    assert checks["p95 < 200 ms on cached pages"] and checks["p95 < 2 s on every page"]


def test_a_fault_run_drops_errors_and_latency_but_keeps_the_answers_and_needs_every_fault_recovered():
    faults = [{"recovered": True}, {"recovered": True}, {"recovered": True}]
    run = passing_report(error_rate=0.2, faults=faults, faults_expected=3)

    checks = thresholds.checks_apply(run, faults_injected=True)

    assert "error rate < 1 %" not in checks and "p95 < 2 s on every page" not in checks
    assert checks["no lost answer"] and checks["every fault recovered"]


@pytest.mark.parametrize(
    "faults",
    [
        [{"recovered": True}, {"recovered": False}, {"recovered": True}],  # one never came back
        [{"recovered": True}, {"recovered": True}],  # the schedule stopped short (the run was too short)
    ],
)
def test_a_fault_run_fails_when_a_fault_does_not_recover_or_the_schedule_stops_short(faults):
    run = passing_report(faults=faults, faults_expected=3)

    assert thresholds.checks_apply(run, faults_injected=True)["every fault recovered"] is False


def test_the_report_built_from_locust_figures_carries_the_checks_and_the_verdict(tmp_path):
    stats = tmp_path / "run_stats.csv"
    header = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%"
    stats.write_text(
        f"{header}\n"
        "GET,/leaderboard/rows/,20,0,2.0,6,250,300\n"
        "POST,/quizzes/[id]/q/[n]/ [POST answer],80,1,8.0,15,90,N/A\n"
        ",Aggregated,100,1,10.04,12,240,300\n"
    )
    args = argparse.Namespace(
        scenario="mixed", users=50, duration="30s", pgbouncer=False, workers=5, threads=1, proxy=True
    )
    sampler = argparse.Namespace(db_connections=6, rss_mb=500.04, cpu_seconds=15.0, elapsed=30.0)
    acks = {"answered_items": [[1, n] for n in range(1, 80)], "answers_sent": 85, "answers_changed": 4}

    built = report.report_build(
        args=args,
        arrivals_per_second=5,
        locust=report.locust_figures(stats),
        acks=acks,
        stored={"stored": 79, "missing": 0},
        duplicated=0,
        aggregates_differ=0,
        sampler=sampler,
    )
    report.checks_add(built, faults_injected=False, extra={"prometheus agrees: request_rate": True})

    assert built["requests"] == 100 and built["requests_per_second"] == 10.0 and built["error_rate"] == 0.01
    assert built["p95_ms_all_requests"] == 240.0
    assert built["pages"]["POST /quizzes/[id]/q/[n]/ [POST answer]"]["p99_ms"] == 0.0  # "N/A" read as 0
    assert built["answers"]["sent_unacknowledged"] == 6 and built["answers"]["changed"] == 4
    assert built["gunicorn_cpu_percent_of_one_core"] == 50.0
    assert built["checks"]["error rate < 1 %"] is False  # 1 failure in 100 is 1 %, not under it
    assert built["checks"]["p95 < 200 ms on cached pages"] is False  # the live rows at 250 ms
    assert built["checks"]["prometheus agrees: request_rate"] is True
    assert built["passed"] is False


# --- Prometheus against locust and the ledger ---------------------------------------------------------------


def test_prometheus_agreeing_with_locust_and_the_ledger_passes_every_agreement():
    checks = agreement.agreement(observed(), passing_report(), faults_injected=False)

    assert {name: check["passed"] for name, check in checks.items()} == {
        "request_rate": True,
        "error_ratio": True,
        "p95_ms": True,
        "answers_recorded": True,
    }
    assert checks["request_rate"]["prometheus"] == 40.4  # 1010 requests over locust's 25 s (1000 at 40/s)


@pytest.mark.parametrize(("requests", "agrees"), [(1050, True), (950, True), (1051, False), (900, False)])
def test_the_request_rate_must_be_within_five_percent_of_locusts(requests, agrees):
    checks = agreement.agreement(observed(requests=requests), passing_report(), faults_injected=False)

    assert checks["request_rate"]["passed"] is agrees
    assert checks["request_rate"]["fails_run"] is True


@pytest.mark.parametrize(
    ("recorded", "agrees"),
    [
        (100, True),  # 90 stored + 10 changed
        (101, True),  # + the spammer's change in flight when locust stopped: counted, never acknowledged
        (102, False),
        (99, False),  # an answer stored and acknowledged that the app did not count
    ],
)
def test_answers_recorded_must_equal_the_ledgers_stored_answers_plus_the_changes(recorded, agrees):
    checks = agreement.agreement(observed(answers_recorded=recorded), passing_report(), faults_injected=False)

    assert checks["answers_recorded"]["passed"] is agrees and checks["answers_recorded"]["ledger"] == 100
    assert agreement.agreement_checks({"agreement": checks}) == {
        "prometheus agrees: request_rate": True,
        "prometheus agrees: error_ratio": True,
        "prometheus agrees: answers_recorded": agrees,
    }


def test_answers_sent_without_a_reply_may_have_been_counted():
    run = passing_report(answers={"sent_without_reply": 2})

    checks = agreement.agreement(observed(answers_recorded=103), run, faults_injected=False)

    assert checks["answers_recorded"]["passed"] is True


def test_more_5xx_than_locust_saw_failures_is_a_disagreement():
    checks = agreement.agreement(
        observed(error_ratio=0.003), passing_report(error_rate=0.001), faults_injected=False
    )
    assert checks["error_ratio"]["passed"] is False

    # Locust may see more: a refused connection or a 4xx is its failure, not a 5xx.
    checks = agreement.agreement(
        observed(error_ratio=0.0), passing_report(error_rate=0.02), faults_injected=False
    )
    assert checks["error_ratio"]["passed"] is True


@pytest.mark.parametrize(
    ("prometheus_p95", "locust_p95", "agrees"),
    [
        (364.2, 480.0, True),  # both in (250, 500]
        (364.2, 650.0, False),  # locust's in (500, 1000]: its clock holds the proxy and the queue
        (500.0, 500.0, True),  # a bucket's upper bound belongs to it (le is "less or equal")
    ],
)
def test_p95_agrees_when_both_fall_in_one_histogram_bucket_and_never_fails_the_run(
    prometheus_p95, locust_p95, agrees
):
    checks = agreement.agreement(
        observed(p95_ms=prometheus_p95), passing_report(p95_ms_all_requests=locust_p95), faults_injected=False
    )

    assert checks["p95_ms"]["passed"] is agrees
    assert checks["p95_ms"]["fails_run"] is False
    assert "prometheus agrees: p95_ms" not in agreement.agreement_checks({"agreement": checks})


def test_in_a_fault_run_no_disagreement_fails_the_run():
    checks = agreement.agreement(
        observed(requests=700, answers_recorded=90), passing_report(), faults_injected=True
    )

    assert checks["request_rate"]["passed"] is False
    assert agreement.agreement_checks({"agreement": checks}) == {}


def test_the_bucket_of_a_latency():
    assert agreement.bucket_of(5.0, BOUNDS_MS) == (0.0, 10.0)
    assert agreement.bucket_of(2000.0, BOUNDS_MS) == (1000.0, 2000.0)
    assert agreement.bucket_of(2000.1, BOUNDS_MS) == (2000.0, 2500.0)
    assert agreement.bucket_of(40000.0, BOUNDS_MS) == (30000.0, float("inf"))


def test_the_redis_outage_checks_want_the_alert_fired_and_cleared():
    cleared = {
        "alert": "UsmleRedisDown",
        "labels": {},
        "first_firing": 95,
        "last_firing": 121,
        "resolved": True,
    }
    section = {"rule_files": ["deploy/prometheus/alerts.yml"], "alerts": [cleared]}

    assert all(agreement.outage_checks(section, outage_seconds=90).values())
    assert not any(agreement.outage_checks({**section, "alerts": []}, outage_seconds=90).values())
    still = {**cleared, "resolved": False}
    checks = agreement.outage_checks({**section, "alerts": [still]}, outage_seconds=90)
    assert checks == {
        "UsmleRedisDown fired during the Redis outage": True,
        "UsmleRedisDown cleared after it": False,
    }
    # Shorter than the rule's minute (plus scrapes): the alert may rightly never fire, so nothing is asked.
    assert agreement.outage_checks({**section, "alerts": []}, outage_seconds=60) == {}


# --- The generated configuration ----------------------------------------------------------------------------


def test_the_config_scrapes_the_app_and_the_exporters_every_two_seconds_with_the_alert_rules():
    config = prometheus.config_build(
        app_port=8765, redis_port=6379, pgbouncer=True, rule_files=[prometheus.ALERT_RULES]
    )

    assert config["global"] == {"scrape_interval": "2s", "evaluation_interval": "2s"}
    assert config["rule_files"] == [str(prometheus.ALERT_RULES)]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["usmle-quiz"]["static_configs"] == [{"targets": ["127.0.0.1:8765"]}]
    assert jobs["usmle-quiz"]["metrics_path"] == "/metrics"
    assert jobs["redis"]["static_configs"] == [{"targets": ["127.0.0.1:9121"]}]
    assert jobs["pgbouncer"]["static_configs"] == [{"targets": ["127.0.0.1:9127"]}]


def test_without_pgbouncer_or_the_redis_exporter_only_the_app_is_scraped():
    config = prometheus.config_build(app_port=8765)

    assert [job["job_name"] for job in config["scrape_configs"]] == ["usmle-quiz"]
    assert config["rule_files"] == []


def test_the_alert_rules_name_the_job_the_config_gives_the_app():
    # alerts.yml reads `up` of the app's job by name; a renamed job would leave UsmleMetricsTargetDown blind.
    assert f'up{{job="{prometheus.APP_JOB}"}}' in prometheus.ALERT_RULES.read_text()
    assert f"alert: {prometheus.REDIS_ALERT}" in prometheus.ALERT_RULES.read_text()


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool (make prometheus-deps) is not installed"
)
def test_promtool_accepts_the_generated_config_with_the_alert_rules(tmp_path):
    config = prometheus.config_build(
        app_port=8765, redis_port=6379, pgbouncer=True, rule_files=[prometheus.ALERT_RULES]
    )
    path = tmp_path / "prometheus.yml"
    path.write_text(json.dumps(config, indent=2))

    checked = subprocess.run(["promtool", "check", "config", str(path)], capture_output=True, text=True)

    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- Durations ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("2m", 120), ("1m30s", 90), ("1h", 3600), ("45", 45)]
)
def test_durations_read_as_locust_writes_them(text, seconds):
    assert scenarios.duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10x", "0s", "m"])
def test_a_duration_that_is_not_one_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        scenarios.duration_seconds(text)
