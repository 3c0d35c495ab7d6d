"""Django's admin, refusing up front the values no database column holds (issue 9, item 7).

The admin passes list filters, date-hierarchy years and chosen ids straight to its queries: a NUL character is a
PostgreSQL DataError there, a number beyond 64 bits an OverflowError (SQLite's, or a year's). Such a request gets
400, as any malformed request does, before the admin reads it; our own views read their parameters through
core.params instead.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict

from bawaba.core.params import is_unstorable

_View = TypeVar("_View", bound=Callable[..., Any])


def _holds_unstorable(params: QueryDict) -> bool:
    return any(is_unstorable(value) for _, values in params.lists() for value in values)


class BawabaAdminSite(admin.AdminSite):
    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def refusing_unstorable(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if _holds_unstorable(request.GET) or _holds_unstorable(request.POST):
                return HttpResponseBadRequest()
            return guarded(request, *args, **kwargs)

        return cast(_View, refusing_unstorable)


class BawabaAdminConfig(AdminConfig):
    """django.contrib.admin, with BawabaAdminSite as admin.site (see INSTALLED_APPS)."""

    default_site = "bawaba.core.admin_site.BawabaAdminSite"
