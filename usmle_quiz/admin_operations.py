"""The admin's Operations page: how the site is doing now and over the last hour, for staff without a
monitoring stack.

Behind the admin like every admin page (VerifiedAdminSite.admin_view: staff, second factor verified,
never cached). The figures region refreshes itself with htmx every REFRESH_SECONDS from the same partial
the page includes; without JavaScript the page has a Refresh link. Traffic comes from the per-minute
buckets (usmle_quiz.operations), the rest is asked at that moment (usmle_quiz.operations_state).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from usmle_quiz import operations
from usmle_quiz.metrics import active_students_count
from usmle_quiz.operations_state import (
    database_connections,
    last_load_run,
    redis_state,
    task_queue,
)
from usmle_quiz.sparklines import sparkline

REFRESH_SECONDS = 5
# The thresholds of the alert rules (deploy/prometheus/alerts.yml), so the page flags what would page someone.
ERROR_RATE_ALERT = 0.05
P95_ALERT_MS = 2000
DB_CONNECTIONS_ALERT = 80
OLDEST_TASK_ALERT_SECONDS = 5 * 60
MB = 1024 * 1024


def urls(site: admin.AdminSite) -> list[URLPattern]:
    return [
        path("operations/", site.admin_view(operations_page), name="operations"),
        path("operations/live/", site.admin_view(operations_live), name="operations_live"),
    ]


def app_entry(site: admin.AdminSite) -> dict:
    """The page as a section of the admin index and its sidebar, shaped like a registered app."""
    url = reverse("admin:operations", current_app=site.name)
    return {
        "name": "Operations",
        "app_label": "operations",
        "app_url": url,
        "has_module_perms": True,
        "models": [
            {
                "name": "Traffic, errors and services",
                "object_name": "Operations",
                "admin_url": url,
                "add_url": None,
                "view_only": True,
                "perms": {"add": False, "change": False, "delete": False, "view": True},
            }
        ],
    }


@require_GET
def operations_page(request: HttpRequest) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": "Operations", **_figures()}
    return TemplateResponse(request, "admin/operations/page.html", context)


@require_GET
def operations_live(request: HttpRequest) -> HttpResponse:
    """The figures region alone, for the page's htmx polling."""
    return TemplateResponse(request, "admin/operations/_live.html", _figures())


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    now: str
    detail: str  # in words: the last hour, or what the number is made of
    chart: SafeString
    alert: str = ""  # why this figure is over an alert threshold


def _figures() -> dict:
    now = timezone.now()
    database = database_connections()
    queue = task_queue(now=now)
    redis = redis_state()
    sampled = {
        "active_students": active_students_count(),  # None when Redis does not answer
        "db_connections": database.this_database,
        "tasks_ready": queue.ready,
        "redis_memory_mb": redis.used_memory_bytes / MB if redis.used_memory_bytes is not None else None,
    }
    hour = (
        operations.hour_read(gauges={k: v for k, v in sampled.items() if v is not None}, now=now.timestamp())
        if redis.up
        else None
    )
    return {
        "now": now,
        "refresh_seconds": REFRESH_SECONDS,
        "hour": hour,
        "redis": redis,
        "database": database,
        "queue": queue,
        "traffic": _traffic(hour) if hour else [],
        "gauges": _gauges(hour, sampled, database=database, queue=queue),
        "load_run": _load_run_rows(),
    }


def _traffic(hour: operations.Hour) -> list[Figure]:
    points, whole = hour.points, hour.whole
    p95_now = hour.now.latency_ms(0.95)
    error_now = hour.now.error_rate
    rates = [p.requests_per_second for p in points]
    answers = [p.answers_per_minute for p in points]
    return [
        _figure(
            "rps",
            "Requests a second",
            points[-1].requests_per_second,
            rates,
            _rate,
            detail=f"Last hour: average {_rate(whole.requests_per_second)}, peak {_rate(max(rates))}",
        ),
        _figure(
            "p50",
            "Response time, median (p50)",
            hour.now.latency_ms(0.5),
            [p.latency_ms(0.5) for p in points],
            _ms,
            detail="Last hour: " + _ms(whole.latency_ms(0.5)),
        ),
        _figure(
            "p95",
            "Response time, 95th percentile (p95)",
            p95_now,
            [p.latency_ms(0.95) for p in points],
            _ms,
            detail="Last hour: " + _ms(whole.latency_ms(0.95)),
            alert=f"above {_ms(P95_ALERT_MS)}" if p95_now and p95_now > P95_ALERT_MS else "",
        ),
        _figure(
            "errors",
            "Error rate (5xx share)",
            error_now,
            [p.error_rate for p in points],
            _percent,
            detail=f"Last hour: {_percent(whole.error_rate)} "
            f"({whole.errors:,.0f} of {whole.requests:,.0f} replies)",
            alert=f"above {_percent(ERROR_RATE_ALERT)}" if (error_now or 0) > ERROR_RATE_ALERT else "",
        ),
        _figure(
            "answers",
            "Answers a minute",
            points[-1].answers_per_minute,
            answers,
            _rate,
            detail=f"Last hour: average {_rate(whole.answers_per_minute)}, peak {_rate(max(answers))}",
        ),
    ]


def _gauges(hour: operations.Hour | None, sampled: dict, *, database, queue) -> list[Figure]:
    """The figures asked at this moment; their lines hold what the page sampled while it was open."""

    def line(name: str) -> list[float | None]:
        return hour.gauge(name) if hour else [None] * (operations.MINUTES - 1) + [sampled[name]]

    connections = database.this_database
    figures = [
        _figure(
            "active",
            "Active students (last 5 minutes)",
            sampled["active_students"],
            line("active_students"),
            _count,
            detail="Students with a request in the last 5 minutes"
            if sampled["active_students"] is not None
            else "Unknown while Redis does not answer: the count is kept there",
        )
    ]
    if connections is not None:
        figures.append(
            _figure(
                "db",
                "Database connections",
                connections,
                line("db_connections"),
                _count,
                detail=f"{connections} to this database, {database.server} to the server, "
                f"of max_connections {database.maximum}",
                alert=f"above {DB_CONNECTIONS_ALERT}" if connections > DB_CONNECTIONS_ALERT else "",
            )
        )
    oldest = queue.oldest_waiting_seconds
    figures.append(
        _figure(
            "tasks",
            "Tasks waiting",
            queue.ready,
            line("tasks_ready"),
            _count,
            detail=f"Oldest waiting {_age(oldest)}; {queue.running} running; "
            f"last hour {queue.succeeded_last_hour} done, {queue.failed_last_hour} failed",
            alert=f"a task has waited over {_age(OLDEST_TASK_ALERT_SECONDS)}"
            if oldest and oldest > OLDEST_TASK_ALERT_SECONDS
            else "",
        )
    )
    if sampled["redis_memory_mb"] is not None:
        figures.append(
            _figure(
                "redis-memory",
                "Redis memory used",
                sampled["redis_memory_mb"],
                line("redis_memory_mb"),
                _megabytes,
            )
        )
    return figures


def _figure(
    key: str,
    label: str,
    value: float | None,
    values: Sequence[float | None],
    show: Callable[[float], str],
    *,
    detail: str = "",
    alert: str = "",
) -> Figure:
    chart = sparkline(
        chart_id=f"ops-chart-{key}", label=f"{label}, last 60 minutes", values=values, show=show
    )
    return Figure(key=key, label=label, now=show(value), detail=detail, chart=chart, alert=alert)


def _load_run_rows() -> dict | None:
    run = last_load_run()
    if run is None:
        return None
    summary = run.summary
    rows = [("Scenario", _scenario(summary))]
    if "requests" in summary:
        rows.append(
            ("Requests", f"{summary['requests']:,} at {summary.get('requests_per_second', 0)} a second")
        )
    if "error_rate" in summary:
        rows.append(("Error rate", _percent(summary["error_rate"])))
    pages = summary.get("pages") or {}
    if pages:
        slowest, figures = max(pages.items(), key=lambda pair: pair[1].get("p95_ms", 0))
        rows.append(("Slowest page (p95)", f"{slowest}: {_ms(figures.get('p95_ms', 0))}"))
    for key, label, show in (
        ("peak_db_connections", "Peak database connections", str),
        ("peak_gunicorn_rss_mb", "Peak gunicorn memory", lambda mb: f"{mb} MB"),
        ("gunicorn_cpu_percent_of_one_core", "gunicorn CPU", lambda percent: f"{percent} % of one core"),
    ):
        if summary.get(key) is not None:
            rows.append((label, show(summary[key])))
    answers = summary.get("answers") or {}
    if answers:
        rows.append(
            (
                "Answers",
                f"{answers.get('acknowledged', 0):,} acknowledged, "
                f"{answers.get('acknowledged_but_missing', 0)} missing, "
                f"{answers.get('duplicated', 0)} counted twice",
            )
        )
    prometheus = summary.get("prometheus")
    if isinstance(prometheus, dict):
        rows.extend(
            (f"Prometheus: {key.replace('_', ' ')}", str(value))
            for key, value in prometheus.items()
            if isinstance(value, int | float | str)
        )
    failed = [name for name, passed in (summary.get("checks") or {}).items() if not passed]
    verdict = "passed" if summary.get("passed") else "failed" + (f": {', '.join(failed)}" if failed else "")
    rows.append(("Result", verdict))
    return {
        "name": run.name,
        "finished_at": run.finished_at,
        "rows": rows,
        "passed": bool(summary.get("passed")),
    }


def _scenario(summary: dict) -> str:
    parts = [str(summary.get("scenario", "?"))]
    if summary.get("users"):
        parts.append(f"{summary['users']} students")
    if summary.get("duration"):
        parts.append(str(summary["duration"]))
    if summary.get("pgbouncer"):
        parts.append("through PgBouncer")
    return ", ".join(parts)


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _count(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "no requests"
    if value >= operations.LATENCY_BOUNDS_MS[-1]:
        return f"at least {value / 1000:.0f} s"
    return f"{value:,.0f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def _percent(value: float | None) -> str:
    if value is None:
        return "no requests"
    return f"{value * 100:.2f} %" if value < 0.1 else f"{value * 100:.1f} %"


def _megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} MB"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
