"""Signed, single-use, expiring links for account confirmation and password reset.

Why Django's `PasswordResetTokenGenerator` rather than `django.core.signing` plus a "used" table: its HMAC covers
the account's state, so a link dies by itself once that state changes, with no extra table or migration.

* The confirmation link's HMAC covers `is_active`: once the account is confirmed, the link no longer matches.
* The reset link's HMAC covers the password hash and `last_login`: once the password is reset, it no longer
  matches (Django's own guarantee).
* Both also cover the e-mail address, so changing it kills outstanding links, and both are checked against
  `SECRET_KEY_FALLBACKS`, so rotating the key does not break links already sent.

Each generator has its own salt (a reset link is never a confirmation link) and its own lifetime instead of the
project-wide `PASSWORD_RESET_TIMEOUT`.
"""

import datetime as dt

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

CONFIRMATION_LIFETIME = dt.timedelta(hours=48)
# Shorter than a confirmation link (a reset link opens an existing account), long enough to survive the outbox's
# retries through a relay outage (about 2.5 h in all) and a candidate who reads her mail once a day.
RESET_LIFETIME = dt.timedelta(hours=24)


class AccountTokenGenerator(PasswordResetTokenGenerator):
    """A `PasswordResetTokenGenerator` with its own lifetime whose HMAC also covers `is_active`."""

    def __init__(self, *, key_salt: str, lifetime: dt.timedelta) -> None:
        super().__init__()
        self.key_salt = key_salt
        self.lifetime = lifetime

    @property
    def lifetime_hours(self) -> int:
        return int(self.lifetime.total_seconds() // 3600)

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}|{int(user.is_active)}"

    def check_token(self, user, token: str | None) -> bool:
        """Django's check with this generator's lifetime instead of `PASSWORD_RESET_TIMEOUT`."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _ = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.lifetime.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


confirmation_tokens = AccountTokenGenerator(
    key_salt="bawaba.accounts.confirmation", lifetime=CONFIRMATION_LIFETIME
)
reset_tokens = AccountTokenGenerator(key_salt="bawaba.accounts.password_reset", lifetime=RESET_LIFETIME)

# A confirmation link carries one path segment, "<uidb64>.<token>": base64url and the token never contain a dot.
_SEPARATOR = "."


def encode_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def decode_uid(uidb64: str) -> int | None:
    """The user id in a link, or None when the segment is not one (the caller answers "invalid link")."""
    try:
        return int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None


def make_confirmation_token(user) -> str:
    return f"{encode_uid(user)}{_SEPARATOR}{confirmation_tokens.make_token(user)}"


def split_confirmation_token(token: str) -> tuple[int | None, str]:
    uidb64, _, signature = token.partition(_SEPARATOR)
    return decode_uid(uidb64), signature
