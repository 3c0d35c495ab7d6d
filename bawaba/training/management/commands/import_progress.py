from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bawaba.campaigns.models import Campaign
from bawaba.training.models import ProgressImport
from bawaba.training.services.progress import describe, import_progress


class Command(BaseCommand):
    help = (
        "Import the e-learning platform's completion report (CSV: username, first_access, completion_percent, "
        "grade, last_access) for a campaign: imported whole, or refused whole with every faulty line printed "
        "(exit code 1). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's short name (slug)")
        parser.add_argument("file", type=Path, help="the report, a CSV file")
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the faulty lines' sentences (default: English)",
        )

    def handle(self, *args, campaign, file, language, **options):
        found = Campaign.objects.filter(slug=campaign).first()
        if found is None:
            raise CommandError(f"No campaign {campaign!r}.")
        try:
            size = file.stat().st_size
            if size > settings.BAWABA_PROGRESS_MAX_BYTES:
                data = file.open("rb").read(settings.BAWABA_PROGRESS_MAX_BYTES + 1)
            else:
                data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        result = import_progress(campaign=found, data=data, filename=file.name, actor=None)
        if result.status == ProgressImport.Status.REFUSED:
            with translation.override(language):
                for entry in result.errors:
                    for problem in entry.get("errors", []):
                        self.stderr.write(describe(problem, entry.get("line")))
            raise CommandError(
                f"{file.name} is refused: {len(result.errors)} faulty line(s) listed above"
                f"{' (the first 1,000)' if len(result.errors) >= 1000 else ''}; nothing was imported."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name} imported: {result.line_count} lines, {result.changed_count} candidates' progress changed."
            )
        )
