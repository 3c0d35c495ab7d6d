"""What the mailing tests share: a sink that can refuse, a clock that only moves when the sender sleeps."""

import datetime as dt
import threading
from collections import Counter
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from bawaba.campaigns.contributions import APPLICATION_RECEIVED
from bawaba.notifications import mailings
from bawaba.notifications.models import Mailing
from bawaba.notifications.smtp_sink import MaildirHandler


class FakeClock:
    """The sender's clock in tests: time passes only when it sleeps, so rates are counted, never timed."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.moment = start or dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.moment += dt.timedelta(seconds=seconds)


class RefusingHandler(MaildirHandler):
    """The sink, refusing some recipients: `permanent` with a 550, `temporary` with a 451 their first `times` tries.

    It notes the clock's time of each accepted message and counts connections (one EHLO each).
    """

    def __init__(
        self, directory: Path, *, clock: FakeClock | None = None, permanent=(), temporary=(), times=1
    ):
        super().__init__(directory)
        self.clock = clock
        self.permanent = set(permanent)
        self.temporary = Counter({address: times for address in temporary})
        self.accepted_at: list[tuple[str, dt.datetime]] = []
        self.connections = 0
        self._lock = threading.Lock()

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options):  # noqa: N802
        if address in self.permanent:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        with self._lock:
            if self.temporary[address] > 0:
                self.temporary[address] -= 1
                return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.clock is not None:
            self.accepted_at.append((envelope.rcpt_tos[0], self.clock.now()))
        return await super().handle_DATA(server, session, envelope)


def received(directory: Path) -> list[Message]:
    return [message_from_bytes(path.read_bytes()) for path in sorted(directory.glob("*.eml"))]


def recipients(count: int, *, domain: str = "example.ma", start: int = 0) -> mailings.Recipients:
    numbers = range(start, start + count)
    return mailings.Recipients(
        keys=[f"A-{n}" for n in numbers],
        emails=[f"person{n}@{domain}" for n in numbers],
        languages=["ar", "fr", "en"] * (count // 3) + ["fr"] * (count % 3),
        contexts=[{"reference": f"A-{n}"} for n in numbers],
    )


def create(count: int = 10, **overrides) -> Mailing:
    arguments = {
        "kind": APPLICATION_RECEIVED.key,
        "label": "Test mailing",
        "recipients": recipients(count),
        "context": {"campaign_title": "Recensement 2024", "dashboard_url": "https://bawaba.example/me/"},
        **overrides,
    }
    return mailings.create_mailing(**arguments)
