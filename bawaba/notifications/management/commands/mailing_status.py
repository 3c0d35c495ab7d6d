from django.core.management.base import BaseCommand, CommandError

from bawaba.notifications.models import Mailing
from bawaba.notifications.selectors import mailing_progress, mailings_newest_first, messages_with_answers


class Command(BaseCommand):
    help = "The progress of the mailings (the 20 newest), or of one with the servers' last refusals."

    def add_arguments(self, parser):
        parser.add_argument("mailing_id", nargs="?", type=int, help="one mailing, in detail")

    def handle(self, *args, mailing_id: int | None, **options):
        if mailing_id is None:
            mailings = list(mailings_newest_first()[:20])
            if not mailings:
                self.stdout.write("No mailing yet.")
            for progress in mailing_progress(mailings):
                self.stdout.write(self._line(progress))
            return
        mailing = Mailing.objects.filter(pk=mailing_id).first()
        if mailing is None:
            raise CommandError(f"There is no mailing {mailing_id}.")
        (progress,) = mailing_progress([mailing])
        self.stdout.write(self._line(progress))
        limits = ", ".join(
            f"{limit.domain} {limit.rate_per_second}/s" for limit in mailing.domain_limits.all()
        )
        self.stdout.write(
            f"  kind {mailing.kind}; created {mailing.created_at:%Y-%m-%d %H:%M} UTC; "
            f"rate limit {mailing.rate_per_second or 'none'}{'/s' if mailing.rate_per_second else ''}"
            + (f"; domains: {limits}" if limits else "")
        )
        refused = list(messages_with_answers(mailing)[:20])
        if refused:
            self.stdout.write(f"  refused ({progress.failed} failed for good; first {len(refused)} shown):")
        for message in refused:
            self.stdout.write(
                f"    {message.to_email} [{message.status}, {message.attempts} tries] {message.last_error}"
            )

    @staticmethod
    def _line(progress) -> str:
        mailing = progress.mailing
        left = progress.time_left
        left_text = "-" if left is None else str(left)
        return (
            f"#{mailing.pk} {mailing.label} [{mailing.status}] {progress.percent_done}% done: "
            f"{progress.waiting} waiting, {progress.sent} sent, {progress.failed} failed"
            + (f", {progress.cancelled} cancelled" if progress.cancelled else "")
            + f"; {progress.rate:.1f}/s; time left {left_text}"
        )
