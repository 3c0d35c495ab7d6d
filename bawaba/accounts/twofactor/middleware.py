"""Staff sessions end after BAWABA_STAFF_IDLE_MINUTES without a request (a staff page left open on a shared
computer). Candidates keep Django's session lifetime: their pages hold only their own data.

The last request's time is kept in the session from the sign-in on (`stamp_sign_in`, with the sign-in's own session
write), rewritten at most once a minute so that a burst of requests is not a burst of session writes; the limit is
therefore exact to within a minute.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext

from bawaba.accounts.permissions import is_staff_member

SESSION_LAST_SEEN = "staff_last_seen"
WRITE_EVERY_SECONDS = 60


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver (accounts.apps): the idle time counts from the sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN] = int(time.time())


class StaffIdleTimeoutMiddleware:
    """After MessageMiddleware (it leaves her a message) and OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_staff_member(request.user):
            now = int(time.time())
            limit = int(settings.BAWABA_STAFF_IDLE_MINUTES) * 60
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > limit:
                return self._signed_out(request)
            if not isinstance(last_seen, int) or now - last_seen >= WRITE_EVERY_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest) -> HttpResponse:
        minutes = int(settings.BAWABA_STAFF_IDLE_MINUTES)
        logout(request)
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)d minute without activity. Please sign in again.",
                "You were signed out after %(minutes)d minutes without activity. Please sign in again.",
                minutes,
            )
            % {"minutes": minutes},
        )
        # Back to this page after signing in again, when it is one to go back to (not a POST, not a fragment).
        htmx = request.headers.get("HX-Request") == "true"
        if request.method == "GET" and not htmx:
            return redirect_to_login(request.get_full_path())
        response = redirect(settings.LOGIN_URL)
        if (
            htmx
        ):  # a polled fragment: htmx loads the whole sign-in page rather than swapping it into the fragment
            response["HX-Redirect"] = response["Location"]
        return response
