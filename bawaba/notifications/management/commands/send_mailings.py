import datetime as dt
import signal

from django.core.management.base import BaseCommand

from bawaba.notifications.sender import MailingSender


class Command(BaseCommand):
    help = (
        "Send mailings in batches until stopped (SIGTERM or Ctrl-C: after the batch in flight). Run as many as "
        "you like, on any machine: two senders never claim the same message."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=200, help="messages a batch (one SMTP connection)"
        )
        parser.add_argument(
            "--commit-every", type=int, default=20, help="record what was sent every N messages (1: each one)"
        )
        parser.add_argument(
            "--lease", type=float, default=120.0,
            help="seconds after which the claimed messages of a sender that died are sent by another",
        )  # fmt: skip
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to wait when nothing is due")
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")

    def handle(
        self, *args, batch_size: int, commit_every: int, lease: float, idle: float, once: bool, **options
    ):
        if batch_size < 1 or commit_every < 1 or lease <= 0:
            self.stderr.write("--batch-size and --commit-every must be at least 1, --lease positive.")
            raise SystemExit(2)
        sender = MailingSender(
            batch_size=batch_size, commit_every=commit_every, lease=dt.timedelta(seconds=lease)
        )
        if once:
            totals = sender.send_until_idle()
        else:
            stopping = False

            def stop(*_):
                nonlocal stopping
                stopping = True

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            totals = sender.run(should_stop=lambda: stopping, idle_seconds=idle)
        self.stdout.write(
            f"{totals.sent} sent, {totals.retried} to retry, {totals.failed} failed, "
            f"{totals.skipped_bouncing} skipped (bouncing addresses)"
        )
