"""The second-factor pages: the code after the password, the enrolment of an authenticator, its recovery codes
shown once, and a central administrator's reset of someone else's second factor.

Only staff see them (a candidate gets 404, as on every staff page). The code and enrolment pages are not staff
pages themselves: they are the step that staff pages send an unverified session to.
"""

import math
from typing import Any, cast

import django_otp
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts import ratelimit
from bawaba.accounts.models import User
from bawaba.accounts.permissions import central_admin_required, is_staff_member, second_factor_verified
from bawaba.accounts.twofactor import codes, services
from bawaba.accounts.twofactor.devices import authenticator_of, has_authenticator
from bawaba.accounts.twofactor.forms import CodeForm
from bawaba.accounts.twofactor.qr import qr_svg
from bawaba.core.bidi import isolate
from bawaba.core.params import bounded_int, text_param

# The key being enrolled stays in her session (not in the database) until a code proves her app holds it.
SESSION_PENDING_KEY = "two_factor_pending_key"
# The recovery codes, kept from the enrolment's POST to the page that shows them, and dropped as it shows them.
SESSION_NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"
NEXT_MAX_LENGTH = 2000
GET_POST = ["GET", "POST"]


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(GET_POST)
def verify(request: HttpRequest) -> HttpResponse:
    user = _staff_member(request)
    next_url = _next_url(request)
    if second_factor_verified(user):
        return HttpResponseRedirect(next_url)
    if not has_authenticator(user):
        return redirect(_with_next("accounts:two_factor_setup", request))
    form = CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.verify(
                user=user, typed=form.cleaned_data["code"], client_ip=ratelimit.client_ip(request)
            )
        except services.TooManyCodes as refused:
            return _too_many(request, "accounts/twofactor/verify.html", form, refused.wait, next_url)
        if verified is not None:
            _verified_session(request, verified.device)
            if verified.recovery_code:
                messages.warning(request, _recovery_code_used_message(verified.recovery_codes_left))
            return HttpResponseRedirect(next_url)
        form.add_error("code", _("This code is not right, or it has already been used. Try the next one."))
    return render(request, "accounts/twofactor/verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(GET_POST)
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol her authenticator: scan the QR code (or type the key), then prove it with one code."""
    user = _staff_member(request)
    next_url = _next_url(request)
    if has_authenticator(user):
        # Re-enrolment only through a central administrator's reset: a stolen session must not swap her phone.
        if not second_factor_verified(user):
            return redirect(_with_next("accounts:two_factor_verify", request))
        messages.info(
            request,
            _(
                "Your authenticator app is already set up. To use another phone, ask a central administrator "
                "to reset your second factor."
            ),
        )
        return HttpResponseRedirect(next_url)
    key = request.session.get(SESSION_PENDING_KEY) or services.new_key()
    request.session[SESSION_PENDING_KEY] = key
    form = CodeForm(_posted(request), recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_codes = services.enrol(
                user=user, key=key, typed=form.cleaned_data["code"], client_ip=ratelimit.client_ip(request)
            )
        except services.TooManyCodes as refused:
            return _too_many(request, "accounts/twofactor/setup.html", form, refused.wait, next_url, key=key)
        if recovery_codes is not None:
            _verified_session(request, cast(TOTPDevice, authenticator_of(user)))
            del request.session[SESSION_PENDING_KEY]
            request.session[SESSION_NEW_RECOVERY_CODES] = recovery_codes
            return redirect(_with_next("accounts:two_factor_recovery_codes", request, next_url))
        form.add_error(
            "code", _("This code is not right. Check that your phone's clock is set automatically.")
        )
    return render(request, "accounts/twofactor/setup.html", _setup_context(user, key, form, next_url))


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Her ten recovery codes, once: the page drops them from the session as it shows them."""
    _staff_member(request)
    next_url = _next_url(request)
    shown = request.session.pop(SESSION_NEW_RECOVERY_CODES, None)
    if not shown:
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/twofactor/recovery_codes.html",
        {"codes": [codes.grouped(code) for code in shown], "next": next_url},
    )


@central_admin_required
@require_POST
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Remove someone else's second factor (a lost phone): she enrols again at her next staff page."""
    person_id = bounded_int(user_id)  # the URL's <int:…> takes any length of digits
    person = User.objects.filter(pk=person_id).first() if person_id is not None else None
    if person is None or not is_staff_member(person):
        raise Http404
    if person.pk == request.user.pk:
        # Her own would let whoever holds her session enrol a phone of theirs: another administrator must do it.
        messages.error(
            request, _("You cannot reset your own second factor: ask another central administrator.")
        )
    else:
        services.reset(actor=request.user, user=person)
        messages.success(
            request,
            _(
                "The second factor of %(email)s is reset: they set up an authenticator app at their next sign-in."
            )
            % {"email": isolate(person.email)},
        )
    return HttpResponseRedirect(_next_url(request))


def _staff_member(request: HttpRequest) -> Any:
    if not is_staff_member(request.user):
        raise Http404
    return request.user


def _verified_session(request: HttpRequest, device: Any) -> None:
    # A new session key at the change of privilege, as at sign-in: a session id seen before is worth less.
    request.session.cycle_key()
    django_otp.login(request, device)


def _setup_context(user: Any, key: str, form: CodeForm, next_url: str) -> dict[str, Any]:
    uri = TOTPDevice(user=user, key=key).config_url  # otpauth://totp/Bawaba:<e-mail>?secret=…&issuer=Bawaba
    return {
        "form": form,
        "next": next_url,
        "qr_code": qr_svg(uri, title=_("QR code to scan with your authenticator app")),
        "key": codes.grouped(codes.base32_key(key)),
        "account": user.email,
        "issuer": settings.OTP_TOTP_ISSUER,
    }


def _recovery_code_used_message(left: int) -> str:
    if left == 0:
        return _(
            "You have used your last recovery code. Ask a central administrator to reset your second factor if "
            "you lose your phone."
        )
    return ngettext(
        "You signed in with a recovery code; it cannot be used again. %(count)d recovery code is left.",
        "You signed in with a recovery code; it cannot be used again. %(count)d recovery codes are left.",
        left,
    ) % {"count": left}


def _too_many(
    request: HttpRequest, template: str, form: CodeForm, wait: int, next_url: str, key: str | None = None
) -> HttpResponse:
    minutes = max(1, math.ceil(wait / 60))
    form.add_error(
        None,
        ngettext(
            "Too many codes tried. Please wait %(minutes)d minute, then try again.",
            "Too many codes tried. Please wait %(minutes)d minutes, then try again.",
            minutes,
        )
        % {"minutes": minutes},
    )
    context = _setup_context(request.user, key, form, next_url) if key else {"form": form, "next": next_url}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _next_url(request: HttpRequest) -> str:
    """`next` when it is a page of this site, else where sign-in leads (the staff home, for staff)."""
    for params in (request.POST, request.GET):
        next_url = text_param(params, "next", max_length=NEXT_MAX_LENGTH)
        # A path of this site only: anything else (a bare word would even be read as a URL name) is ignored.
        if (
            next_url
            and next_url.startswith("/")
            and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest, next_url: str | None = None) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url or _next_url(request)})}"
