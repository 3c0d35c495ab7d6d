"""A plausible completion report of the e-learning platform for the demo's accounts handed over to it.

Most candidates have started (some finished, with a grade), some have not; the demo candidate has started with
some progress, so that her dashboard shows it. The report is the same every time for the same accounts (its
numbers come from each account's id and the seed), so importing it again changes nothing.
"""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bawaba.campaigns.models import Campaign
from bawaba.demo.services import CANDIDATE
from bawaba.training.models import TrainingAccount
from bawaba.training.progress_csv import ProgressLine, write_progress_file

STARTED_SHARE = 0.8


def demo_report(accounts: list[TrainingAccount], *, seed: int) -> bytes:
    lines = []
    for number, account in enumerate(accounts, start=2):
        draw = random.Random(f"{seed}:{account.pk}")  # noqa: S311 - demo data, not a secret
        handed_over = account.exported_at or account.password_issued_at
        is_demo_candidate = account.username.lower() == CANDIDATE.email.lower()
        if not is_demo_candidate and draw.random() >= STARTED_SHARE:
            lines.append(ProgressLine(number, account.username, None, 0, None, None))
            continue
        first = handed_over + dt.timedelta(hours=draw.randint(2, 72), minutes=draw.randint(0, 59))
        first = first.replace(microsecond=0)
        percent = 35 if is_demo_candidate else draw.choice([5, 10, 20, 35, 50, 65, 80, 90, 100, 100])
        grade = Decimal(draw.randint(800, 2000)) / 100 if percent == 100 else None
        last = first + dt.timedelta(hours=draw.randint(1, 24 * 6))
        lines.append(ProgressLine(number, account.username, first, percent, grade, last))
    return write_progress_file(lines)


class Command(BaseCommand):
    help = (
        "Write a plausible completion report of the e-learning platform for a campaign's accounts handed over to "
        "it (the demo's), in the format import_progress reads. Without any account handed over, write nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's short name (slug)")
        parser.add_argument("--output", required=True, type=Path, help="where to write the CSV file")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, campaign, output, seed, **options):
        found = Campaign.objects.filter(slug=campaign).first()
        if found is None:
            raise CommandError(f"No campaign {campaign!r}.")
        accounts = list(
            TrainingAccount.objects.filter(campaign=found, exported_at__isnull=False).order_by(
                "application_id"
            )
        )
        if not accounts:
            output.unlink(missing_ok=True)
            self.stdout.write("No account is handed over to the e-learning platform yet: no progress report.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(demo_report(accounts, seed=seed))
        self.stdout.write(f"Progress report of {len(accounts)} accounts written to {output}.")
