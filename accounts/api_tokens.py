"""Sign-ins for the JSON API's other clients: one token per device, stored as a hash, revocable.

A browser uses its session; a phone app asks POST /api/v1/auth/token/ once (through the same lockout as the
login page) and sends `Authorization: Bearer <token>` afterwards. The token is 256 random bits, so a plain
SHA-256 of it is as good as a slow password hash (nothing to guess) and lets one indexed lookup find it;
a leaked database gives no usable token. The profile page lists a student's devices and revokes any of them;
a password change or reset revokes them all (whoever knew the old password may hold one).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiToken, User
from usmle_quiz import metrics

TOKEN_PREFIX = "uq_"  # noqa: S105 - a marker that tells tokens apart from other strings, not a secret
# last_used_at is written at most this often: one UPDATE per device per few minutes, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_tokens_active_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def api_token_issue(*, user: User, device_name: str) -> tuple[ApiToken, str]:
    """A new token for one device; the raw value is returned here once and never stored.

    Past API_TOKENS_PER_USER devices, signing in on one more signs out the least recently used one,
    so an app that loses its token and signs in again never locks the student out.
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # The student's row lock serialises two sign-ins at once, so the cap holds.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        active = list(
            api_tokens_active_for(user=user)
            .order_by(F("last_used_at").asc(nulls_first=True), "created_at")
            .only("pk")
        )
        surplus = len(active) - settings.API_TOKENS_PER_USER + 1
        if surplus > 0:
            ApiToken.objects.filter(pk__in=[token.pk for token in active[:surplus]]).update(revoked_at=now)
        token = ApiToken.objects.create(
            user=user,
            name=device_name.strip()[:60] or "Unnamed device",
            prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
            key_hash=_digest(raw),
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
    metrics.api_token_issued_counted()
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the student's own tokens; False when there is no such active token of theirs."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_tokens_revoke_all(*, user_id: int) -> int:
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_user(raw: str) -> tuple[User, ApiToken] | None:
    """The active student and token a raw token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; request.auth is the ApiToken. No header: the session may sign in."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        found = api_token_user(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid: it is unknown, expired or revoked."
            )
        return found

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
