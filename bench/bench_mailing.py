"""Mailings through a real SMTP server on loopback: the outbox's batch senders beside a plain smtplib loop.

Run from the repository root (PostgreSQL; the database is created anew):

  .venv/bin/python bench/bench_mailing.py --messages 200000 --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_mailing

Measures, in one run, against one SMTP server (bench/fast_smtp_sink.py, in its own process: it answers, counts
and keeps nothing, so that the server is the same for everyone and never the thing measured):

1. writing the mailing: `create_mailing` with N recipients in one transaction (COPY), beside the same N rows
   written into the one-off outbox's table (`Notification`, with its unique idempotency key and four indexes),
   the alternative weighed in docs/decisions/0018;
2. a plain loop: one process, one smtplib connection, each message rendered from the same templates and
   assembled by the same code (the same bytes), and sent: everything but the database;
3. the outbox: `manage.py send_mailings` with 1 sender, then 2 senders, each a new mailing of N messages, timed
   from the senders' start to the mailing's last message recorded as sent (Django's start-up included);
   and 1 sender recording each message in its own commit (`--commit-every 1`) against grouped commits.
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_candidate_pages import drop_database, recreate_database  # noqa: E402


def recipients(count: int, offset: int):
    from bawaba.notifications.mailings import Recipients

    numbers = range(offset, offset + count)
    languages = ("ar", "fr", "en")
    return Recipients(
        keys=[f"A-{n}" for n in numbers],
        emails=[f"candidate{n}@example{n % 50}.ma" for n in numbers],
        languages=[languages[n % 3] for n in numbers],
        contexts=[{"reference": f"RGPH-{n:07d}"} for n in numbers],
    )


CONTEXT = {
    "campaign_title": "Recensement général de la population 2024",
    "dashboard_url": "https://bawaba.ma/me/",
}


def create(count: int, offset: int, label: str):
    from django.db import transaction

    from bawaba.campaigns.contributions import APPLICATION_RECEIVED
    from bawaba.notifications.mailings import create_mailing

    people = recipients(count, offset)
    started = time.perf_counter()
    with transaction.atomic():
        mailing = create_mailing(
            kind=APPLICATION_RECEIVED.key, label=label, recipients=people, context=CONTEXT
        )
    return mailing, time.perf_counter() - started


def write_notifications(count: int) -> float:
    """The same rows in the one-off outbox's table, set-based too, then taken out again."""
    import json

    from django.db import connection, transaction

    from bawaba.campaigns.contributions import APPLICATION_RECEIVED
    from bawaba.core.bulk import BulkWriter
    from bawaba.notifications.models import Notification

    people = recipients(count, 10_000_000)
    started = time.perf_counter()
    with transaction.atomic():
        BulkWriter(connection).insert(
            Notification,
            {
                "idempotency_key": [f"mailing:1:{key}" for key in people.keys],
                "kind": APPLICATION_RECEIVED.key,
                "to_email": list(people.emails),
                "language": list(people.languages),
                "context": [json.dumps({**CONTEXT, **c}) for c in people.contexts or ()],
                "status": "pending",
                "attempts": 0,
                "last_error": "",
                "created_at": "2026-12-05 10:00:00+00",
                "next_attempt_at": "2026-12-05 10:00:00+00",
            },
            rows=count,
        )
    elapsed = time.perf_counter() - started
    Notification.objects.all().delete()
    return elapsed


def plain_loop(count: int, port: int) -> float:
    """What one would write without an outbox: render each message and send it, one connection, no database."""
    import smtplib

    from django.conf import settings

    from bawaba.notifications.mime import assemble
    from bawaba.notifications.models import Mailing, MailingMessage
    from bawaba.notifications.sender import render_message

    mailing = Mailing(pk=0, kind="application_received", label="plain", context=CONTEXT)
    people = recipients(count, 20_000_000)
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for key, email, language, context in zip(
            people.keys, people.emails, people.languages, people.contexts or (), strict=True
        ):
            message = MailingMessage(recipient_key=key, to_email=email, language=language, context=context)
            rendered = render_message(mailing, message)
            wire = assemble(
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=rendered.to,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                message_id=rendered.message_id,
            )
            smtp.sendmail(wire.envelope_from, [wire.to], wire.data)
    return time.perf_counter() - started


def outbox(
    count: int, offset: int, senders: int, commit_every: int, environment: dict
) -> tuple[float, float]:
    from bawaba.notifications.models import Mailing

    mailing, written = create(count, offset, f"bench {senders} sender(s), commit every {commit_every}")
    command = [
        sys.executable, str(REPO / "manage.py"), "send_mailings",
        "--batch-size", "200", "--commit-every", str(commit_every), "--idle", "0.2",
    ]  # fmt: skip
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL)  # noqa: S603
        for _ in range(senders)
    ]
    try:
        while Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True).get() != "done":
            if any(process.poll() is not None for process in processes):
                raise SystemExit("a sender stopped")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    sent = mailing.messages.filter(status="sent").count()
    assert sent == count, f"{sent} of {count} sent"
    return written, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["BAWABA_LOCAL"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    from bawaba.notifications.smtp_sink import free_port

    call_command("migrate", verbosity=0)
    port = free_port()
    counter = Path(f"/tmp/bench-mailing-{port}.count")  # noqa: S108 - a scratch file of this run
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, str(REPO / "bench" / "fast_smtp_sink.py"), str(port), str(counter)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    environment = {**os.environ, "EMAIL_PORT": str(port), "EMAIL_HOST": "127.0.0.1"}
    n = args.messages
    rows = []
    try:
        notification_write = write_notifications(n)
        plain = plain_loop(n, port)
        print(f"-- plain loop: {plain:.1f} s, {n / plain:.0f}/s", flush=True)
        rows.append(("plain smtplib loop (render + send), 1 process", plain, None, n))
        # Each message in its own commit, on a quarter of the messages (a run takes long enough as it is).
        for offset, (senders, commit_every, count) in enumerate(((1, 20, n), (2, 20, n), (1, 1, n // 4))):
            written, elapsed = outbox(count, offset * n, senders, commit_every, environment)
            print(f"-- outbox {senders} sender(s), commit every {commit_every}: {elapsed:.1f} s", flush=True)
            rows.append(
                (f"outbox, {senders} sender(s), commit every {commit_every}", elapsed, written, count)
            )
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
        if args.drop:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
    accepted = int(counter.read_text()) if counter.exists() else 0

    print(
        f"\nPython {platform.python_version()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        f"at the end; the SMTP server accepted {accepted:,} messages in all.\n"
    )
    print("| sending | messages | time (s) | messages/s | rate vs plain loop |")
    print("|---|---:|---:|---:|---:|")
    for label, elapsed, _, count in rows:
        print(
            f"| {label} | {count:,} | {elapsed:.1f} | {count / elapsed:,.0f} | {count / elapsed / (n / plain):.2f} |"
        )
    mailing_write = rows[1][2]
    print(
        f"\nWriting the {n:,} messages: {mailing_write:.1f} s into the mailing's table (create_mailing, COPY), "
        f"{notification_write:.1f} s into the one-off outbox's table."
    )


if __name__ == "__main__":
    main()
