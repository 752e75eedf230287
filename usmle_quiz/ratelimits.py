"""Rate limits: per student (or per session for visitors), with a coarse per-IP flood guard.

A lecture hall of a thousand students can share one NAT address, so the
limits that bite are keyed by the student; the per-IP guard only stops
floods far beyond what any class produces. Every rate comes from settings
(RATE_LIMITS, from environment variables). A limited request gets 429 with
Retry-After as an HTML page, an htmx fragment or JSON, and the view never
runs, so nothing is recorded. The counters live in the "ratelimit" cache;
if Redis is down the limits fail open (students keep answering).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_ratelimit import ALL
from django_ratelimit.core import _split_rate, get_usage

from usmle_quiz import metrics

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the client named in X-Forwarded-For when REMOTE_ADDR is a trusted proxy.

    Only the proxies in TRUSTED_PROXIES may speak for the client; walking the
    header from the right, the first address that is not a trusted proxy is
    the client (anything further left could be forged by that client).
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a placeholder address, not a bind
    if not _is_trusted(remote):
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    for address in reversed(forwarded):
        if not _valid_ip(address):
            break
        if not _is_trusted(address):
            return address
    return remote


def _valid_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_trusted(address: str) -> bool:
    if not _valid_ip(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def student_key(group: str, request: HttpRequest) -> str:
    """The student; for a visitor, their session; with neither, their address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if request.session.session_key:
        return f"session:{request.session.session_key}"
    return f"ip:{client_ip(request)}"


def ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def usage(request: HttpRequest, *, name: str, key: Callable, increment: bool = True) -> dict | None:
    """Count this request against RATE_LIMITS[name]; None when not limited (or when Redis is away)."""
    rate = settings.RATE_LIMITS.get(name)
    if not rate or not settings.RATELIMIT_ENABLE:
        return None
    try:
        result = get_usage(request, group=name, key=key, rate=rate, method=ALL, increment=increment)
    except Exception:
        log.warning("rate limit %s skipped: the counter store failed", name, exc_info=True)
        return None
    if not (result and result["should_limit"]):
        return None
    metrics.rate_limited_counted(limit=name)
    return result


def too_many_requests(request: HttpRequest, *, retry_after: int, message: str) -> HttpResponse:
    """429 in the form the client asked for: JSON, an htmx fragment or a full page."""
    retry_after = max(1, retry_after)
    if request.path.startswith("/api/"):  # the JSON API's refusals, whatever the client accepts (api.errors)
        body = {"detail": message, "code": "too_many_requests", "retry_after": retry_after}
        response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    elif "application/json" in request.headers.get("Accept", ""):
        response = HttpResponse(
            json.dumps({"error": message, "retry_after": retry_after}),
            status=429,
            content_type="application/json",
        )
    elif request.headers.get("HX-Request"):
        response = HttpResponse(
            render_to_string("_partials/_too_many.html", {"message": message, "retry_after": retry_after}),
            status=429,
        )
    else:
        # The flood guard answers before the session and user exist: render without them then.
        context_request = request if hasattr(request, "user") else None
        response = HttpResponse(
            render_to_string(
                "429.html", {"message": message, "retry_after": retry_after}, request=context_request
            ),
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def device_key(group: str, request: HttpRequest) -> str:
    """The browser's long-lived device id (accounts.devices), which login() and logout do not rotate;
    without one, the client address."""
    from accounts.devices import device_id

    device = device_id(request)
    return f"device:{device}" if device else f"ip:{client_ip(request)}"


def rate_limit(name: str, *, message: str, methods: tuple[str, ...] = ("POST",), key: Callable = student_key):
    """Decorate a view: refuse it with 429 past RATE_LIMITS[name] per student (or per `key`)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                limited = usage(request, name=name, key=key)
                if limited:
                    return too_many_requests(request, retry_after=limited["time_left"], message=message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# INCR and EXPIRE in one round trip: the flood guard runs on every request, and
# django-ratelimit's counter takes two (SET NX, then an INCR script).
_COUNT_IN_WINDOW = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def _flood_usage(request: HttpRequest) -> dict | None:
    """The per-address counter of the flood guard; None when under the limit or Redis is away."""
    rate = settings.RATE_LIMITS.get("ip_flood")
    if not rate or not settings.RATELIMIT_ENABLE:
        return None
    cache = caches[settings.RATELIMIT_USE_CACHE]
    if not hasattr(cache, "client"):  # the embedded default (local memory): django-ratelimit's counter
        return usage(request, name="ip_flood", key=ip_key)
    limit, period = _split_rate(rate)
    now = int(time.time())
    window_end = now - now % period + period
    key = cache.make_key(f"flood:{client_ip(request)}:{window_end}")
    try:
        count = _flood_script(cache)(keys=[key], args=[period + 1])
    except Exception:
        log.warning("flood guard skipped: the counter store failed", exc_info=True)
        return None
    if count <= limit:
        return None
    metrics.rate_limited_counted(limit="ip_flood")
    return {"count": count, "limit": limit, "time_left": window_end - now}


def _flood_script(cache):
    """The counting script, registered once per Redis client (EVALSHA; EVAL when Redis lost it)."""
    client = cache.client.get_client(write=True)
    script = getattr(client, "flood_script", None)
    if script is None:
        script = client.flood_script = client.register_script(_COUNT_IN_WINDOW)
    return script


class FloodGuardMiddleware:
    """A per-address ceiling far above any lecture hall's traffic: it only stops floods."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Prometheus's scrapes too: a flood from the address it shares must not blind the monitoring.
        if request.path not in ("/healthz", "/readyz") and not (
            request.path == metrics.PATH and metrics.scrape_allowed(request)
        ):
            limited = _flood_usage(request)
            if limited:
                return too_many_requests(
                    request,
                    retry_after=limited["time_left"],
                    message="Too many requests from your network. Wait a moment and try again.",
                )
        return self.get_response(request)
