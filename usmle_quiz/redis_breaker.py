"""A circuit breaker under every Redis connection this process opens.

The socket timeouts (REDIS_SOCKET_TIMEOUT_MS) bound one call to Redis; a page
makes several (session, rate limits, counts, board ranks). When Redis stops
answering, the first call that fails opens the circuit for
REDIS_CIRCUIT_OPEN_SECONDS: every later call fails at once, without touching
the network, and the cache layers above treat that as a miss (they fail
open). So a dead or frozen Redis costs one socket timeout per process every
few seconds, not one per call. After the pause the next call tries again.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

log = logging.getLogger(__name__)

_state = {"open_until": 0.0, "failures": 0}
_lock = threading.Lock()


def open_seconds() -> float:
    from django.conf import settings

    return getattr(settings, "REDIS_CIRCUIT_OPEN_SECONDS", 5.0)


def is_open() -> bool:
    return time.monotonic() < _state["open_until"]


def failures() -> int:
    """Calls that actually waited on a failing Redis since start-up (or the last reset)."""
    return _state["failures"]


def trip(error: Exception) -> None:
    with _lock:
        _state["failures"] += 1
        if not is_open():
            log.warning("Redis failed (%s): skipping it for %.0f s", type(error).__name__, open_seconds())
            from usmle_quiz import metrics  # not at the top: settings.py imports this module

            metrics.breaker_trip_counted()
        _state["open_until"] = time.monotonic() + open_seconds()


def reset() -> None:
    with _lock:
        _state["open_until"] = 0.0
        _state["failures"] = 0


class _Breaker:
    """Mixed into redis-py's connection classes: refuse at once while the circuit is open."""

    def connect(self, *args, **kwargs):
        if is_open():
            raise redis.ConnectionError("Redis skipped: the circuit is open after a recent failure")
        try:
            return super().connect(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip(error)
            raise

    def send_packed_command(self, command, check_health=True):
        if is_open():
            raise redis.ConnectionError("Redis skipped: the circuit is open after a recent failure")
        try:
            return super().send_packed_command(command, check_health)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip(error)
            raise


class CircuitBreakerConnection(_Breaker, redis.Connection):
    pass


class CircuitBreakerSSLConnection(_Breaker, redis.SSLConnection):
    pass


class CircuitBreakerUnixConnection(_Breaker, redis.UnixDomainSocketConnection):
    pass


def connection_class_for(url: str) -> type:
    """The breaker-wrapped connection class for a REDIS_URL's scheme (redis://, rediss://, unix://)."""
    if url.startswith("rediss://"):
        return CircuitBreakerSSLConnection
    if url.startswith("unix://"):
        return CircuitBreakerUnixConnection
    return CircuitBreakerConnection
