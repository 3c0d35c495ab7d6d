"""Django's admin, behind the same door as the staff pages, refusing up front the values no column holds.

Who may open it is decided by accounts (`BAWABA_ADMIN_GATE`, a dotted path read at request time, because core may
not import accounts): a visitor is sent to the site's sign-in, whoever may not use the admin gets 404, and a staff
member without a verified second factor is sent to the second-factor step first. The admin's own sign-in form is
replaced by the site's, so that the password, its throttling and the second factor are asked in one place.

The admin passes list filters, date-hierarchy years and chosen ids straight to its queries: a NUL character is a
PostgreSQL DataError there, a number beyond 64 bits an OverflowError (SQLite's, or a year's). Such a request gets
400, as any malformed request does, before the admin reads it; our own views read their parameters through
core.params instead.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
)
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from bawaba.core.params import is_unstorable
from bawaba.core.staff_pages import StaffPage, mark

_View = TypeVar("_View", bound=Callable[..., Any])
ADMIN_PAGE = StaffPage(admin=True)


def _holds_unstorable(params: QueryDict) -> bool:
    return any(is_unstorable(value) for _, values in params.lists() for value in values)


def _gate(request: HttpRequest) -> HttpResponse | None:
    """None when this request may use the admin, else the answer (a redirect); raises Http404 for the wrong people."""
    gate = getattr(settings, "BAWABA_ADMIN_GATE", "")
    if not gate:
        return None
    return cast(HttpResponse | None, import_string(gate)(request))


def _mark_all(patterns: list[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_all(pattern.url_patterns)
        else:
            # The admin's own login is a bound method: the mark goes on its function (our `login` below).
            mark(getattr(pattern.callback, "__func__", pattern.callback), ADMIN_PAGE)


class BawabaAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        try:
            return super().has_permission(request) and _gate(request) is None
        except Http404:
            return False

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if _holds_unstorable(request.GET) or _holds_unstorable(request.POST):
                return HttpResponseBadRequest()
            if (answer := _gate(request)) is not None:
                return answer
            return guarded(request, *args, **kwargs)

        return cast(_View, gated)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Every admin URL is marked as a staff page (the admin's wrappers call admin_view, hence the gate, on each
        # request), so the test that walks the URLs checks each one.
        urls = super().get_urls()
        _mark_all(urls)
        return urls

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The site's sign-in instead of the admin's form; once through the gate, the admin page she asked for."""
        if (answer := _gate(request)) is not None:
            return answer
        next_url = request.GET.get("next", "")
        if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, {request.get_host()})):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(next_url)


class BawabaAdminConfig(AdminConfig):
    """django.contrib.admin, with BawabaAdminSite as admin.site (see INSTALLED_APPS)."""

    default_site = "bawaba.core.admin_site.BawabaAdminSite"
