"""Waiting-list promotion after a run is published: places released, promotion rounds, and their recomputation.

A place is released when its candidate declines it (`decline_place`), withdraws her application (recorded by
campaigns; the next round finds it), had not started the training by the administrator's deadline (the ids given
to the round), or did not answer by the reply deadline where that counts as declining (the training's deadline
job, through `release_places`, the set-based release of many at once). A round (`run_promotion_round`) re-runs the run's allocation without everyone released so
far (bawaba.selection.promotion) and writes, in one transaction: the round with its inputs and digests, the
promoted candidates, the communes whose figures changed, and the decisions that changed. The run's own report is
never rewritten. `round_states` recomputes every round from its inputs alone, for the round itself and for
`verify_selection`.
"""

import dataclasses
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.selection import engine, frozen, promotion, signals
from bawaba.selection.models import (
    PlaceRelease,
    Promotion,
    PromotionCommuneResult,
    PromotionRound,
    SelectionDecision,
    SelectionRun,
)
from bawaba.selection.selectors import withdrawn_decisions
from bawaba.selection.services.computation import (
    OUTCOMES,
    Computation,
    DecisionColumns,
    decision_columns,
    lottery_hex,
    recompute,
    timed,
)
from bawaba.selection.services.runs import SelectionError, user_or_none

Outcome = SelectionDecision.Outcome
RELEASED = OUTCOMES.index(Outcome.RELEASED)
# Rows deleted per statement when a round rewrites decisions (SQLite's limit on a statement's parameters).
_DELETE_CHUNK = 10_000


def published_run(campaign: Campaign) -> SelectionRun | None:
    return (
        SelectionRun.objects.filter(campaign=campaign, status=SelectionRun.Status.PUBLISHED)
        .defer("frozen_inputs")
        .order_by("-published_at")
        .first()
    )


# ------------------------------------------------------------------------------------------ releasing


def decline_place(*, application: Application, actor) -> PlaceRelease:
    """She declines her training place: it goes to the waiting lists at the next promotion round.

    Only the candidate herself, and only a place she holds in her campaign's published run. Her decision says at
    once that she is no longer in the selection; the round gives the place away.
    """
    if getattr(actor, "pk", None) is None or actor.pk != application.user_id:
        raise SelectionError(_("Only the candidate herself can decline her place."))
    with transaction.atomic():
        run = published_run(application.campaign)
        decision = (
            SelectionDecision.objects.select_for_update()
            .filter(run=run, application=application)
            .only("outcome", "commune", "run_id", "application_id")
            .first()
            if run
            else None
        )
        if run is None or decision is None or decision.outcome != Outcome.ADMITTED:
            raise SelectionError(_("You hold no training place to decline."))
        release = PlaceRelease.objects.create(
            run=run, application=application, reason=PlaceRelease.Reason.DECLINED, created_by=actor
        )
        _mark_released(run, [application.pk])
        record_event(
            actor=actor,
            action="selection.place_declined",
            target=application,
            data={"run": run.pk, "commune": decision.commune_id},
        )
    return release


def _mark_released(run: SelectionRun, application_ids: list[int]) -> None:
    """Her decision says at once that she left: no commune; her list stays as it is until the round."""
    for start in range(0, len(application_ids), _DELETE_CHUNK):
        SelectionDecision.objects.filter(
            run=run, application_id__in=application_ids[start : start + _DELETE_CHUNK]
        ).update(outcome=Outcome.RELEASED, commune=None, rank=None)


def _record_withdrawals(run: SelectionRun) -> int:
    """Candidates of the run who withdrew their application since it was published and are not released yet."""
    withdrawn = list(withdrawn_decisions(run).values_list("application_id", flat=True))
    PlaceRelease.objects.bulk_create(
        [PlaceRelease(run=run, application_id=i, reason=PlaceRelease.Reason.WITHDRAWN) for i in withdrawn],
        batch_size=1000,
    )
    _mark_released(run, withdrawn)
    return len(withdrawn)


def _record_not_started(run: SelectionRun, application_ids: Iterable[int], actor) -> int:
    """The admitted who had not started the training by the deadline (the progress import's list)."""
    return release_places(
        run=run, application_ids=application_ids, reason=PlaceRelease.Reason.NOT_STARTED, actor=actor
    )


def release_places(
    *, run: SelectionRun, application_ids: Iterable[int] | np.ndarray, reason: str, actor
) -> int:
    """Release the places these admitted candidates hold in the run, for `reason`; return how many were released.

    For the jobs that release thousands at once (training not started by the deadline, no answer by the reply
    deadline): reads and writes by sets of ids, the releases written in bulk (COPY on PostgreSQL), the decisions
    marked by chunks. An id released before is skipped, so that a second call changes nothing; an id that holds
    no place is refused with the first few named, and nothing is written. The places go to the waiting lists at
    the next promotion round. Runs in the caller's transaction (one is opened if there is none).
    """
    wanted = np.unique(np.fromiter((int(i) for i in application_ids), dtype=np.int64))
    if not wanted.size:
        return 0
    with transaction.atomic():
        already = _ids_among(PlaceRelease.objects.filter(run=run), wanted)
        wanted = np.setdiff1d(wanted, already, assume_unique=True)
        admitted = _ids_among(SelectionDecision.objects.filter(run=run, outcome=Outcome.ADMITTED), wanted)
        unknown = np.setdiff1d(wanted, admitted, assume_unique=True).tolist()
        if unknown:
            raise SelectionError(
                _("These applications hold no place in the published selection: %(ids)s.")
                % {"ids": ", ".join(map(str, unknown[:10])) + ("…" if len(unknown) > 10 else "")}
            )
        if not wanted.size:
            return 0
        now = np.datetime64(timezone.now().replace(tzinfo=None), "s")
        BulkWriter(connection).insert(
            PlaceRelease,
            {
                "run": run.pk,
                "application": wanted,
                "reason": str(reason),
                "created_at": np.full(wanted.shape[0], now, dtype="datetime64[s]"),
                "created_by": getattr(user_or_none(actor), "pk", None),
            },
            rows=int(wanted.shape[0]),
        )
        _mark_released(run, wanted.tolist())
    return int(wanted.shape[0])


def _ids_among(rows: QuerySet, ids: np.ndarray) -> np.ndarray:
    """The application ids of `rows` that are among `ids` (sorted), read by chunks of ids."""
    found: list[int] = []
    for start in range(0, ids.shape[0], _DELETE_CHUNK):
        chunk = ids[start : start + _DELETE_CHUNK].tolist()
        found.extend(rows.filter(application_id__in=chunk).values_list("application_id", flat=True))
    return np.unique(np.array(found, dtype=np.int64))


# -------------------------------------------------------------------------------------- recomputation


@dataclass(frozen=True)
class RoundState:
    """A round recomputed from its inputs: the run's computation and everyone released up to it."""

    promotion_round: PromotionRound
    released_ids: np.ndarray  # application ids, sorted
    promotion: promotion.Promotion
    input_digest: str
    output_digest: str


def released_indices(computation: Computation, application_ids: np.ndarray) -> np.ndarray:
    """The engine's candidate indices of these applications (eligible ones: only they have a place or a list)."""
    eligible_ids = computation.inputs.candidates.application_id[computation.prepared.eligible_rows]
    position = np.searchsorted(eligible_ids, application_ids)
    found = (position < eligible_ids.shape[0]) & (
        eligible_ids[np.minimum(position, max(eligible_ids.shape[0] - 1, 0))] == application_ids
    )
    if not found.all():
        raise SelectionError(_("A released application is not an eligible candidate of the run."))
    return position.astype(np.int64)


def round_states(run: SelectionRun, computation: Computation) -> Iterator[RoundState]:
    """Each round of the run, in order, recomputed from the run's frozen inputs and the releases it took in."""
    instance = computation.prepared.instance
    before = computation.result
    released = np.array([], dtype=np.int64)
    for promotion_round in PromotionRound.objects.filter(run=run).order_by("number"):
        released = np.union1d(released, np.array(promotion_round.released_ids(), dtype=np.int64))
        promoted = promotion.promote(instance, released_indices(computation, released), before)
        yield RoundState(
            promotion_round=promotion_round,
            released_ids=released,
            promotion=promoted,
            input_digest=promotion.digest_round_inputs(run.output_digest, released),
            output_digest=engine.digest_result(promoted.result),
        )
        before = promoted.result


def current_columns(
    computation: Computation, result: engine.Result, released: np.ndarray, pending: np.ndarray
) -> DecisionColumns:
    """Every decision as it stands: the last round's result (or the run's), the released marked as such.

    `released` (taken in by a round) and `pending` (not yet) are candidate indices; a pending one keeps her
    waiting-list places until the round (which gives them away), but no longer holds a place.
    """
    columns = decision_columns(dataclasses.replace(computation, result=result))
    rows = computation.prepared.eligible_rows[np.concatenate((released, pending)).astype(np.int64)]
    outcome, admitted = columns.outcome.copy(), columns.admitted.copy()
    outcome[rows] = RELEASED
    admitted[rows] = False
    return dataclasses.replace(columns, outcome=outcome, admitted=admitted)


def pending_release_ids(run: SelectionRun) -> np.ndarray:
    return np.array(
        sorted(
            PlaceRelease.objects.filter(run=run, promotion_round__isnull=True).values_list(
                "application_id", flat=True
            )
        ),
        dtype=np.int64,
    )


# ---------------------------------------------------------------------------------------------- a round


def run_promotion_round(
    *, campaign: Campaign, actor, not_started: Iterable[int] = ()
) -> PromotionRound | None:
    """Give the places released since the last round to the waiting lists; None when nothing was released.

    `not_started`: application ids of admitted candidates who had not started the training by the deadline. All
    in one transaction, under the campaign's lock: the releases found, the round, its promotions and figures, and
    the decisions it changes.
    """
    timings: dict[str, float] = {}
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        run = published_run(campaign)
        if run is None:
            raise SelectionError(
                _("No selection of this campaign is published: there is nothing to promote.")
            )
        with timed(timings, "releases"):
            _record_withdrawals(run)
            _record_not_started(run, not_started, actor)
            pending = PlaceRelease.objects.filter(run=run, promotion_round__isnull=True)
            by_reason: dict[str, list[int]] = {}
            for application_id, reason in pending.order_by("application_id").values_list(
                "application_id", "reason"
            ):
                by_reason.setdefault(reason, []).append(application_id)
        if not by_reason:
            return None
        with timed(timings, "recompute"):
            blob = SelectionRun.objects.filter(pk=run.pk).values_list("frozen_inputs", flat=True).get()
            computation = recompute(frozen.thaw(bytes(blob or b"")), check=False)
            if computation.output_digest != run.output_digest:
                raise SelectionError(_("Recomputing the run did not give its digest: no promotion round."))
            states = list(round_states(run, computation))
        before_result = states[-1].promotion.result if states else computation.result
        previous = states[-1].released_ids if states else np.array([], dtype=np.int64)
        new_ids = np.array(sorted(i for ids in by_reason.values() for i in ids), dtype=np.int64)
        released_ids = np.union1d(previous, new_ids)
        with timed(timings, "promote"):
            promoted = promotion.promote(
                computation.prepared.instance, released_indices(computation, released_ids), before_result
            )
        with timed(timings, "write_round"):
            promotion_round = PromotionRound.objects.create(
                run=run,
                number=(states[-1].promotion_round.number + 1) if states else 1,
                released=by_reason,
                input_digest=promotion.digest_round_inputs(run.output_digest, released_ids),
                output_digest=engine.digest_result(promoted.result),
                summary={
                    "released": int(new_ids.shape[0]),
                    "places_released": promoted.places_released,
                    "promotions": int(promoted.promoted.shape[0]),
                    "from_waiting": int(promoted.from_waiting.shape[0]),
                    "moved_up": int(promoted.moved_up.shape[0]),
                },
                created_by=user_or_none(actor),
            )
            pending.update(promotion_round=promotion_round)
            _write_commune_results(promotion_round, computation, before_result, promoted.result)
            _write_promotions(promotion_round, computation, before_result, promoted)
        rewritten = _write_changed_decisions(
            run,
            computation,
            before=before_result,
            after=promoted.result,
            released=released_indices(computation, released_ids),
            newly_released=released_indices(computation, new_ids),
            timings=timings,
        )
        promotion_round.timings = timings
        promotion_round.summary["decisions_rewritten"] = rewritten
        promotion_round.save(update_fields=["timings", "summary"])
        SelectionRun.objects.filter(pk=run.pk).update(promotion_round_count=promotion_round.number)
        record_event(
            actor=actor,
            action="selection.promotion_round",
            target=promotion_round,
            data={
                "run": run.pk,
                "number": promotion_round.number,
                "input_digest": promotion_round.input_digest,
                "output_digest": promotion_round.output_digest,
                **promotion_round.summary,
            },
        )
        # The promoted candidates' invitations are written by the training, in this same transaction.
        signals.promotion_round_recorded.send(
            sender=PromotionRound, promotion_round=promotion_round, actor=actor
        )
    return promotion_round


def commune_figures(computation: Computation, result: engine.Result) -> np.ndarray:
    """(m, 5) int64: admitted, is_full, cutoff priority, cutoff lottery (as int64 bits), waiting-list length."""
    return np.column_stack(
        (
            result.admitted_count,
            result.is_full.astype(np.int64),
            result.cutoff_priority,
            result.cutoff_lottery.view(np.int64),
            np.diff(result.waitlist_indptr),
        )
    )


def _write_commune_results(
    promotion_round: PromotionRound, computation: Computation, before: engine.Result, after: engine.Result
) -> None:
    changed = np.flatnonzero(
        (commune_figures(computation, before) != commune_figures(computation, after)).any(1)
    )
    commune_id = computation.inputs.territory.commune_id
    PromotionCommuneResult.objects.bulk_create(
        [
            PromotionCommuneResult(
                promotion_round=promotion_round,
                commune_id=int(commune_id[c]),
                admitted=int(after.admitted_count[c]),
                is_full=bool(after.is_full[c]),
                cutoff_priority=int(after.cutoff_priority[c]) if after.admitted_count[c] else None,
                cutoff_lottery=lottery_hex(after.cutoff_lottery[c]) if after.admitted_count[c] else "",
                waitlist_length=int(after.waitlist_indptr[c + 1] - after.waitlist_indptr[c]),
            )
            for c in changed.tolist()
        ],
        batch_size=1000,
    )


def _write_promotions(
    promotion_round: PromotionRound,
    computation: Computation,
    before: engine.Result,
    promoted: promotion.Promotion,
) -> None:
    who = promoted.promoted
    commune_id = computation.inputs.territory.commune_id
    was = before.assignment[who]
    BulkWriter(connection).insert(
        Promotion,
        {
            "promotion_round": promotion_round.pk,
            "application": computation.inputs.candidates.application_id[
                computation.prepared.eligible_rows[who]
            ].astype(np.int64),
            "commune": commune_id[promoted.result.assignment[who]].astype(np.int64),
            "rank": promoted.result.assigned_rank[who].astype(np.int64) + 1,
            "previous_commune": np.ma.masked_array(
                commune_id[np.maximum(was, 0)].astype(np.int64), mask=was < 0
            ),
        },
        rows=int(who.shape[0]),
    )


def _changed_rows(
    computation: Computation, before: engine.Result, after: engine.Result, newly_released: np.ndarray
) -> np.ndarray:
    """The candidates (engine indices) whose decision the round changes: released in it (her outcome and
    places), promoted (her commune and rank), or whose place on some waiting list moved."""
    instance = computation.prepared.instance
    changed = (before.assignment != after.assignment) | (before.assigned_rank != after.assigned_rank)
    changed[newly_released] = True
    # Waiting-list places: only candidates on a list that changed can have moved, but comparing every place is
    # two passes over the (n, k) table, cheaper than finding the lists.
    changed |= (
        engine.waitlist_positions(instance, before) != engine.waitlist_positions(instance, after)
    ).any(1)
    return np.flatnonzero(changed)


def _write_changed_decisions(
    run: SelectionRun,
    computation: Computation,
    *,
    before: engine.Result,
    after: engine.Result,
    released: np.ndarray,
    newly_released: np.ndarray,
    timings: dict[str, float],
) -> int:
    """Rewrite the decisions the round changes (deleted, then written again by COPY on PostgreSQL): their number.

    A decision whose release was pending already says "no longer in the selection": it is rewritten too, her
    waiting-list places given away.
    """
    with timed(timings, "decision_columns"):
        candidates = _changed_rows(computation, before, after, newly_released)
        rows = computation.prepared.eligible_rows[candidates]
        ids = computation.inputs.candidates.application_id[rows].astype(np.int64).tolist()
    if not rows.size:
        return 0
    # The new rows are laid out on another thread while the database deletes the old ones (the driver releases
    # the GIL while it waits): the two take about as long.
    with ThreadPoolExecutor(max_workers=1) as pool:
        laying_out = pool.submit(
            lambda: _subset(current_columns(computation, after, released, np.array([], dtype=np.int64)), rows)
        )
        with timed(timings, "decisions_delete"):
            _delete_decisions(run, ids)
        with timed(timings, "decision_columns_wait"):
            changed = laying_out.result()
    with timed(timings, "decisions_copy"):
        BulkWriter(connection).insert(
            SelectionDecision,
            {
                "run": run.pk,
                "application": changed.application_id,
                "outcome": np.array(OUTCOMES)[changed.outcome],
                "ineligibility": changed.ineligibility,
                "score": changed.score,
                "score_parts": changed.score_parts_text,
                "commune": np.ma.masked_array(changed.commune, mask=~changed.admitted),
                "rank": np.ma.masked_array(changed.rank, mask=~changed.admitted),
                "lottery": changed.lottery,
                "choice_table": changed.choice_tables,
                "declared_count": changed.declared_count,
            },
            rows=rows.shape[0],
        )
    return int(rows.shape[0])


def _delete_decisions(run: SelectionRun, ids: list[int]) -> None:
    table = connection.ops.quote_name(SelectionDecision._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {table} WHERE run_id = %s AND application_id = ANY(%s)",  # noqa: S608
                [run.pk, ids],
            )
            return
        for start in range(0, len(ids), _DELETE_CHUNK):
            chunk = ids[start : start + _DELETE_CHUNK]
            cursor.execute(
                f"DELETE FROM {table} WHERE run_id = %s AND application_id IN "  # noqa: S608
                f"({', '.join(['%s'] * len(chunk))})",
                [run.pk, *chunk],
            )


def _subset(columns: DecisionColumns, rows: np.ndarray) -> DecisionColumns:
    return DecisionColumns(**{f.name: getattr(columns, f.name)[rows] for f in dataclasses.fields(columns)})


def promoted_in_round(promotion_round: PromotionRound) -> QuerySet[Application]:
    """The applications to invite after a round: the promoted, each to her new commune.

    The seam for the mass e-mail (bawaba.notifications' mailing): nothing is sent from here yet.
    """
    return Application.objects.filter(promotions__promotion_round=promotion_round).order_by("pk")
