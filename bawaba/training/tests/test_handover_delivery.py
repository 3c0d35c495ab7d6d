# ruff: noqa: F811 - the selection tests' fixtures are imported by name, and named again as arguments
"""End to end through a real SMTP server (the aiosmtpd sink): publication, accounts and held invitations, the file
handed over, the invitations and the renewed passwords sent. Each temporary password is in the file and in the
e-mail delivered to its candidate, and nowhere in the database afterwards (every text column of every table)."""

import pytest
from django.apps import apps
from django.db import connection, models

from bawaba.notifications.models import Mailing
from bawaba.notifications.sender import MailingSender
from bawaba.notifications.smtp_sink import start_sink
from bawaba.notifications.tests.mailing_helpers import RefusingHandler, received
from bawaba.training.services import handover
from bawaba.training.tests.handover_helpers import (  # noqa: F401 - fixtures
    census,
    computed_run,
    issue_accounts,
    published_run,
    rows_of,
    whole,
)

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)


@pytest.fixture
def sink(settings, tmp_path):
    handler = RefusingHandler(tmp_path)
    controller = start_sink(directory=tmp_path, handler=handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    yield tmp_path
    controller.stop()


def _body(message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "\n".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def delivered_passwords(directory, secrets: set[str]) -> dict[str, set[str]]:
    """{recipient: the secrets found in the text of the messages delivered to her}."""
    found: dict[str, set[str]] = {}
    for message in received(directory):
        text = _body(message)
        found.setdefault(message["To"], set()).update(secret for secret in secrets if secret in text)
    return found


def database_text_holding(secrets: set[str]) -> list[str]:
    """Every table.column of text whose value holds one of `secrets`."""
    places = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
            if not columns:
                continue
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our names
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = value if isinstance(value, str) else str(value)
                    if value is not None and any(secret in text for secret in secrets):
                        places.append(f"{table}.{column}")
    return sorted(set(places))


def _send_all() -> None:
    MailingSender(batch_size=200).send_until_idle()


def test_the_passwords_are_in_the_file_and_the_mail_and_nowhere_in_the_database(
    published_run, sink, central_admin
):
    campaign = published_run.campaign
    accounts = issue_accounts(published_run)
    issued = {account.username: account.temporary_password for account in accounts}
    assert database_text_holding(set(issued.values()))  # the check finds them while they are there

    _send_all()
    # Held: nobody is given her credentials before the platform knows her account (the other notices are sent).
    assert not any(delivered_passwords(sink, set(issued.values())).values())
    for path in sink.glob("*.eml"):
        path.unlink()

    _, rows = rows_of(whole(handover.start_export(campaign=campaign, actor=central_admin)))
    assert {row["username"]: row["password"] for row in rows} == issued
    _send_all()

    emails = {account.username: account.application.user.email for account in accounts}
    found = delivered_passwords(sink, set(issued.values()))
    assert all(found.get(emails[name]) == {password} for name, password in issued.items())
    assert database_text_holding(set(issued.values())) == []

    # A second file with the accounts handed over: new passwords, e-mailed, and gone from the database too.
    for path in sink.glob("*.eml"):
        path.unlink()
    _, rows = rows_of(
        whole(handover.start_export(campaign=campaign, include_exported=True, actor=central_admin))
    )
    renewed = {row["username"]: row["password"] for row in rows}
    assert renewed.keys() == issued.keys() and not set(renewed.values()) & set(issued.values())
    _send_all()
    found = delivered_passwords(sink, set(renewed.values()))
    assert all(found.get(emails[name]) == {password} for name, password in renewed.items())
    assert database_text_holding(set(renewed.values()) | set(issued.values())) == []
    assert not Mailing.objects.exclude(status=Mailing.Status.DONE).exists()
