"""Liveness and readiness for load balancers and operators."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache both answer; 503 naming what failed."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not ready"; the log, not the reply, says why
        log.warning("readyz: the database did not answer", exc_info=True)
        return "down"
    return "ok"


def _check_cache() -> str:
    key, token = "readyz:probe", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=10)
        if cache.get(key) != token:
            log.warning("readyz: the cache did not give the value back")
            return "down"
    except Exception:
        log.warning("readyz: the cache did not answer", exc_info=True)
        return "down"
    return "ok"
