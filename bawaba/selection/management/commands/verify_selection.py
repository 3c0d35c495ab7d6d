from django.core.management.base import BaseCommand, CommandError

from bawaba.selection.models import SelectionRun
from bawaba.selection.services import verify_run


class Command(BaseCommand):
    help = "Recompute a selection run from its frozen inputs and check that its digests and decisions match."

    def add_arguments(self, parser):
        parser.add_argument("run", type=int, help="the run's number")

    def handle(self, *args, run, **options):
        try:
            selection_run = SelectionRun.objects.get(pk=run)
        except SelectionRun.DoesNotExist:
            raise CommandError(f"No selection run {run}.") from None
        verification = verify_run(selection_run)
        for line in verification.lines:
            self.stdout.write(line)
        if not verification.ok:
            raise CommandError(f"Run {run} does NOT verify.")
        self.stdout.write(self.style.SUCCESS(f"Run {run} verifies: same inputs, same result."))
