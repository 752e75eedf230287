"""The device cookie: a browser that has signed in to an account before.

A signed, long-lived cookie naming a random device id and the accounts that
signed in from this browser (at most a few). The login lockout counts this
browser's failures apart from everyone else's, so a stranger guessing a
student's password can slow down the stranger, never the student's own
browser. The cookie grants nothing by itself: the password is still checked.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "device"
SALT = "accounts.devices"
MAX_ACCOUNTS = 5


def _read(request: HttpRequest) -> dict | None:
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        payload = signing.loads(raw, salt=SALT, max_age=settings.DEVICE_COOKIE_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("d"), str):
        return None
    accounts = payload.get("u")
    if not isinstance(accounts, list) or not all(isinstance(pk, int) for pk in accounts):
        return None
    return payload


def device_id(request: HttpRequest) -> str | None:
    """This browser's device id, whoever signed in from it."""
    payload = _read(request)
    return payload["d"] if payload else None


def trusted_device(request: HttpRequest, *, user_id: int) -> str | None:
    """This browser's device id, if it has signed in to this account before."""
    payload = _read(request)
    if payload and user_id in payload["u"]:
        return payload["d"]
    return None


def remember(request: HttpRequest, *, user_id: int) -> None:
    """After a successful sign-in: the response will carry a cookie trusting this browser for the account."""
    request._device_remember = user_id


class DeviceCookieMiddleware:
    """Writes the device cookie on the response of a successful sign-in (student or admin login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user_id = getattr(request, "_device_remember", None)
        if user_id is not None:
            payload = _read(request) or {"d": secrets.token_urlsafe(16), "u": []}
            others = [pk for pk in payload["u"] if pk != user_id][-(MAX_ACCOUNTS - 1) :]
            accounts = [*others, user_id]
            response.set_cookie(
                COOKIE,
                signing.dumps({"d": payload["d"], "u": accounts}, salt=SALT, compress=True),
                max_age=settings.DEVICE_COOKIE_DAYS * 24 * 60 * 60,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
