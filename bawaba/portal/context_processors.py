from typing import Any

from django.http import HttpRequest

from bawaba.accounts.permissions import is_staff_member
from bawaba.core.contributions import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff part of every page's navigation: the staff home and the entries this user may open."""
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"staff_menu": [], "is_staff_member": False}
    return {"staff_menu": registry.staff_menu_for(user), "is_staff_member": True}
