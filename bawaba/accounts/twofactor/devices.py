"""Reads of a person's second-factor devices (the selectors of this package)."""

from typing import Any

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_of(user: Any) -> TOTPDevice | None:
    """Her confirmed authenticator (one at most: enrolment makes one, only a reset removes it)."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_authenticator(user: Any) -> bool:
    return authenticator_of(user) is not None


def recovery_codes_of(user: Any) -> StaticDevice | None:
    if not getattr(user, "pk", None):
        return None
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: Any) -> int:
    device = recovery_codes_of(user)
    return device.token_set.count() if device is not None else 0
