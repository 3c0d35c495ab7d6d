from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bawaba.campaigns.models import Campaign
from bawaba.selection.models import SelectionRun
from bawaba.selection.problems import describe_problems
from bawaba.selection.services import SelectionError, compute_run, create_run, publish_run


class Command(BaseCommand):
    help = "Compute a selection run (a dry run) for a campaign, and publish it with --publish."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's short name (slug)")
        parser.add_argument(
            "--seed", required=True, help="the public seed of the lottery, announced beforehand"
        )
        parser.add_argument(
            "--stage", default=SelectionRun.Stage.PRESELECTION, choices=SelectionRun.Stage.values
        )
        parser.add_argument("--publish", action="store_true", help="publish the run if its guarantees hold")
        parser.add_argument(
            "--unless-published",
            action="store_true",
            help="do nothing (and succeed) when a run of this stage is already published, as `make demo` does",
        )

    def handle(self, *args, campaign, seed, stage, publish, unless_published, **options):
        try:
            campaign = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with the short name {campaign!r}.") from None
        published = SelectionRun.objects.filter(
            campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED
        ).values_list("pk", flat=True)
        if unless_published and published:
            self.stdout.write(f"Run {published[0]} of this stage is already published: nothing to do.")
            return
        try:
            run = create_run(campaign=campaign, seed=seed, stage=stage)
            self.stdout.write(f"Run {run.pk}: {campaign.slug} {stage}, rules v{run.rules_version.version}")
            run = compute_run(
                run_id=run.pk, progress=lambda step, percent: self.stdout.write(f"  {percent:3d}% {step}")
            )
            totals = run.summary.get("totals", {})
            self.stdout.write(
                f"{run.status}: {totals.get('admitted', 0):,} admitted of "
                f"{totals.get('eligible', 0):,} eligible ({totals.get('candidates', 0):,} candidates), "
                f"{totals.get('places', 0):,} places"
            )
            self.stdout.write(f"input digest  {run.input_digest}\noutput digest {run.output_digest}")
            self.stdout.write("timings (s): " + ", ".join(f"{k} {v}" for k, v in run.timings.items()))
            # In English, as the command's other lines (the site's default language would be Arabic).
            with translation.override("en"):
                problems = describe_problems(run.problems)
            for problem in problems:
                self.stderr.write(problem.sentence)
                for line in (*problem.examples, problem.more):
                    if line:
                        self.stderr.write(f"  {line}")
            if publish:
                run = publish_run(run=run, computation=getattr(run, "computation", None))
                self.stdout.write(
                    self.style.SUCCESS(f"Run {run.pk} published at {run.published_at:%Y-%m-%d %H:%M:%S}.")
                )
        except SelectionError as error:
            raise CommandError(str(error)) from error
