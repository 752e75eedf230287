"""The product's own Prometheus figures, and GET /metrics, which serves them beside django-prometheus's.

Names and labels are a contract with the alert rules, the Grafana dashboard, the load report and the
operations page (docs/OPERATIONS.md lists them). Label values are bounded: modes, names of RATE_LIMITS,
task function names, view names (never a URL).

Under gunicorn every worker writes its figures into PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it up)
and a scrape sums them, so a worker that is recycled keeps its counts. Without that variable (`make run`:
one runserver process) /metrics shows the one process that answers. The gauges that describe the site
rather than a process (active students, connections, Redis, the task queue) are computed when scraped.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import threading
import time

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

PATH = "/metrics"
# The *_created series say when each counter was first made: noise here, and multiprocess mode has none.
disable_created_metrics()
MODES = ("tutor", "timed")

# --- The product's counters -------------------------------------------------------------------------------
LOGINS = Counter(
    "usmle_logins", "Sign-ins (student and admin) whose password was right or wrong.", ["result"]
)
LOGIN_LOCKOUTS = Counter("usmle_login_lockouts", "Sign-ins refused unchecked by the lockout (a wait is due).")
SIGNUPS = Counter("usmle_signups", "Accounts created by sign-up.")
BLOCKS_CREATED = Counter("usmle_blocks_created", "Blocks built.", ["mode"])
ANSWERS = Counter("usmle_answers", "Answers stored (a timed block's changed choice counts again).", ["mode"])
BLOCKS_FINISHED = Counter("usmle_blocks_finished", "Blocks finished (by the student or the clock).", ["mode"])
RATE_LIMITED = Counter("usmle_rate_limited", "Requests refused by a rate limit.", ["limit"])
BREAKER_TRIPS = Counter("usmle_redis_breaker_trips", "Times the Redis circuit breaker opened.")
LEADERBOARD_REBUILDS = Counter("usmle_leaderboard_rebuilds", "Redis board mirrors rebuilt from PostgreSQL.")
TASKS = Counter("usmle_tasks", "Background tasks run, by task and result.", ["task", "result"])
API_TOKENS_ISSUED = Counter("usmle_api_tokens_issued", "API tokens issued to devices.")
# Every reply by status, counted by the outermost middleware: a 503 or 500 made by a middleware (a database
# lost while the session loads) never reaches django-prometheus's by-status counter, which sits innermost.
# The error ratio and the 5xx alerts read this one. Status codes are a small fixed set: a bounded label.
RESPONSES = Counter("usmle_http_responses", "Replies by status, every middleware's included.", ["status"])
# Each process's own; "liveall" keeps one series per live process and drops a dead worker's.
PROCESS_MEMORY = Gauge(
    "usmle_process_resident_memory_bytes",
    "Resident memory of this process.",
    ["pid"],
    multiprocess_mode="liveall",
)
PROCESS_CPU = Gauge(
    "usmle_process_cpu_seconds_total", "CPU seconds this process used.", ["pid"], multiprocess_mode="liveall"
)

# Series that exist at 0 from the start, so rate() and the alert rules see them before the first event.
for _result in ("success", "failure"):
    LOGINS.labels(result=_result)
for _mode in MODES:
    BLOCKS_CREATED.labels(mode=_mode)
    ANSWERS.labels(mode=_mode)
    BLOCKS_FINISHED.labels(mode=_mode)
for _limit in settings.RATE_LIMITS:
    RATE_LIMITED.labels(limit=_limit)


def _mode(mode: str) -> str:
    return mode if mode in MODES else "other"


def _after_commit(increment) -> None:
    """Count once the transaction commits: a rolled-back block or answer never happened."""
    transaction.on_commit(increment, robust=True)


def login_counted(*, success: bool) -> None:
    LOGINS.labels(result="success" if success else "failure").inc()


def login_lockout_counted() -> None:
    LOGIN_LOCKOUTS.inc()


def signup_counted() -> None:
    _after_commit(SIGNUPS.inc)


def block_created_counted(*, mode: str) -> None:
    _after_commit(BLOCKS_CREATED.labels(mode=_mode(mode)).inc)


def answer_counted(*, mode: str) -> None:
    _after_commit(ANSWERS.labels(mode=_mode(mode)).inc)


def block_finished_counted(*, mode: str) -> None:
    _after_commit(BLOCKS_FINISHED.labels(mode=_mode(mode)).inc)


def rate_limited_counted(*, limit: str) -> None:
    RATE_LIMITED.labels(limit=limit if limit in settings.RATE_LIMITS else "other").inc()


def breaker_trip_counted() -> None:
    BREAKER_TRIPS.inc()


def leaderboard_rebuild_counted() -> None:
    LEADERBOARD_REBUILDS.inc()


def api_token_issued_counted() -> None:
    _after_commit(API_TOKENS_ISSUED.inc)


def task_finished_counted(sender, task_result, **kwargs) -> None:
    """django.tasks' task_finished signal (sent by `manage.py db_worker`, connected in usmle_quiz.apps)."""
    from django.tasks import TaskResultStatus

    try:
        name = task_result.task.name
    except Exception:  # a task path that no longer imports: still one failure
        name = "unknown"
    result = "success" if task_result.status == TaskResultStatus.SUCCESSFUL else "failure"
    TASKS.labels(task=name, result=result).inc()


# --- This process's memory and CPU ------------------------------------------------------------------------
PROCESS_REFRESH_SECONDS = 5.0
_process = {"refreshed_at": 0.0}


def process_gauges_refresh(*, force: bool = False) -> None:
    """Write this process's memory and CPU, at most every few seconds (each request calls this)."""
    now = time.monotonic()
    if not force and now - _process["refreshed_at"] < PROCESS_REFRESH_SECONDS:
        return
    _process["refreshed_at"] = now
    pid = str(os.getpid())
    PROCESS_MEMORY.labels(pid=pid).set(_resident_bytes())
    times = os.times()
    PROCESS_CPU.labels(pid=pid).set(times.user + times.system)


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:  # Linux: one small read, the current figure
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the peak, where /proc is missing


# --- Students active in the last five minutes --------------------------------------------------------------
# Each process tells Redis about a student at most once a minute (one ZADD scored by the time); a scrape
# counts the members of the last five minutes across every process.
ACTIVE_WINDOW_SECONDS = 300
SEEN_RESEND_SECONDS = 60
_seen: dict[int, float] = {}  # user id -> when this process last noted them (time.time())
_seen_state = {"pruned_at": 0.0}
_seen_lock = threading.Lock()


def _active_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'usmle')}:active_students"


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def student_seen(*, user_id: int | None) -> None:
    """Note a signed-in request (RequestLogMiddleware calls this); costs Redis once a minute per student."""
    if user_id is None:
        return
    now = time.time()
    with _seen_lock:
        last = _seen.get(user_id)
        if last is not None and now - last < SEEN_RESEND_SECONDS:
            return
        _seen[user_id] = now  # also when Redis fails below: a dead Redis is not asked again for a minute
        if now - _seen_state["pruned_at"] > SEEN_RESEND_SECONDS:
            _seen_state["pruned_at"] = now
            for stale in [uid for uid, at in _seen.items() if now - at > ACTIVE_WINDOW_SECONDS]:
                del _seen[stale]
    if not settings.REDIS_URL:
        return  # one process (`make run`): the dictionary above is the whole site
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.zadd(_active_key(), {str(user_id): now})
        pipe.zremrangebyscore(_active_key(), "-inf", now - ACTIVE_WINDOW_SECONDS)
        pipe.expire(_active_key(), 2 * ACTIVE_WINDOW_SECONDS)
        pipe.execute()
    except Exception:  # the breaker (usmle_quiz.redis_breaker) has noted it; the count is best effort
        log.debug("active students: Redis did not take the update", exc_info=True)


def active_students_count() -> int | None:
    """Students with a request in the last five minutes; None when Redis does not answer."""
    since = time.time() - ACTIVE_WINDOW_SECONDS
    if not settings.REDIS_URL:
        with _seen_lock:
            return sum(1 for at in _seen.values() if at >= since)
    try:
        return int(_redis().zcount(_active_key(), since, "+inf"))
    except Exception:
        log.debug("active students: Redis did not answer", exc_info=True)
        return None


# --- Gauges computed at scrape time ------------------------------------------------------------------------
class SiteCollector:
    """What describes the site rather than one process: a few cheap queries, once per scrape."""

    def collect(self):
        active = active_students_count()
        if active is not None:
            yield _gauge("usmle_active_students", "Students with a request in the last 5 minutes.", active)
        yield from _database_gauges()
        yield from _redis_gauge()
        yield from _task_queue_gauges()
        build = GaugeMetricFamily("usmle_build_info", "The running version (always 1).", labels=["version"])
        build.add_metric([build_version()], 1)
        yield build


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _database_gauges():
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),"
                " current_setting('max_connections')::int"
            )
            used, most = cursor.fetchone()
    except Exception:
        log.warning("metrics: the database did not say how many connections it has", exc_info=True)
        return
    yield _gauge("usmle_db_connections", "Connections to this database (pg_stat_activity).", used)
    yield _gauge("usmle_db_connections_max", "PostgreSQL's max_connections.", most)


def _redis_gauge():
    if not settings.REDIS_URL:
        return
    try:
        # Through the breaker-wrapped pool: a dead Redis costs one 250-ms timeout, an open circuit none.
        up = 1 if _redis().ping() else 0
    except Exception:
        up = 0
    yield _gauge("usmle_redis_up", "1 if Redis answered a PING during this scrape.", up)


def _task_queue_gauges():
    from django.db.models import Case, Count, F, Min, When
    from django.db.models.functions import Greatest
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    try:
        # A task with a run_after waits from then on, not from when it was enqueued.
        waiting_since = Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=Greatest("enqueued_at", "run_after"),
        )
        queue = DBTaskResult.objects.ready().aggregate(ready=Count("pk"), oldest=Min(waiting_since))
    except Exception:
        log.warning("metrics: the task queue could not be read", exc_info=True)
        return
    oldest = (timezone.now() - queue["oldest"]).total_seconds() if queue["oldest"] else 0.0
    yield _gauge("usmle_task_queue_ready", "Background tasks waiting to run.", queue["ready"])
    yield _gauge(
        "usmle_task_queue_oldest_seconds", "Age of the oldest waiting task (0: none).", max(0.0, oldest)
    )


@functools.cache
def build_version() -> str:
    import tomllib

    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as pyproject:
            return str(tomllib.load(pyproject)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# --- GET /metrics -----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    # settings.py has refused a bad entry at start-up already.
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def scrape_allowed(request: HttpRequest) -> bool:
    """The client address (behind TRUSTED_PROXIES, the forwarded one) is in METRICS_ALLOWED, or it sent
    `Authorization: Bearer <METRICS_TOKEN>`."""
    from usmle_quiz.ratelimits import client_ip  # ratelimits counts into this module: imported late

    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED)))


class _DefaultRegistry:
    """The process's own registry, as one collector of the per-scrape registry."""

    def collect(self):
        return REGISTRY.collect()


_SITE = SiteCollector()


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format; a 404 for anyone not allowed, as if there were nothing here."""
    if not settings.METRICS_ENABLED or not scrape_allowed(request):
        raise Http404("No such page.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    process_gauges_refresh(force=True)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's files, summed
    else:
        registry.register(_DefaultRegistry())
    registry.register(_SITE)
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
