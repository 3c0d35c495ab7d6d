"""Writes of two-factor sign-in: enrolment, a verified code, a reset. Each audited, each in one transaction.

Wrong codes are counted in the shared cache (accounts.ratelimit), per person and per client, before a code is even
checked: past the limit no code is looked at until the window ends, so guessing is slow on every web process at
once. django-otp's own per-device back-off is turned off (settings): one mechanism, one message.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts import ratelimit
from bawaba.accounts.twofactor import codes
from bawaba.accounts.twofactor.devices import authenticator_of, recovery_codes_of
from bawaba.core.audit import record_event

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_CODES_NAME = "recovery codes"


class TooManyCodes(Exception):
    """Too many codes tried for this person or from this client: none is checked until `wait` seconds pass."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


@dataclass(frozen=True)
class Verified:
    device: Device
    recovery_code: bool  # a recovery code was used (and is now spent)
    recovery_codes_left: int


def new_key() -> str:
    """A fresh TOTP secret, hex as django-otp stores it: 20 random bytes (RFC 4226's recommended length)."""
    return secrets.token_hex(20)


def count_attempt(*, user: Any, client_ip: str) -> None:
    """Count one code typed by `user` from `client_ip`; raise TooManyCodes past either limit."""
    waits = [
        ratelimit.hit("second_factor:user", str(user.pk)),
        ratelimit.hit("second_factor:user:day", str(user.pk)),
        ratelimit.hit("second_factor:ip", client_ip),
    ]
    if wait := max(waits):
        record_event(actor=user, action="second_factor.rate_limited", target=user, data={"ip": client_ip})
        raise TooManyCodes(wait)


def enrol(*, user: Any, key: str, typed: str, client_ip: str) -> list[str] | None:
    """Confirm her new authenticator with one code it shows; return her ten recovery codes, or None (wrong code).

    Any earlier devices go (an abandoned enrolment, old recovery codes): she has one authenticator and one set
    of codes. The code used here cannot be used again to sign in (the device starts after its time step).
    """
    count_attempt(user=user, client_ip=client_ip)
    code = codes.normalised(typed)
    totp = TOTP(bytes.fromhex(key))
    if not (codes.is_totp_code(code) and totp.verify(int(code), tolerance=1)):
        record_event(actor=user, action="second_factor.enrolment_failed", target=user)
        return None
    with transaction.atomic():
        if authenticator_of(user) is not None:
            raise ValueError("She already has an authenticator: re-enrolment goes through a reset.")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
        tokens = [StaticToken.random_token() for _ in range(codes.RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in tokens)
        record_event(actor=user, action="second_factor.enrolled", target=user)
    return tokens


def verify(*, user: Any, typed: str, client_ip: str) -> Verified | None:
    """Check a code from her authenticator, or a recovery code (then spent); None when it is wrong.

    A code already accepted (this one or a later one from the same authenticator) is refused: django-otp keeps the
    last time step used, so a code seen over her shoulder cannot be replayed.
    """
    count_attempt(user=user, client_ip=client_ip)
    code = codes.normalised(typed)
    device: Device | None = None
    if codes.is_totp_code(code):
        device = authenticator_of(user)
    elif codes.is_recovery_code(code):
        device = recovery_codes_of(user)
    accepted = verify_token(user, device.persistent_id, code) if device is not None else None
    if accepted is None:
        record_event(actor=user, action="second_factor.failed", target=user, data={"ip": client_ip})
        return None
    if isinstance(accepted, StaticDevice):
        left = accepted.token_set.count()
        record_event(actor=user, action="second_factor.recovery_code_used", target=user, data={"left": left})
        return Verified(device=accepted, recovery_code=True, recovery_codes_left=left)
    record_event(actor=user, action="second_factor.verified", target=user)
    return Verified(device=accepted, recovery_code=False, recovery_codes_left=-1)


def verify_fresh_code(*, user: Any, typed: str, client_ip: str, purpose: str) -> bool:
    """A code from her authenticator for one grave action (`purpose`, audited): a recovery code does not do here,
    and neither does the session's own verification, however recent."""
    count_attempt(user=user, client_ip=client_ip)
    code = codes.normalised(typed)
    device = authenticator_of(user)
    ok = bool(
        device is not None and codes.is_totp_code(code) and verify_token(user, device.persistent_id, code)
    )
    record_event(
        actor=user,
        action="second_factor.confirmed_action" if ok else "second_factor.failed",
        target=user,
        data={"purpose": purpose, "ip": client_ip},
    )
    return ok


def reset(*, actor: Any, user: Any) -> bool:
    """Remove every second-factor device of `user`: she enrols again at her next staff page, and every session
    verified with them stops being verified (OTPMiddleware finds the device gone). False when she had none."""
    with transaction.atomic():
        deleted = (
            TOTPDevice.objects.filter(user=user).delete()[0]
            + StaticDevice.objects.filter(user=user).delete()[0]
        )
        record_event(
            actor=actor, action="second_factor.reset", target=user, data={"had_devices": bool(deleted)}
        )
    return bool(deleted)
