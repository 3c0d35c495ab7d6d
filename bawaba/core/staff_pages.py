"""The mark every staff page carries, so that one test can walk the URLs, find every staff page and check that each
answers the wrong people alike (bawaba/accounts/twofactor/tests/test_every_staff_page.py).

It lives in core because both the accounts' `staff_page` decorator and the admin site (core, which may not import
accounts) set it. `functools.wraps` copies the mark, so a view wrapped again by another decorator keeps it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

ATTRIBUTE = "bawaba_staff_page"

_View = TypeVar("_View", bound=Callable[..., Any])


@dataclass(frozen=True)
class StaffPage:
    roles: tuple[str, ...] = ()  # the roles that open it; empty: any staff member
    admin: bool = False  # Django's admin: its own gate (accounts.permissions.admin_site_gate)


def mark(view: _View, page: StaffPage) -> _View:
    setattr(view, ATTRIBUTE, page)
    return view


def staff_page_of(view: Any) -> StaffPage | None:
    return getattr(view, ATTRIBUTE, None)
