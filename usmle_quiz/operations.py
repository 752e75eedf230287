"""The operations page's traffic figures, kept cheaply: one small hash per minute in Redis.

Each web process counts in memory what it served (requests, 5xx replies, a fixed latency histogram) and
the answers it recorded, and at most every FLUSH_SECONDS adds those counts to the minute's hash in one
pipeline (HINCRBY, then EXPIRE: Redis keeps two hours). Under gunicorn every worker adds into the same
hashes, so the figures are the whole site's. A request never waits on a dead Redis for more than the
breaker allows (usmle_quiz.redis_breaker): a flush is skipped while the circuit is open, and the counts it
could not send stay in memory for the next one (at most the two hours Redis would have kept them).

This is the page for staff without a monitoring stack; /metrics (usmle_quiz.metrics) has the exact
per-view series for Prometheus. The page (usmle_quiz.admin_operations) reads the last hour back in one
pipeline, and writes there the gauges it sampled (active students, connections...), so their lines fill
in while someone watches.
"""

from __future__ import annotations

import math
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from redis import RedisError

from usmle_quiz import redis_breaker

FLUSH_SECONDS = 5.0
KEEP_SECONDS = 2 * 60 * 60
MINUTES = 60
# Upper bounds in ms, the same as /metrics' latency histograms (PROMETHEUS_LATENCY_BUCKETS), so a p95 read
# here and one from Prometheus's histogram_quantile agree; one more field counts what is slower than 30 s.
LATENCY_BOUNDS_MS = (10, 25, 50, 100, 250, 500, 1000, 2000, 2500, 5000, 10000, 30000)
LATENCY_FIELDS = (*(f"le:{bound}" for bound in LATENCY_BOUNDS_MS), "le:inf")
GAUGE_PREFIX = "g:"

_lock = threading.Lock()
_pending: dict[int, Counter[str]] = {}  # minute number (epoch seconds // 60) -> counts not yet in Redis
_state = {"flushed_at": 0.0}  # time.monotonic() of the last flush this process started


def minute_key(minute: int) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'usmle')}:ops:{minute}"


def request_record(*, status: int, duration_ms: float) -> None:
    """Count one reply this process sent (RequestLogMiddleware calls this for every request)."""
    if not settings.REDIS_URL:
        return  # nowhere to keep the history: `make run` without Redis has no operations figures
    # The first bound at or above the duration; past the last one, the "le:inf" field.
    fields = {"requests": 1, LATENCY_FIELDS[bisect_left(LATENCY_BOUNDS_MS, duration_ms)]: 1}
    if status >= 500:
        fields["errors"] = 1
    _add(fields)
    if time.monotonic() - _state["flushed_at"] >= FLUSH_SECONDS and not redis_breaker.is_open():
        buckets_flush()


def answer_record() -> None:
    """Count one stored answer (quizzes.services calls this once the answer's transaction commits)."""
    if settings.REDIS_URL:
        _add({"answers": 1})


def buckets_flush() -> bool:
    """Send this process's counts to Redis now, in one round trip; False (counts kept) if Redis failed."""
    with _lock:
        # Another thread's request may be flushing too: each takes the counts it found, none twice.
        pending = dict(_pending)
        _pending.clear()
        _state["flushed_at"] = time.monotonic()
    if not pending:
        return True
    try:
        pipe = _redis().pipeline(transaction=False)
        for minute, counts in pending.items():
            for field, count in counts.items():
                pipe.hincrby(minute_key(minute), field, count)
            pipe.expire(minute_key(minute), KEEP_SECONDS)
        pipe.execute()
    except (RedisError, NotImplementedError):
        oldest = int(time.time() // 60) - KEEP_SECONDS // 60
        with _lock:
            for minute, counts in pending.items():
                if minute > oldest:
                    _pending.setdefault(minute, Counter()).update(counts)
        return False
    return True


def pending_discard() -> None:
    """Forget the counts not yet sent (tests start from nothing)."""
    with _lock:
        _pending.clear()
        _state["flushed_at"] = 0.0


def _add(fields: Mapping[str, int]) -> None:
    minute = int(time.time() // 60)
    with _lock:
        _pending.setdefault(minute, Counter()).update(fields)


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


@dataclass(frozen=True)
class Window:
    """Counts over a span of time: one minute, the last 60 seconds, or the hour."""

    counts: Mapping[str, float]
    seconds: float

    @property
    def requests(self) -> float:
        return self.counts.get("requests", 0)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> float:
        return self.counts.get("errors", 0)

    @property
    def error_rate(self) -> float | None:
        """The share of replies that were 5xx; None when there was no request to share."""
        return self.errors / self.requests if self.requests else None

    @property
    def answers_per_minute(self) -> float:
        return self.counts.get("answers", 0) * 60 / self.seconds

    def latency_ms(self, quantile: float) -> float | None:
        return latency_quantile_ms(self.counts, quantile)


def latency_quantile_ms(counts: Mapping[str, float], quantile: float) -> float | None:
    """The quantile of the latency histogram, interpolated inside its bucket as Prometheus does; past the
    last bound the last bound (the page says "at least"); None without requests."""
    buckets = [counts.get(field, 0) for field in LATENCY_FIELDS]
    total = sum(buckets)
    if total <= 0:
        return None
    rank, below, lower = quantile * total, 0.0, 0.0
    for upper, count in zip((*LATENCY_BOUNDS_MS, math.inf), buckets, strict=True):
        if count > 0 and below + count >= rank:
            if upper == math.inf:
                return float(LATENCY_BOUNDS_MS[-1])
            return lower + (upper - lower) * (rank - below) / count
        below, lower = below + count, upper
    return float(LATENCY_BOUNDS_MS[-1])


@dataclass(frozen=True)
class Hour:
    """The last hour as the page draws it: one point a minute, the newest being "now"."""

    points: list[Window]  # 60: the 59 full minutes before this one, then the last 60 seconds
    whole: Window  # the 60 full minutes before this one, together
    gauges: list[dict[str, float]]  # 60: what the page sampled in each minute up to this one (may be empty)
    minute: int  # the current minute's number (epoch seconds // 60)

    @property
    def now(self) -> Window:
        return self.points[-1]

    def gauge(self, name: str) -> list[float | None]:
        return [sampled.get(name) for sampled in self.gauges]


def hour_read(*, gauges: Mapping[str, float] | None = None, now: float | None = None) -> Hour | None:
    """The last hour from Redis (after sending this process's own counts), writing `gauges` into the
    current minute on the way; None when Redis does not answer."""
    now = time.time() if now is None else now
    current = int(now // 60)
    if not settings.REDIS_URL:
        return None
    buckets_flush()
    try:
        pipe = _redis().pipeline(transaction=False)
        if gauges:
            pipe.hset(minute_key(current), mapping={GAUGE_PREFIX + k: v for k, v in gauges.items()})
            pipe.expire(minute_key(current), KEEP_SECONDS)
        for minute in range(current - MINUTES, current + 1):
            pipe.hgetall(minute_key(minute))
        replies = pipe.execute()[-(MINUTES + 1) :]
    except (RedisError, NotImplementedError):
        return None
    counts, sampled = zip(*(_parse(reply) for reply in replies), strict=True)
    # The current minute is partly over: the last 60 seconds are it plus the matching tail of the one
    # before, which is how a sliding-window counter reads two fixed windows.
    tail = 1 - (now - current * 60) / 60
    recent = Counter(counts[-1])
    recent.update({field: count * tail for field, count in counts[-2].items()})
    whole = Counter()
    for minute_counts in counts[:-1]:
        whole.update(minute_counts)
    return Hour(
        points=[Window(c, 60) for c in counts[1:-1]] + [Window(recent, 60)],
        whole=Window(whole, MINUTES * 60),
        gauges=list(sampled[1:]),
        minute=current,
    )


def _parse(reply: Mapping[bytes, bytes]) -> tuple[dict[str, float], dict[str, float]]:
    counts, gauges = {}, {}
    for raw_field, raw_value in reply.items():
        field = raw_field.decode()
        if field.startswith(GAUGE_PREFIX):
            gauges[field.removeprefix(GAUGE_PREFIX)] = float(raw_value)
        else:
            counts[field] = int(raw_value)
    return counts, gauges
