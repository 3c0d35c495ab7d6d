from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bawaba.campaigns.models import Campaign
from bawaba.training.services.replies import ReplyError, apply_reply_deadline


class Command(BaseCommand):
    help = (
        "Apply a campaign's reply deadline (for a daily cron): where no answer counts as declining, the admitted "
        "candidates without an answer whose deadline has passed lose their place, then a promotion round gives "
        "the places to the waiting lists. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's slug")

    def handle(self, *args, campaign, **options):
        selected = Campaign.objects.filter(slug=campaign[:200]).first()
        if selected is None:
            raise CommandError(f"No campaign {campaign!r}.")
        with translation.override("en"):
            try:
                applied = apply_reply_deadline(campaign=selected, actor=None)
            except ReplyError as error:
                raise CommandError(error.message) from None
        if not applied.counts_as_declining:
            self.stdout.write("No answer does not count as declining in this campaign: nobody was released.")
        elif not applied.released:
            self.stdout.write("Nobody is left without an answer past the deadline: nothing was changed.")
        else:
            promotion_round = applied.promotion_round
            self.stdout.write(
                self.style.SUCCESS(
                    f"{applied.released} candidates without an answer released; "
                    + (
                        f"promotion round {promotion_round.number}: "
                        f"{promotion_round.summary['promotions']} promotions."
                        if promotion_round
                        else "no promotion round."
                    )
                )
            )
