"""The demo's interviews and its published final selection (`make demo-data` runs it last; bawaba.demo.interviews)."""

from django.core.management.base import BaseCommand

from bawaba.demo.interviews import create_demo_interviews
from bawaba.demo.selectors import demo_campaign
from bawaba.demo.services import (
    CANDIDATE,
    SUPERVISED_PROVINCE_CODE,
    ensure_demo_authenticators,
    ensure_interviewer,
)


class Command(BaseCommand):
    help = (
        "Hold the demo census's interviews (sessions in every province, presence and scores; today's session in "
        "Kénitra awaits the demo interviewer) and publish its final selection; does nothing when it has sessions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, seed: int, **options):
        campaign = demo_campaign()
        if campaign is None:
            self.stdout.write("No demo campaign: run generate_demo first.")
            return
        interviewer = ensure_interviewer()
        ensure_demo_authenticators()
        result = create_demo_interviews(
            campaign=campaign,
            kenitra_code=SUPERVISED_PROVINCE_CODE,
            candidate_email=CANDIDATE.email,
            interviewer=interviewer,
            seed=seed,
        )
        self.stdout.write(self.style.SUCCESS(result.message) if result.created else result.message)
