"""Requests the site refuses early, databases that fail, and pages no shared cache may keep."""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from usmle_quiz.ascii_numbers import ascii_int

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A query cancelled by the statement timeout, or a database that cannot be reached, answers 503.

    The page asks the student to retry in a few seconds (Retry-After), and
    the worker is free again at once instead of hanging on the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        return database_unavailable(request, exception)


def is_database_unavailable(exception: BaseException | None) -> bool:
    """The database cannot be reached, or cancelled a query for running past the statement timeout."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    cause = getattr(exception, "__cause__", None)
    return isinstance(exception, DatabaseError) and type(cause).__name__ == "QueryCanceled"


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON for JSON clients, else a page rendered without touching the database."""
    log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):  # the JSON API's refusals, whatever the client accepts (api.errors)
        detail = "The service is busy. Try again in a few seconds."
        response = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
    elif "application/json" in request.headers.get("Accept", ""):
        response = HttpResponse(
            '{"error": "The service is busy. Try again in a few seconds."}',
            status=503,
            content_type="application/json",
        )
    else:
        # Rendered without a request: no context processor touches the database.
        context = {"request_id": getattr(request, "request_id", "")}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


# Powerful browser features no page here uses, switched off for every page (and anything framed in one).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivateCacheMiddleware:
    """A signed-in student's pages never go into a shared cache (a CDN or a proxy).

    Django already adds "Vary: Cookie" when the session is read; this adds
    "Cache-Control: private, no-cache" so no intermediary stores them at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Judged from the session the request already read, never by loading the user:
        # a response must not need the database (a health check, a 503 page).
        session = getattr(request, "session", None)
        signed_in = session is not None and session.accessed and SESSION_KEY in session
        if signed_in and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response


class MalformedRequestMiddleware:
    """Refuse, before any view runs, what no page of this site accepts.

    - Methods other than GET, HEAD, POST and OPTIONS: 405. Django's class-based
      auth views would treat PUT as POST; no page here has a use for it.
    - A body declared larger than MAX_REQUEST_BODY_BYTES (MAX_UPLOAD_BYTES in the admin, which takes
      files), plus room for multipart framing: 413.
    - A NUL byte in the path, the query or a form field: 400. PostgreSQL text
      cannot hold NUL, so such a value reaching a lookup would raise a
      DataError (a 500). Forms refuse it field by field; query parameters read
      by views (board filters, pools) would not.
    """

    METHODS = ("GET", "HEAD", "POST", "OPTIONS")
    # The JSON API (api/) also changes settings and signs devices out; its refusals are JSON.
    API_METHODS = (*METHODS, "PUT", "PATCH", "DELETE")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        allowed = self.API_METHODS if api else self.METHODS
        if request.method not in allowed:
            if api:
                detail = f'Method "{request.method[:20]}" not allowed.'
                response = JsonResponse({"detail": detail, "code": "method_not_allowed"}, status=405)
                response["Allow"] = ", ".join(allowed)
                return response
            response = HttpResponseNotAllowed(allowed)
            response.content = render_to_string("405.html")
            return response
        declared = _declared_length(request)
        if declared is None:
            return _refused(api, 400, "Content-Length is not a number.", "invalid")
        if declared > _body_limit(request) + 64 * 1024:
            # Refused before a byte of the body is read: no student form takes files, and Django's
            # own limit does not count file parts (those would be streamed to disk).
            return _refused(api, 413, "The request body is too large.", "too_large")
        # The API reads JSON only (its strings refuse NUL themselves); reading a form here would consume it.
        form = request.POST if request.method == "POST" and not api else {}
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul(form):
            log.warning("refused a NUL byte in %s %s", request.method, request.path[:200])
            return _refused(api, 400, "The request holds a NUL character.", "invalid")
        return self.get_response(request)


def _refused(api: bool, status: int, detail: str, code: str) -> HttpResponse:
    """The error page, or the JSON API's {"detail": ..., "code": ...} (api.errors)."""
    if api:
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return HttpResponse(render_to_string("400.html"), status=status)


def _body_limit(request: HttpRequest) -> int:
    """Only the admin takes files (question images, question files to import): a larger limit there."""
    if request.path.startswith("/" + settings.ADMIN_URL):
        return max(settings.MAX_UPLOAD_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: HttpRequest) -> int | None:
    """The body length the client declared; None when it is not a number in ASCII digits."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return ascii_int(raw.strip(), max_digits=18)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in _values(data, key)) for key in data)


def _values(data, key) -> list:
    return data.getlist(key) if hasattr(data, "getlist") else [data[key]]
