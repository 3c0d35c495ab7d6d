import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bawaba.campaigns.models import Campaign
from bawaba.territory.models import Region
from bawaba.training.services import handover


class Command(BaseCommand):
    help = (
        "Write the Moodle bulk user-upload file of a campaign's admitted candidates (the whole country or one "
        "region) and hand their accounts over, as the staff page does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's short name (slug)")
        parser.add_argument("--region", help="a region's HCP code (default: the whole country)")
        parser.add_argument(
            "--include-exported",
            action="store_true",
            help="also the accounts handed over before, with new temporary passwords e-mailed to them",
        )
        parser.add_argument(
            "--unless-exported",
            action="store_true",
            help="do nothing (and succeed) when a finished export of this scope exists, as `make demo` does",
        )
        parser.add_argument("--output", required=True, help="the file to write (replaced only when complete)")

    def handle(self, *args, campaign, region, include_exported, unless_exported, output, **options):
        translation.activate("en")
        try:
            campaign = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with the short name {campaign!r}.") from None
        chosen = None
        if region:
            chosen = Region.objects.filter(code=region).first()
            if chosen is None:
                raise CommandError(f"No region with the code {region!r}.")
        if unless_exported and handover.scope_finished(campaign=campaign, region=chosen):
            self.stdout.write("A finished export of this scope exists: nothing to do.")
            return
        path = Path(output)
        partial = path.with_name(path.name + ".part")
        try:
            moodle_file = handover.start_export(
                campaign=campaign, region=chosen, include_exported=include_exported
            )
            # The file appears under its name only once the accounts are handed over: a file at `output` is
            # always one the platform may be given.
            with open(partial, "w", encoding="utf-8", newline="") as out:
                for chunk in moodle_file.chunks():
                    out.write(chunk)
        except handover.HandoverError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)
        export = moodle_file.export
        export.refresh_from_db()
        self.stdout.write(
            f"Export {export.pk}: {export.row_count} accounts handed over "
            f"({export.renewed_count} with a new password) into {path}."
        )
