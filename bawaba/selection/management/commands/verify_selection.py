from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bawaba.selection.models import SelectionRun
from bawaba.selection.services import verify_run


class Command(BaseCommand):
    help = (
        "Recompute a selection run from its frozen inputs and compare it with everything recorded and published: "
        "digests, guarantees, the public report's lines and totals, every field of every decision."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", type=int, help="the run's number")
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the verification's lines (default: English, as the command's own messages)",
        )

    def handle(self, *args, run, language, **options):
        try:
            selection_run = SelectionRun.objects.get(pk=run)
        except SelectionRun.DoesNotExist:
            raise CommandError(f"No selection run {run}.") from None
        with translation.override(language):
            verification = verify_run(run=selection_run)
            # The lines are rendered while the language is active: their words are lazy translations.
            for line in verification.lines:
                self.stdout.write(str(line))
                for detail in line.details:
                    self.stdout.write(f"  {detail}")
        if not verification.ok:
            raise CommandError(f"Run {run} does NOT verify.")
        self.stdout.write(
            self.style.SUCCESS(f"Run {run} verifies: same inputs, same result, same publication.")
        )
