"""Account forms. They check what was typed; the services decide what happens.

None of them is a ModelForm on `User`: a ModelForm would check the address is unique and say "already exists",
which tells anyone which addresses have accounts.
"""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from bawaba.accounts.backends import AWAITING_CONFIRMATION
from bawaba.accounts.models import User


def email_field(*, autocomplete: str) -> forms.EmailField:
    # Addresses are Latin script: left-to-right even on an Arabic page, no capital or spelling fix-ups on phones.
    return forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": autocomplete,
                "dir": "ltr",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class EmailForm(forms.Form):
    """Only an address: to ask for a new confirmation link or a password reset."""

    email = email_field(autocomplete="email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SignInForm(forms.Form):
    email = email_field(autocomplete="username")
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not correct. Check them and try again; "
            "capital and small letters count in the password."
        ),
        "not_confirmed": _(
            "Your account is not confirmed yet. Open the link in the e-mail we sent you, or ask for a new link."
        ),
    }

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    @sensitive_variables("password")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            # `email=`, not `username=`: django-axes reads the credential named after USERNAME_FIELD, so every
            # failure is counted against the (lower-cased) address and the lockout cannot be dodged by case.
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                if self._is_unconfirmed():
                    raise ValidationError(self.error_messages["not_confirmed"], code="not_confirmed")
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned

    def _is_unconfirmed(self) -> bool:
        """Right password, unconfirmed account: she deserves to know why, and the password proves it is hers.

        The backend found it out with the one hash every attempt costs (backends.py). When django-axes has
        locked the address the backend is never reached, so this cannot serve to guess passwords.
        """
        return bool(getattr(self.request, AWAITING_CONFIRMATION, False))


class RegistrationForm(EmailForm):
    """The address only: the password is chosen on the page the confirmation link opens, by whoever holds the
    mailbox (services.py, "pre-account hijack")."""

    email = email_field(autocomplete="username")


class FirstPasswordForm(auth_forms.SetPasswordMixin, forms.Form):
    """The password of an account being confirmed, chosen on the page its e-mailed link opens."""

    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields()

    def __init__(self, user: User, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        # The strength message goes under the password itself, where she will type the new one.
        self.validate_password_for_user(self.user, "password1")
        return super().clean() or {}


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's form (its messages are translated with Django) with the strength message under the password."""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self) or {}


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    field_order = ["old_password", "new_password1", "new_password2"]
