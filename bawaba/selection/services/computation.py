"""Computing a run: its inputs frozen, scoring, allocation, the guarantee checks and what it publishes.

Computing, publishing and verifying all go through `recompute`, which needs nothing but the run's frozen bytes.
What the run writes (its report lines, its summary, each candidate's decision) is made here, as plain values
and NumPy columns, by the same functions for the writers and for the verification that compares them with what
the database holds.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db import transaction
from django.utils import timezone

from bawaba.campaigns.models import Application
from bawaba.campaigns.rules.versions import rules_for_run
from bawaba.core.audit import record_event
from bawaba.selection import engine, frozen, guarantees, inputs, scoring
from bawaba.selection.guarantees import Problem
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.services.runs import beat

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]

# Outcomes as small integers for set-based comparisons, in this order.
OUTCOMES = (
    SelectionDecision.Outcome.ADMITTED.value,
    SelectionDecision.Outcome.WAITLISTED.value,
    SelectionDecision.Outcome.INELIGIBLE.value,
    SelectionDecision.Outcome.RELEASED.value,
)


@dataclass
class Computation:
    """Everything a run computes from its frozen inputs."""

    inputs: frozen.FrozenInputs
    prepared: scoring.Prepared
    result: engine.Result
    problems: list[Problem]
    input_digest: str
    output_digest: str
    timings: dict[str, float] = field(default_factory=dict)


def compute_run(*, run_id: int, progress: Progress | None = None) -> SelectionRun:
    """Compute a queued run: freeze its inputs, allocate, check, write the report. Safe to call twice.

    The worker's lease (`heartbeat_at`) is refreshed at each step; if a retry has started another attempt in the
    meantime (this worker was presumed dead), this one writes nothing.
    """
    now = timezone.now()
    claimed = SelectionRun.objects.filter(pk=run_id, status=SelectionRun.Status.QUEUED).update(
        status=SelectionRun.Status.RUNNING, progress_step="read", progress_percent=0, heartbeat_at=now
    )
    run = SelectionRun.objects.select_related("campaign", "rules_version").get(pk=run_id)
    if not claimed:
        return run
    attempt = run.attempt
    report = _progress_reporter(run, attempt, progress)
    timings: dict[str, float] = {}
    try:
        report("read", 5)
        with timed(timings, "read"):
            frozen_inputs = read_inputs(run)
        report("allocate", 40)

        # Compressing the frozen inputs (zlib, which releases the GIL) overlaps the computation on another core.
        def freeze() -> bytes:
            with timed(timings, "freeze"):
                return frozen.freeze(frozen_inputs)

        with ThreadPoolExecutor(max_workers=1) as pool:
            freezing = pool.submit(freeze)
            computation = recompute(frozen_inputs)
            blob = freezing.result()
        timings.update(computation.timings)
        report("write", 80)
        with transaction.atomic():
            mine = SelectionRun.objects.select_for_update().filter(
                pk=run_id, status=SelectionRun.Status.RUNNING, attempt=attempt
            )
            if not mine.exists():
                logger.warning(
                    "Selection run %s: attempt %s was taken over, its result is dropped", run_id, attempt
                )
                run.refresh_from_db()
                return run
            with timed(timings, "write_report"):
                _write_report(run, computation)
            run.summary = summary(computation)
            run.frozen_inputs = blob
            run.input_digest = computation.input_digest
            run.output_digest = computation.output_digest
            run.problems = named_problems(computation)
            run.status = SelectionRun.Status.REFUSED if computation.problems else SelectionRun.Status.COMPUTED
            run.timings = timings
            run.finished_at = timezone.now()
            run.heartbeat_at = run.finished_at
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
                    "heartbeat_at",
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
        SelectionRun.objects.filter(pk=run_id, attempt=attempt).update(
            status=SelectionRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    run.computation = computation  # type: ignore[attr-defined]  # for a caller that publishes at once (not stored)
    return run


def read_inputs(run: SelectionRun) -> frozen.FrozenInputs:
    territory, candidates, needs = inputs.read_all(run.campaign, stage=run.stage)
    return frozen.FrozenInputs(
        candidates=candidates,
        territory=territory,
        needs=needs,
        rules=rules_for_run(run.rules_version.rules, run.campaign),
        seed=run.seed,
        education_order=tuple(Application.EducationLevel.values),
        stage=run.stage,
    )


def recompute(frozen_inputs: frozen.FrozenInputs, *, check: bool = True) -> Computation:
    """The run's result from its frozen inputs alone: what computing, publishing and verifying all share.

    `check=False` skips the guarantee checks (`problems` is then empty): for a promotion round, which starts from
    a run already checked when it was published and compares its digest.
    """
    timings: dict[str, float] = {}
    with timed(timings, "prepare"):
        prepared = scoring.prepare(
            frozen_inputs.candidates,
            frozen_inputs.territory,
            frozen_inputs.needs,
            frozen_inputs.rules,
            seed=frozen_inputs.seed,
            education_order=frozen_inputs.education_order,
            stage=frozen_inputs.stage,
        )
    with timed(timings, "allocate"):
        result = engine.run_deferred_acceptance(prepared.instance)
    problems = []
    if check:
        with timed(timings, "check"):
            problems = guarantees.check_guarantees(prepared.instance, result)
    return Computation(
        inputs=frozen_inputs,
        prepared=prepared,
        result=result,
        problems=problems,
        input_digest=engine.digest_instance(prepared.instance),
        output_digest=engine.digest_result(result),
        timings=timings,
    )


def named_problems(computation: Computation) -> list[dict]:
    """The guarantee problems as stored in the run: candidates named by application id, communes by commune id.

    The engine knows only its own indices; whoever reads a run's problems needs the ids the pages show.
    """
    application = computation.inputs.candidates.application_id[computation.prepared.eligible_rows]
    commune = computation.inputs.territory.commune_id
    names = {"candidate": ("application", application), "other": ("other", application)}
    named = []
    for problem in computation.problems:
        examples = []
        for example in problem.examples:
            renamed: dict[str, int | str] = {}
            for key, value in example.items():
                if key in names:
                    new_key, ids = names[key]
                    renamed[new_key] = int(ids[int(value)])
                elif key in {"commune", "listed"}:
                    renamed[key] = int(commune[int(value)])
                else:
                    renamed[key] = value
            examples.append(renamed)
        named.append(Problem(problem.code, problem.count, tuple(examples), problem.params).as_json())
    return named


# ------------------------------------------------------------------------------------------- the report


def report_lines(computation: Computation) -> dict[int, dict[str, int | bool | str | None]]:
    """The run's report line of every commune with needs or candidates, by commune id: SelectionCommuneResult."""
    instance, result = computation.prepared.instance, computation.result
    territory, needs = computation.inputs.territory, computation.inputs.needs
    m = territory.commune_id.shape[0]
    listed = instance.preferences[instance.preferences >= 0]
    candidates = np.bincount(listed, minlength=m)
    first = instance.preferences[:, 0] if instance.preferences.shape[0] else np.array([], dtype=np.int32)
    first_choice = np.bincount(first[first >= 0], minlength=m)
    waitlist_length = np.diff(result.waitlist_indptr)
    shown = np.flatnonzero((needs > 0) | (candidates > 0))
    return {
        int(territory.commune_id[c]): {
            "needs": int(needs[c]),
            "places": int(instance.capacities[c]),
            "candidates": int(candidates[c]),
            "first_choice": int(first_choice[c]),
            "admitted": int(result.admitted_count[c]),
            "is_full": bool(result.is_full[c]),
            "cutoff_priority": int(result.cutoff_priority[c]) if result.admitted_count[c] else None,
            "cutoff_lottery": lottery_hex(result.cutoff_lottery[c]) if result.admitted_count[c] else "",
            "waitlist_length": int(waitlist_length[c]),
        }
        for c in shown.tolist()
    }


def _write_report(run: SelectionRun, computation: Computation) -> None:
    SelectionCommuneResult.objects.filter(run=run).delete()
    SelectionCommuneResult.objects.bulk_create(
        [
            SelectionCommuneResult(run=run, commune_id=commune_id, **line)
            for commune_id, line in report_lines(computation).items()
        ],
        batch_size=500,
    )


def summary(computation: Computation) -> dict:
    """Totals and per-category counts for the public report (no personal data), as stored: plain JSON values."""
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
    stage_reasons = scoring.stage_reasons(computation.inputs.stage)
    reasons = np.bincount(prepared.ineligibility.astype(np.int64), minlength=stage_reasons[-1][0] + 1)
    needs = computation.inputs.needs
    return {
        "rules": computation.inputs.rules,
        "seed": computation.inputs.seed,
        "totals": {
            "candidates": n,
            "eligible": int(eligible.sum()),
            "admitted": int(admitted.sum()),
            "waitlisted": int(eligible.sum() - admitted.sum()),
            "needs": int(needs.sum()),
            "places": int(prepared.instance.capacities.sum()),
            "communes_with_needs": int((needs > 0).sum()),
            "communes_short": int(((needs > 0) & (result.admitted_count < needs)).sum()),
            "shortfall": int(np.maximum(needs - result.admitted_count, 0).sum()),
            "fallback_admitted": int(
                (result.assigned_rank >= prepared.declared_count.astype(np.int16))[
                    result.assignment >= 0
                ].sum()
            ),
            "rounds": int(result.rounds),
        },
        "ineligible": {name: int(reasons[code]) for code, name in stage_reasons},
        "by_category": by_category,
    }


# ---------------------------------------------------------------------------------------- the decisions


@dataclass(frozen=True)
class DecisionColumns:
    """Every candidate's SelectionDecision as columns, one row per candidate in application id order.

    `commune` and `rank` are 0 where she is not admitted (`admitted` False: NULL in the table). `choice_records`
    (n, width) SelectionDecision.CHOICE_DTYPE holds her list of communes in its first `choice_count` records: her
    `choice_table` bytes.
    """

    application_id: np.ndarray
    outcome: np.ndarray  # index in OUTCOMES
    ineligibility: np.ndarray
    score: np.ndarray
    score_parts: np.ndarray  # (n, parts) int64
    admitted: np.ndarray
    commune: np.ndarray
    rank: np.ndarray
    lottery: np.ndarray  # 16 hexadecimal digits, "" where ineligible
    declared_count: np.ndarray
    choice_records: np.ndarray
    choice_count: np.ndarray

    def score_parts_text(self, start: int = 0, stop: int | None = None) -> list[str]:
        """The `score_parts` column's JSON text of rows start to stop, as publishing writes it."""
        parts = self.score_parts[start:stop]
        template = "[" + ",".join(["{}"] * parts.shape[1]) + "]"
        return [template.format(*row) for row in parts.tolist()]

    def choice_table_bytes(self, rows: np.ndarray | slice = slice(None)) -> bytes:
        """The `choice_table` bytes of these rows, end to end, in the order given."""
        records, count = self.choice_records[rows], self.choice_count[rows]
        return records[np.arange(records.shape[1])[None, :] < count[:, None]].tobytes()

    @cached_property
    def _choice_bounds(self) -> list[int]:
        return np.r_[0, np.cumsum(self.choice_count) * SelectionDecision.CHOICE_DTYPE.itemsize].tolist()

    @cached_property
    def _choice_data(self) -> bytes:
        return self.choice_table_bytes()

    def choice_tables(self, start: int, stop: int) -> list[bytes]:
        """Each row's `choice_table` bytes, rows start to stop (publishing writes them a chunk at a time)."""
        data, bounds = self._choice_data, self._choice_bounds
        return [data[bounds[i] : bounds[i + 1]] for i in range(start, stop)]


def score_parts_bytes(parts: np.ndarray) -> tuple[bytes, np.ndarray]:
    """`DecisionColumns.score_parts_text` of every row at once, as ASCII bytes end to end, and each row's length.

    Vectorised (a few NumPy passes, not half a million `format` calls) for the verification, which compares the
    stored text with it byte for byte. Parts are whole numbers >= 0 (the rules refuse negative points); a
    negative one falls back to the row-by-row text.
    """
    n, width = parts.shape
    if n == 0 or width == 0 or int(parts.min()) < 0:
        texts = [
            ("[" + ",".join(str(value) for value in row) + "]").encode("ascii") for row in parts.tolist()
        ]
        return b"".join(texts), np.fromiter(map(len, texts), dtype=np.int64, count=n)
    digits = np.ones(parts.shape, dtype=np.int64)
    for power in range(1, 19):
        above = parts >= 10**power
        if not above.any():
            break
        digits += above
    length = 2 + (width - 1) + digits.sum(axis=1)
    start = np.r_[0, np.cumsum(length)[:-1]]
    text = np.empty(int(length.sum()), dtype=np.uint8)
    text[start] = ord("[")
    text[start + length - 1] = ord("]")
    # Where each value's first digit goes: after "[", the values before it and their commas.
    first = start[:, None] + 1 + np.arange(width)[None, :] + (np.cumsum(digits, axis=1) - digits)
    text[(first[:, :-1] + digits[:, :-1]).ravel()] = ord(",")
    for power in range(int(digits.max())):
        has = digits > power
        text[(first + digits - 1 - power)[has]] = (ord("0") + parts // 10**power % 10)[has]
    return text.tobytes(), length


def decision_columns(
    computation: Computation, *, waitlist_places: np.ndarray | None = None
) -> DecisionColumns:
    """Whole-column NumPy work: no Python per row, except what writing or comparing text needs later.

    `waitlist_places` ((eligible, k), 0 or less where not on the list): the places the decisions hold, by default
    the result's own (after a promotion round, the run's places of those still on the lists).
    """
    candidates, prepared, result = computation.inputs.candidates, computation.prepared, computation.result
    instance, territory = prepared.instance, computation.inputs.territory
    n = candidates.application_id.shape[0]
    eligible_rows = prepared.eligible_rows
    outcome = np.full(n, OUTCOMES.index(SelectionDecision.Outcome.INELIGIBLE), dtype=np.int64)
    outcome[eligible_rows] = np.where(
        result.assignment >= 0,
        OUTCOMES.index(SelectionDecision.Outcome.ADMITTED),
        OUTCOMES.index(SelectionDecision.Outcome.WAITLISTED),
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
    choice_records, choice_count = _choice_records(computation, waitlist_places)
    return DecisionColumns(
        application_id=candidates.application_id.astype(np.int64),
        outcome=outcome,
        ineligibility=prepared.ineligibility.astype(np.int64),
        score=prepared.score.astype(np.int64),
        score_parts=prepared.score_parts.astype(np.int64),
        admitted=is_admitted,
        commune=commune,
        rank=rank,
        lottery=lottery,
        declared_count=declared,
        choice_records=choice_records,
        choice_count=choice_count,
    )


def _choice_records(
    computation: Computation, waitlist_places: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's list of communes as SelectionDecision.CHOICE_DTYPE records, and how many she has.

    For the eligible, the instance's row (declared choices, then the fallback) with her priority and waiting-list
    place at each; for the others, their declared choices with priority and place 0. Whole-array work: no Python
    per commune or per row.
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
    if waitlist_places is None:
        waitlist_places = engine.waitlist_positions(instance, result)
    table["place"][eligible_rows, :k] = np.maximum(waitlist_places, 0)
    lengths[eligible_rows] = instance.n_choices
    table["commune"][ineligible_rows, : declared.shape[1]] = territory.commune_id[np.maximum(declared, 0)]
    lengths[ineligible_rows] = (declared >= 0).sum(axis=1)
    return table, lengths


def summary_as_stored(computation: Computation) -> dict:
    """`summary` as a JSON column gives it back (tuples become lists, keys strings)."""
    return json.loads(json.dumps(summary(computation)))


# --------------------------------------------------------------------------------------------------- util


def _progress_reporter(run: SelectionRun, attempt: int, progress: Progress | None) -> Progress:
    def report(step: str, percent: int) -> None:
        # Outside any transaction: the staff page polling the run sees it at once, lease included.
        beat(run_id=run.pk, attempt=attempt, progress_step=step, progress_percent=percent)
        if progress is not None:
            progress(step, percent)

    return report


@contextmanager
def timed(timings: dict[str, float], label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[label] = round(time.perf_counter() - started, 3)


def lottery_hex(value: np.uint64 | int) -> str:
    return f"{int(value):016x}"
