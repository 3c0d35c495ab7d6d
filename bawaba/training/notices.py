"""The notices of the training stage: their texts (the campaign's own, or the platform's defaults) and how a
mailing of them is written.

A notice's text is plain text with placeholders in braces (`{username}`), filled for each recipient when the
sender renders her message (templatetags/training_notices.py). The texts of every language are copied into the
mailing's context when it is written, so that a text edited afterwards does not change a mailing under way.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.notifications.models import Mailing
from bawaba.training.contributions import TRAINING_NOTICE
from bawaba.training.models import NoticeKind, NoticeText


@dataclass(frozen=True)
class NoticeRecipient:
    """One recipient of a notice mailing: `key` is unique in the mailing (its Message-ID is made from it, e.g.
    `a1234` for application 1234); `values` fill the text's placeholders for her."""

    key: str
    email: str
    language: str
    user_id: int | None
    values: Mapping[str, Any]


def default_text(kind: str) -> tuple[str, str]:
    """The platform's (subject, body) of a notice, in the active language."""
    defaults = {
        NoticeKind.PRESELECTED: (
            _("You are preselected for the remote training"),
            _(
                "Hello {first_name} {last_name},\n\nYou are preselected for the remote training of {campaign}. "
                "Sign in to the e-learning platform:\n{platform_url}\nUsername: {username}\n"
                "Temporary password: {password}\n\nPlease accept or decline your place on your dashboard "
                "before {reply_deadline}:\n{dashboard_url}"
            ),
        ),
        NoticeKind.WAITLISTED: (
            _("You are on a waiting list"),
            _(
                "Hello {first_name} {last_name},\n\nYou are on the waiting list of {campaign}:\n{waiting_lists}\n\n"
                "If a place is released, you will receive an invitation by e-mail.\n{dashboard_url}"
            ),
        ),
        NoticeKind.NOT_SELECTED: (
            _("The result of the preselection"),
            _(
                "Hello {first_name} {last_name},\n\nYou are not preselected for {campaign}. "
                "The reasons are explained here:\n{explanation_url}"
            ),
        ),
        NoticeKind.PROMOTED: (
            _("A training place is offered to you"),
            _(
                "Hello {first_name} {last_name},\n\nA place was released in {commune} and is offered to you. "
                "Sign in to the e-learning platform:\n{platform_url}\nUsername: {username}\n"
                "Temporary password: {password}\n\nPlease answer on your dashboard before {reply_deadline}:\n"
                "{dashboard_url}"
            ),
        ),
        NoticeKind.CREDENTIALS_RENEWED: (
            _("Your new temporary password for the training"),
            _(
                "Hello {first_name} {last_name},\n\nA new temporary password replaces the previous one.\n"
                "{platform_url}\nUsername: {username}\nTemporary password: {password}"
            ),
        ),
        NoticeKind.REMINDER: (
            _("Reminder: start your remote training"),
            _(
                "Hello {first_name} {last_name},\n\nYou have not started the remote training of {campaign} yet. "
                "Sign in to the e-learning platform:\n{platform_url}\nUsername: {username}"
            ),
        ),
    }
    return defaults[NoticeKind(kind)]


def effective_texts(campaign: Campaign, kind: str) -> dict[str, dict[str, str]]:
    """{language: {"subject": …, "body": …}} for every language: the campaign's text, else the default."""
    own = {text.language: text for text in NoticeText.objects.filter(campaign=campaign, kind=kind).order_by()}
    texts = {}
    for language, _name in settings.LANGUAGES:
        if language in own:
            texts[language] = {"subject": own[language].subject, "body": own[language].body}
        else:
            with translation.override(language):
                subject, body = default_text(kind)
            texts[language] = {"subject": subject, "body": body}
    return texts


def create_notice_mailing(
    *,
    campaign: Campaign,
    kind: str,
    label: str,
    recipients: Sequence[NoticeRecipient],
    actor: Any = None,
    held: bool = False,
) -> Mailing:
    """A mailing of one notice to `recipients`, in the caller's transaction; `held`: written as a draft, sent
    only once resumed (an invitation whose accounts the e-learning platform does not know yet)."""
    return create_mailing(
        kind=TRAINING_NOTICE.key,
        label=label,
        recipients=Recipients(
            keys=[r.key for r in recipients],
            emails=[r.email for r in recipients],
            languages=[r.language for r in recipients],
            user_ids=[r.user_id for r in recipients],
            contexts=[r.values for r in recipients],
        ),
        created_by=actor,
        context={"campaign_id": campaign.pk, "notice": str(kind), "texts": effective_texts(campaign, kind)},
        status=Mailing.Status.DRAFT if held else Mailing.Status.QUEUED,
    )
