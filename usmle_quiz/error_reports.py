"""Error reports to Sentry, only when SENTRY_DSN is set; what a report may carry and what it never does.

Started once per process (usmle_quiz.apps), so the web workers and the task worker both report. A report
carries the exception, its stack (file, line and code, not the local variables: those hold passwords and
tokens), the URL pattern, and the request id (the X-Request-ID header, the line in the request log).
Never a cookie, an Authorization header, a request body or a user name, and reset tokens in URLs are cut
out as in the access log (send_default_pii=False, then `report_scrub` on every event).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from usmle_quiz.access_log import redact

SECRET_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-csrftoken", "set-cookie"}


def error_reports_init() -> bool:
    """Start the Sentry SDK when SENTRY_DSN is set; False when error reports are off."""
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from usmle_quiz.metrics import build_version

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=f"usmle-quiz@{build_version()}",
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        integrations=[DjangoIntegration()],
        # Not the ones the SDK would pick up by itself: its Redis breadcrumbs name cache keys, and a session
        # key (the session cookie's value) is one.
        auto_enabling_integrations=False,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=report_scrub,
        before_send_transaction=report_scrub,
    )
    return True


def report_scrub(event: dict, hint: dict | None = None) -> dict:
    """Whatever the SDK collected: no cookies, no secret headers, no body, no reset token in a URL."""
    request = event.get("request")
    if isinstance(request, dict):
        for field in ("cookies", "data", "env"):
            request.pop(field, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
            }
        for field in ("url", "query_string"):
            if isinstance(request.get(field), str):
                request[field] = redact(request[field])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [_crumb_scrub(crumb) for crumb in breadcrumbs["values"] if _crumb_kept(crumb)]
    return event


def _crumb_kept(crumb) -> bool:
    # Cache calls name their keys, and a session's key is its cookie.
    return isinstance(crumb, dict) and crumb.get("category") not in {"redis", "cache"}


def _crumb_scrub(crumb: dict) -> dict:
    if isinstance(crumb.get("message"), str):
        crumb["message"] = redact(crumb["message"])
    return crumb


class RequestIdMiddleware:
    """Tags what Sentry reports during the request with its request id (only installed with SENTRY_DSN)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import sentry_sdk

        request_id = getattr(request, "request_id", "")
        if request_id:
            sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
        return self.get_response(request)
