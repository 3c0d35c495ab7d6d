"""How a refused sign-in looks (django-axes' lockout or a spent budget of `throttle.py`) and whom axes counts.

Settings that use this module (config/settings.py):

    AXES_LOCKOUT_CALLABLE = "bawaba.accounts.lockout.lockout_response"
    AXES_USERNAME_CALLABLE = "bawaba.accounts.lockout.username_from_credentials"
"""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bawaba.accounts import throttle
from bawaba.accounts.forms import SignInForm


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The sign-in page again, in her language, with her address kept, saying why and for how long (429)."""
    email = username_from_credentials(request, credentials) or ""
    form = SignInForm(request, initial={"email": email})
    refusal = throttle.refusal_of(request)
    if refusal is not None:
        wait, reason = refusal.wait, refusal.reason
    else:  # django-axes' lockout of this client on this address
        cool_off = get_cool_off(request)
        wait, reason = (int(cool_off.total_seconds()) if cool_off else 0), "client_and_address"
    minutes = math.ceil(wait / 60) if wait else None
    response = render(
        request, "accounts/locked_out.html", {"form": form, "minutes": minutes, "reason": reason}, status=429
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def username_from_credentials(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The lower-cased address from our sign-in form (`email`) or Django's admin form (`username`).

    Without it, axes reads only `email` and the admin's failures are all counted under one empty name.
    """
    source = credentials if credentials is not None else getattr(request, "POST", {})
    value = source.get("email") or source.get("username")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None
