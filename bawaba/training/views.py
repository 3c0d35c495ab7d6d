"""The candidate's reply to her training place: accept (one POST), decline (a confirmation page, then its POST).

Each answers with a redirect to her dashboard and a message saying what happened (post/redirect/get). Someone
else's application, or one that does not exist, is 404.
"""

import math

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from bawaba.accounts import ratelimit
from bawaba.campaigns import access
from bawaba.campaigns.models import Application
from bawaba.core.params import bounded_int
from bawaba.training.forms import DeclineForm
from bawaba.training.places import place_state
from bawaba.training.services import replies


def _own_application(request: HttpRequest, pk: int) -> Application:
    if bounded_int(pk, min_value=1) is None:
        raise Http404
    return access.application_for(request.user, pk)


def _over_the_limit(request: HttpRequest) -> bool:
    """Count this answer; when she answered too often this hour, say so and tell the caller to stop."""
    wait = ratelimit.hit("training_reply:user", str(request.user.pk))
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        messages.error(
            request,
            ngettext(
                "Too many answers in a short time. Please wait %(minutes)d minute, then try again.",
                "Too many answers in a short time. Please wait %(minutes)d minutes, then try again.",
                minutes,
            )
            % {"minutes": minutes},
        )
    return bool(wait)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if _over_the_limit(request):
        return redirect("portal:dashboard")
    try:
        replies.accept_place(application=application, actor=request.user)
    except replies.ReplyError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "You accepted your training place. Your invitation e-mail tells you how to sign in to the training."
            ),
        )
    return redirect("portal:dashboard")


@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Say what declining means and ask to confirm (GET, or a POST without the confirmation), then decline."""
    application = _own_application(request, pk)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _over_the_limit(request):
            return redirect("portal:dashboard")
        try:
            replies.decline_place(application=application, actor=request.user)
        except replies.ReplyError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You declined your training place. It goes to the next candidate on the waiting list."),
            )
        return redirect("portal:dashboard")
    place = place_state(application)
    if place is None or not place.may_decline():
        # Nothing to confirm any more (declined already, the deadline passed): the dashboard says where she is.
        return redirect("portal:dashboard")
    return render(
        request,
        "training/decline_confirm.html",
        {"application": application, "campaign": application.campaign, "place": place, "form": form},
    )
