from typing import Any

from django.http import HttpRequest

from bawaba.accounts.permissions import is_staff_member, second_factor_verified
from bawaba.core.contributions import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff part of every page's navigation: the staff home and the entries this user may open.

    Until her second factor is verified a staff member sees only the staff home link (which leads to that step):
    the menu would otherwise show, on the code page itself, which pages her password alone seems to open.
    """
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"staff_menu": [], "is_staff_member": False}
    if not second_factor_verified(user):
        return {"staff_menu": [], "is_staff_member": True}
    return {"staff_menu": registry.staff_menu_for(user), "is_staff_member": True}
