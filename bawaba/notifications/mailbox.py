"""Reading the demo SMTP sink's messages, for the demo mailbox page. Files only; nothing here sends mail."""

import datetime as dt
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from bawaba.notifications.smtp_sink import recipient_tag

# The arrival time, a random part, and (since the sink tags them) a digest of the recipient.
_MESSAGE_ID = re.compile(r"^\d{20}-[0-9a-f]{8}(-[0-9a-f]{12})?$")


@dataclass(frozen=True)
class MailSummary:
    key: str
    subject: str
    sender: str
    recipients: str
    # When it was sent, from its Date header; shown through the site's date helper like every other date.
    date: dt.datetime | None


@dataclass(frozen=True)
class Mail(MailSummary):
    text: str
    html: str


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def _summary(key: str, message: EmailMessage) -> MailSummary:
    return MailSummary(
        key=key,
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        recipients=str(message.get("To", "")),
        date=_sent_at(message),
    )


def _sent_at(message: EmailMessage) -> dt.datetime | None:
    """The Date header as an aware datetime; None when missing or unreadable (the sink keeps whatever arrives)."""
    try:
        header = message.get("Date")
        sent_at = getattr(header, "datetime", None)
    except (TypeError, ValueError):
        return None
    if not isinstance(sent_at, dt.datetime):
        return None
    # "-0000" (what Django writes unless EMAIL_USE_LOCALTIME) parses as naive: it is UTC with no local zone known.
    return sent_at if sent_at.tzinfo is not None else sent_at.replace(tzinfo=dt.UTC)


def message_keys(directory: Path, *, to: str = "") -> list[str]:
    """Keys of the kept messages, newest first (file names start with the arrival time in nanoseconds); with `to`,
    only the messages to that address (their file names carry its digest: no file is opened)."""
    if not directory.is_dir():
        return []
    pattern = f"*-{recipient_tag(to)}.eml" if to else "*.eml"
    return sorted((p.stem for p in directory.glob(pattern)), reverse=True)


def summaries(directory: Path, keys: list[str]) -> list[MailSummary]:
    return [_summary(key, _parse(directory / f"{key}.eml")) for key in keys]


def read_mail(directory: Path, key: str) -> Mail | None:
    """The message with that key, or None; the key is checked so that no path outside the sink can be read."""
    if not _MESSAGE_ID.match(key):
        return None
    path = directory / f"{key}.eml"
    if not path.is_file():
        return None
    message = _parse(path)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    summary = _summary(key, message)
    return Mail(
        **summary.__dict__,
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else "",
    )
