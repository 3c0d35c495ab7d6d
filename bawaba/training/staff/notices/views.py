"""The central administrator's notice texts of a campaign: which notices have a text of their own, and the page
that edits one (kind, language) with a preview in every language."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bawaba.accounts.permissions import central_admin_required
from bawaba.training.models import NoticeKind
from bawaba.training.notices import (
    ALLOWED_PLACEHOLDERS,
    PLACEHOLDERS,
    REQUIRED_PLACEHOLDERS,
    effective_texts,
    own_text_keys,
)
from bawaba.training.selectors import campaign_with_training
from bawaba.training.services.notice_texts import reset_notice_text, save_notice_text
from bawaba.training.staff.notices.forms import NoticeTextForm
from bawaba.training.staff.notices.preview import preview_notice

LANGUAGE_NAMES = dict(settings.LANGUAGES)


@require_GET
@central_admin_required
def notices(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    own = own_text_keys(campaign)
    rows = [
        {
            "kind": kind,
            "label": label,
            "languages": [
                {"code": code, "name": name, "own": (kind, code) in own} for code, name in settings.LANGUAGES
            ],
        }
        for kind, label in NoticeKind.choices
    ]
    return render(
        request,
        "training/staff/notices/list.html",
        {"campaign": campaign, "rows": rows, "languages": settings.LANGUAGES},
    )


@require_http_methods(["GET", "POST"])
@central_admin_required
def notice_edit(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    if kind not in NoticeKind.values or language not in LANGUAGE_NAMES:
        raise Http404
    texts = effective_texts(campaign, kind)
    own = (kind, language) in own_text_keys(campaign)
    here = reverse("training_staff:notice_edit", args=[campaign.slug, kind, language])
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "reset":
        if reset_notice_text(campaign=campaign, kind=kind, language=language, actor=request.user):
            messages.success(request, _("The default text is used again."))
        return redirect(here)
    if request.method == "POST":
        form = NoticeTextForm(request.POST, kind=kind)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            if action == "save":
                save_notice_text(
                    campaign=campaign,
                    kind=kind,
                    language=language,
                    subject=subject,
                    body=body,
                    actor=request.user,
                )
                messages.success(request, _("The text is saved: the next mailing of this notice uses it."))
                return redirect(here)
            texts = {**texts, language: {"subject": subject, "body": body}}
    else:
        form = NoticeTextForm(initial=texts[language], kind=kind)
    return render(
        request,
        "training/staff/notices/edit.html",
        {
            "campaign": campaign,
            "kind": kind,
            "kind_label": NoticeKind(kind).label,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "own": own,
            "form": form,
            "previews": preview_notice(campaign, kind, texts),
            "previewing": request.method == "POST" and form.is_valid(),
            "placeholders": [
                {
                    "name": "{" + name + "}",
                    "meaning": PLACEHOLDERS[name],
                    "required": name in REQUIRED_PLACEHOLDERS[kind],
                }
                for name in ALLOWED_PLACEHOLDERS[kind]
            ],
        },
    )
