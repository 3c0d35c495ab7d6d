from django.core.management.base import BaseCommand, CommandError

from bawaba.campaigns.models import Campaign
from bawaba.selection.services import SelectionError
from bawaba.selection.services.promotion import run_promotion_round


class Command(BaseCommand):
    help = (
        "Run a waiting-list promotion round of a campaign's published selection (for a daily cron): the places "
        "released since the last round (declined, withdrawn, training not started) go down the waiting lists. "
        "Idempotent: when nothing was released since the last round, no round is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's slug")
        parser.add_argument(
            "--not-started",
            default="",
            help="comma-separated application ids of admitted candidates who had not started the training by "
            "the deadline (the progress import's list)",
        )

    def handle(self, *args, campaign, not_started, **options):
        try:
            selected = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign {campaign!r}.") from None
        try:
            ids = [int(part) for part in not_started.split(",") if part.strip()]
        except ValueError:
            raise CommandError("--not-started takes application ids separated by commas.") from None
        try:
            promotion_round = run_promotion_round(campaign=selected, actor=None, not_started=ids)
        except SelectionError as error:
            raise CommandError(str(error)) from None
        if promotion_round is None:
            self.stdout.write("Nothing was released since the last round: no new round.")
            return
        summary = promotion_round.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Round {promotion_round.number} of run {promotion_round.run_id}: "
                f"{summary['released']} candidates released, {summary['places_released']} places released, "
                f"{summary['promotions']} promotions ({summary['from_waiting']} from a waiting list, "
                f"{summary['moved_up']} to a commune ranked higher). "
                f"Input digest {promotion_round.input_digest}, output digest {promotion_round.output_digest}."
            )
        )
