"""Scan again the documents the antivirus has not cleared (FAILED, PENDING), or all of them with --all (after a
signature update that matters). Safe to run from cron: each document is one scan and one transaction."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bawaba.documents.models import ScanState, StoredDocument
from bawaba.documents.services.files import rescan


class Command(BaseCommand):
    help = "Scan stored documents again with ClamAV (those whose scan failed or is pending; --all for every one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="scan every stored document, not only uncleared ones"
        )

    def handle(self, *args, **options):
        if not settings.BAWABA_CLAMD_ADDRESS:
            raise CommandError("BAWABA_CLAMD_ADDRESS is empty: no antivirus to ask.")
        documents = StoredDocument.objects.order_by("pk")
        if not options["all"]:
            documents = documents.filter(scan_state__in=[ScanState.FAILED, ScanState.PENDING])
        counts: dict[str, int] = {}
        for document in documents.iterator():
            state = rescan(document=document).scan_state
            counts[state] = counts.get(state, 0) + 1
        summary = (
            ", ".join(f"{state}: {count}" for state, count in sorted(counts.items())) or "nothing to scan"
        )
        self.stdout.write(summary)
