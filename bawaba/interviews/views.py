"""The candidate's answers to her convocation: confirm, change her slot, withdraw (POST from her dashboard)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bawaba.campaigns.models import Application
from bawaba.interviews.services import convocations


def _her_application(request: HttpRequest, pk: int) -> Application:
    if not request.user.is_authenticated:
        raise Http404
    application = Application.objects.filter(pk=pk, user_id=request.user.pk).select_related("user").first()
    if application is None:
        raise Http404
    return application


def _answer(request: HttpRequest, done: str, action) -> HttpResponse:
    try:
        action()
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, done)
    return redirect("portal:dashboard")


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    application = _her_application(request, pk)
    return _answer(
        request,
        _("Thank you: your coming is confirmed."),
        lambda: convocations.confirm(application=application, actor=request.user),
    )


@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    application = _her_application(request, pk)
    raw = request.POST.get("slot", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        messages.error(request, _("This slot cannot be chosen."))
        return redirect("portal:dashboard")
    return _answer(
        request,
        _("Your slot is changed: a new convocation is on its way by e-mail."),
        lambda: convocations.change_slot(application=application, slot_id=int(raw), actor=request.user),
    )


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _her_application(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you give up your interview."))
        return redirect("portal:dashboard")
    return _answer(
        request,
        _("You have withdrawn from the interview."),
        lambda: convocations.withdraw(application=application, actor=request.user),
    )
