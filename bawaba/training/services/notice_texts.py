"""The central administrator's edits of a campaign's notice texts: one text per (notice, language), audited.

A text saved here is copied into the next mailing of that notice when it is written; a mailing already written
keeps the texts it was written with (bawaba.training.notices).
"""

from typing import Any

from django.db import transaction

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.training.models import NoticeText


@transaction.atomic
def save_notice_text(
    *, campaign: Campaign, kind: str, language: str, subject: str, body: str, actor: Any
) -> NoticeText:
    """The campaign's own text of a notice in one language (the form has checked its placeholders)."""
    text, created = NoticeText.objects.update_or_create(
        campaign=campaign,
        kind=kind,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": actor},
    )
    record_event(
        actor=actor,
        action="training.notice_text_saved",
        target=campaign,
        data={"notice": kind, "language": language, "created": created},
    )
    return text


@transaction.atomic
def reset_notice_text(*, campaign: Campaign, kind: str, language: str, actor: Any) -> bool:
    """Back to the platform's default text; False when the campaign had no text of its own."""
    deleted, _by_model = NoticeText.objects.filter(campaign=campaign, kind=kind, language=language).delete()
    if deleted:
        record_event(
            actor=actor,
            action="training.notice_text_reset",
            target=campaign,
            data={"notice": kind, "language": language},
        )
    return bool(deleted)
