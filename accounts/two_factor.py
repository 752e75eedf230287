"""Two-factor sign-in for staff: an authenticator app (TOTP) and one-time recovery codes.

With ADMIN_REQUIRE_2FA (on unless DEBUG) the admin opens only for a staff
session verified by a second factor (django-otp). A staff account without a
device enrols first: a secret to scan (QR code) or type, confirmed by one code,
after which ten recovery codes are shown once. Wrong codes count in the same
lockout as wrong passwords (accounts.lockout), on top of django-otp's own
throttling of each device.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.models import User

RECOVERY_CODES = 10


def verification_required(user: User) -> bool:
    """Whether this user must verify a second factor before the admin opens."""
    return settings.ADMIN_REQUIRE_2FA and user.is_staff and not user.is_verified()


def is_enrolled(user: User) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, large enough to scan from a laptop screen."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app"
    )


@dataclass(frozen=True)
class Check:
    ok: bool
    error: str = ""
    recovery_codes: tuple[str, ...] = ()


def _guarded(request: HttpRequest, user: User, verify) -> Check:
    who = lockout.guesser(request, user_id=user.pk)
    wait = lockout.retry_after(who)
    if wait:
        return Check(False, lockout.message(wait))
    device = verify()
    if device is None:
        lockout.failed(who)
        return Check(False, "That code is not right (or was used already). Try the newest one.")
    lockout.succeeded(who)
    django_otp.login(request, device)
    return Check(True)


@transaction.atomic
def enrolment_confirm(*, request: HttpRequest, user: User, token: str) -> Check:
    """The first code from the new authenticator: confirm it, issue recovery codes, verify this session."""
    device = pending_device(user)

    def verify():
        return device if device.verify_token(token) else None

    check = _guarded(request, user, verify)
    if not check.ok:
        return check
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = tuple(StaticToken.random_token() for _ in range(RECOVERY_CODES))
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return Check(True, recovery_codes=codes)


def verify_code(*, request: HttpRequest, user: User, token: str) -> Check:
    """A code from the authenticator, or one recovery code (used up)."""
    return _guarded(request, user, lambda: django_otp.match_token(user, token))
