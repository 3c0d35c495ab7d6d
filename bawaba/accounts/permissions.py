"""Who may open staff pages. What a staff member may see on them (objects in her scope) is each app's access.py,
built on bawaba.accounts.scopes.

Every staff page answers the same way to the wrong people: a visitor is sent to sign in (LoginRequiredMiddleware),
a candidate or a staff member without the page's role gets 404 as if the page did not exist, and a staff member
with the role but without a verified second factor is sent to the second-factor step first.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import has_role, roles_of
from bawaba.accounts.twofactor.devices import has_authenticator
from bawaba.core.staff_pages import StaffPage, mark

Role = Assignment.Role

# Roles that see candidates' applications in their scope (the staff search, its export, the detail).
APPLICATION_READERS = (Role.CENTRAL_ADMIN, Role.REGIONAL_COORDINATOR, Role.PROVINCIAL_SUPERVISOR)


def is_staff_member(user: Any) -> bool:
    """A signed-in, active staff account (whatever its assignments): whoever signs in to the staff home."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "kind", None) == User.Kind.STAFF)
    )


def is_central_admin(user: Any) -> bool:
    return is_staff_member(user) and Role.CENTRAL_ADMIN in roles_of(user)


def holds_any(*roles: str) -> Callable[[Any], bool]:
    """A check for the registry's staff menu: a staff member holding one of `roles`."""

    def check(user: Any) -> bool:
        return is_staff_member(user) and has_role(user, *roles)

    return check


def second_factor_verified(user: Any) -> bool:
    """Whether this session passed the staff member's second factor (django-otp's OTPMiddleware tells, from the
    device the session holds; a device deleted by a reset un-verifies every session that used it)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def second_factor_step(request: HttpRequest) -> HttpResponse:
    """The code page when she has an authenticator, else its enrolment; back to this page afterwards.

    Only a page read with GET is worth returning to: after a refused POST she starts again from the staff home.
    """
    step = "accounts:two_factor_verify" if has_authenticator(request.user) else "accounts:two_factor_setup"
    url = reverse(step)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


def staff_page(*roles: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A staff page for the holders of any of `roles` (any staff member when none is named). Its view may answer
    with any response, a streamed download included."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            user = request.user
            if not is_staff_member(user) or (roles and not has_role(user, *roles)):
                raise Http404
            if not second_factor_verified(user):
                return second_factor_step(request)
            return view(request, *args, **kwargs)

        return mark(wrapper, StaffPage(roles=tuple(roles)))

    return decorator


# The central administrator's pages: national work (selection runs, rules, the outbox, staff accounts).
central_admin_required = staff_page(Role.CENTRAL_ADMIN)


def admin_site_gate(request: HttpRequest) -> HttpResponse | None:
    """Who may open Django's admin (BAWABA_ADMIN_GATE): an active account with Django's `is_staff` flag that is a
    superuser or a central administrator, in a session verified by her second factor. None lets her through.

    The admin edits any row of any table, so a staff flag alone is not enough; a central administrator without the
    flag works on the staff pages. Visitors are sent to sign in, the others get 404 as on any staff page.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (is_staff_member(user) and user.is_staff and (user.is_superuser or is_central_admin(user))):
        raise Http404
    if not second_factor_verified(user):
        return second_factor_step(request)
    return None
