import time

from django.core.management.base import BaseCommand, CommandError

from bawaba.campaigns.models import Campaign
from bawaba.indicators.refresh import refresh_summary


class Command(BaseCommand):
    help = (
        "Refresh the indicators' summary figures of one campaign (--campaign) or of every open or recent one. "
        "Run it every few minutes from cron, or with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="the campaign's slug (default: every campaign)")
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds instead of once")

    def handle(self, *args, campaign: str | None, every: int, **options):
        if every < 0:
            raise CommandError("--every must be 0 (once) or a number of seconds.")
        while True:
            campaigns = Campaign.objects.order_by("pk")
            if campaign:
                campaigns = campaigns.filter(slug=campaign)
                if not campaigns.exists():
                    raise CommandError(f"No campaign {campaign!r}.")
            for each in campaigns:
                refresh = refresh_summary(each)
                self.stdout.write(f"{each.slug}: {refresh.figures} figures in {refresh.duration_ms} ms")
            if not every:
                return
            time.sleep(every)
