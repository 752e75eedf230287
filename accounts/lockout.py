"""Slowing password guessing down, on every path that checks a password.

The authentication backend (student login, admin login), the password change
form and any later API all ask this module, so there is one lockout.

Who is guessing is a `Guesser`: the account, as authentication sees it (the
username after NFKC, stripped; the resolved account when it exists, otherwise
the case-folded name, so unknown names behave alike and reveal nothing), and
the client: a browser that has signed in to that account before (its signed
device cookie, accounts.devices), or else the client address.

- Each (account, client) pair gets LOGIN_FREE_FAILURES wrong passwords, then
  waits 2, 4, 8 ... seconds (at most LOGIN_MAX_DELAY_SECONDS) after each
  further one: guessing slows down, nobody is locked out for good.
- Clients without the device cookie share a daily budget per account
  (LOGIN_DAILY_FAILURE_LIMIT): guesses from all addresses together stay bounded.
- The student's own browser (device cookie) counts only its own failures, so
  strangers cannot lock a student out of their usual browser.
- A completed password reset clears every counter of the account.

Counters live in the "ratelimit" cache for a day. If it is unreachable the
lockout fails open (as the rate limits do): students keep signing in.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpRequest

from accounts import devices
from usmle_quiz.ratelimits import client_ip

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60


def login_name(username: str) -> str:
    """The username as Django's UsernameField hands it to authentication: NFKC, stripped."""
    return unicodedata.normalize("NFKC", username or "").strip()


@dataclass(frozen=True)
class Guesser:
    account: str  # "u<pk>" for an account, "n<digest>" for a name without one
    client: str  # "d<device id>" for a browser trusted by this account, "a<address>" otherwise
    user_id: int | None = None

    @property
    def trusted(self) -> bool:
        return self.client.startswith("d")


def guesser(request: HttpRequest | None, *, username: str = "", user_id: int | None = None) -> Guesser:
    """Who is guessing: the account (by id, or resolved from the username) and the client."""
    if user_id is None:
        name = login_name(username)[:150]
        user_id = (
            get_user_model()
            ._default_manager.filter(**{get_user_model().USERNAME_FIELD: name})
            .values_list("pk", flat=True)
            .first()
        )
        if user_id is None:
            account = "n" + hashlib.sha256(name.casefold().encode()).hexdigest()[:32]
            return Guesser(account=account, client=_address(request))
    device = devices.trusted_device(request, user_id=user_id) if request is not None else None
    return Guesser(
        account=f"u{user_id}", client=f"d{device}" if device else _address(request), user_id=user_id
    )


def _address(request: HttpRequest | None) -> str:
    return "a" + (client_ip(request) if request is not None else "-")


def _cache():
    return caches["ratelimit"]


def _generation(account: str) -> int:
    return _cache().get(f"lo:gen:{account}", 0) or 0


def _keys(who: Guesser) -> tuple[str, str]:
    generation = _generation(who.account)
    digest = hashlib.sha256(who.client.encode()).hexdigest()[:24]
    return f"lo:{generation}:{who.account}:{digest}", f"lo:{generation}:{who.account}:day"


def _delay(failures: int) -> int:
    """Seconds to wait after the latest failure, given how many there were."""
    over = failures - settings.LOGIN_FREE_FAILURES
    if over < 0:
        return 0
    return min(2 ** (over + 1), settings.LOGIN_MAX_DELAY_SECONDS)


def retry_after(who: Guesser) -> int:
    """Seconds until this guesser may try a password again (0: now)."""
    try:
        pair_key, day_key = _keys(who)
        pair, day = _cache().get_many([pair_key, day_key]).get(pair_key), None
        if not who.trusted:
            day = _cache().get(day_key)
    except Exception:
        log.warning("login lockout skipped: the counter store failed", exc_info=True)
        return 0
    now = time.time()
    waits = [0]
    if pair:
        waits.append(int(pair["last"] + _delay(pair["n"]) - now + 0.999))
    if day and day["n"] >= settings.LOGIN_DAILY_FAILURE_LIMIT:
        waits.append(int(day["since"] + DAY - now + 0.999))
    return max(waits)


def failed(who: Guesser) -> None:
    """Count a wrong password (or an unknown name) for this guesser."""
    now = time.time()
    try:
        pair_key, day_key = _keys(who)
        pair = _cache().get(pair_key) or {"n": 0, "last": now}
        _cache().set(pair_key, {"n": pair["n"] + 1, "last": now}, DAY)
        if not who.trusted:
            day = _cache().get(day_key) or {"n": 0, "since": now}
            remaining = max(1, int(day["since"] + DAY - now))
            _cache().set(day_key, {"n": day["n"] + 1, "since": day["since"]}, remaining)
    except Exception:
        log.warning("login failure not counted: the counter store failed", exc_info=True)


def succeeded(who: Guesser) -> None:
    """The right password: this client starts afresh (the account's daily budget does not)."""
    with contextlib.suppress(Exception):  # a counter left behind expires by itself
        _cache().delete(_keys(who)[0])


def account_cleared(*, user_id: int) -> None:
    """A completed password reset: every counter of the account is forgotten."""
    key = f"lo:gen:u{user_id}"
    with contextlib.suppress(Exception):
        if not _cache().add(key, 1, 2 * DAY):
            _cache().incr(key)


def message(seconds: int) -> str:
    wait = f"{seconds} seconds" if seconds < 120 else f"{-(-seconds // 60)} minutes"
    return (
        f"Too many failed sign-ins for this account from here. Try again in {wait}, sign in from a browser "
        "you have used for this account before, or reset your password."
    )
