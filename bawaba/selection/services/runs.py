"""Selection runs: starting one, the lease of the worker doing its job, and retrying a job whose worker died.

A run's job is its computation (status queued → running → computed) or, once asked from the staff page, its
publication (`publish_requested_at` set, `progress_step` publication_queued → publication_running). The worker
refreshes the run's `heartbeat_at` at each step, outside any transaction, so that a page reading the run sees
it. A worker killed hard (SIGKILL, the out-of-memory killer, a machine that stops) refreshes it no more: once
it is older than `settings.SELECTION_JOB_LEASE`, `SelectionRun.is_stale` says so, the pages show the job as
failed, and `retry_run` starts it again.

Why a lease refreshed at each step and not a thread beating every few seconds: the publication is one
transaction that holds the run's row lock (and, on SQLite, the database's write lock) from start to end, so no
other connection could refresh anything while it runs. The lease is therefore longer than the longest step;
at national scale that step takes seconds, and the default lease is ten minutes.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign, CommuneNeed
from bawaba.campaigns.rules.versions import current_rules
from bawaba.core.audit import record_event
from bawaba.selection import stage_scores
from bawaba.selection.models import SelectionRun

# The steps of a requested publication, in `progress_step` (the computation's steps come before).
PUBLICATION_QUEUED = "publication_queued"
PUBLICATION_RUNNING = "publication_running"

COMPUTATION = "computation"
PUBLICATION = "publication"


class SelectionError(Exception):
    """A run cannot be started, published or retried; the message is for the person who asked."""


def launch_obstacles(campaign: Campaign, *, stage: str = SelectionRun.Stage.PRESELECTION) -> list[str]:
    """Why a run of this campaign's stage cannot be launched now, for the person who would launch it; empty if it
    can. The staff page shows these instead of the launch form, and `create_run` refuses on the first.

    A run launched before registration closes is allowed: it is a rehearsal, which cannot be published
    (`publish_run`); the page says so beside the form.
    """
    obstacles = []
    if current_rules(campaign) is None:
        obstacles.append(_("This campaign has no selection rules yet."))
    if stage == SelectionRun.Stage.FIELD:
        if not CommuneNeed.objects.filter(campaign=campaign, stage=CommuneNeed.Stage.FIELD).exists():
            obstacles.append(_("This campaign has no field needs per commune yet."))
        if not SelectionRun.objects.filter(
            campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
        ).exists():
            obstacles.append(_("The final selection follows a published preselection."))
        if not stage_scores.registered(stage):
            obstacles.append(_("No interview scores can be read for the final selection."))
    elif not CommuneNeed.objects.filter(campaign=campaign, stage=CommuneNeed.Stage.TRAINING).exists():
        obstacles.append(_("This campaign has no training needs per commune yet."))
    runs = SelectionRun.objects.filter(campaign=campaign, stage=stage).defer("frozen_inputs")
    if runs.filter(status=SelectionRun.Status.PUBLISHED).exists():
        obstacles.append(_("A run of this stage is already published."))
    # A queued run that no worker took up within a lease no longer holds the launch back (no worker may be
    # running at all); a running or publishing one holds it while its worker gives signs of life.
    recent = timezone.now() - settings.SELECTION_JOB_LEASE
    pending = runs.filter(status__in=[SelectionRun.Status.QUEUED, SelectionRun.Status.RUNNING]) | runs.filter(
        status=SelectionRun.Status.COMPUTED, publish_requested_at__isnull=False
    )
    if any(
        run.is_in_progress and (run.status != SelectionRun.Status.QUEUED or run.created_at >= recent)
        for run in pending
    ):
        obstacles.append(_("A run of this stage is in progress: wait until it is computed or has failed."))
    return obstacles


def create_run(
    *, campaign: Campaign, seed: str, actor=None, stage: str = SelectionRun.Stage.PRESELECTION
) -> SelectionRun:
    """Record a queued run with the campaign's current rules; the caller computes it (or `start_run` queues it)."""
    seed = (seed or "").strip()
    if not seed:
        raise SelectionError(_("Give the public seed of the draw."))
    if len(seed) > 200:
        raise SelectionError(_("The seed is at most 200 characters long."))
    obstacles = launch_obstacles(campaign, stage=stage)
    if obstacles:
        raise SelectionError(obstacles[0])
    rules = current_rules(campaign)
    if rules is None:  # launch_obstacles said so already; this tells the type checker
        raise SelectionError(_("This campaign has no selection rules yet."))
    with transaction.atomic():
        run = SelectionRun.objects.create(
            campaign=campaign, stage=stage, rules_version=rules, seed=seed, created_by=user_or_none(actor)
        )
        record_event(
            actor=actor,
            action="selection.run_created",
            target=run,
            data={"campaign": campaign.slug, "stage": stage, "seed": seed, "rules_version": rules.version},
        )
    return run


def start_run(
    *, campaign: Campaign, seed: str, actor=None, stage: str = SelectionRun.Stage.PRESELECTION
) -> SelectionRun:
    """Create a run and hand its computation to a worker once the row is committed."""
    from bawaba.selection.tasks import compute_selection_run

    with transaction.atomic():
        run = create_run(campaign=campaign, seed=seed, actor=actor, stage=stage)
        transaction.on_commit(lambda: compute_selection_run.enqueue(run.pk))
    return run


# ------------------------------------------------------------------------------------------------- lease


def beat(*, run_id: int, attempt: int | None = None, **fields) -> bool:
    """Refresh the run's lease (and set `fields`), outside any transaction so that every reader sees it at once.

    With `attempt`, only while that computation is still the run's; False if it is not (a retry took over).
    """
    runs = SelectionRun.objects.filter(pk=run_id)
    if attempt is not None:
        runs = runs.filter(attempt=attempt)
    return bool(runs.update(heartbeat_at=timezone.now(), **fields))


def stale_runs() -> QuerySet[SelectionRun]:
    """Runs whose worker took up their computation or publication and then stopped giving signs of life."""
    dead_since = timezone.now() - settings.SELECTION_JOB_LEASE
    working = SelectionRun.objects.filter(status=SelectionRun.Status.RUNNING) | SelectionRun.objects.filter(
        status=SelectionRun.Status.COMPUTED,
        publish_requested_at__isnull=False,
        progress_step=PUBLICATION_RUNNING,
    )
    return (working.filter(heartbeat_at__lt=dead_since) | working.filter(heartbeat_at__isnull=True)).defer(
        "frozen_inputs"
    )


def retry_run(*, run: SelectionRun, actor=None, enqueue: bool = True) -> str:
    """Start again the job of a run whose worker died (`is_stale`) or whose computation failed.

    A computation starts over as a new attempt (nothing of the dead one was kept: the run's results are written
    in one transaction at its end). A publication is handed to a worker again (the dead worker's transaction was
    rolled back with its connection: nothing of it is visible). Returns which job it was (COMPUTATION or
    PUBLICATION). With `enqueue` (the staff page), a worker does it once committed; without (the command
    line), the caller does it in its own process.
    """
    from bawaba.selection.tasks import compute_selection_run, publish_selection_run

    with transaction.atomic():
        run = SelectionRun.objects.select_for_update().defer("frozen_inputs").get(pk=run.pk)
        was_failed = run.status == SelectionRun.Status.FAILED
        if not (run.is_stale or was_failed):
            raise SelectionError(_("Only a failed run, or one whose worker stopped, can be retried."))
        if run.is_publishing:
            job = PUBLICATION
            run.progress_step = PUBLICATION_QUEUED
            run.heartbeat_at = timezone.now()
            run.save(update_fields=["progress_step", "heartbeat_at"])
            actor_id = run.publish_requested_by_id
            if enqueue:
                transaction.on_commit(lambda: publish_selection_run.enqueue(run.pk, actor_id))
        else:
            job = COMPUTATION
            run.status = SelectionRun.Status.QUEUED
            run.attempt += 1
            run.error = ""
            run.finished_at = None
            run.heartbeat_at = None
            run.progress_step, run.progress_percent = "", 0
            run.save(
                update_fields=[
                    "status",
                    "attempt",
                    "error",
                    "finished_at",
                    "heartbeat_at",
                    "progress_step",
                    "progress_percent",
                ]
            )
            if enqueue:
                transaction.on_commit(lambda: compute_selection_run.enqueue(run.pk))
        record_event(
            actor=actor,
            action="selection.run_retried",
            target=run,
            data={"job": job, "after": "failure" if was_failed else "worker stopped", "attempt": run.attempt},
        )
    return job


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None
