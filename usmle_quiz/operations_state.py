"""What the operations page reads at the moment it is drawn: connections, Redis, the task queue, the last
load run. Each is one cheap question (one query, one Redis INFO, one directory listing)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.tasks import TaskResultStatus
from redis import RedisError

from usmle_quiz import redis_breaker

log = logging.getLogger(__name__)

# Where `make loadtest` and `make bench-floor` write their reports (loadtests/run.py).
REPORTS = settings.BASE_DIR / "loadtests" / "reports"
REPORT_MAX_BYTES = 5 * 1024 * 1024  # a run summary is a few kilobytes; anything larger is not one


@dataclass(frozen=True)
class DatabaseConnections:
    vendor: str
    this_database: int | None = None  # None: not PostgreSQL, no pg_stat_activity to ask
    server: int | None = None  # client connections to every database of the server
    maximum: int | None = None  # max_connections


def database_connections() -> DatabaseConnections:
    if connection.vendor != "postgresql":
        return DatabaseConnections(vendor=connection.display_name)
    with connection.cursor() as cursor:
        # Behind PgBouncer these are its server connections: the ones PostgreSQL has to hold.
        cursor.execute(
            "SELECT count(*) FILTER (WHERE datname = current_database()),"
            " count(*) FILTER (WHERE backend_type = 'client backend'),"
            " current_setting('max_connections')::int FROM pg_stat_activity"
        )
        this_database, server, maximum = cursor.fetchone()
    return DatabaseConnections(
        vendor=connection.display_name, this_database=this_database, server=server, maximum=maximum
    )


@dataclass(frozen=True)
class RedisState:
    configured: bool
    up: bool = False
    breaker_open: bool = False  # this process skips Redis after a recent failure
    used_memory_bytes: int | None = None
    max_memory_bytes: int | None = None  # 0 in Redis means no limit; None here


def redis_state() -> RedisState:
    if not settings.REDIS_URL:
        return RedisState(configured=False)
    from django_redis import get_redis_connection

    try:
        info = get_redis_connection("default").info("memory")
    except (RedisError, NotImplementedError):
        return RedisState(configured=True, breaker_open=redis_breaker.is_open())
    return RedisState(
        configured=True,
        up=True,
        breaker_open=redis_breaker.is_open(),
        used_memory_bytes=info.get("used_memory"),
        max_memory_bytes=info.get("maxmemory") or None,
    )


@dataclass(frozen=True)
class TaskQueue:
    ready: int  # waiting for the worker now (not those scheduled for later)
    running: int
    failed_last_hour: int
    succeeded_last_hour: int
    oldest_waiting_seconds: float | None  # None when nothing waits


def task_queue(*, now: datetime) -> TaskQueue:
    """django-tasks-db's queue in one query (its table holds the tasks of recent days: small)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    hour_ago = now - timedelta(hours=1)
    ready = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    # A task with a run_after waits from then on, not from when it was enqueued (as usmle_quiz.metrics's
    # usmle_task_queue_oldest_seconds counts it, so the page and the alert agree).
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=Greatest("enqueued_at", "run_after")
    )
    figures = DBTaskResult.objects.aggregate(
        ready=Count("pk", filter=ready),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=hour_ago)),
        succeeded=Count("pk", filter=Q(status=TaskResultStatus.SUCCESSFUL, finished_at__gte=hour_ago)),
        oldest=Min(waiting_since, filter=ready),
    )
    oldest = figures["oldest"]
    return TaskQueue(
        ready=figures["ready"],
        running=figures["running"],
        failed_last_hour=figures["failed"],
        succeeded_last_hour=figures["succeeded"],
        oldest_waiting_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
    )


@dataclass(frozen=True)
class LoadRun:
    name: str  # the report's file name, e.g. mixed-500.json
    finished_at: datetime
    summary: dict


# path -> (its modification time, its summary or None): the page asks every few seconds, and an answer
# ledger beside the summaries can weigh a megabyte.
_parsed: dict[str, tuple[int, dict | None]] = {}


def last_load_run(*, folder: Path | None = None) -> LoadRun | None:
    """The newest load run summary in loadtests/reports/ (a load run's JSON names its scenario; the floor
    bench's and the answer ledgers' do not), or None when this machine has run none."""
    folder = REPORTS if folder is None else folder
    try:
        candidates = sorted(
            ((path.stat(), path) for path in folder.glob("*.json")), key=lambda pair: -pair[0].st_mtime_ns
        )
    except OSError:
        return None
    for stat, path in candidates:
        summary = _summary(path, stat.st_mtime_ns, stat.st_size)
        if summary is not None:
            return LoadRun(
                name=path.name, finished_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC), summary=summary
            )
    return None


def _summary(path: Path, mtime_ns: int, size: int) -> dict | None:
    known = _parsed.get(str(path))
    if known is not None and known[0] == mtime_ns:
        return known[1]
    summary = None
    if size <= REPORT_MAX_BYTES:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            log.warning("operations page: %s is not readable JSON", path.name)
        else:
            if isinstance(data, dict) and "scenario" in data and "requests" in data:
                summary = data
    _parsed[str(path)] = (mtime_ns, summary)
    return summary
