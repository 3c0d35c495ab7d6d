"""Account pages: thin views over forms and services.

Pages that take an address (register, new link, reset) answer the same whatever the address: the services
return nothing a view could leak. They are rate-limited per address and per client (ratelimit.py); a limited
request gets 429 and the same form back with what she typed, except passwords.
"""

import math
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from bawaba.accounts import ratelimit, services, throttle
from bawaba.accounts.forms import (
    EmailForm,
    FirstPasswordForm,
    PasswordChangeForm,
    RegistrationForm,
    SetPasswordForm,
    SignInForm,
)
from bawaba.accounts.models import User
from bawaba.accounts.selectors import user_for_reset_link
from bawaba.accounts.tokens import confirmation_tokens, reset_tokens, split_confirmation_token
from bawaba.core.params import text_param

# The "check your e-mail" pages show the address she typed (to catch a typo), kept in her session only.
SESSION_SENT_TO = "accounts_sent_to"

GET_POST = ["GET", "POST"]
# Longer than any address of this site a sign-in could return to.
NEXT_MAX_LENGTH = 2000


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(GET_POST)
def login(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        user = cast(User, form.user)  # a valid form has found her
        auth_login(request, user)
        response = redirect(_next_url(request))
        # Her own browser: a flood of failures on her address from elsewhere will not keep her out of it.
        throttle.trust_browser(request, response, user.email)
        return response
    return render(request, "accounts/login.html", {"form": form, "next": _next_param(request)})


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """POST only: a link or an image on another site must not be able to sign her out."""
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_not_required
@never_cache
@require_http_methods(GET_POST)
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if wait := ratelimit.check_request(request, action="register", email=email):
            return _too_many(request, "accounts/register.html", form, wait)
        services.register_candidate(
            email=email,
            language=get_language(),
            base_url=request.build_absolute_uri("/"),
        )
        request.session[SESSION_SENT_TO] = email
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def register_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/register_done.html",
        {
            "email": request.session.get(SESSION_SENT_TO, ""),
            "hours": confirmation_tokens.lifetime_hours,
            "resent": "resent" in request.GET,
        },
    )


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(GET_POST)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link's page: she chooses her password, and pressing "Confirm my account" (a POST) activates.

    Mail scanners open links: a GET changes nothing. The password is chosen here, not at registration, because
    only this page proves she holds the mailbox (services.py, "pre-account hijack").
    """
    try:
        user = services.account_to_confirm(token=token)
    except services.AccountLinkError:
        return _confirmation_link_failed(request, token)
    form = FirstPasswordForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.confirm_account(token=token, password=form.cleaned_data["password1"])
        except services.AccountLinkError:  # used by another tab between the check and now
            return _confirmation_link_failed(request, token)
        auth_login(request, user, backend="bawaba.accounts.backends.AccountBackend")
        messages.success(request, _("Your account is confirmed and you are signed in."))
        response = redirect(settings.LOGIN_REDIRECT_URL)
        throttle.trust_browser(request, response, user.email)
        return response
    return render(request, "accounts/confirm.html", {"form": form, "email": user.email})


def _confirmation_link_failed(request: HttpRequest, token: str) -> HttpResponse:
    uid, _signature = split_confirmation_token(token)
    if request.user.is_authenticated and request.user.pk == uid:
        # Her own link again, in the browser where she confirmed (a second tab, the e-mail opened twice).
        messages.info(request, _("Your account is already confirmed."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": EmailForm(), "hours": confirmation_tokens.lifetime_hours}
    return render(request, "accounts/confirm_invalid.html", context)


@login_not_required
@never_cache
@require_http_methods(GET_POST)
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if wait := ratelimit.check_request(request, action="confirmation", email=email):
            return _too_many(request, "accounts/resend_confirmation.html", form, wait)
        services.request_new_confirmation(email=email, base_url=request.build_absolute_uri("/"))
        request.session[SESSION_SENT_TO] = email
        return redirect(reverse("accounts:register_done") + "?resent=1")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(GET_POST)
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # signed in: LoginRequiredMiddleware let no visitor through
    form = PasswordChangeForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.change_password(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # stay signed in here; other sessions end
        messages.success(request, _("Your password has been changed."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(GET_POST)
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if wait := ratelimit.check_request(request, action="reset", email=email):
            return _too_many(request, "accounts/password_reset.html", form, wait)
        services.request_password_reset(email=email, base_url=request.build_absolute_uri("/"))
        request.session[SESSION_SENT_TO] = email
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_done.html",
        {"email": request.session.get(SESSION_SENT_TO, ""), "hours": reset_tokens.lifetime_hours},
    )


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(GET_POST)
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    # The token stays in the address bar; SECURE_REFERRER_POLICY "same-origin" keeps it from other sites, and
    # this page loads nothing from elsewhere.
    user = user_for_reset_link(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html")
    form = SetPasswordForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password1"]
            )
        except services.AccountLinkError:  # used by another tab between the check and now
            return render(request, "accounts/password_reset_invalid.html")
        response = redirect("accounts:password_reset_complete")
        # She proved here that she holds the mailbox: this browser signs in to her account whatever the budgets.
        throttle.trust_browser(request, response, user.email)
        return response
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "email": user.email})


@login_not_required
@require_http_methods(["GET"])
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a POST (even an empty one, which must show "required"), else None (unbound)."""
    return request.POST if request.method == "POST" else None


def _too_many(request: HttpRequest, template: str, form, wait_seconds: int) -> HttpResponse:
    minutes = max(1, math.ceil(wait_seconds / 60))
    form.add_error(
        None,
        ngettext(
            "Too many requests for this address or from this connection. "
            "Please wait %(minutes)d minute, then try again.",
            "Too many requests for this address or from this connection. "
            "Please wait %(minutes)d minutes, then try again.",
            minutes,
        )
        % {"minutes": minutes},
    )
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def _next_url(request: HttpRequest) -> str:
    """Where to go after sign-in: `next` if it is on this site, else LOGIN_REDIRECT_URL (the staff home for
    staff, the dashboard for candidates)."""
    next_url = _next_param(request)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _next_param(request: HttpRequest) -> str:
    """The `next` address, posted or in the query string; "" when malformed (a control character, endless)."""
    for params in (request.POST, request.GET):
        if next_url := text_param(params, "next", max_length=NEXT_MAX_LENGTH):
            return next_url
    return ""
