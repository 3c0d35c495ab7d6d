"""Who may see staff pages. Object-level checks live in each app's access.py."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from bawaba.accounts.models import User


def is_staff_member(user: Any) -> bool:
    """Staff of any role (supervisor, agent, central administrator): whoever signs in to the staff home."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role != User.Role.CANDIDATE)
    )


def is_central_admin(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == User.Role.CENTRAL_ADMIN)
    )


def central_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Central administrators only; anyone else signed in gets 404, as if the page did not exist.

    Anonymous visitors never reach this: LoginRequiredMiddleware sends them to the sign-in page first.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_central_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
