"""The notices of the training stage: their texts (the campaign's own, or the platform's defaults) and how a
mailing of them is written.

A notice's text is plain text with placeholders in braces (`{username}`), filled for each recipient when the
sender renders her message (templatetags/training_notices.py). The texts of every language are copied into the
mailing's context when it is written, so that a text edited afterwards does not change a mailing under way.
"""

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bawaba.campaigns.models import Campaign
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.notifications.models import Mailing
from bawaba.training.contributions import NOTICE_EMAIL_KINDS
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


# Every placeholder a notice's text may use, with what it becomes for its recipient (the staff form lists them).
PLACEHOLDERS: dict[str, Any] = {
    "first_name": gettext_lazy("her first name"),
    "last_name": gettext_lazy("her last name"),
    "campaign": gettext_lazy("the campaign's title"),
    "commune": gettext_lazy("the commune of her training place"),
    "platform_url": gettext_lazy("the address of the e-learning platform"),
    "username": gettext_lazy("her username on the e-learning platform (her e-mail address)"),
    "password": gettext_lazy("her temporary password"),
    "reply_deadline": gettext_lazy("the date by which she accepts or declines her place"),
    "dashboard_url": gettext_lazy("the address of her dashboard"),
    "explanation_url": gettext_lazy("the address of the explanation of her result"),
    "waiting_lists": gettext_lazy("her place on each waiting list, one line each"),
}

_NAMES = ("first_name", "last_name", "campaign")
_CREDENTIALS = ("platform_url", "username", "password")

# What each notice's recipients have a value for, and what its text cannot leave out (an invitation without
# her password would leave her unable to sign in).
ALLOWED_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    NoticeKind.PRESELECTED: (*_NAMES, "commune", *_CREDENTIALS, "reply_deadline", "dashboard_url"),
    NoticeKind.PROMOTED: (*_NAMES, "commune", *_CREDENTIALS, "reply_deadline", "dashboard_url"),
    NoticeKind.WAITLISTED: (*_NAMES, "waiting_lists", "dashboard_url", "explanation_url"),
    NoticeKind.NOT_SELECTED: (*_NAMES, "dashboard_url", "explanation_url"),
    NoticeKind.CREDENTIALS_RENEWED: (*_NAMES, *_CREDENTIALS, "dashboard_url"),
    NoticeKind.REMINDER: (*_NAMES, "platform_url", "username", "dashboard_url"),
}
REQUIRED_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    NoticeKind.PRESELECTED: _CREDENTIALS,
    NoticeKind.PROMOTED: _CREDENTIALS,
    NoticeKind.WAITLISTED: ("waiting_lists",),
    NoticeKind.NOT_SELECTED: ("explanation_url",),
    NoticeKind.CREDENTIALS_RENEWED: _CREDENTIALS,
    NoticeKind.REMINDER: ("platform_url",),
}


def default_text(kind: str) -> tuple[str, str]:
    """The platform's (subject, body) of a notice, in the active language: the source's e-mails (MISSION.md)."""
    defaults = {
        NoticeKind.PRESELECTED: (
            _("{campaign}: you are preselected for the remote training"),
            _(
                "Hello {first_name} {last_name},\n\n"
                "You are preselected in {commune} for {campaign}. The next stage is a remote training on the "
                "e-learning platform.\n\n"
                "Sign in to the platform with these details:\n"
                "Address: {platform_url}\n"
                "Username: {username}\n"
                "Temporary password: {password}\n\n"
                "Change this temporary password when you first sign in, and tell it to nobody.\n\n"
                "Accept or decline your training place on your dashboard by {reply_deadline}:\n"
                "{dashboard_url}"
            ),
        ),
        NoticeKind.WAITLISTED: (
            _("{campaign}: you are on a waiting list"),
            _(
                "Hello {first_name} {last_name},\n\n"
                "You are not preselected for {campaign} for now, but you are on the waiting list of these "
                "communes:\n{waiting_lists}\n\n"
                "When a preselected candidate gives up her place, it is offered to the next candidate on that "
                "commune's waiting list. If a place is offered to you, you will receive an invitation to the remote "
                "training by e-mail, and your dashboard will show it:\n{dashboard_url}\n\n"
                "Why: your score and each commune's result:\n{explanation_url}"
            ),
        ),
        NoticeKind.NOT_SELECTED: (
            _("{campaign}: the result of the preselection"),
            _(
                "Hello {first_name} {last_name},\n\n"
                "The preselection of {campaign} is published. You are not preselected, and you are on no waiting "
                "list.\n\n"
                "Your score, and the result of each commune you chose, are explained on your dashboard:\n"
                "{explanation_url}\n\n"
                "Thank you for your application."
            ),
        ),
        NoticeKind.PROMOTED: (
            _("{campaign}: a training place is offered to you"),
            _(
                "Hello {first_name} {last_name},\n\n"
                "A place was released in {commune} and is offered to you: you are now preselected for {campaign}. "
                "The next stage is a remote training on the e-learning platform.\n\n"
                "Sign in to the platform with these details:\n"
                "Address: {platform_url}\n"
                "Username: {username}\n"
                "Temporary password: {password}\n\n"
                "Change this temporary password when you first sign in, and tell it to nobody.\n\n"
                "Accept or decline your training place on your dashboard by {reply_deadline}:\n"
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


def placeholders_in(text: str) -> list[str]:
    """The `{names}` a text uses, in order, each once; a malformed brace raises ValueError (the form says so)."""
    names: list[str] = []
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None and field not in names:
            names.append(field)
    return names


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
    return create_notice_mailing_of_columns(
        campaign=campaign,
        kind=kind,
        label=label,
        recipients=Recipients(
            keys=[r.key for r in recipients],
            emails=[r.email for r in recipients],
            languages=[r.language for r in recipients],
            user_ids=[r.user_id for r in recipients],
            contexts=[r.values for r in recipients],
        ),
        actor=actor,
        held=held,
    )


def create_notice_mailing_of_columns(
    *,
    campaign: Campaign,
    kind: str,
    label: str,
    recipients: Recipients,
    actor: Any = None,
    held: bool = False,
) -> Mailing:
    """create_notice_mailing for recipients already in columns (a publication's hundreds of thousands, with no
    object per recipient); `recipients.contexts` are her placeholders' values."""
    return create_mailing(
        kind=NOTICE_EMAIL_KINDS[str(kind)].key,
        # A long campaign title and region name must not fail a publication.
        label=label[: Mailing._meta.get_field("label").max_length],
        recipients=recipients,
        created_by=actor,
        context={"campaign_id": campaign.pk, "notice": str(kind), "texts": effective_texts(campaign, kind)},
        status=Mailing.Status.DRAFT if held else Mailing.Status.QUEUED,
    )


def own_text_keys(campaign: Campaign) -> set[tuple[str, str]]:
    """The (notice, language) pairs for which the campaign has its own text."""
    return set(NoticeText.objects.filter(campaign=campaign).values_list("kind", "language"))
