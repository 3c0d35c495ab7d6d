from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bawaba.territory.services import load_territory


class Command(BaseCommand):
    help = "Load Morocco's regions, provinces, communes and arrondissements (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--centroids",
            type=Path,
            default=settings.BAWABA_TERRITORY_CENTROIDS,
            help=(
                "a CSV with code, lat and lon columns (OpenStreetMap, ODbL); default: the file shipped in "
                "bawaba/territory/data/ (setting BAWABA_TERRITORY_CENTROIDS)"
            ),
        )
        parser.add_argument("--no-centroids", action="store_true", help="load no commune centroids")

    def handle(self, *args, centroids: Path | None, no_centroids: bool, **options):
        if no_centroids:
            centroids = None
        elif centroids is not None and not centroids.is_file():
            if centroids != settings.BAWABA_TERRITORY_CENTROIDS:
                raise CommandError(f"No such file: {centroids}")
            self.stderr.write(f"No centroid file at {centroids}; communes are loaded without coordinates.")
            centroids = None
        report = load_territory(centroids_csv=centroids)
        for label in report.created:
            self.stdout.write(f"{label}: {report.created[label]} created, {report.updated[label]} updated")
        self.stdout.write(f"centroids: {report.centroids}")
        self.stdout.write(
            self.style.SUCCESS("Territory up to date." if report.changed else "Nothing to change.")
        )
