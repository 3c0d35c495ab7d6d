from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from bawaba.accounts.permissions import is_staff_member, second_factor_verified
from bawaba.core.contributions import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff part of every page's navigation: the staff home and the entries this user may open, and whether
    this page is one of them (its menu's name is then marked too, while the menu is closed).

    Until her second factor is verified a staff member sees only the staff home link (which leads to that step):
    the menu would otherwise show, on the code page itself, which pages her password alone seems to open.
    """
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"staff_menu": [], "is_staff_member": False, "staff_menu_current": False}
    if not second_factor_verified(user):
        return {"staff_menu": [], "is_staff_member": True, "staff_menu_current": False}
    entries = registry.staff_menu_for(user)
    current = any(_reverse_or_none(entry.url_name) == request.path for entry in entries)
    return {"staff_menu": entries, "is_staff_member": True, "staff_menu_current": current}


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None
