"""E-mail kinds are registered by the apps that send them: the outbox refuses any other, renders each from its
own app's templates, and the staff outbox names it with its app's label."""

import pytest
from django.db import transaction

from bawaba.accounts.tests.helpers import translated_html
from bawaba.core.contributions import EmailKind, UnknownEmailKind
from bawaba.core.tests.helpers import registered, with_templates
from bawaba.notifications import services
from bawaba.notifications.forms import OutboxFilterForm
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db

INTERVIEW_CONVOCATION = EmailKind(
    key="imagined_convocation",
    label="Interview convocation",
    template_prefix="imagined/email/imagined_convocation",
)
TEMPLATES = {
    "imagined/email/imagined_convocation_subject.txt": "Convocation on {{ day }}",
    "imagined/email/imagined_convocation.txt": "Come on {{ day }} at {{ place }}.",
    "imagined/email/imagined_convocation.html": "<p>Come on {{ day }} at <b>{{ place }}</b>.</p>",
}


def _queue(kind: str):
    return services.queue_email(
        kind=kind,
        to_email="amina@example.ma",
        language="fr",
        context={"day": "12 mai", "place": "Rabat"},
        idempotency_key=f"{kind}:1",
    )


def test_an_unregistered_kind_is_refused_and_nothing_is_written(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(UnknownEmailKind):
        with transaction.atomic():
            _queue("imagined_convocation")
    assert not Notification.objects.exists()
    assert callbacks == []


def test_a_registered_kind_is_queued_and_rendered_from_its_own_templates(settings, mailoutbox):
    with_templates(settings, TEMPLATES)
    with registered(INTERVIEW_CONVOCATION):
        notification = _queue("imagined_convocation")
        message = services.render_email(notification)
        assert services.deliver(notification.pk) == "sent"

    assert message.subject == "Convocation on 12 mai"
    assert message.body == "Come on 12 mai at Rabat."
    assert message.alternatives[0][0] == "<p>Come on 12 mai at <b>Rabat</b>.</p>"
    assert [mail.subject for mail in mailoutbox] == ["Convocation on 12 mai"]


def test_the_staff_outbox_names_each_kind_with_its_app_s_label(admin_client):
    with registered(INTERVIEW_CONVOCATION):
        Notification.objects.create(kind="imagined_convocation", to_email="a@example.ma", idempotency_key="a")
        Notification.objects.create(kind="account_confirmation", to_email="b@example.ma", idempotency_key="b")
        # A kind that no app registers any more (an app removed) is shown by its key, never an error.
        Notification.objects.create(kind="retired_kind", to_email="c@example.ma", idempotency_key="c")
        page = admin_client.get("/fr/staff/outbox/").content.decode()
        kinds = [value for value, _ in OutboxFilterForm().fields["kind"].choices]

    assert "Interview convocation" in page
    assert translated_html("Account confirmation") in page
    assert "retired_kind" in page
    assert {"", "imagined_convocation", "account_confirmation", "application_received"} <= set(kinds)
