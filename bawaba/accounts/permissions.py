"""Who may open staff pages. What a staff member may see on them (objects in her scope) is each app's access.py,
built on bawaba.accounts.scopes.

Every staff page answers the same way to the wrong people: a visitor is sent to sign in (LoginRequiredMiddleware),
a candidate or a staff member without the page's role gets 404 as if the page did not exist, and a staff member
with the role but without a verified second factor is sent to the second-factor step first.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import has_role, roles_of

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
    """Whether this session passed the staff member's second factor.

    Until two-factor sign-in is in place every staff session counts as verified; the function is the one place
    that decides it, so that every staff page asks the same question.
    """
    return True


def second_factor_step(request: HttpRequest) -> HttpResponse:
    """Where a staff member without a verified second factor is sent (the step that verifies it)."""
    raise Http404  # replaced by the second-factor step together with second_factor_verified


def staff_page(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A staff page for the holders of any of `roles` (any staff member when none is named)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not is_staff_member(user) or (roles and not has_role(user, *roles)):
                raise Http404
            if not second_factor_verified(user):
                return second_factor_step(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The central administrator's pages: national work (selection runs, rules, the outbox, staff accounts).
central_admin_required = staff_page(Role.CENTRAL_ADMIN)
