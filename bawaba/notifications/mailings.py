"""Mass e-mail: a mailing writes all its messages at once, in the transaction of the event that causes it.

The event (a published selection, a reminder wave, a staff action) calls `create_mailing` inside its own
transaction with its recipients as columns; the rows go in set-based (`COPY` on PostgreSQL, one `executemany` on
SQLite, through `bawaba.core.bulk`), so 488,321 notices cost seconds, not the hours one task per e-mail would.
Nothing is sent before that transaction commits: the batch senders (`bawaba.notifications.sender`, run by
`manage.py send_mailings`) only see committed rows. Pause, resume and cancel are conditional updates, honoured by
the senders between batches. Why a table of its own and not the outbox's: docs/decisions/0018.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.core.contributions import registry
from bawaba.core.languages import supported_language
from bawaba.notifications.models import Mailing, MailingDomainLimit, MailingMessage

# A recipient key goes into the Message-ID, whose syntax allows these characters without quoting.
RECIPIENT_KEY = re.compile(r"[A-Za-z0-9._-]{1,64}")

Status = Mailing.Status
# The states a sender claims batches in.
ACTIVE = (Status.QUEUED, Status.SENDING)


class MailingError(Exception):
    """A change the mailing's state does not allow (resume a finished mailing); the message says why."""


@dataclass(frozen=True)
class Recipients:
    """A mailing's recipients as columns, one entry per recipient, the way the event that causes it holds them.

    `keys` are unique within the mailing (an application number, a user id): the Message-ID is made from them.
    `contexts`, when given, is what each message's templates get besides the mailing's own context.
    """

    keys: Sequence[str]
    emails: Sequence[str]
    languages: Sequence[str]
    user_ids: Sequence[int | None] | None = None
    contexts: Sequence[Mapping[str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def check(self) -> None:
        rows = len(self.keys)
        for name in ("emails", "languages", "user_ids", "contexts"):
            column = getattr(self, name)
            if column is not None and len(column) != rows:
                raise ValueError(f"{name} has {len(column)} entries for {rows} recipients")
        malformed = next((key for key in self.keys if not RECIPIENT_KEY.fullmatch(key)), None)
        if malformed is not None:
            raise ValueError(
                f"recipient key {malformed!r} is not 1-64 letters, digits, dots, dashes, underscores"
            )
        unaddressed = next((email for email in self.emails if "@" not in email), None)
        if unaddressed is not None:
            raise ValueError(f"{unaddressed!r} is not an e-mail address")


def message_id_domain() -> str:
    """The right-hand side of every mailing Message-ID: the sending domain, from DEFAULT_FROM_EMAIL."""
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "bawaba"


def message_id(*, mailing_id: int, recipient_key: str) -> str:
    """The same for every send of one message, different for any other: `<mailing-7.A-1234@bawaba.ma>`."""
    return f"<mailing-{mailing_id}.{recipient_key}@{message_id_domain()}>"


@transaction.atomic
def create_mailing(
    *,
    kind: str,
    label: str,
    recipients: Recipients,
    created_by: Any = None,
    context: Mapping[str, Any] | None = None,
    rate_per_second: int = 0,
    domain_limits: Mapping[str, int] | None = None,
    status: str = Status.QUEUED,
) -> Mailing:
    """Write a mailing and one message per recipient, set-based, in the caller's transaction.

    `kind` is a registered e-mail kind (its templates render every message, in each recipient's language);
    `rate_per_second` caps all senders together (0: no cap) and `domain_limits` some receiving domains
    ({"gmail.com": 20}). A mailing created as a draft is not sent until `resume_mailing`.
    """
    registry.email_kind(kind)  # UnknownEmailKind before anything is written
    recipients.check()
    if status not in (Status.DRAFT, Status.QUEUED):
        raise ValueError("a mailing starts as a draft or queued")
    mailing = Mailing.objects.create(
        kind=kind,
        label=label,
        created_by=created_by,
        status=status,
        context=dict(context or {}),
        rate_per_second=rate_per_second,
        message_count=len(recipients),
    )
    MailingDomainLimit.objects.bulk_create(
        MailingDomainLimit(mailing=mailing, domain=domain.lower(), rate_per_second=rate)
        for domain, rate in (domain_limits or {}).items()
    )
    _write_messages(mailing, recipients)
    record_event(
        actor=created_by,
        action="mailing.created",
        target=mailing,
        data={"kind": kind, "messages": len(recipients)},
    )
    return mailing


def _write_messages(mailing: Mailing, recipients: Recipients) -> None:
    rows = len(recipients)
    if not rows:
        return
    languages = {code: supported_language(code) for code in set(recipients.languages)}
    columns: dict[str, Any] = {
        "mailing": mailing.pk,
        "recipient_key": list(recipients.keys),
        "user": list(recipients.user_ids) if recipients.user_ids is not None else None,
        "to_email": list(recipients.emails),
        "domain": [email.rpartition("@")[2].lower() for email in recipients.emails],
        "language": [languages[code] for code in recipients.languages],
        "context": (
            # One encoder for all: json.dumps with an option builds a new one per call.
            list(map(json.JSONEncoder(ensure_ascii=False).encode, map(dict, recipients.contexts)))
            if recipients.contexts is not None
            else "{}"
        ),
        "status": MailingMessage.Status.PENDING,
        "attempts": 0,
        "last_error": "",
    }
    BulkWriter(connection).insert(MailingMessage, columns, rows=rows)


def _change_status(
    *, mailing: Mailing, actor: Any, allowed_from: Sequence[str], to: str, action: str
) -> Mailing:
    changed = Mailing.objects.filter(pk=mailing.pk, status__in=allowed_from).update(status=to)
    if not changed:
        mailing.refresh_from_db(fields=["status"])
        raise MailingError(
            _("This mailing is %(status)s: it cannot be changed that way.")
            % {"status": mailing.get_status_display().lower()}
        )
    mailing.status = to
    record_event(actor=actor, action=action, target=mailing)
    return mailing


@transaction.atomic
def pause_mailing(*, mailing: Mailing, actor: Any) -> Mailing:
    """Stop sending after the batches in flight; nothing is lost, `resume_mailing` goes on where it stopped."""
    return _change_status(
        mailing=mailing, actor=actor, allowed_from=ACTIVE, to=Status.PAUSED, action="mailing.paused"
    )


@transaction.atomic
def resume_mailing(*, mailing: Mailing, actor: Any) -> Mailing:
    """Send a paused mailing (or a draft) again: senders take up its remaining messages."""
    return _change_status(
        mailing=mailing,
        actor=actor,
        allowed_from=(Status.PAUSED, Status.DRAFT),
        to=Status.QUEUED,
        action="mailing.resumed",
    )


@transaction.atomic
def cancel_mailing(*, mailing: Mailing, actor: Any) -> Mailing:
    """Send nothing more: every message still waiting is cancelled (the batches in flight finish)."""
    _change_status(
        mailing=mailing,
        actor=actor,
        allowed_from=(Status.DRAFT, *ACTIVE, Status.PAUSED),
        to=Status.CANCELLED,
        action="mailing.cancelled",
    )
    MailingMessage.objects.filter(mailing=mailing, status=MailingMessage.Status.PENDING).update(
        status=MailingMessage.Status.CANCELLED, context={}
    )
    Mailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now())
    return mailing


@transaction.atomic
def cancel_messages(*, mailing: Mailing, recipient_keys: Sequence[str], actor: Any) -> int:
    """Send nothing to these recipients of a mailing (their messages still waiting are cancelled and their
    context, a temporary password say, wiped); the rest of the mailing is untouched. Returns how many."""
    cancelled = 0
    keys = list(recipient_keys)
    # Chunks keep each statement under SQLite's limit on parameters.
    for start in range(0, len(keys), 10_000):
        cancelled += MailingMessage.objects.filter(
            mailing=mailing,
            recipient_key__in=keys[start : start + 10_000],
            status=MailingMessage.Status.PENDING,
        ).update(status=MailingMessage.Status.CANCELLED, context={})
    if cancelled:
        record_event(
            actor=actor, action="mailing.messages_cancelled", target=mailing, data={"messages": cancelled}
        )
    return cancelled
