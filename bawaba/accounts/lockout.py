"""How django-axes' sign-in lockout looks and whom it counts.

Settings that use this module (config/settings.py):

    AXES_LOCKOUT_CALLABLE = "bawaba.accounts.lockout.lockout_response"
    AXES_USERNAME_CALLABLE = "bawaba.accounts.lockout.username_from_credentials"
"""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bawaba.accounts.forms import SignInForm


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The sign-in page again, in her language, with her address kept, saying why and for how long (429)."""
    email = username_from_credentials(request, credentials) or ""
    form = SignInForm(request, initial={"email": email})
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {"form": form, "minutes": minutes}, status=429)


def username_from_credentials(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The lower-cased address from our sign-in form (`email`) or Django's admin form (`username`).

    Without it, axes reads only `email` and the admin's failures are all counted under one empty name.
    """
    source = credentials if credentials is not None else getattr(request, "POST", {})
    value = source.get("email") or source.get("username")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None
