from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts.permissions import central_admin_required, staff_page
from bawaba.core.contributions import registry
from bawaba.core.pagination import numbered_page
from bawaba.notifications import files, mailbox, mailings
from bawaba.notifications.forms import MailboxFilterForm, MailingActionForm, OutboxFilterForm
from bawaba.notifications.models import Mailing
from bawaba.notifications.selectors import (
    mailing_progress,
    mailings_newest_first,
    messages_with_answers,
    outbox,
)


def _require_demo_mailbox() -> None:
    # The mailbox shows every message the demo sent, to anyone: it exists only in the demo.
    if not settings.BAWABA_DEMO_MAILBOX:
        raise Http404


@login_not_required
@require_GET
def demo_mailbox(request: HttpRequest) -> HttpResponse:
    _require_demo_mailbox()
    form = MailboxFilterForm(request.GET or None)
    to = form.cleaned_data["to"] if form.is_valid() else ""
    page = numbered_page(
        mailbox.message_keys(settings.BAWABA_MAIL_SINK_DIR, to=to), request.GET.get("page"), size=50
    )
    messages = mailbox.summaries(settings.BAWABA_MAIL_SINK_DIR, list(page.object_list))
    query = urlencode({"to": to}) if to else ""
    return render(
        request,
        "notifications/demo_mailbox.html",
        {"page": page, "mails": messages, "form": form, "to": to, "query": query},
    )


@login_not_required
@require_GET
def demo_mail(request: HttpRequest, key: str) -> HttpResponse:
    _require_demo_mailbox()
    mail = mailbox.read_mail(settings.BAWABA_MAIL_SINK_DIR, key)
    if mail is None:
        raise Http404
    return render(request, "notifications/demo_mail.html", {"mail": mail})


@central_admin_required
@require_GET
def staff_outbox(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = outbox(
        status=filters.get("status", ""), kind=filters.get("kind", ""), email=filters.get("email", "")
    )
    page = numbered_page(notifications, request.GET.get("page"), size=50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "notifications/staff_outbox.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@central_admin_required
@require_GET
def staff_mailings(request: HttpRequest) -> HttpResponse:
    page = numbered_page(mailings_newest_first(), request.GET.get("page"), size=20)
    progress = mailing_progress(list(page.object_list))
    return render(request, "notifications/staff_mailings.html", {"page": page, "progress": progress})


@central_admin_required
@require_GET
def staff_mailing(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing.objects.select_related("created_by"), pk=pk)
    page = numbered_page(messages_with_answers(mailing), request.GET.get("page"), size=50)
    (progress,) = mailing_progress([mailing])
    return render(
        request, "notifications/staff_mailing.html", {"mailing": mailing, "progress": progress, "page": page}
    )


@central_admin_required
@require_POST
def staff_mailing_action(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing, pk=pk)
    form = MailingActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose pause, resume or cancel."))
        return redirect("notifications:staff_mailing", pk=mailing.pk)
    action = form.cleaned_data["action"]
    change = {
        "pause": mailings.pause_mailing,
        "resume": mailings.resume_mailing,
        "cancel": mailings.cancel_mailing,
    }[action]
    try:
        change(mailing=mailing, actor=request.user)
    except mailings.MailingError as error:
        messages.error(request, str(error))
    else:
        done = {
            "pause": _("The mailing is paused: the senders finish the batches in flight and take no more."),
            "resume": _("The mailing is resumed: the senders take up its remaining messages."),
            "cancel": _("The mailing is cancelled: the messages still waiting will not be sent."),
        }
        messages.success(request, done[action])
    return redirect("notifications:staff_mailing", pk=mailing.pk)


@staff_page()
@require_GET
def staff_files(request: HttpRequest) -> HttpResponse:
    """Her files made by a worker (national lists): waiting, ready to download, or failed."""
    return render(
        request,
        "notifications/staff_files.html",
        {"files": files.files_of(request.user), "kept_days": files.KEPT_FOR.days},
    )


@staff_page()
@require_GET
def staff_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    prepared = files.readable_file(request.user, pk)
    if prepared is None:
        raise Http404
    kind = registry.file_kinds[prepared.kind]
    files.record_download(user=request.user, prepared=prepared)
    response = FileResponse(
        files.storage().open(prepared.stored_name, "rb"),
        as_attachment=True,
        filename=f"{slugify(prepared.title) or prepared.kind}-{prepared.pk}.{kind.extension}",
        content_type=kind.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # a FileResponse streams the stored file
