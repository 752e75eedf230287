"""The monitoring files in deploy/: the Grafana dashboard, the alert rules and their unit tests.

`make test-alerts` runs promtool over the rules; these tests check what promtool cannot: that the dashboard's
queries are PromQL, that every metric the rules and the dashboard read is one the app's /metrics really
exposes (a renamed metric would leave an alert silent forever), and that each alert has its runbook section
and a firing and a quiet unit test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import DataError, connection, transaction
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import PASSWORD, run_tasks

ROOT = Path(settings.BASE_DIR)
DASHBOARD = ROOT / "deploy" / "grafana" / "usmle-quiz.json"
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts_test.yml"
OPERATIONS = ROOT / "docs" / "OPERATIONS.md"

# Series that do not come from the app: the exporters prometheus.yml scrapes (Debian's
# prometheus-redis-exporter and prometheus-pgbouncer-exporter), and Prometheus's own `up`.
EXPORTER_METRICS = {
    "redis_up",
    "redis_memory_used_bytes",
    "redis_connected_clients",
    "pgbouncer_active_clients",
    "pgbouncer_waiting_clients",
    "pgbouncer_used_servers",
}
PROMETHEUS_METRICS = {"up"}

# Grafana's variables, replaced by a value each could take, so the query is plain PromQL.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$job": "usmle-quiz", "$instance": ".*", "$view": ".*"}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*")
_OPERATORS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
_LABEL_VALUES = re.compile(r"label_values\((?:(?P<selector>.+),\s*)?(?P<label>[A-Za-z_]\w*)\)")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (what is left once strings, label matchers, ranges and
    grouping clauses are out, minus functions, aggregations and operators)."""
    bare = _GROUPING.sub(" ", _RANGE.sub(" ", _MATCHERS.sub(" ", _STRING.sub('""', expr))))
    names = set()
    for match in _IDENTIFIER.finditer(bare):
        followed_by = bare[match.end() :].lstrip()[:1]
        if followed_by != "(" and match.group() not in _OPERATORS:
            names.add(match.group())
    return names


def dashboard_panels(dashboard: dict) -> list[dict]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # a collapsed row holds its panels
    return panels


def grafana_to_promql(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    assert "$" not in expr, f"a Grafana variable this test does not know: {expr}"
    return expr


def dashboard_queries() -> dict[str, str]:
    """Every PromQL query of the dashboard by where it is: the panels' targets, the variables' selectors."""
    dashboard = json.loads(DASHBOARD.read_text())
    queries = {}
    for panel in dashboard_panels(dashboard):
        for target in panel.get("targets", []):
            queries[f"panel {panel['id']} ({panel['title']}) {target['refId']}"] = target["expr"]
    for variable in dashboard["templating"]["list"]:
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        selector = _LABEL_VALUES.fullmatch(query)
        assert selector, f"variable {variable['name']}: not a label_values() query: {query}"
        if selector["selector"]:
            queries[f"variable {variable['name']}"] = selector["selector"]
    return {where: grafana_to_promql(expr) for where, expr in queries.items()}


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def alerts() -> list[dict]:
    return [rule for rule in rules() if "alert" in rule]


def exposed_names(exposition: str) -> set[str]:
    """Every series name a scrape can hold: those with samples, and those a family declares but whose labels
    have not been used yet in this process (a rate limit nobody hit, a task that never ran)."""
    names = set()
    for family in text_string_to_metric_families(exposition):
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":
            names.add(family.name if family.name.endswith("_total") else family.name + "_total")
        elif family.type in ("histogram", "summary"):
            names.update({family.name + "_count", family.name + "_sum"})
            if family.type == "histogram":
                names.add(family.name + "_bucket")
        else:
            names.add(family.name)
    return names


def test_the_dashboard_is_a_grafana_model_reading_the_prometheus_input():
    dashboard = json.loads(DASHBOARD.read_text())
    assert [source["name"] for source in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    panels = dashboard_panels(dashboard)
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    graphs = [panel for panel in panels if panel["type"] != "row"]
    assert len(graphs) >= 20
    for panel in graphs:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
    titles = {panel["title"] for panel in graphs}
    for expected in (
        "Requests/s by status",
        "Error ratio (5xx)",
        "p95 by view",
        "p50 by view",
        "Queries/s",
        "DB connections",
        "Cache hit ratio",
        "Memory per worker",
        "CPU per worker",
        "Active students",
        "Answers/min",
        "Sign-ins/min",
        "Rate-limited/min by limit",
        "Redis up",
        "Task queue",
    ):
        assert expected in titles


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is missing: make prometheus-deps")
def test_every_dashboard_query_is_promql(tmp_path):
    # promtool has no command that checks one expression; a recording rule per query makes it parse each.
    queries = dashboard_queries()
    group = {
        "name": "dashboard",
        "rules": [
            {"record": f"dashboard:query_{n}", "expr": expr} for n, expr in enumerate(queries.values())
        ],
    }
    rules_file = tmp_path / "dashboard_rules.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [group]}))
    checked = subprocess.run(
        ["promtool", "check", "rules", str(rules_file)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(queries)} rules found" in checked.stdout


def test_every_alert_is_labelled_annotated_and_has_its_runbook_section():
    runbook_headings = set(re.findall(r"^### (alert-[a-z0-9]+)$", OPERATIONS.read_text(), flags=re.MULTILINE))
    assert len(alerts()) >= 14
    for alert in alerts():
        name = alert["alert"]
        assert alert["labels"]["severity"] in {"critical", "warning"}, name
        assert alert["annotations"]["summary"] and alert["annotations"]["description"], name
        assert alert["annotations"]["runbook_url"] == f"docs/OPERATIONS.md#alert-{name.lower()}", name
        assert f"alert-{name.lower()}" in runbook_headings, (
            f"docs/OPERATIONS.md has no ### alert-{name.lower()}"
        )


def test_every_alert_has_a_unit_test_where_it_fires_and_one_where_it_stays_quiet():
    cases = [
        case
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]
    for alert in alerts():
        name = alert["alert"]
        assert any(case["alertname"] == name and case["exp_alerts"] for case in cases), f"{name} never fires"
        assert any(case["alertname"] == name and not case.get("exp_alerts") for case in cases), (
            f"{name} is never shown quiet"
        )


def test_metric_names_are_read_from_promql():
    assert metric_names(
        'sum by (job, le) (rate(django_http_requests_latency_seconds_by_view_method_bucket{view=~"a|b"}[5m]))'
        " > 2 and on (job) job:django_http_requests:rate1m >= 20 / 60"
    ) == {"django_http_requests_latency_seconds_by_view_method_bucket", "job:django_http_requests:rate1m"}
    assert metric_names("usmle_process_resident_memory_bytes > 150 * 1024 * 1024") == {
        "usmle_process_resident_memory_bytes"
    }
    assert metric_names('up{job=~"redis|pgbouncer"} == 0 or absent(up)') == {"up"}


def test_every_metric_the_rules_and_the_dashboard_read_is_one_the_app_exposes(
    client, student, bank, settings, mailoutbox
):
    # A few students' requests first, so the scrape carries what a live site's does.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "block_create": "1/m"}
    client.post("/accounts/login/", {"username": student.username, "password": "wrong-password"})
    client.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    client.get("/")
    assert client.get("/quizzes/999999/").status_code == 404
    for _ in range(2):
        client.post("/quizzes/new/", {"size": 2, "mode": "tutor", "pool": "all"})
    client.post("/accounts/logout/")
    client.post("/accounts/password_reset/", {"email": student.email})
    run_tasks()
    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")

    scrape = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert scrape.status_code == 200
    exposed = exposed_names(scrape.content.decode())
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in exposed  # the scrape is real

    recorded = {rule["record"] for rule in rules() if "record" in rule}
    used: dict[str, set[str]] = {}
    for rule in rules():
        for name in metric_names(rule["expr"]):
            used.setdefault(name, set()).add(f"alerts.yml {rule.get('alert') or rule.get('record')}")
    for where, expr in dashboard_queries().items():
        for name in metric_names(expr):
            used.setdefault(name, set()).add(f"dashboard {where}")

    unknown = {
        name: sorted(places)
        for name, places in used.items()
        if name not in exposed | recorded | EXPORTER_METRICS | PROMETHEUS_METRICS
    }
    assert not unknown, f"read but not exposed by /metrics: {json.dumps(unknown, indent=2)}"
    # The list of the exporters' names stays the list of those in use.
    assert set(used) >= EXPORTER_METRICS, EXPORTER_METRICS - set(used)
