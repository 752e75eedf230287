"""The signed-in student from Redis instead of one database query per request.

Django's ModelBackend loads the user row on every request that touches
request.user: at ~1.5 ms of ORM work it was the largest cost every student page
shares (docs/PERFORMANCE.md). This backend keeps the row in the default cache
for AUTH_USER_CACHE_SECONDS. Whenever the user is saved or deleted (password
change, deactivation, profile edit, last_login) the entry is replaced by a
short-lived tombstone, at once and again after the transaction commits, and a
copy is only ever stored with cache.add, which a tombstone refuses: so a request
that read the old row just before the change committed cannot put it back.
Only a queryset .update() on users bypasses those signals; the timeout bounds
how long such a change can go unseen (docs/OPERATIONS.md says how to clear it).

The cached object holds the password hash (Django checks the session against
it), so Redis now holds hashes as well as sessions: it must stay on a private
network, as docs/OPERATIONS.md says. With Redis away the cache misses and the
database answers, as before.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts import devices, lockout
from usmle_quiz import metrics

User = get_user_model()
# What a changed user's entry holds for a moment: far longer than any request
# takes from reading the row to storing it, far shorter than the cache timeout.
TOMBSTONE = "changed"
TOMBSTONE_SECONDS = 10


def _key(user_id) -> str:
    return f"auth:user:v1:{user_id}"


class CachedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's password check, behind the one lockout (accounts.lockout) every login path shares."""
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        who = lockout.guesser(request, username=username)
        wait = lockout.retry_after(who)
        if wait > 0:
            if request is not None:
                request.login_retry_after = wait  # the login views answer 429 with Retry-After
            metrics.login_lockout_counted()
            # Stops every backend: the password is not even checked, so waiting guesses learn nothing.
            raise PermissionDenied(lockout.message(wait))
        user = super().authenticate(
            request, username=lockout.login_name(username), password=password, **kwargs
        )
        if user is None:
            lockout.failed(who)
            metrics.login_counted(success=False)
            return None
        lockout.succeeded(who)
        metrics.login_counted(success=True)
        if request is not None:
            devices.remember(request, user_id=user.pk)
        return user

    def get_user(self, user_id):
        seconds = settings.AUTH_USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        cached = cache.get(_key(user_id))
        if isinstance(cached, User):
            return cached
        user = super().get_user(user_id)  # None for an unknown or inactive user: not cached
        if user is not None and cached is None:  # never over a tombstone
            cache.add(_key(user_id), user, seconds)
        return user


def forget_user(sender, instance, **kwargs) -> None:
    key = _key(instance.pk)
    cache.set(key, TOMBSTONE, TOMBSTONE_SECONDS)
    transaction.on_commit(lambda: cache.set(key, TOMBSTONE, TOMBSTONE_SECONDS), robust=True)


post_save.connect(forget_user, sender=User, dispatch_uid="accounts.forget_user.save")
post_delete.connect(forget_user, sender=User, dispatch_uid="accounts.forget_user.delete")
