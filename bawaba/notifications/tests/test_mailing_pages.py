"""The mailings' staff pages and command-line view: progress, the servers' answers, pause / resume / cancel."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.tests.mailing_helpers import create

pytestmark = pytest.mark.django_db

MessageStatus = MailingMessage.Status


@pytest.fixture
def mailing():
    """A mailing under way: 6 sent (4 in the last minute), 1 refused for good, 1 waiting for a retry, 2 waiting."""
    mailing = create(10, label="Avis de présélection")
    now = timezone.now()
    messages = list(mailing.messages.order_by("id"))
    for message in messages[:6]:
        message.status, message.sent_at = MessageStatus.SENT, now - dt.timedelta(seconds=10)
    messages[0].sent_at = messages[1].sent_at = now - dt.timedelta(minutes=5)
    messages[6].status, messages[6].attempts = MessageStatus.FAILED, 1
    messages[6].last_error = "550 5.1.1 <person6@example.ma>: no such mailbox here"
    messages[7].attempts, messages[7].retry_at = 1, now + dt.timedelta(minutes=1)
    messages[7].last_error = "451 4.3.0 mailbox busy"
    MailingMessage.objects.bulk_update(messages, ["status", "sent_at", "attempts", "retry_at", "last_error"])
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
    mailing.refresh_from_db()
    return mailing


def test_the_list_shows_each_mailings_progress(admin_client, mailing, django_assert_max_num_queries):
    create(3, label="Rappel")
    with django_assert_max_num_queries(9):
        page = admin_client.get("/fr/staff/mailings/")
    assert page.status_code == 200
    (first, second) = page.context["progress"]
    assert (first.mailing.label, first.waiting, first.sent) == ("Rappel", 3, 0)
    assert (second.waiting, second.sent, second.failed) == (3, 6, 1)
    assert second.rate == pytest.approx(4 / 60)
    assert second.time_left == dt.timedelta(seconds=45)  # 3 waiting at 4 a minute
    html = page.content.decode()
    assert "Avis de présélection" in html and 'value="pause"' in html


def test_the_detail_shows_the_servers_answers(admin_client, mailing):
    page = admin_client.get(f"/fr/staff/mailings/{mailing.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "550 5.1.1 &lt;person6@example.ma&gt;: no such mailbox here" in html
    assert "451 4.3.0 mailbox busy" in html
    assert "person0@example.ma" not in html  # sent: nothing to show


@pytest.mark.parametrize(
    ("action", "status"), [("pause", Mailing.Status.PAUSED), ("cancel", Mailing.Status.CANCELLED)]
)
def test_a_central_administrator_pauses_or_cancels_and_it_is_audited(admin_client, mailing, action, status):
    response = admin_client.post(f"/fr/staff/mailings/{mailing.pk}/action/", {"action": action})
    assert response.status_code == 302 and response["Location"] == f"/fr/staff/mailings/{mailing.pk}/"
    mailing.refresh_from_db()
    assert mailing.status == status
    assert AuditEvent.objects.filter(
        action=f"mailing.{'paused' if action == 'pause' else 'cancelled'}"
    ).exists()
    if action == "cancel":
        assert mailing.messages.filter(status=MessageStatus.CANCELLED).count() == 3  # 2 waiting, 1 to retry


def test_resuming_a_running_mailing_says_why_not_and_changes_nothing(admin_client, mailing):
    response = admin_client.post(
        f"/fr/staff/mailings/{mailing.pk}/action/", {"action": "resume"}, follow=True
    )
    assert "ne peut pas être modifié ainsi" in response.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


def test_an_unknown_action_changes_nothing(admin_client, mailing):
    response = admin_client.post(f"/fr/staff/mailings/{mailing.pk}/action/", {"action": "delete"})
    assert response.status_code == 302
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


def test_an_action_needs_the_csrf_token(central_admin, mailing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(central_admin)
    response = client.post(f"/fr/staff/mailings/{mailing.pk}/action/", {"action": "cancel"})
    assert response.status_code == 403
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


@pytest.mark.parametrize("persona", ["supervisor", "candidate"])
def test_other_staff_and_candidates_get_not_found_and_change_nothing(client, mailing, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/fr/staff/mailings/").status_code == 404
    assert client.get(f"/fr/staff/mailings/{mailing.pk}/").status_code == 404
    assert client.post(f"/fr/staff/mailings/{mailing.pk}/action/", {"action": "cancel"}).status_code == 404
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


def test_an_anonymous_visitor_is_sent_to_sign_in(client, mailing):
    response = client.get("/fr/staff/mailings/")
    assert response.status_code == 302 and response["Location"].startswith("/fr/accounts/login/")


def test_a_missing_mailing_is_not_found(admin_client):
    assert admin_client.get("/fr/staff/mailings/999999/").status_code == 404


def test_the_command_line_view_shows_the_progress_and_the_refusals(mailing):
    out = io.StringIO()
    call_command("mailing_status", stdout=out)
    assert (
        f"#{mailing.pk} Avis de présélection [sending] 70% done: 3 waiting, 6 sent, 1 failed"
        in out.getvalue()
    )
    out = io.StringIO()
    call_command("mailing_status", str(mailing.pk), stdout=out)
    assert "person6@example.ma [failed, 1 tries] 550 5.1.1" in out.getvalue()
    assert "person7@example.ma [pending, 1 tries] 451 4.3.0 mailbox busy" in out.getvalue()
