from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import central_admin_required
from bawaba.core.pagination import numbered_page
from bawaba.notifications import mailbox
from bawaba.notifications.forms import OutboxFilterForm
from bawaba.notifications.selectors import outbox


def _require_demo_mailbox() -> None:
    # The mailbox shows every message the demo sent, to anyone: it exists only in the demo.
    if not settings.BAWABA_DEMO_MAILBOX:
        raise Http404


@login_not_required
@require_GET
def demo_mailbox(request: HttpRequest) -> HttpResponse:
    _require_demo_mailbox()
    page = numbered_page(
        mailbox.message_keys(settings.BAWABA_MAIL_SINK_DIR), request.GET.get("page"), size=50
    )
    messages = mailbox.summaries(settings.BAWABA_MAIL_SINK_DIR, list(page.object_list))
    return render(request, "notifications/demo_mailbox.html", {"page": page, "mails": messages})


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
