"""The contact form: validated, rate-limited per address and per connection, kept as a row with its audit event,
forwarded to the operator and acknowledged to the sender through the outbox, once, after commit."""

import pytest
from django.test import Client

from bawaba.campaigns.selectors import application_reference
from bawaba.campaigns.tests.factories import ApplicationFactory
from bawaba.core.models import AuditEvent
from bawaba.notifications import services as outbox
from bawaba.notifications.models import Notification
from bawaba.pages.contributions import CONTACT_ACKNOWLEDGEMENT, CONTACT_FORWARD
from bawaba.pages.models import ContactMessage

pytestmark = pytest.mark.django_db

URL = "/fr/contact/"


def posted(**overrides) -> dict:
    return {
        "name": "Amina Alaoui",
        "email": "amina@example.ma",
        "category": ContactMessage.Category.SELECTION,
        "message": "Je ne comprends pas pourquoi la commune de Kénitra ne m’a pas retenue.",
        **overrides,
    }


def test_a_message_is_kept_audited_forwarded_and_acknowledged_after_commit(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BAWABA_CONTACT_EMAIL = "contact@hcp.example.ma"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, posted())
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert response.status_code == 302 and response["Location"] == "/fr/contact/sent/"
    contact = ContactMessage.objects.get()
    assert (contact.email, contact.category, contact.language, contact.user) == (
        "amina@example.ma",
        "selection",
        "fr",
        None,
    )
    assert AuditEvent.objects.filter(action="contact.message_filed", target_id=str(contact.pk)).count() == 1

    for callback in callbacks:
        callback()
    forward, acknowledgement = sorted(
        mailoutbox, key=lambda message: message.to != ["contact@hcp.example.ma"]
    )
    assert forward.to == ["contact@hcp.example.ma"]
    assert "Je ne comprends pas pourquoi la commune de Kénitra" in forward.body
    assert "amina@example.ma" in forward.body and contact.reference in forward.subject
    # Hers in her language, and repeating nothing she typed: the form is no way to mail any text to anyone.
    assert acknowledgement.to == ["amina@example.ma"]
    assert acknowledgement.subject == f"Nous avons reçu votre message ({contact.reference})"
    assert "La présélection et son explication" in acknowledgement.body
    assert "Kénitra" not in acknowledgement.body and "Amina" not in acknowledgement.body


def test_the_acknowledgement_is_in_arabic_for_a_message_sent_from_an_arabic_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ar/contact/", posted())
    [acknowledgement] = [message for message in mailoutbox if message.to == ["amina@example.ma"]]
    assert acknowledgement.subject.startswith("توصلنا برسالتك")


def test_a_retried_delivery_never_sends_twice_and_the_outbox_keeps_no_copy_of_the_message(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, posted())
    assert len(mailoutbox) == 2
    for notification in Notification.objects.all():
        assert outbox.deliver(notification.pk) == "skipped"  # a task delivered twice finds it sent
    assert len(mailoutbox) == 2
    forward = Notification.objects.get(kind=CONTACT_FORWARD.key)
    assert forward.status == Notification.Status.SENT
    # The message row is the one copy: the outbox's went with the e-mail.
    assert "message" not in forward.context and "email" not in forward.context
    assert Notification.objects.get(kind=CONTACT_ACKNOWLEDGEMENT.key).status == Notification.Status.SENT


def test_without_an_operator_address_the_message_waits_in_the_staff_list(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BAWABA_CONTACT_EMAIL = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, posted()).status_code == 302
    assert ContactMessage.objects.count() == 1
    assert [message.to for message in mailoutbox] == [["amina@example.ma"]]  # her acknowledgement only


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Amina\x00"),
        ("name", "Am\x1bina"),
        ("name", "x" * 151),
        ("name", ""),
        ("email", "not-an-address"),
        ("email", "amina\x00@example.ma"),
        ("email", "a" * 250 + "@example.ma"),
        ("category", "everything"),
        ("category", ""),
        ("message", "Bonjour\x00 je voudrais savoir"),
        ("message", "Bonjour \x1b[2J je voudrais savoir"),
        ("message", "x" * 5001),
        ("message", "court"),
        ("message", "9" * 100_000),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_sent(client, mailoutbox, field, value):
    response = client.post(URL, posted(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert ContactMessage.objects.count() == 0 and Notification.objects.count() == 0


def test_a_message_on_several_lines_is_accepted(client):
    response = client.post(
        URL, posted(message="Bonjour,\r\n\r\nJe voudrais corriger ma date de naissance.\tMerci.")
    )
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1


def test_the_same_address_is_limited_then_told_to_wait(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert client.post(URL, posted()).status_code == 302
        response = client.post(URL, posted(email="AMINA@example.ma"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de messages depuis cette adresse" in response.content.decode()
    assert response.context["form"]["message"].value() == posted()["message"]  # what she typed is kept
    assert ContactMessage.objects.count() == 5
    assert len([m for m in mailoutbox if m.to == ["amina@example.ma"]]) == 5


def test_one_connection_is_limited_whatever_the_addresses(client):
    for number in range(30):
        assert client.post(URL, posted(email=f"person{number}@example.ma")).status_code == 302
    assert client.post(URL, posted(email="another@example.ma")).status_code == 429
    # Another connection is not.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, posted(email="another@example.ma")).status_code == 302


def test_the_form_refuses_a_post_without_its_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(URL, posted())
    assert response.status_code == 403
    assert ContactMessage.objects.count() == 0


def test_a_signed_in_candidate_names_one_of_her_own_applications(alice_client, alice, bob):
    hers = ApplicationFactory(user=alice)
    other = ApplicationFactory(user=bob)
    form = alice_client.get(URL).context["form"]
    references = [value for value, _label in form.fields["application_reference"].choices]
    assert application_reference(hers) in references
    assert application_reference(other) not in references
    assert form.initial["email"] == "alice@example.ma"

    refused = alice_client.post(URL, posted(application_reference=application_reference(other)))
    assert refused.status_code == 200 and refused.context["form"].errors["application_reference"]
    accepted = alice_client.post(URL, posted(application_reference=application_reference(hers)))
    assert accepted.status_code == 302
    contact = ContactMessage.objects.get()
    assert (contact.user, contact.application_reference) == (alice, application_reference(hers))


def test_a_visitor_is_not_asked_for_an_application(client):
    assert "application_reference" not in client.get(URL).context["form"].fields


class TestStaffList:
    URL = "/fr/staff/contact-messages/"

    def test_a_central_administrator_reads_the_messages_newest_first(self, client, admin_client):
        client.post(URL, posted(message="Premier message, assez long."))
        client.post(URL, posted(message="Second message, assez long."))
        html = admin_client.get(self.URL).content.decode()
        assert html.index("Second message") < html.index("Premier message")
        assert "amina@example.ma" in html

    def test_the_list_is_paginated(self, admin_client):
        ContactMessage.objects.bulk_create(
            ContactMessage(name="N", email="n@example.ma", category="other", message="m" * 20, language="fr")
            for _ in range(30)
        )
        response = admin_client.get(self.URL, {"page": "2"})
        assert len(response.context["page"].object_list) == 5

    def test_a_supervisor_or_a_candidate_gets_not_found(self, client, supervisor, alice):
        for person in (supervisor, alice):
            client.force_login(person)
            assert client.get(self.URL).status_code == 404

    def test_a_visitor_is_sent_to_sign_in(self, client):
        response = client.get(self.URL)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_staff_menu_offers_it_to_central_administrators_only(self, admin_client, client, supervisor):
        assert 'href="/fr/staff/contact-messages/"' in admin_client.get("/fr/staff/").content.decode()
        client.force_login(supervisor)
        assert 'href="/fr/staff/contact-messages/"' not in client.get("/fr/staff/").content.decode()
