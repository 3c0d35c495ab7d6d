"""A notice as its recipients will read it, in each language, with sample values: rendered by the mailing sender's
own `render_message` on a mailing and a message that are never saved."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from bawaba.campaigns.models import Campaign
from bawaba.campaigns.people import Person
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.sender import render_message
from bawaba.training.contributions import NOTICE_EMAIL_KINDS
from bawaba.training.services.invitations import Shared

SAMPLE_EMAIL = "fatima.alaoui@example.ma"
SAMPLE_PASSWORD = "Kx7m-P3qa-Zt9w"  # noqa: S105 - the preview's sample, no one's password
SAMPLE_APPLICATION = 1234
# Commune names in both scripts, for the sample's place and waiting lists.
SAMPLE_COMMUNES = (("الرباط", "Rabat", 3, 41), ("سلا", "Salé", 12, 87))


@dataclass(frozen=True)
class Preview:
    language: str
    language_name: str
    rtl: bool
    subject: str
    text: str


def sample_values(shared: Shared, language: str) -> dict[str, Any]:
    """Every placeholder's value for a sample candidate in `language`, made as a publication makes them."""
    person = Person(SAMPLE_APPLICATION, 0, SAMPLE_EMAIL, language, "فاطمة", "العلوي", "Fatima", "Alaoui")
    arabic = language == "ar"
    return {
        **shared.values(person),
        "commune": SAMPLE_COMMUNES[0][0 if arabic else 1],
        "platform_url": shared.platform_url,
        "username": SAMPLE_EMAIL,
        "password": SAMPLE_PASSWORD,
        "reply_deadline": shared.reply_deadline[language],
        "explanation_url": shared.explanation_url(person),
        "waiting_lists": "\n".join(
            shared.waitlist_line[language]
            % {"commune": names[0 if arabic else 1], "place": place, "length": length}
            for *names, place, length in SAMPLE_COMMUNES
        ),
    }


def preview_notice(campaign: Campaign, kind: str, texts: dict[str, dict[str, str]]) -> list[Preview]:
    """The notice in each language, from `texts` ({language: {"subject", "body"}}), as the sender renders it."""
    shared = Shared.of(campaign)
    mailing = Mailing(
        kind=NOTICE_EMAIL_KINDS[str(kind)].key,
        label="preview",
        context={"campaign_id": campaign.pk, "notice": str(kind), "texts": texts},
    )
    previews = []
    for language, name in settings.LANGUAGES:
        message = MailingMessage(
            recipient_key="preview",
            to_email=SAMPLE_EMAIL,
            language=language,
            context=sample_values(shared, language),
        )
        rendered = render_message(mailing, message)
        info = translation.get_language_info(language)
        previews.append(
            Preview(
                language=language,
                language_name=str(name),
                rtl=info["bidi"],
                subject=rendered.subject,
                text=rendered.text,
            )
        )
    return previews
