"""The demo's supporting documents, once the preselection is published (`make demo-data` runs it after
run_selection): the census's required documents, a dossier for every preselected candidate, files and review
decisions in the demo supervisor's provinces and beyond (bawaba.demo.documents)."""

from django.core.management.base import BaseCommand

from bawaba.demo.documents import create_demo_documents
from bawaba.demo.selectors import demo_campaign, published_preselection


class Command(BaseCommand):
    help = (
        "Ask the demo census's preselected candidates for their supporting documents and put the review under "
        "way (dossiers, files, decisions); does nothing when the demo already has them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, seed: int, **options):
        campaign = demo_campaign()
        if campaign is None:
            self.stdout.write("No demo campaign: run generate_demo first.")
            return
        result = create_demo_documents(
            campaign=campaign, run=published_preselection(), seed=seed, progress=self._progress
        )
        self.stdout.write(self.style.SUCCESS(result.message) if result.created else result.message)

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")
