"""One log line per request, with a request id the client sees too.

The id comes from the proxy's X-Request-ID when it sent a well-formed one (so a line in HAProxy's log and
one here can be matched), otherwise it is made here; it goes back in the X-Request-ID header and on the
500 and 503 pages ("quote this reference"). The line names the view and its URL pattern, never the path
itself: a password-reset link carries its token in the path. Request bodies are never logged, so neither
are passwords. LOG_FORMAT=json writes each log record as one JSON object (JsonFormatter); text keeps the
plain lines.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from django.db import connections
from django.http import HttpRequest, HttpResponse

from usmle_quiz import metrics, operations

log = logging.getLogger("usmle_quiz.request")

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request.request_id = incoming if _WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
        counter = _QueryCounter()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        operations.request_record(status=response.status_code, duration_ms=duration_ms)
        response[HEADER] = request.request_id
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        # Only if something in the request already loaded it: reading request.user here would cost a lookup.
        user_id = user.pk if user is not None and _loaded(user) and user.is_authenticated else None
        metrics.student_seen(user_id=user_id)
        fields = {
            "request_id": request.request_id,
            "method": request.method,
            "view": match.view_name if match else "",
            "route": match.route if match else "",
            "status": response.status_code,
            "duration_ms": duration_ms,
            "queries": counter.count,
            "user_id": user_id,
        }
        log.info(
            "%s %s %s %s %.1fms q=%s user=%s id=%s",
            fields["method"],
            fields["view"] or "-",
            fields["status"],
            fields["route"] or "-",
            duration_ms,
            counter.count,
            fields["user_id"] or "-",
            request.request_id,
            extra={"request_fields": fields},
        )
        return response


def _loaded(user) -> bool:
    """request.user is a lazy object; it is only read when something in the request already read it."""
    from django.utils.functional import empty

    return getattr(user, "_wrapped", None) is not empty


class JsonFormatter(logging.Formatter):
    """Each record as one JSON line: time, level, logger, message, and a request line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "request_fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
