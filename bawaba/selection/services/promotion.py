"""Waiting-list promotion after a run is published: places released, promotion rounds, and their recomputation.

A place is released when its candidate declines it (`decline_place`), withdraws her application (recorded by
campaigns; the next round finds it), had not started the training by the administrator's deadline (the ids given
to the round), or did not answer by the reply deadline where that counts as declining (the training's deadline
job, through `release_places`, the set-based release of many at once). A round (`run_promotion_round`) re-runs the run's allocation without everyone released so
far (bawaba.selection.promotion) and writes, in one transaction: the round with its inputs and digests, the
promoted candidates, the communes whose figures changed with who left their waiting lists, and the decisions of the
candidates it promoted or released. The run's own report is never rewritten, nor are the decisions of those who
only move up a list: a decision keeps the run's places, and her place now is that less the departures ahead of her
(waiting_lists.waiting_list_places). `round_states` recomputes every round from its inputs alone, for the round itself
and for `verify_selection`.
"""

import dataclasses
import logging
from collections.abc import Iterable, Iterator
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
    PublishedInstance,
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

logger = logging.getLogger(__name__)

Outcome = SelectionDecision.Outcome
RELEASED = OUTCOMES.index(Outcome.RELEASED)
# Ids per statement when releases are read or marked (SQLite's limit on a statement's parameters).
_DELETE_CHUNK = 10_000


def published_run(campaign: Campaign, stage: str = SelectionRun.Stage.PRESELECTION) -> SelectionRun | None:
    return (
        SelectionRun.objects.filter(campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED)
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
class RoundBasis:
    """What a round starts from: the run's engine instance and result, with the ids its indices stand for."""

    instance: engine.Instance
    run_result: engine.Result
    application_id: np.ndarray  # of each row of the instance: the eligible candidates, sorted
    commune_id: np.ndarray  # of each commune index

    @classmethod
    def of(cls, computation: Computation) -> "RoundBasis":
        return cls(
            instance=computation.prepared.instance,
            run_result=computation.result,
            application_id=computation.inputs.candidates.application_id[computation.prepared.eligible_rows],
            commune_id=computation.inputs.territory.commune_id,
        )


def round_basis(run: SelectionRun, timings: dict[str, float]) -> RoundBasis:
    """The run's instance as its publication stored it (PublishedInstance), checked against the run's digests:
    its allocation re-run must give the run's result. Without it (a run published before it was stored), or if it
    does not match, the run is recomputed from its frozen inputs as `verify_selection` does."""
    data = PublishedInstance.objects.filter(run=run).values_list("data", flat=True).first()
    if data is not None:
        basis = _stored_basis(run, bytes(data), timings)
        if basis is not None:
            return basis
        logger.warning("Run %s: its stored engine instance does not give its digests; recomputing it", run.pk)
    with timed(timings, "recompute"):
        blob = SelectionRun.objects.filter(pk=run.pk).values_list("frozen_inputs", flat=True).get()
        computation = recompute(frozen.thaw(bytes(blob or b"")), check=False)
    if computation.output_digest != run.output_digest:
        raise SelectionError(_("Recomputing the run did not give its digest: no promotion round."))
    return RoundBasis.of(computation)


def _stored_basis(run: SelectionRun, data: bytes, timings: dict[str, float]) -> RoundBasis | None:
    with timed(timings, "instance"):
        try:
            instance, application_id, commune_id = promotion.thaw_instance(data)
        except ValueError:
            return None
        if engine.digest_instance(instance) != run.input_digest:
            return None
    with timed(timings, "allocate_run"):
        result = engine.run_deferred_acceptance(instance)
    if engine.digest_result(result) != run.output_digest:
        return None
    return RoundBasis(instance, result, application_id, commune_id)


@dataclass(frozen=True)
class RoundState:
    """A round recomputed from its inputs: the run and everyone released up to it."""

    promotion_round: PromotionRound
    released_ids: np.ndarray  # application ids, sorted
    promotion: promotion.Promotion
    input_digest: str
    output_digest: str


def released_indices(basis: RoundBasis, application_ids: np.ndarray) -> np.ndarray:
    """The engine's candidate indices of these applications (eligible ones: only they have a place or a list)."""
    eligible_ids = basis.application_id
    position = np.searchsorted(eligible_ids, application_ids)
    found = (position < eligible_ids.shape[0]) & (
        eligible_ids[np.minimum(position, max(eligible_ids.shape[0] - 1, 0))] == application_ids
    )
    if not found.all():
        raise SelectionError(_("A released application is not an eligible candidate of the run."))
    return position.astype(np.int64)


def round_states(run: SelectionRun, basis: RoundBasis) -> Iterator[RoundState]:
    """Each round of the run, in order, recomputed from the run's instance and the releases it took in."""
    before = basis.run_result
    released = np.array([], dtype=np.int64)
    for promotion_round in PromotionRound.objects.filter(run=run).order_by("number"):
        released = np.union1d(released, np.array(promotion_round.released_ids(), dtype=np.int64))
        promoted = promotion.promote(basis.instance, released_indices(basis, released), before)
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
    waiting-list places until the round (which gives them away), but no longer holds a place. The places are the
    run's, on the lists she still stands on.
    """
    instance = computation.prepared.instance
    still_on = engine.waitlist_positions(instance, result) > 0
    columns = decision_columns(
        dataclasses.replace(computation, result=result),
        waitlist_places=np.where(still_on, engine.waitlist_positions(instance, computation.result), 0),
    )
    rows = computation.prepared.eligible_rows[np.concatenate((released, pending)).astype(np.int64)]
    outcome, admitted = columns.outcome.copy(), columns.admitted.copy()
    outcome[rows] = RELEASED
    admitted[rows] = False
    return dataclasses.replace(columns, outcome=outcome, admitted=admitted)


def departures_by_commune(
    basis: RoundBasis,
    places_at_run: np.ndarray,
    before: tuple[engine.Result, np.ndarray],
    after: tuple[engine.Result, np.ndarray],
) -> dict[int, np.ndarray]:
    """Who left each commune's waiting list in a round, as sorted places on the run's list, by commune index.

    `before` and `after` are (result, released candidate indices) of the state before the round and after it;
    `places_at_run` is engine.waitlist_positions of the run's result.
    """
    instance = basis.instance
    commune, place = promotion.departures(
        instance,
        places_at_run,
        promotion.on_lists(instance, *before),
        promotion.on_lists(instance, *after),
    )
    bounds = np.flatnonzero(np.diff(commune)) + 1
    return {
        int(communes[0]): places
        for communes, places in zip(np.split(commune, bounds), np.split(place, bounds), strict=True)
        if communes.size
    }


def round_commune_lines(
    basis: RoundBasis, before: engine.Result, after: engine.Result, departed: dict[int, np.ndarray]
) -> dict[int, dict]:
    """A round's PromotionCommuneResult fields by commune id: the communes whose figures changed (every commune
    whose waiting list lost someone among them), with the run places of those who left its list."""
    changed = np.flatnonzero((commune_figures(before) != commune_figures(after)).any(1))
    commune_id = basis.commune_id
    empty = np.zeros(0, dtype=np.int64)
    return {
        int(commune_id[c]): {
            "admitted": int(after.admitted_count[c]),
            "is_full": bool(after.is_full[c]),
            "cutoff_priority": int(after.cutoff_priority[c]) if after.admitted_count[c] else None,
            "cutoff_lottery": lottery_hex(after.cutoff_lottery[c]) if after.admitted_count[c] else "",
            "waitlist_length": int(after.waitlist_indptr[c + 1] - after.waitlist_indptr[c]),
            "departures": departed.get(c, empty).astype(PromotionCommuneResult.DEPARTURES_DTYPE).tobytes(),
        }
        for c in sorted(set(changed.tolist()) | set(departed))
    }


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
    *,
    campaign: Campaign,
    actor,
    not_started: Iterable[int] = (),
    stage: str = SelectionRun.Stage.PRESELECTION,
) -> PromotionRound | None:
    """Give the places released since the last round to the waiting lists of the stage's published run (the
    preselection's training places, or the final selection's field places and its reserve); None when nothing was
    released.

    `not_started`: application ids of admitted candidates who had not started the training by the deadline. All
    in one transaction, under the campaign's lock: the releases found, the round, its promotions and figures, and
    the decisions it changes.
    """
    timings: dict[str, float] = {}
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        run = published_run(campaign, stage)
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
        basis = round_basis(run, timings)
        with timed(timings, "replay_rounds"):
            states = list(round_states(run, basis))
        before_result = states[-1].promotion.result if states else basis.run_result
        previous = states[-1].released_ids if states else np.array([], dtype=np.int64)
        new_ids = np.array(sorted(i for ids in by_reason.values() for i in ids), dtype=np.int64)
        released_ids = np.union1d(previous, new_ids)
        released = released_indices(basis, released_ids)
        with timed(timings, "promote"):
            promoted = promotion.promote(basis.instance, released, before_result)
        with timed(timings, "departures"):
            places_at_run = engine.waitlist_positions(basis.instance, basis.run_result)
            departed = departures_by_commune(
                basis,
                places_at_run,
                (before_result, released_indices(basis, previous)),
                (promoted.result, released),
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
                    "waitlist_departures": int(sum(places.shape[0] for places in departed.values())),
                },
                created_by=user_or_none(actor),
            )
            pending.update(promotion_round=promotion_round)
            PromotionCommuneResult.objects.bulk_create(
                [
                    PromotionCommuneResult(promotion_round=promotion_round, commune_id=commune_id, **line)
                    for commune_id, line in round_commune_lines(
                        basis, before_result, promoted.result, departed
                    ).items()
                ],
                batch_size=1000,
            )
            _write_promotions(promotion_round, basis, before_result, promoted)
        with timed(timings, "decisions"):
            rewritten = _write_changed_decisions(
                run,
                basis,
                after=promoted.result,
                places_at_run=places_at_run,
                released=released,
                changed=np.union1d(released_indices(basis, new_ids), promoted.promoted),
            )
        promotion_round.summary["decisions_rewritten"] = rewritten
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
        with timed(timings, "receivers"):
            signals.promotion_round_recorded.send(
                sender=PromotionRound, promotion_round=promotion_round, actor=actor
            )
        promotion_round.timings = timings
        promotion_round.save(update_fields=["timings", "summary"])
    return promotion_round


def commune_figures(result: engine.Result) -> np.ndarray:
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


def _write_promotions(
    promotion_round: PromotionRound,
    basis: RoundBasis,
    before: engine.Result,
    promoted: promotion.Promotion,
) -> None:
    who = promoted.promoted
    commune_id = basis.commune_id
    was = before.assignment[who]
    BulkWriter(connection).insert(
        Promotion,
        {
            "promotion_round": promotion_round.pk,
            "application": basis.application_id[who].astype(np.int64),
            "commune": commune_id[promoted.result.assignment[who]].astype(np.int64),
            "rank": promoted.result.assigned_rank[who].astype(np.int64) + 1,
            "previous_commune": np.ma.masked_array(
                commune_id[np.maximum(was, 0)].astype(np.int64), mask=was < 0
            ),
        },
        rows=int(who.shape[0]),
    )


def _write_changed_decisions(
    run: SelectionRun,
    basis: RoundBasis,
    *,
    after: engine.Result,
    places_at_run: np.ndarray,
    released: np.ndarray,
    changed: np.ndarray,
) -> int:
    """Update the decisions of the candidates the round released or promoted (`changed`, engine indices): their
    outcome, commune and rank, and their places zeroed on the lists they left. Return how many.

    Nobody else's decision changes: someone who only moves up a list keeps the run's place, and the departures
    ahead of her give her place now. A decision whose release was pending already says "no longer in the
    selection"; she leaves every list now.
    """
    if not changed.size:
        return 0
    instance, commune_id = basis.instance, basis.commune_id
    is_released = np.isin(changed, released)
    assignment, rank = after.assignment[changed], after.assigned_rank[changed]
    if ((assignment < 0) != is_released).any():
        raise SelectionError(_("A promoted candidate holds no place after the round."))
    still_on = promotion.on_lists(instance, after, released)[changed]
    records = np.zeros(instance.preferences[changed].shape, dtype=SelectionDecision.CHOICE_DTYPE)
    records["commune"] = commune_id[np.maximum(instance.preferences[changed], 0)]
    records["priority"] = instance.priorities[changed]
    records["place"] = np.where(still_on, places_at_run[changed], 0)
    count = instance.n_choices[changed].tolist()
    _update_decisions(
        run,
        application_id=basis.application_id[changed].tolist(),
        outcome=[Outcome.RELEASED.value if gone else Outcome.ADMITTED.value for gone in is_released.tolist()],
        commune=[None if c < 0 else int(commune_id[c]) for c in assignment.tolist()],
        rank=[None if r < 0 else r + 1 for r in rank.tolist()],
        choice_table=[row[:length].tobytes() for row, length in zip(records, count, strict=True)],
    )
    return int(changed.shape[0])


def _update_decisions(run: SelectionRun, **columns: list) -> None:
    """One UPDATE from arrays on PostgreSQL (unnest), one statement per row on SQLite."""
    table = connection.ops.quote_name(SelectionDecision._meta.db_table)
    names = ["outcome", "commune_id", "rank", "choice_table"]
    values = [columns["outcome"], columns["commune"], columns["rank"], columns["choice_table"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS d SET "  # noqa: S608
                + ", ".join(f"{name} = v.{name}" for name in names)
                + " FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::integer[], %s::bytea[]) "
                f"AS v(application_id, {', '.join(names)}) "
                "WHERE d.run_id = %s AND d.application_id = v.application_id",
                [columns["application_id"], *values, run.pk],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET {', '.join(f'{name} = %s' for name in names)} "  # noqa: S608
            "WHERE run_id = %s AND application_id = %s",
            [
                (*row, run.pk, application_id)
                for application_id, *row in zip(columns["application_id"], *values, strict=True)
            ],
        )


def promoted_in_round(promotion_round: PromotionRound) -> QuerySet[Application]:
    """The applications to invite after a round: the promoted, each to her new commune.

    The seam for the mass e-mail (bawaba.notifications' mailing): nothing is sent from here yet.
    """
    return Application.objects.filter(promotions__promotion_round=promotion_round).order_by("pk")
