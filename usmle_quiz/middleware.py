"""Turn a database that is down or too slow into a friendly 503, never a traceback."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

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
        if not isinstance(exception, OperationalError | InterfaceError) and not _is_timeout(exception):
            return None
        log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        if request.headers.get("Accept", "").startswith("application/json"):
            response = HttpResponse(
                '{"error": "The service is busy. Try again in a few seconds."}',
                status=503,
                content_type="application/json",
            )
        else:
            # Rendered without a request: no context processor touches the database.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response


def _is_timeout(exception: Exception) -> bool:
    cause = exception.__cause__
    return isinstance(exception, DatabaseError) and type(cause).__name__ == "QueryCanceled"


class PrivateCacheMiddleware:
    """A signed-in student's pages never go into a shared cache (a CDN or a proxy).

    Django already adds "Vary: Cookie" when the session is read; this adds
    "Cache-Control: private, no-cache" so no intermediary stores them at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
