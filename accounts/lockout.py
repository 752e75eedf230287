"""Login lockout: after LOGIN_FAILURE_LIMIT failed logins for one username, refuse it for a cool-off.

Keyed by the username as typed (lower-cased), whether or not the account
exists, so the lockout itself never reveals which usernames are real. Counters
live in the "ratelimit" cache; if it is unreachable the lockout fails open.
"""

import contextlib
import hashlib
import logging

from django.conf import settings
from django.core.cache import caches

log = logging.getLogger(__name__)


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_locked(username: str) -> bool:
    try:
        failures = caches["ratelimit"].get(_key(username), 0) or 0
    except Exception:
        return False
    return failures >= settings.LOGIN_FAILURE_LIMIT


def login_failed(username: str) -> None:
    cache, key = caches["ratelimit"], _key(username)
    try:
        # The cool-off runs from the first failure in the window.
        if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            cache.incr(key)
    except Exception:
        log.warning("login lockout not counted: the counter store failed", exc_info=True)


def login_succeeded(username: str) -> None:
    with contextlib.suppress(Exception):  # a counter left behind expires by itself
        caches["ratelimit"].delete(_key(username))
