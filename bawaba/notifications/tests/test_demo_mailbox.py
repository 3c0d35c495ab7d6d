"""The demo's SMTP sink is a real SMTP server; the demo mailbox page shows what it received, in the demo only."""

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from bawaba.core import dates
from bawaba.notifications.smtp_sink import start_sink


@pytest.fixture
def smtp_sink(tmp_path, settings):
    controller = start_sink(directory=tmp_path)
    settings.BAWABA_MAIL_SINK_DIR = tmp_path
    yield controller
    controller.stop()


def _send(port: int, *, subject: str, body: str, to: str = "candidate@example.ma") -> None:
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
    message = EmailMultiAlternatives(
        subject, body, "Bawaba <no-reply@bawaba.localhost>", [to], connection=connection
    )
    message.attach_alternative("<p>HTML <script>alert(1)</script></p>", "text/html")
    message.send()


@pytest.mark.django_db
def test_a_message_sent_over_smtp_appears_in_the_demo_mailbox(client, settings, smtp_sink):
    settings.BAWABA_DEMO_MAILBOX = True
    _send(
        smtp_sink.port,
        subject="تأكيد الحساب",
        body="Ouvrez https://bawaba.example/confirm/abc pour confirmer.",
    )

    listing = client.get("/fr/demo/mailbox/")
    assert listing.status_code == 200
    assert "تأكيد الحساب" in listing.content.decode()
    key = listing.context["mails"][0].key

    detail = client.get(f"/fr/demo/mailbox/{key}/")
    page = detail.content.decode()
    assert detail.status_code == 200
    assert '<a href="https://bawaba.example/confirm/abc"' in page  # the link can be opened from the page
    assert "<script>alert(1)</script>" not in page  # the HTML part is never rendered


@pytest.mark.django_db
def test_the_mailbox_does_not_exist_outside_the_demo(client, settings, smtp_sink):
    settings.BAWABA_DEMO_MAILBOX = False
    _send(smtp_sink.port, subject="secret", body="x")
    assert client.get("/fr/demo/mailbox/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["..%2F..%2Fsecret_key", "not-a-key", "00000000000000000000-00000000"])
def test_the_mailbox_reads_no_file_but_its_own_messages(client, settings, smtp_sink, key):
    settings.BAWABA_DEMO_MAILBOX = True
    assert client.get(f"/fr/demo/mailbox/{key}/").status_code == 404


@pytest.mark.django_db
def test_the_mailbox_dates_speak_the_readers_language_in_moroccan_time(client, settings, smtp_sink):
    # Not the Date header's English ("Sat, 05 Dec 2026 11:00:00 +0000"): the site's date helper, as on every page.
    settings.BAWABA_DEMO_MAILBOX = True
    _send(smtp_sink.port, subject="تأكيد الحساب", body="x")
    listing = client.get("/ar/demo/mailbox/")
    sent_at = listing.context["mails"][0].date
    assert sent_at is not None and sent_at.tzinfo is not None
    arabic = dates.day_time(sent_at, "ar")
    assert "على الساعة" in arabic and arabic in listing.content.decode()
    detail = client.get(f"/fr/demo/mailbox/{listing.context['mails'][0].key}/").content.decode()
    assert dates.day_time(sent_at, "fr") in detail
    for english in ("Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, ", "+0000", "GMT"):
        assert english not in listing.content.decode() and english not in detail


@pytest.mark.django_db
def test_the_mailbox_shows_one_persons_messages_among_many(client, settings, smtp_sink):
    # A published preselection sends one notice per candidate: she finds hers by her address.
    settings.BAWABA_DEMO_MAILBOX = True
    for number in range(3):
        _send(smtp_sink.port, subject=f"notice {number}", body="x", to=f"other{number}@example.ma")
    _send(smtp_sink.port, subject="hers", body="x", to="Candidate@Example.ma")

    listing = client.get("/fr/demo/mailbox/", {"to": "candidate@example.ma"})
    assert [mail.subject for mail in listing.context["mails"]] == ["hers"]
    assert len(client.get("/fr/demo/mailbox/").context["mails"]) == 4
    key = listing.context["mails"][0].key
    assert client.get(f"/fr/demo/mailbox/{key}/").status_code == 200

    nobody = client.get("/fr/demo/mailbox/", {"to": "nobody@example.ma"})
    assert nobody.status_code == 200 and nobody.context["mails"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["not an address", "a\x00b@example.ma", "x" * 300 + "@example.ma"])
def test_a_malformed_address_filters_nothing_and_says_why(client, settings, smtp_sink, to):
    settings.BAWABA_DEMO_MAILBOX = True
    _send(smtp_sink.port, subject="hers", body="x")
    listing = client.get("/fr/demo/mailbox/", {"to": to})
    assert listing.status_code == 200
    assert len(listing.context["mails"]) == 1
    assert listing.context["form"].errors
