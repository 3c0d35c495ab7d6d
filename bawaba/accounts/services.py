"""Account writes: registration, confirmation, password change and reset.

Each service runs in one transaction, writes an audit row, and sends e-mail through the outbox, so a message
leaves only if its transaction commits.

No enumeration. Nobody learns from these services whether an address has an account: the services that take an
address return nothing, and their callers answer the same page whatever happened.

* Registration with an address that already has a confirmed (or deactivated) account sends **no e-mail**: the
  "check your e-mail" page tells every visitor that an existing account gets no new message and how to sign in or
  reset the password. A "someone tried to register with your address" notice would need a new outbox kind and
  would let anyone send it to any address; we chose silence.
* Registration asks for the address only; the password is chosen on the page the e-mailed link opens, and
  confirmation sets it. Whoever registers an address first (perhaps not its owner: a pre-account hijack) never
  chooses its password: only the holder of the mailbox does.
* Registration with an address awaiting confirmation changes nothing on the account and sends its confirmation
  link again (counted against the address's "new link" rate limit).
* Confirmation takes a POST (the form the link's page shows, with the password): mail scanners open links, and
  opening one must not activate anything.
* A reset for an address awaiting confirmation sends a confirmation link instead (she must confirm first); for an
  unknown or deactivated address, nothing.
"""

import hashlib

from axes.utils import reset as reset_axes_attempts
from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from bawaba.accounts import ratelimit, throttle
from bawaba.accounts.contributions import ACCOUNT_CONFIRMATION, PASSWORD_RESET
from bawaba.accounts.models import User
from bawaba.accounts.tokens import (
    confirmation_tokens,
    decode_uid,
    encode_uid,
    make_confirmation_token,
    reset_tokens,
    split_confirmation_token,
)
from bawaba.core.audit import record_event
from bawaba.core.contributions import registry
from bawaba.core.languages import supported_language


class AccountLinkError(Exception):
    """The link is not valid: forged, expired, or already used."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def register_candidate(*, email: str, language: str, base_url: str) -> None:
    """Create an inactive candidate account without a password and e-mail its confirmation link (see the module).

    `base_url` is the site's absolute root as the visitor reached it (`request.build_absolute_uri("/")`).
    """
    email = normalize_email(email)
    language = supported_language(language)
    user = User.objects.select_for_update().with_email(email).first()
    if user is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent registration may win the insert
                # No password (an unusable one): she chooses it on the page her confirmation link opens.
                user = User.objects.create_user(
                    email, None, is_active=False, kind=User.Kind.CANDIDATE, preferred_language=language
                )
        except IntegrityError:
            user = User.objects.select_for_update().with_email(email).get()
        else:
            record_event(actor=user, action="account.registered", target=user, data={"language": language})
            _queue_confirmation(user, base_url=base_url)
            return

    if user.is_awaiting_confirmation:
        if ratelimit.hit("confirmation:address", email):
            record_event(action="account.registration_refused", target=user, data={"reason": "rate_limited"})
            return
        record_event(action="account.registered_again", target=user, data={"language": language})
        _queue_confirmation(user, base_url=base_url)
        return
    record_event(action="account.registration_refused", target=user, data={"reason": "address_in_use"})


def account_to_confirm(*, token: str) -> User:
    """The account a confirmation link names, changing nothing (the link's page asks for her password first).

    Raises `AccountLinkError` for a forged, expired or used link.
    """
    return _user_to_confirm(token, lock=False)


@transaction.atomic
def confirm_account(*, token: str, password: str) -> User:
    """Set the password she chose and activate the account a confirmation link names; the link then stops working
    (its signature covers the password hash and the active flag). Raises `AccountLinkError`.
    """
    user = _user_to_confirm(token, lock=True)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    record_event(actor=user, action="account.confirmed", target=user)
    return user


def _user_to_confirm(token: str, *, lock: bool) -> User:
    uid, signature = split_confirmation_token(token)
    users = User.objects.select_for_update() if lock else User.objects.all()
    user = users.filter(pk=uid).first() if uid is not None else None
    if (
        user is not None
        and user.is_awaiting_confirmation
        and confirmation_tokens.check_token(user, signature)
    ):
        return user
    raise AccountLinkError


@transaction.atomic
def request_new_confirmation(*, email: str, base_url: str) -> None:
    """E-mail a fresh confirmation link if the address has an account awaiting confirmation; else nothing."""
    user = User.objects.with_email(normalize_email(email)).first()
    if user is not None and user.is_awaiting_confirmation:
        record_event(action="account.confirmation_requested", target=user)
        _queue_confirmation(user, base_url=base_url)


@transaction.atomic
def request_password_reset(*, email: str, base_url: str) -> None:
    """E-mail a reset link to an active account, a confirmation link to one awaiting confirmation; else nothing."""
    user = User.objects.with_email(normalize_email(email)).first()
    if user is None:
        return
    if user.is_active:
        token = reset_tokens.make_token(user)
        uidb64 = encode_uid(user)
        record_event(action="account.password_reset_requested", target=user)
        # Through the registry's outbox port: accounts lies below notifications (bawaba/core/contributions.py).
        registry.queue_email(
            kind=PASSWORD_RESET.key,
            to_email=user.email,
            language=supported_language(user.preferred_language),
            context={
                "reset_url": _absolute_url(
                    base_url, "accounts:password_reset_confirm", user, uidb64=uidb64, token=token
                ),
                "expires_hours": reset_tokens.lifetime_hours,
            },
            idempotency_key=f"password-reset:{user.pk}:{_digest(token)}",
            user=user,
        )
    elif user.is_awaiting_confirmation:
        record_event(action="account.confirmation_requested", target=user, data={"via": "password_reset"})
        _queue_confirmation(user, base_url=base_url)


@transaction.atomic
def reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password through a reset link; the link then stops working. Raises `AccountLinkError`."""
    uid = decode_uid(uidb64)
    user = (
        User.objects.select_for_update().filter(pk=uid, is_active=True).first() if uid is not None else None
    )
    if user is None or not reset_tokens.check_token(user, token):
        raise AccountLinkError
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # She proved she holds the mailbox: a sign-in lockout on her address (perhaps someone else's doing) ends.
    reset_axes_attempts(username=user.email)
    throttle.end_address_block(user.email)
    record_event(actor=user, action="account.password_reset", target=user)
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    """Set a new password for a signed-in user (the form has checked the current one)."""
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(actor=user, action="account.password_changed", target=user)


def _queue_confirmation(user: User, *, base_url: str) -> None:
    token = make_confirmation_token(user)
    registry.queue_email(
        kind=ACCOUNT_CONFIRMATION.key,
        to_email=user.email,
        language=supported_language(user.preferred_language),
        context={
            "confirm_url": _absolute_url(base_url, "accounts:confirm", user, token=token),
            "expires_hours": confirmation_tokens.lifetime_hours,
        },
        # One message per issued link: the same request twice in one second gives the same token and one e-mail.
        idempotency_key=f"account-confirmation:{user.pk}:{_digest(token)}",
        user=user,
    )


def _absolute_url(base_url: str, view_name: str, user: User, **kwargs: str) -> str:
    """The link in the recipient's language, so the page it opens speaks the language of the e-mail."""
    with translation.override(supported_language(user.preferred_language)):
        path = reverse(view_name, kwargs=kwargs)
    return base_url.rstrip("/") + path


def _digest(token: str) -> str:
    # The outbox key is visible to staff; the token, which opens the account, is not put in it.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:24]
