"""Publishing a computed run: once per campaign stage, all of its decisions or none.

Publishing recomputes the run from its frozen inputs and refuses if the digests differ from the dry run's or if
a guarantee fails, then writes every decision and the run's published status in one transaction. From the staff
page it is a worker's task (`request_publication`, then `publish_requested_run`); `run_selection --publish`
calls `publish_run` in its own process.

A candidate's status at a stage is her decision in the stage's published run (SelectionDecision), not a column of
her application: rewriting 488,321 application rows would rewrite every index of that table (the trigram index
of the staff search among them), 42 s for 200,000 rows on PostgreSQL, where 488,321 narrow decision rows are
written by COPY in a few seconds. Decisions are visible only once their run is published.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.selection import frozen, inputs, promotion, signals
from bawaba.selection.models import PublishedInstance, SelectionDecision, SelectionRun
from bawaba.selection.services.computation import OUTCOMES, Computation, decision_columns, recompute
from bawaba.selection.services.runs import (
    PUBLICATION_QUEUED,
    PUBLICATION_RUNNING,
    SelectionError,
    user_or_none,
)
from bawaba.territory.models import Commune

logger = logging.getLogger(__name__)


def request_publication(*, run: SelectionRun, actor) -> SelectionRun:
    """Hand the publication of a computed run to a worker, once the checks that need no recomputation pass.

    Refuses at once what `publish_run` would refuse before recomputing (`_check_publishable`), and a second
    request while a publication of this stage is under way. The worker makes every check again, under the
    campaign's lock and with the recomputation (`publish_requested_run`).
    """
    from bawaba.selection.tasks import publish_selection_run

    run = SelectionRun.objects.select_related("campaign").defer("frozen_inputs").get(pk=run.pk)
    _check_publishable(run)
    _check_no_publication_under_way(run)
    actor_id = getattr(actor, "pk", None)
    try:
        with transaction.atomic():
            # A conditional update: of two requests for this run at the same moment, only one changes the row.
            requested = SelectionRun.objects.filter(
                pk=run.pk, status=SelectionRun.Status.COMPUTED, publish_requested_at__isnull=True
            ).update(
                publish_requested_at=timezone.now(),
                publish_requested_by=user_or_none(actor),
                publish_error="",
                progress_step=PUBLICATION_QUEUED,
                progress_percent=0,
                heartbeat_at=timezone.now(),
            )
            if not requested:
                raise SelectionError(_("The publication of this run is already requested."))
            record_event(
                actor=actor,
                action="selection.publication_requested",
                target=run,
                data={"output_digest": run.output_digest},
            )
            transaction.on_commit(lambda: publish_selection_run.enqueue(run.pk, actor_id))
    except IntegrityError:
        # Another run of the stage was requested at the same moment: the partial unique index kept that one.
        _check_no_publication_under_way(run)
        raise SelectionError(
            _("Another publication of this stage was requested at the same moment: try again.")
        ) from None
    run.refresh_from_db()
    return run


def _check_no_publication_under_way(run: SelectionRun) -> None:
    under_way = (
        SelectionRun.objects.filter(
            campaign_id=run.campaign_id,
            stage=run.stage,
            status=SelectionRun.Status.COMPUTED,
            publish_requested_at__isnull=False,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if under_way == run.pk:
        raise SelectionError(_("The publication of this run is already requested."))
    if under_way is not None:
        raise SelectionError(
            _("The publication of run %(number)s, of the same stage, is already requested.")
            % {"number": under_way}
        )


def publish_requested_run(*, run_id: int, actor_id: int | None) -> SelectionRun:
    """Carry out a publication that `request_publication` handed over: the worker's side.

    A second delivery of the task finds the run published, or its request cleared by a failure, and does
    nothing. A failure leaves nothing published (see `publish_run`); it is recorded on the run for its page
    and the request is cleared, so that the publication can be asked again. Taking the job up refreshes the
    run's lease: the publication is then one transaction, during which nothing else can.
    """
    started = SelectionRun.objects.filter(
        pk=run_id, status=SelectionRun.Status.COMPUTED, publish_requested_at__isnull=False
    ).update(progress_step=PUBLICATION_RUNNING, heartbeat_at=timezone.now())
    run = SelectionRun.objects.select_related("campaign").defer("frozen_inputs").get(pk=run_id)
    if not started:
        return run
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        # Refusals are stored in the source language; the run's page translates them for whoever reads it.
        with translation.override(None):
            publish_run(run=run, actor=actor)
    # BaseException: a worker stopped in the middle (SystemExit) clears the request too, or the run would wait
    # for a publication that nothing is doing.
    except BaseException as error:
        # Two deliveries of the task at once: the other one may have published the run while this one waited
        # for the campaign's lock, and this one's refusal is then no failure.
        if not SelectionRun.objects.filter(pk=run_id, status=SelectionRun.Status.PUBLISHED).exists():
            logger.exception("Publication of selection run %s failed", run_id)
            _record_publication_failure(run, error, actor=actor)
        if not isinstance(error, SelectionError):
            raise
    else:
        SelectionRun.objects.filter(pk=run_id).update(progress_step="done", progress_percent=100)
    run.refresh_from_db()
    return run


def _record_publication_failure(run: SelectionRun, error: BaseException, *, actor) -> None:
    message = str(error) if isinstance(error, SelectionError) else f"{type(error).__name__}: {error}"
    with transaction.atomic():
        SelectionRun.objects.filter(pk=run.pk, status=SelectionRun.Status.COMPUTED).update(
            publish_requested_at=None,
            publish_requested_by=None,
            publish_error=message,
            progress_step="done",
            progress_percent=100,
        )
        record_event(actor=actor, action="selection.publication_failed", target=run, data={"error": message})


def publish_run(*, run: SelectionRun, actor=None, computation: Computation | None = None) -> SelectionRun:
    """Write every decision of a computed run and mark it published, all or nothing, once per stage.

    The run is recomputed from its frozen inputs, unless the caller passes the `computation` it has just made
    of them (`run_selection --publish`); either way its digests must be the recorded ones.
    """
    started = time.perf_counter()
    with transaction.atomic():
        # The campaign's row is the lock: two runs of one campaign cannot be published at the same time.
        Campaign.objects.select_for_update().filter(pk=run.campaign_id).first()
        run = SelectionRun.objects.select_for_update().select_related("campaign").get(pk=run.pk)
        _check_publishable(run)
        if computation is None:
            computation = recompute(frozen.thaw(bytes(run.frozen_inputs or b"")))
        if (computation.input_digest, computation.output_digest) != (run.input_digest, run.output_digest):
            raise SelectionError(_("Recomputing the run did not give the same digests; it is not published."))
        if computation.problems:
            raise SelectionError(_("The run breaks its guarantees; it is not published."))
        written_at = time.perf_counter()
        # The engine's instance for the promotion rounds, compressed (zlib releases the GIL) while the database
        # stores the decisions.
        with ThreadPoolExecutor(max_workers=1) as pool:
            freezing = pool.submit(
                promotion.freeze_instance,
                computation.prepared.instance,
                computation.inputs.candidates.application_id[computation.prepared.eligible_rows],
                computation.inputs.territory.commune_id,
            )
            _write_decisions(run, computation)
            PublishedInstance.objects.update_or_create(run=run, defaults={"data": freezing.result()})
        run.status = SelectionRun.Status.PUBLISHED
        run.published_at = timezone.now()
        run.published_by = user_or_none(actor)
        run.timings = {
            **run.timings,
            "publish_recompute": round(written_at - started, 3),
            "publish_write": round(time.perf_counter() - written_at, 3),
        }
        run.save(update_fields=["status", "published_at", "published_by", "timings"])
        record_event(
            actor=actor,
            action="selection.run_published",
            target=run,
            data={
                "output_digest": run.output_digest,
                "decisions": int(computation.inputs.candidates.application_id.size),
            },
        )
        # The stages above (the training's notices) write what follows from it in this same transaction.
        signals.run_published.send(sender=SelectionRun, run=run, actor=actor)
    return run


def _check_publishable(run: SelectionRun) -> None:
    if run.status == SelectionRun.Status.PUBLISHED:
        raise SelectionError(_("This run is already published."))
    if run.status == SelectionRun.Status.REFUSED:
        raise SelectionError(_("The run breaks its guarantees; it is not published."))
    if run.status != SelectionRun.Status.COMPUTED:
        raise SelectionError(_("Only a computed run can be published."))
    if timezone.now() < run.campaign.registration_closes_at:
        raise SelectionError(
            _("Registration is still open: candidates could still change their applications.")
        )
    if run.created_at < run.campaign.registration_closes_at:
        # A rehearsal: it read the applications while candidates could still change them.
        raise SelectionError(
            _("This run was launched before registration closed: launch a new run to publish the final data.")
        )
    published = SelectionRun.objects.filter(
        campaign=run.campaign, stage=run.stage, status=SelectionRun.Status.PUBLISHED
    )
    if published.exists():
        raise SelectionError(_("A run of this stage is already published."))


def _write_decisions(run: SelectionRun, computation: Computation) -> None:
    # Whole-column NumPy work first; what needs Python per row (NULLs, bytes, the score's JSON) is done by
    # BulkWriter a chunk at a time, while the database stores the previous chunk.
    columns = decision_columns(computation)
    n = columns.application_id.shape[0]
    SelectionDecision.objects.filter(run=run).delete()
    BulkWriter(connection).insert(
        SelectionDecision,
        {
            "run": run.pk,
            "application": columns.application_id,
            "outcome": np.array(OUTCOMES)[columns.outcome],
            "ineligibility": columns.ineligibility,
            "score": columns.score,
            "score_parts": columns.score_parts_text,
            "commune": np.ma.masked_array(columns.commune, mask=~columns.admitted),
            "rank": np.ma.masked_array(columns.rank, mask=~columns.admitted),
            "lottery": columns.lottery,
            "choice_table": columns.choice_tables,
            "declared_count": columns.declared_count,
        },
        rows=n,
    )
    _check_decision_references(run, computation)


def _check_decision_references(run: SelectionRun, computation: Computation) -> None:
    """Every decision names an application of the run's campaign and an existing commune (or none).

    The decision table's keys are not enforced row by row by the database (see SelectionDecision): this is
    the same guarantee, checked on the whole set at once inside the publishing transaction, and a stronger one
    (the application's campaign is checked too).
    """
    campaign_applications = inputs.fetch_integers(
        Application.objects.filter(campaign_id=run.campaign_id).order_by().values_list("id"), columns=1
    )[:, 0]
    written = computation.inputs.candidates.application_id
    communes = np.unique(computation.inputs.territory.commune_id)
    known_communes = Commune.objects.filter(pk__in=communes.tolist()).count()
    if not np.isin(written, campaign_applications).all() or known_communes != communes.shape[0]:
        raise SelectionError(
            _("A decision names an unknown application or commune; the run is not published.")
        )
