"""Sign-in by address and password, with one password hash per attempt whatever the address.

Django's `ModelBackend` already hashes once for an unknown address. The sign-in form used to hash a second time
for an account awaiting confirmation (to say "confirm first" when the password was right), so a wrong password
on a pending address took one Argon2id hash longer than any other failure: the answer's timing told that the
address had a pending account. This backend hashes once on every path and notes on the request whether the
right password was given for a pending account, for the form to read.

It is also where the budgets of failed sign-ins are kept (`throttle.py`): every password check comes through here. A refused attempt hashes nothing and is answered 429.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from bawaba.accounts import throttle
from bawaba.accounts.models import User
from bawaba.accounts.selectors import user_with_email

# Set on the request when the password was right but the account awaits confirmation.
AWAITING_CONFIRMATION = "accounts_awaiting_confirmation"


class AccountBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if request is not None and (refusal := throttle.admit(request, username)):
            throttle.refuse(request, refusal)
            raise PermissionDenied  # stops authenticate(): no other backend checks this password either
        user = self._check(request, username, password)
        if user is not None and request is not None:
            throttle.succeeded(request)
        return user

    def _check(self, request: HttpRequest | None, username: str, password: str) -> User | None:
        user = user_with_email(username)
        if user is None:
            make_password(password)  # the work of a check, so an unknown address answers as slowly
            return None
        if user.is_active:
            # May re-hash with newer parameters and save: fine for an active account.
            return user if user.check_password(password) and self.user_can_authenticate(user) else None
        # hashers.check_password, not user.check_password: that one may re-hash and save, which would change the
        # password hash and so kill her confirmation link.
        if check_password(password, user.password) and user.is_awaiting_confirmation and request is not None:
            setattr(request, AWAITING_CONFIRMATION, True)
        return None
