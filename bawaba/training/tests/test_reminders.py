"""Reminder waves (exactly those who have not started, once per date, through a real SMTP server) and the start
deadline's release of places followed by a promotion round. Both database engines (the suite runs on both)."""

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.sender import MailingSender
from bawaba.notifications.smtp_sink import start_sink
from bawaba.notifications.tests.mailing_helpers import FakeClock, received
from bawaba.selection.models import PlaceRelease, PromotionRound, SelectionDecision
from bawaba.training.models import ReminderWave, TrainingProgress, TrainingReply, TrainingSettings
from bawaba.training.services.reminders import ReminderRefused, release_not_started, send_reminder_wave
from bawaba.training.tests import progress_helpers
from bawaba.training.tests.progress_helpers import accounts_of

census, computed_run, published_run = (
    progress_helpers.census,
    progress_helpers.computed_run,
    progress_helpers.published_run,
)

TODAY = dt.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _english():
    """The refusals' messages are read in English here."""
    with translation.override("en"):
        yield


MOMENT = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def cast(published_run):
    """Six admitted candidates in the roles a reminder must tell apart, and a waiting one with an account."""
    accounts = accounts_of(published_run)
    started_before, started_after, never, not_handed, declined, *others = accounts
    TrainingProgress.objects.create(account=started_before, first_access=MOMENT, completion_percent=30)
    # Started on the day after the wave's date: she had not started by then.
    TrainingProgress.objects.create(
        account=started_after, first_access=MOMENT + dt.timedelta(days=1), completion_percent=5
    )
    # Reported, but never signed in.
    TrainingProgress.objects.create(account=never, first_access=None, completion_percent=0)
    not_handed.exported_at = None
    not_handed.save(update_fields=["exported_at"])
    TrainingReply.objects.create(
        application=declined.application, answer=TrainingReply.Answer.DECLINED, answered_at=MOMENT
    )
    for other in others:  # all started: only the first three stay to be told apart
        TrainingProgress.objects.create(account=other, first_access=MOMENT, completion_percent=50)
    return {
        "started_before": started_before,
        "started_after": started_after,
        "never": never,
        "not_handed": not_handed,
        "declined": declined,
    }


def wave(campaign, actor, day=dt.date(2026, 5, 10)):
    return send_reminder_wave(
        campaign=campaign, not_started_by=day, base_url="https://bawaba.example.ma/", actor=actor, today=TODAY
    )


def test_a_wave_reminds_exactly_those_holding_a_place_who_had_not_started_by_its_date(cast, central_admin):
    campaign = cast["never"].campaign
    reminder = wave(campaign, central_admin)
    messages = MailingMessage.objects.filter(mailing=reminder.mailing)
    expected = {cast["started_after"].username, cast["never"].username}
    assert set(messages.values_list("to_email", flat=True)) == expected
    assert reminder.recipient_count == 2
    assert reminder.mailing.status == Mailing.Status.QUEUED
    values = messages.get(to_email=cast["never"].username).context
    assert values["username"] == cast["never"].username
    assert values["dashboard_url"].startswith("https://bawaba.example.ma/")
    assert AuditEvent.objects.get(action="training.reminder_sent").data["recipients"] == 2


def reminder_mailings() -> int:
    return sum(
        1
        for context in Mailing.objects.values_list("context", flat=True)
        if context.get("notice") == "reminder"
    )


def test_a_wave_is_sent_once_per_date(cast, central_admin):
    campaign = cast["never"].campaign
    wave(campaign, central_admin)
    with pytest.raises(ReminderRefused, match="already sent"):
        wave(campaign, central_admin)
    assert ReminderWave.objects.count() == 1 and reminder_mailings() == 1
    # Another date is another wave; a date to come cannot be judged yet.
    wave(campaign, central_admin, day=dt.date(2026, 5, 12))
    with pytest.raises(ReminderRefused, match="future"):
        wave(campaign, central_admin, day=TODAY + dt.timedelta(days=1))
    assert ReminderWave.objects.count() == 2


def test_the_reminder_reaches_a_real_smtp_server_in_her_language(cast, central_admin, settings, tmp_path):
    never = cast["never"]
    user = never.application.user
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])
    controller = start_sink(directory=tmp_path)
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
        # The publication's own notices (bawaba.training.services.invitations) are another test's business.
        Mailing.objects.update(status=Mailing.Status.PAUSED)
        wave(never.campaign, central_admin)
        clock = FakeClock()
        MailingSender(now=clock.now, sleep=clock.sleep).send_until_idle()
    finally:
        controller.stop()
    by_recipient = {message["To"]: message for message in received(tmp_path)}
    assert set(by_recipient) == {never.username, cast["started_after"].username}
    message = by_recipient[never.username]
    assert (
        str(make_header(decode_header(message["Subject"]))) == "Rappel : commencez votre formation à distance"
    )
    body = message.get_payload(0).get_payload(decode=True).decode() if message.is_multipart() else ""
    assert never.username in body


def test_the_reminders_page_sends_a_wave_and_refuses_the_second_and_bad_dates_with_a_message(
    client, cast, central_admin, supervisor
):
    campaign = cast["never"].campaign
    url = reverse("training_staff:reminders", args=[campaign.slug])
    client.force_login(central_admin)
    response = client.post(url, {"not_started_by": "2026-05-10"})
    assert response.status_code == 302
    assert ReminderWave.objects.get().recipient_count == 2
    page = client.get(url)
    assert reverse("notifications:staff_mailing", args=[ReminderWave.objects.get().mailing_id]) in (
        page.content.decode()
    )
    again = client.post(url, {"not_started_by": "2026-05-10"})
    assert again.status_code == 400 and reminder_mailings() == 1
    for bad in ("2026-02-30", "99999-01-01", "2026-05-10\x00", "", "1" * 500):
        assert client.post(url, {"not_started_by": bad}).status_code == 400
    assert ReminderWave.objects.count() == 1

    client.force_login(supervisor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"not_started_by": "2026-05-11"}).status_code == 404
    assert ReminderWave.objects.count() == 1


def test_the_start_deadline_releases_the_places_of_those_who_had_not_started_and_runs_a_round(
    client, cast, central_admin
):
    campaign = cast["never"].campaign
    with pytest.raises(ReminderRefused, match="no start deadline"):
        release_not_started(campaign=campaign, actor=central_admin)
    TrainingSettings.objects.update_or_create(
        campaign=campaign, defaults={"start_deadline": MOMENT + dt.timedelta(hours=1)}
    )
    with pytest.raises(ReminderRefused, match="not passed"):
        release_not_started(campaign=campaign, actor=central_admin, now=MOMENT)
    assert not PlaceRelease.objects.exists()

    client.force_login(central_admin)
    response = client.post(reverse("training_staff:release_not_started", args=[campaign.slug]), follow=True)
    assert response.status_code == 200
    released = set(PlaceRelease.objects.values_list("application_id", "reason"))
    # Not started by the deadline: the one who started the day after, and the one who never signed in.
    assert released == {
        (cast["started_after"].application_id, PlaceRelease.Reason.NOT_STARTED),
        (cast["never"].application_id, PlaceRelease.Reason.NOT_STARTED),
    }
    promotion_round = PromotionRound.objects.get()
    assert promotion_round.released["not_started"] == sorted(
        [cast["started_after"].application_id, cast["never"].application_id]
    )
    assert SelectionDecision.objects.get(application=cast["never"].application).outcome == "released"
    assert AuditEvent.objects.filter(action="training.not_started_released").count() == 1
    # A second press releases nobody new: no second round.
    assert release_not_started(campaign=campaign, actor=central_admin) is None
    assert PromotionRound.objects.count() == 1
