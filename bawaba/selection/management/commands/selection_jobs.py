from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation

from bawaba.selection.models import SelectionRun
from bawaba.selection.services import (
    COMPUTATION,
    SelectionError,
    compute_run,
    publish_requested_run,
    retry_run,
)


class Command(BaseCommand):
    help = (
        "List the selection runs whose computation or publication is under way, and those whose worker stopped "
        "(killed: no sign of life for SELECTION_JOB_LEASE_SECONDS), which count as failed; --retry RUN starts "
        "such a job again, or a failed computation, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--retry", type=int, metavar="RUN", help="retry this run's job here and now")

    def handle(self, *args, retry, **options):
        if retry is not None:
            return self._retry(retry)
        runs = (
            SelectionRun.objects.filter(
                Q(
                    status__in=[
                        SelectionRun.Status.QUEUED,
                        SelectionRun.Status.RUNNING,
                        SelectionRun.Status.FAILED,
                    ]
                )
                | Q(status=SelectionRun.Status.COMPUTED, publish_requested_at__isnull=False)
            )
            .select_related("campaign")
            .defer("frozen_inputs")
            .order_by("pk")
        )
        shown = 0
        for run in runs:
            state = self._state(run)
            if state:
                shown += 1
                self.stdout.write(f"Run {run.pk} ({run.campaign.slug} {run.stage}): {state}")
        if not shown:
            self.stdout.write("No selection job is under way, stopped or failed.")

    def _state(self, run: SelectionRun) -> str:
        beat = (
            f"last sign of life {run.heartbeat_at:%Y-%m-%d %H:%M:%S %Z}"
            if run.heartbeat_at
            else "no sign of life"
        )
        if run.is_stale:
            job = "publication" if run.is_publishing else "computation"
            return f"{job} FAILED: its worker stopped ({beat}); retry with --retry {run.pk}"
        if run.status == SelectionRun.Status.FAILED:
            return f"computation FAILED ({run.error}); retry with --retry {run.pk}"
        if run.is_publishing:
            return f"publication {'under way' if run.is_publication_running else 'waiting for a worker'} ({beat})"
        if run.status == SelectionRun.Status.RUNNING:
            return f"computation under way, step {run.progress_step} ({beat})"
        if run.status == SelectionRun.Status.QUEUED:
            return "computation waiting for a worker"
        return ""

    def _retry(self, pk: int) -> None:
        try:
            run = SelectionRun.objects.defer("frozen_inputs").get(pk=pk)
        except SelectionRun.DoesNotExist:
            raise CommandError(f"No selection run {pk}.") from None
        try:
            # Refusals in English, as the command's other lines (the site's default language would be Arabic).
            with translation.override("en"):
                job = retry_run(run=run, enqueue=False)
        except SelectionError as error:
            raise CommandError(str(error)) from error
        if job == COMPUTATION:
            run = compute_run(
                run_id=pk, progress=lambda step, percent: self.stdout.write(f"  {percent:3d}% {step}")
            )
        else:
            run = publish_requested_run(run_id=pk, actor_id=run.publish_requested_by_id)
            if not run.is_published:
                raise CommandError(f"Run {pk} is not published: {run.publish_error}")
        self.stdout.write(self.style.SUCCESS(f"Run {pk}: {job} retried, now {run.status}."))
