"""Selection runs: start, compute (a dry run), publish (once per stage, atomically), verify.

A run's whole input is frozen into the run row before anything is computed; computing, publishing and verifying
all go through `recompute`, which needs nothing but those frozen bytes. Publishing recomputes the run and
refuses if the digests differ from the dry run's or if a guarantee fails, then writes every decision and the
run's published status in one transaction. From the staff pages both computing and publishing are a worker's
tasks (`start_run`, `request_publication`); the commands do them in their own process.

A candidate's status at a stage is her decision in the stage's published run (SelectionDecision), not a column of
her application: rewriting 488,321 application rows would rewrite every index of that table (the trigram index
of the staff search among them), 42 s for 200,000 rows on PostgreSQL, where 488,321 narrow decision rows are
written by COPY in a few seconds. Decisions are visible only once their run is published.
"""

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bawaba.campaigns.models import Application, Campaign, CommuneNeed
from bawaba.campaigns.rules.versions import current_rules, rules_for_run
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.selection import engine, frozen, inputs, scoring
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.territory.models import Commune

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


class SelectionError(Exception):
    """A run cannot be started or published; the message is for the person who asked."""


@dataclass
class Computation:
    """Everything a run computes from its frozen inputs."""

    inputs: frozen.FrozenInputs
    prepared: scoring.Prepared
    result: engine.Result
    problems: list[str]
    input_digest: str
    output_digest: str
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class VerificationLine:
    """One finding of a verification: a sentence in the reader's language and the technical values it names.

    The values (digests, the engine's own words) stay out of the sentence until it is shown, so that a page can
    set them apart, left to right, inside a sentence of either direction; `str()` gives the plain text.
    """

    sentence: str
    values: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.sentence % self.values if self.values else self.sentence

    def parts(self) -> list[tuple[str, str]]:
        """The sentence as (text, value) pairs in reading order; the last value is empty."""
        if not self.values:
            return [(self.sentence, "")]
        marker = "\x00"
        pieces = (self.sentence % {name: f"{marker}{name}{marker}" for name in self.values}).split(marker)
        return list(zip(pieces[0::2], [self.values[name] for name in pieces[1::2]] + [""], strict=True))


@dataclass
class Verification:
    lines: list[VerificationLine]
    ok: bool


# ------------------------------------------------------------------------------------------------- start


def create_run(
    *, campaign: Campaign, seed: str, actor=None, stage: str = SelectionRun.Stage.PRESELECTION
) -> SelectionRun:
    """Record a queued run with the campaign's current rules; the caller computes it (or `start_run` queues it)."""
    seed = (seed or "").strip()
    if not seed:
        raise SelectionError(_("Give the public seed of the draw."))
    if len(seed) > 200:
        raise SelectionError(_("The seed is at most 200 characters long."))
    rules = current_rules(campaign)
    if rules is None:
        raise SelectionError(_("This campaign has no selection rules yet."))
    if not CommuneNeed.objects.filter(campaign=campaign, stage=CommuneNeed.Stage.TRAINING).exists():
        raise SelectionError(_("This campaign has no training needs per commune yet."))
    if SelectionRun.objects.filter(
        campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED
    ).exists():
        raise SelectionError(_("A run of this stage is already published."))
    with transaction.atomic():
        run = SelectionRun.objects.create(
            campaign=campaign, stage=stage, rules_version=rules, seed=seed, created_by=_user_or_none(actor)
        )
        record_event(
            actor=actor,
            action="selection.run_created",
            target=run,
            data={"campaign": campaign.slug, "stage": stage, "seed": seed, "rules_version": rules.version},
        )
    return run


def start_run(*, campaign: Campaign, seed: str, actor=None, stage: str = SelectionRun.Stage.PRESELECTION):
    """Create a run and hand its computation to a worker once the row is committed."""
    from bawaba.selection.tasks import compute_selection_run

    with transaction.atomic():
        run = create_run(campaign=campaign, seed=seed, actor=actor, stage=stage)
        transaction.on_commit(lambda: compute_selection_run.enqueue(run.pk))
    return run


# ----------------------------------------------------------------------------------------------- compute


def compute_run(run_id: int, *, progress: Progress | None = None) -> SelectionRun:
    """Compute a queued run: freeze its inputs, allocate, check, write the report. Safe to call twice."""
    claimed = SelectionRun.objects.filter(pk=run_id, status=SelectionRun.Status.QUEUED).update(
        status=SelectionRun.Status.RUNNING, progress_step="read", progress_percent=0
    )
    run = SelectionRun.objects.select_related("campaign", "rules_version").get(pk=run_id)
    if not claimed:
        return run
    report = _progress_reporter(run, progress)
    timings: dict[str, float] = {}
    try:
        report("read", 5)
        with _timed(timings, "read"):
            frozen_inputs = read_inputs(run)
        report("allocate", 40)

        # Compressing the frozen inputs (zlib, which releases the GIL) overlaps the computation on another core.
        def freeze() -> bytes:
            with _timed(timings, "freeze"):
                return frozen.freeze(frozen_inputs)

        with ThreadPoolExecutor(max_workers=1) as pool:
            freezing = pool.submit(freeze)
            computation = recompute(frozen_inputs)
            blob = freezing.result()
        timings.update(computation.timings)
        report("write", 80)
        with transaction.atomic():
            with _timed(timings, "write_report"):
                _write_report(run, computation)
            run.summary = _summary(computation)
            run.frozen_inputs = blob
            run.input_digest = computation.input_digest
            run.output_digest = computation.output_digest
            run.problems = computation.problems
            run.status = SelectionRun.Status.REFUSED if computation.problems else SelectionRun.Status.COMPUTED
            run.timings = timings
            run.finished_at = timezone.now()
            run.progress_step, run.progress_percent = "done", 100
            run.save(
                update_fields=[
                    "frozen_inputs",
                    "input_digest",
                    "output_digest",
                    "problems",
                    "status",
                    "timings",
                    "summary",
                    "finished_at",
                    "progress_step",
                    "progress_percent",
                ]
            )
            record_event(
                action="selection.run_computed",
                target=run,
                data={
                    "status": run.status,
                    "output_digest": run.output_digest,
                    "problems": len(run.problems),
                },
            )
    except Exception as error:
        logger.exception("Selection run %s failed", run_id)
        SelectionRun.objects.filter(pk=run_id).update(
            status=SelectionRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    run.computation = computation  # for a caller that publishes at once (not stored)
    return run


def read_inputs(run: SelectionRun) -> frozen.FrozenInputs:
    territory, candidates, needs = inputs.read_all(run.campaign)
    return frozen.FrozenInputs(
        candidates=candidates,
        territory=territory,
        needs=needs,
        rules=rules_for_run(run.rules_version.rules, run.campaign),
        seed=run.seed,
        education_order=tuple(Application.EducationLevel.values),
    )


def recompute(frozen_inputs: frozen.FrozenInputs) -> Computation:
    """The run's result from its frozen inputs alone: what computing, publishing and verifying all share."""
    timings: dict[str, float] = {}
    with _timed(timings, "prepare"):
        prepared = scoring.prepare(
            frozen_inputs.candidates,
            frozen_inputs.territory,
            frozen_inputs.needs,
            frozen_inputs.rules,
            seed=frozen_inputs.seed,
            education_order=frozen_inputs.education_order,
        )
    with _timed(timings, "allocate"):
        result = engine.run_deferred_acceptance(prepared.instance)
    with _timed(timings, "check"):
        problems = engine.check_guarantees(prepared.instance, result)
    return Computation(
        inputs=frozen_inputs,
        prepared=prepared,
        result=result,
        problems=problems,
        input_digest=engine.digest_instance(prepared.instance),
        output_digest=engine.digest_result(result),
        timings=timings,
    )


def _write_report(run: SelectionRun, computation: Computation) -> None:
    instance, result = computation.prepared.instance, computation.result
    territory, needs = computation.inputs.territory, computation.inputs.needs
    m = territory.commune_id.shape[0]
    listed = instance.preferences[instance.preferences >= 0]
    candidates = np.bincount(listed, minlength=m)
    first = instance.preferences[:, 0] if instance.preferences.shape[0] else np.array([], dtype=np.int32)
    first_choice = np.bincount(first[first >= 0], minlength=m)
    waitlist_length = np.diff(result.waitlist_indptr)
    shown = np.flatnonzero((needs > 0) | (candidates > 0))
    SelectionCommuneResult.objects.filter(run=run).delete()
    SelectionCommuneResult.objects.bulk_create(
        [
            SelectionCommuneResult(
                run=run,
                commune_id=int(territory.commune_id[c]),
                needs=int(needs[c]),
                places=int(instance.capacities[c]),
                candidates=int(candidates[c]),
                first_choice=int(first_choice[c]),
                admitted=int(result.admitted_count[c]),
                is_full=bool(result.is_full[c]),
                cutoff_priority=int(result.cutoff_priority[c]) if result.admitted_count[c] else None,
                cutoff_lottery=_hex(result.cutoff_lottery[c]) if result.admitted_count[c] else "",
                waitlist_length=int(waitlist_length[c]),
            )
            for c in shown.tolist()
        ],
        batch_size=500,
    )


def _summary(computation: Computation) -> dict:
    """Totals and per-category counts for the public report (no personal data)."""
    candidates, prepared, result = computation.inputs.candidates, computation.prepared, computation.result
    n = candidates.application_id.shape[0]
    admitted_rows = prepared.eligible_rows[result.assignment >= 0]
    admitted = np.zeros(n, dtype=bool)
    admitted[admitted_rows] = True
    eligible = prepared.ineligibility == scoring.Ineligibility.ELIGIBLE
    by_category = {}
    for category in sorted(set(candidates.category.tolist())):
        of_category = candidates.category == category
        by_category[category] = {
            "candidates": int(of_category.sum()),
            "eligible": int((of_category & eligible).sum()),
            "admitted": int((of_category & admitted).sum()),
        }
    reasons = np.bincount(prepared.ineligibility.astype(np.int64), minlength=len(scoring.Ineligibility))
    return {
        "rules": computation.inputs.rules,
        "seed": computation.inputs.seed,
        "totals": {
            "candidates": n,
            "eligible": int(eligible.sum()),
            "admitted": int(admitted.sum()),
            "waitlisted": int(eligible.sum() - admitted.sum()),
            "needs": int(computation.inputs.needs.sum()),
            "places": int(prepared.instance.capacities.sum()),
            "communes_with_needs": int((computation.inputs.needs > 0).sum()),
            "communes_short": int(
                ((computation.inputs.needs > 0) & (result.admitted_count < computation.inputs.needs)).sum()
            ),
            "shortfall": int(np.maximum(computation.inputs.needs - result.admitted_count, 0).sum()),
            "fallback_admitted": int(
                (result.assigned_rank >= prepared.declared_count.astype(np.int16))[
                    result.assignment >= 0
                ].sum()
            ),
            "rounds": int(result.rounds),
        },
        "ineligible": {
            reason.name.lower(): int(reasons[reason]) for reason in scoring.Ineligibility if reason
        },
        "by_category": by_category,
    }


# ----------------------------------------------------------------------------------------------- publish

# The steps of a requested publication, in `progress_step` (the computation's steps come before).
PUBLICATION_QUEUED = "publication_queued"
PUBLICATION_RUNNING = "publication_running"


def request_publication(run: SelectionRun, *, actor) -> SelectionRun:
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
                publish_requested_by=_user_or_none(actor),
                publish_error="",
                progress_step=PUBLICATION_QUEUED,
                progress_percent=0,
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


def publish_requested_run(run_id: int, *, actor_id: int | None) -> SelectionRun:
    """Carry out a publication that `request_publication` handed over: the worker's side.

    A second delivery of the task finds the run published, or its request cleared by a failure, and does
    nothing. A failure leaves nothing published (see `publish_run`); it is recorded on the run for its page
    and the request is cleared, so that the publication can be asked again.
    """
    started = SelectionRun.objects.filter(
        pk=run_id, status=SelectionRun.Status.COMPUTED, publish_requested_at__isnull=False
    ).update(progress_step=PUBLICATION_RUNNING)
    run = SelectionRun.objects.select_related("campaign").defer("frozen_inputs").get(pk=run_id)
    if not started:
        return run
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        # Refusals are stored in the source language; the run's page translates them for whoever reads it.
        with translation.override(None):
            publish_run(run, actor=actor)
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


def publish_run(
    run: SelectionRun,
    *,
    actor=None,
    computation: Computation | None = None,
    after_decisions: Callable[[], None] | None = None,
) -> SelectionRun:
    """Write every decision of a computed run and mark it published, all or nothing, once per stage.

    The run is recomputed from its frozen inputs, unless the caller passes the `computation` it has just made
    of them (`run_selection --publish`); either way its digests must be the recorded ones. `after_decisions`
    runs between the decisions written and the run's status written; tests inject a crash there.
    """
    started = time.perf_counter()
    with transaction.atomic():
        # The campaign's row is the lock: two runs of one campaign cannot be published at the same time.
        Campaign.objects.select_for_update().filter(pk=run.campaign_id).first()
        run = SelectionRun.objects.select_for_update().select_related("campaign").get(pk=run.pk)
        _check_publishable(run)
        if computation is None:
            computation = recompute(frozen.thaw(bytes(run.frozen_inputs)))
        if (computation.input_digest, computation.output_digest) != (run.input_digest, run.output_digest):
            raise SelectionError(_("Recomputing the run did not give the same digests; it is not published."))
        if computation.problems:
            raise SelectionError(_("The run breaks its guarantees; it is not published."))
        written_at = time.perf_counter()
        _write_decisions(run, computation)
        if after_decisions is not None:
            after_decisions()
        run.status = SelectionRun.Status.PUBLISHED
        run.published_at = timezone.now()
        run.published_by = _user_or_none(actor)
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
    candidates, prepared, result = computation.inputs.candidates, computation.prepared, computation.result
    instance, territory = prepared.instance, computation.inputs.territory
    n = candidates.application_id.shape[0]
    eligible_rows = prepared.eligible_rows

    # Whole-column NumPy work here; what needs Python per row (NULLs, bytes, the score's JSON) is done by
    # BulkWriter a chunk at a time, while the database stores the previous chunk.
    outcome = np.full(n, SelectionDecision.Outcome.INELIGIBLE.value, dtype="U12")
    outcome[eligible_rows] = np.where(
        result.assignment >= 0,
        SelectionDecision.Outcome.ADMITTED.value,
        SelectionDecision.Outcome.WAITLISTED.value,
    )
    admitted = result.assignment >= 0
    is_admitted = np.zeros(n, dtype=bool)
    is_admitted[eligible_rows[admitted]] = True
    commune = np.zeros(n, dtype=np.int64)
    commune[eligible_rows[admitted]] = territory.commune_id[result.assignment[admitted]]
    rank = np.zeros(n, dtype=np.int64)
    rank[eligible_rows[admitted]] = result.assigned_rank[admitted].astype(np.int64) + 1
    lottery = np.full(n, "", dtype="U16")
    # 16 hex digits per number: the big-endian bytes of all of them in one hex string, cut every 16 characters.
    lottery[eligible_rows] = np.frombuffer(
        instance.lottery.astype(">u8").tobytes().hex().encode("ascii"), dtype="S16"
    ).astype("U16")
    declared = (candidates.choices >= 0).sum(axis=1).astype(np.int64)
    declared[eligible_rows] = prepared.declared_count
    parts = prepared.score_parts
    parts_json = "[" + ",".join(["{}"] * parts.shape[1]) + "]"

    SelectionDecision.objects.filter(run=run).delete()
    BulkWriter(connection).insert(
        SelectionDecision,
        {
            "run": run.pk,
            "application": candidates.application_id,
            "outcome": outcome,
            "ineligibility": prepared.ineligibility.astype(np.int64),
            "score": prepared.score,
            "score_parts": lambda start, stop: [
                parts_json.format(*row) for row in parts[start:stop].tolist()
            ],
            "commune": np.ma.masked_array(commune, mask=~is_admitted),
            "rank": np.ma.masked_array(rank, mask=~is_admitted),
            "lottery": lottery,
            "choice_table": _choice_tables(computation),
            "declared_count": declared,
        },
        rows=n,
    )
    _check_decision_references(run, computation)


def _choice_tables(computation: Computation) -> Callable[[int, int], list[bytes]]:
    """Each candidate's list of communes as SelectionDecision.CHOICE_DTYPE bytes, given a range of rows at a time.

    For the eligible, the instance's row (declared choices, then the fallback) with her priority and waiting-list
    place at each; for the others, their declared choices with priority and place 0. One buffer for all rows, cut
    at the row boundaries: no Python work per commune, only per row.
    """
    candidates, prepared, result = computation.inputs.candidates, computation.prepared, computation.result
    instance, territory = prepared.instance, computation.inputs.territory
    n = candidates.application_id.shape[0]
    eligible_rows = prepared.eligible_rows
    ineligible_rows = np.flatnonzero(prepared.ineligibility != scoring.Ineligibility.ELIGIBLE)
    declared = candidates.choices[ineligible_rows]
    width = max(instance.preferences.shape[1], declared.shape[1])

    table = np.zeros((n, width), dtype=SelectionDecision.CHOICE_DTYPE)
    lengths = np.zeros(n, dtype=np.int64)
    preferences = instance.preferences
    k = preferences.shape[1]
    table["commune"][eligible_rows, :k] = territory.commune_id[np.maximum(preferences, 0)]
    table["priority"][eligible_rows, :k] = instance.priorities
    table["place"][eligible_rows, :k] = np.maximum(engine.waitlist_positions(instance, result), 0)
    lengths[eligible_rows] = instance.n_choices
    table["commune"][ineligible_rows, : declared.shape[1]] = territory.commune_id[np.maximum(declared, 0)]
    lengths[ineligible_rows] = (declared >= 0).sum(axis=1)

    listed = np.arange(width)[None, :] < lengths[:, None]
    data = table[listed].tobytes()
    bounds = np.r_[0, np.cumsum(lengths) * SelectionDecision.CHOICE_DTYPE.itemsize].tolist()
    return lambda start, stop: [data[bounds[i] : bounds[i + 1]] for i in range(start, stop)]


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


# ------------------------------------------------------------------------------------------------ verify


def verify_run(run: SelectionRun) -> Verification:
    """Recompute a run from its frozen inputs; compare digests, guarantees and (if published) the decisions."""
    if not run.frozen_inputs:
        return Verification(
            [VerificationLine(_("This run has no frozen inputs (it was never computed)."))], ok=False
        )
    computation = recompute(frozen.thaw(bytes(run.frozen_inputs)))
    lines, ok = [], True
    # Whole sentences for each digest and outcome: a translator never has to assemble a line from pieces.
    for recorded, recomputed, identical, different in (
        (
            run.input_digest,
            computation.input_digest,
            _("Input digest: recorded %(recorded)s, recomputed %(recomputed)s: identical."),
            _("Input digest: recorded %(recorded)s, recomputed %(recomputed)s: DIFFERENT."),
        ),
        (
            run.output_digest,
            computation.output_digest,
            _("Output digest: recorded %(recorded)s, recomputed %(recomputed)s: identical."),
            _("Output digest: recorded %(recorded)s, recomputed %(recomputed)s: DIFFERENT."),
        ),
    ):
        same = recorded == recomputed
        ok &= same
        lines.append(
            VerificationLine(
                identical if same else different, {"recorded": recorded, "recomputed": recomputed}
            )
        )
    if computation.problems:
        ok = False
        lines.extend(
            VerificationLine(_("A guarantee fails: %(problem)s"), {"problem": problem})
            for problem in computation.problems
        )
    else:
        lines.append(
            VerificationLine(_("Guarantees: capacities, stability, cutoffs and waiting lists all hold."))
        )
    if run.is_published:
        mismatches = _published_mismatches(run, computation)
        ok &= not mismatches
        lines.append(
            VerificationLine(
                ngettext(
                    "Published decisions: %(count)s differs from the recomputation.",
                    "Published decisions: %(count)s differ from the recomputation.",
                    mismatches,
                )
                % {"count": mismatches}
                if mismatches
                else _("Published decisions: every one matches the recomputation.")
            )
        )
    return Verification(lines, ok)


def _published_mismatches(run: SelectionRun, computation: Computation) -> int:
    candidates, prepared, result = computation.inputs.candidates, computation.prepared, computation.result
    expected = np.full(candidates.application_id.shape[0], -1, dtype=np.int64)
    admitted = result.assignment >= 0
    expected[prepared.eligible_rows[admitted]] = computation.inputs.territory.commune_id[
        result.assignment[admitted]
    ]
    stored = inputs.fetch_integers(
        SelectionDecision.objects.filter(run=run)
        .order_by()
        .values_list("application_id", Coalesce("commune_id", -1)),
        columns=2,
    )
    if stored.shape[0] != expected.shape[0]:
        return abs(stored.shape[0] - expected.shape[0])
    ids, communes = stored.T
    return int((ids != candidates.application_id).sum() + (communes != expected).sum())


# --------------------------------------------------------------------------------------------------- util


def _progress_reporter(run: SelectionRun, progress: Progress | None) -> Progress:
    def report(step: str, percent: int) -> None:
        # Outside any transaction: the staff page polling the run sees it at once.
        SelectionRun.objects.filter(pk=run.pk).update(progress_step=step, progress_percent=percent)
        if progress is not None:
            progress(step, percent)

    return report


@contextmanager
def _timed(timings: dict[str, float], label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[label] = round(time.perf_counter() - started, 3)


def _hex(value: np.uint64) -> str:
    return f"{int(value):016x}"


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None
