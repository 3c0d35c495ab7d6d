"""Every notice of the training stage, in each language, through the mailing sender to a real SMTP server (the
aiosmtpd sink): subject, text and HTML with her values, Arabic right to left; and a publication's notices, once
their mailings go, delivered with no password left in the database."""

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest
from django.db.models import Q
from django.utils import translation

from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.notifications.mailings import resume_mailing
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.sender import MailingSender
from bawaba.notifications.smtp_sink import start_sink
from bawaba.training.models import NoticeKind, TrainingAccount
from bawaba.training.notices import NoticeRecipient, create_notice_mailing, default_text
from bawaba.training.services.invitations import Shared
from bawaba.training.staff.notices.preview import SAMPLE_PASSWORD, sample_values

pytestmark = pytest.mark.django_db


class Clock:
    """The sender's clock: time passes only when it sleeps, so nothing here waits."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.moment += dt.timedelta(seconds=seconds)


@pytest.fixture
def sink(settings, tmp_path):
    """A real SMTP server on loopback keeping what it receives in tmp_path; the settings send to it."""
    controller = start_sink(directory=tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    yield tmp_path
    controller.stop()


def send_all() -> None:
    clock = Clock()
    MailingSender(now=clock.now, sleep=clock.sleep).send_until_idle()


def delivered(directory: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def parts(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return text, message.get_body(("html",)).get_content()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("kind", NoticeKind.values)
def test_each_notice_in_each_language_reaches_the_server_with_her_values(sink, kind, language):
    campaign = CampaignFactory(
        title_ar="الإحصاء العام 2024", title_fr="Recensement 2024", title_en="Census 2024"
    )
    values = sample_values(Shared.of(campaign), language)
    create_notice_mailing(
        campaign=campaign,
        kind=kind,
        label="test",
        recipients=[
            NoticeRecipient(
                key="a1", email="fatima@example.ma", language=language, user_id=None, values=values
            )
        ],
    )
    send_all()

    [message] = delivered(sink)
    with translation.override(language):
        subject, body = default_text(kind)
    expected_subject = subject.replace("{campaign}", values["campaign"])
    assert message["Subject"] == expected_subject
    text, html = parts(message)
    assert values["first_name"] in text and values["last_name"] in text
    # The names in the script of her language; the campaign's title in her language.
    assert values["first_name"] == ("فاطمة" if language == "ar" else "Fatima")
    assert (
        values["campaign"]
        == {"ar": "الإحصاء العام 2024", "fr": "Recensement 2024", "en": "Census 2024"}[language]
    )
    for name in ("platform_url", "username", "password", "waiting_lists", "explanation_url", "commune"):
        if "{" + name + "}" in body:
            assert values[name] in text, name
            assert values[name].split("\n")[0] in html or values[name].replace("&", "&amp;") in html
    if "{password}" in body:
        assert SAMPLE_PASSWORD in text and SAMPLE_PASSWORD in html
    assert "{" not in text  # every placeholder filled
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")
    assert MailingMessage.objects.get().context == {}


def test_a_publication_s_notices_are_delivered_once_resumed_and_no_password_stays(
    published_run, sink, central_admin
):
    accounts = {a.username: a.temporary_password for a in TrainingAccount.objects.all()}
    assert accounts
    send_all()
    told = {m["To"] for m in delivered(sink)}
    # The invitations wait, held, for the hand-over; the other notices went.
    assert not told & set(accounts)
    assert told
    for mailing in Mailing.objects.filter(status=Mailing.Status.DRAFT):
        resume_mailing(mailing=mailing, actor=central_admin)
    # The hand-over (helper "handover") wipes the accounts' copies; here, as it would.
    TrainingAccount.objects.update(temporary_password="")
    send_all()

    invitations = [m for m in delivered(sink) if m["To"] in accounts]
    assert len(invitations) == len(accounts)
    for message in invitations[:20]:
        text, _html = parts(message)
        assert accounts[message["To"]] in text and message["To"] in text
    assert not MailingMessage.objects.filter(~Q(context={})).exists()
    assert not TrainingAccount.objects.exclude(temporary_password="").exists()


def test_each_notice_is_a_kind_of_its_own_and_mailings_of_the_former_single_kind_still_go(sink):
    from bawaba.core.contributions import registry
    from bawaba.training.contributions import TRAINING_NOTICE

    campaign = CampaignFactory()
    values = sample_values(Shared.of(campaign), "fr")
    recipient = NoticeRecipient(
        key="a1", email="fatima@example.ma", language="fr", user_id=None, values=values
    )
    mailings = [
        create_notice_mailing(campaign=campaign, kind=kind, label="t", recipients=[recipient])
        for kind in NoticeKind.values
    ]
    kinds = {mailing.kind for mailing in mailings}
    assert len(kinds) == len(NoticeKind.values) and TRAINING_NOTICE.key not in kinds
    assert {str(registry.email_kinds[kind].label) for kind in kinds} == {
        str(label) for label in NoticeKind.labels
    }
    # A mailing written before each notice had its kind (the one kind of them all) is sent as it was.
    Mailing.objects.filter(pk=mailings[0].pk).update(kind=TRAINING_NOTICE.key)
    send_all()
    subjects = sorted(message["Subject"] for message in delivered(sink))
    assert len(subjects) == len(NoticeKind.values)
    with translation.override("fr"):
        first_subject = default_text(NoticeKind.values[0])[0].replace("{campaign}", values["campaign"])
    assert first_subject in subjects
