"""THE KILL TEST: a real sender process, killed with SIGKILL at random moments while it sends a mailing, twenty
times, restarted each time. At the end no message is lost, and a message the server received twice is the same
message (one Message-ID per recipient) whose first copy was accepted before a kill: the one window where the
server has answered and the database has not yet recorded it.

It runs on both engines (SQLite's WAL survives a killed writer as PostgreSQL drops a killed connection's
transaction) and prints its counts (`pytest -s`).
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.smtp_sink import MaildirHandler, start_sink
from bawaba.notifications.tests.mailing_helpers import create
from tests.processes import database_url, plain_environment

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = 300
KILLS = 20
# Slow enough that twenty kills land while messages are still waiting; each batch books a third of a second.
RATE = 40


class AcceptanceLog(MaildirHandler):
    """Notes when each message was accepted (the moment the sender is told "250"), and its Message-ID and To."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.accepted: list[tuple[float, str, str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        headers = BytesHeaderParser().parsebytes(envelope.original_content or b"")
        with self._lock:
            self.accepted.append((time.monotonic(), headers["Message-ID"], headers["To"]))
        return "250 Message accepted for delivery"


def _start_sender(environment: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable, str(ROOT / "manage.py"), "send_mailings",
        "--batch-size", "10", "--commit-every", "5", "--lease", "1", "--idle", "0.1",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_twenty_times_loses_nothing_and_sends_twice_only_what_a_kill_left_unrecorded(
    tmp_path,
):
    log = AcceptanceLog(tmp_path)
    sink = start_sink(directory=tmp_path, handler=log)
    mailing = create(MESSAGES, rate_per_second=RATE)
    environment = plain_environment(
        BAWABA_LOCAL="1",
        BAWABA_VAR_DIR=str(tmp_path),
        DATABASE_URL=database_url(),
        EMAIL_PORT=str(sink.port),
        EMAIL_TIMEOUT="5",
    )
    seed = int(os.environ.get("KILL_TEST_SEED", random.randrange(10**6)))
    chance = random.Random(seed)  # noqa: S311 - moments of a test, not secrets
    kills: list[float] = []
    try:
        for _ in range(KILLS):
            sender = _start_sender(environment)
            accepted_before = len(log.accepted)
            deadline = time.monotonic() + 30
            while len(log.accepted) == accepted_before:  # kill it while it sends, not while Django starts
                assert sender.poll() is None, sender.stderr.read().decode() if sender.stderr else ""
                assert time.monotonic() < deadline, "the sender sent nothing"
                time.sleep(0.01)
            time.sleep(chance.uniform(0, 0.4))
            sender.send_signal(signal.SIGKILL)
            sender.wait(timeout=10)
            kills.append(time.monotonic())

        sender = _start_sender(environment)
        deadline = time.monotonic() + 60
        while Mailing.objects.get(pk=mailing.pk).status != Mailing.Status.DONE:
            assert sender.poll() is None, sender.stderr.read().decode() if sender.stderr else ""
            assert time.monotonic() < deadline, "the mailing never finished"
            time.sleep(0.1)
        sender.send_signal(signal.SIGTERM)
        assert sender.wait(timeout=30) == 0
    finally:
        sink.stop()

    copies: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for accepted_at, message_id, to in log.accepted:
        copies[to].append((accepted_at, message_id))
    expected = set(mailing.messages.values_list("to_email", flat=True))
    twice = {to: times for to, times in copies.items() if len(times) > 1}
    print(  # noqa: T201 - the counts this test is asked to show
        f"\nkill test (seed {seed}): {MESSAGES} messages, {len(kills)} kills, {len(log.accepted)} accepted by the "
        f"server, {len(copies)} recipients reached, {len(twice)} received twice or more "
        f"({sum(len(times) - 1 for times in twice.values())} extra copies)"
    )
    assert set(copies) == expected  # no message lost
    assert mailing.messages.exclude(status=MailingMessage.Status.SENT).count() == 0
    for to, times in twice.items():
        assert len({message_id for _, message_id in times}) == 1, f"{to} got different Message-IDs"
        for (first, _), (again, _) in zip(times, times[1:], strict=False):
            assert any(first <= kill <= again for kill in kills), (
                f"{to} was sent twice without a kill between"
            )
