"""Verifying a run: recompute it from its frozen inputs alone and compare it with everything recorded and shown.

Compared: both digests, the guarantees, every line and total of its public report and, once published, every
field of every decision a candidate reads (outcome, reason, score and its parts, the commune and its rank, the
lottery number, the number of communes she chose, and for each commune of her list her priority and her place
on its waiting list). Each difference is named: which field of which decision (or commune line, or total), how
many, and the first few with both values. The comparison is set-based (services.comparison).
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bawaba.selection import engine, frozen
from bawaba.selection.models import PromotionCommuneResult, SelectionRun
from bawaba.selection.problems import describe_problems
from bawaba.selection.services.comparison import (
    Difference,
    compare_decisions,
    compare_report,
    decisions_read_aside,
)
from bawaba.selection.services.computation import (
    Computation,
    DecisionColumns,
    decision_columns,
    named_problems,
    recompute,
    report_lines,
    summary_as_stored,
)
from bawaba.selection.services.promotion import (
    RoundBasis,
    current_columns,
    departures_by_commune,
    pending_release_ids,
    released_indices,
    round_commune_lines,
    round_states,
)

# Runs that wrote their report (a refused run too: its report shows why).
_WITH_REPORT = {SelectionRun.Status.COMPUTED, SelectionRun.Status.REFUSED, SelectionRun.Status.PUBLISHED}

DECISION_FIELD_LABELS = {
    "outcome": gettext_lazy("Outcome"),
    "ineligibility": gettext_lazy("Reason for not being eligible"),
    "score": gettext_lazy("Score"),
    "score_parts": gettext_lazy("Score breakdown"),
    "commune": gettext_lazy("Commune admitted to"),
    "rank": gettext_lazy("Rank of that commune in her list"),
    "lottery": gettext_lazy("Lottery number"),
    "declared_count": gettext_lazy("Number of communes she chose"),
    "choice_communes": gettext_lazy("Communes of her list"),
    "choice_priorities": gettext_lazy("Priorities at the communes of her list"),
    "choice_places": gettext_lazy("Places on the waiting lists of her communes"),
}
REPORT_FIELD_LABELS = {
    "needs": gettext_lazy("Needs"),
    "places": gettext_lazy("Places"),
    "candidates": gettext_lazy("Eligible candidates who chose it"),
    "first_choice": gettext_lazy("Eligible candidates who chose it first"),
    "admitted": gettext_lazy("Admitted"),
    "is_full": gettext_lazy("Full"),
    "cutoff_priority": gettext_lazy("Cutoff priority"),
    "cutoff_lottery": gettext_lazy("Cutoff lottery number"),
    "waitlist_length": gettext_lazy("Waiting-list length"),
}


@dataclass(frozen=True)
class VerificationLine:
    """One finding of a verification: a sentence in the reader's language, with what it names.

    `values` are technical values (digests, ids, recorded and recomputed values): they stay out of the sentence
    until it is shown, so that a page can set them apart, left to right, inside a sentence of either direction.
    `words` (translated labels, counts) are part of the sentence. `details` are the examples under it. `str()`
    gives the plain text.
    """

    sentence: str
    values: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    details: tuple["VerificationLine", ...] = ()

    def __str__(self) -> str:
        if not (self.values or self.words):
            return self.sentence
        return self.sentence % {**self.words, **self.values}

    def parts(self) -> list[tuple[str, str]]:
        """The sentence as (text, value) pairs in reading order; the last value is empty."""
        if not self.values:
            return [(str(self), "")]
        marker = "\x00"
        pieces = (
            self.sentence % {**self.words, **{name: f"{marker}{name}{marker}" for name in self.values}}
        ).split(marker)
        return list(zip(pieces[0::2], [self.values[name] for name in pieces[1::2]] + [""], strict=True))


@dataclass
class Verification:
    lines: list[VerificationLine]
    ok: bool
    # What differs, as data (the lines say it in sentences).
    differences: list[Difference] = field(default_factory=list)


def verify_run(*, run: SelectionRun) -> Verification:
    """Recompute a run from its frozen inputs; compare digests, guarantees, its report and (if published) every
    field of every decision."""
    if not run.frozen_inputs:
        return Verification(
            [VerificationLine(_("This run has no frozen inputs (it was never computed)."))], ok=False
        )
    with decisions_read_aside(run) if run.is_published else nullcontext(None) as stored_decisions:
        computation = recompute(frozen.thaw(bytes(run.frozen_inputs)))
        stored = stored_decisions() if stored_decisions else None
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
        for problem in describe_problems(named_problems(computation)):
            details = tuple(VerificationLine(example) for example in problem.examples)
            details += (VerificationLine(problem.more),) if problem.more else ()
            lines.append(VerificationLine(problem.sentence, details=details))
    else:
        lines.append(
            VerificationLine(_("Guarantees: capacities, stability, cutoffs and waiting lists all hold."))
        )
    differences: list[Difference] = []
    if run.status in _WITH_REPORT:
        report = compare_report(
            run, report_lines(computation), summary_as_stored(computation), computation.inputs.seed
        )
        differences += report
        ok &= not report
        lines.extend(_report_lines(report))
    if stored is not None:
        expected = decision_columns(computation)
        if run.is_published:
            round_lines, rounds_ok, expected = _promotion_rounds(run, computation)
            lines.extend(round_lines)
            ok &= rounds_ok
        decisions, differing = compare_decisions(expected, stored)
        differences += decisions
        ok &= not decisions
        lines.extend(
            _decision_lines(decisions, differing, computation.inputs.candidates.application_id.shape[0])
        )
    return Verification(lines, ok, differences)


def _promotion_rounds(
    run: SelectionRun, computation: Computation
) -> tuple[list[VerificationLine], bool, DecisionColumns]:
    """Each promotion round recomputed from its inputs (the run and everyone released up to it), its digests and
    its commune lines (figures, and who left each waiting list: the places candidates read) compared; and the
    decisions as they must stand after the last round and the releases since."""
    lines, ok = [], True
    basis = RoundBasis.of(computation)
    result, released = computation.result, np.array([], dtype=np.int64)
    places_at_run = None
    for state in round_states(run, basis):
        if places_at_run is None:
            places_at_run = engine.waitlist_positions(basis.instance, basis.run_result)
        departed = departures_by_commune(
            basis,
            places_at_run,
            (result, released_indices(basis, released)),
            (state.promotion.result, released_indices(basis, state.released_ids)),
        )
        commune_lines, commune_ok = _round_commune_lines(
            state.promotion_round, round_commune_lines(basis, result, state.promotion.result, departed)
        )
        ok &= commune_ok
        recorded = state.promotion_round
        for label, recorded_digest, recomputed_digest in (
            ("input", recorded.input_digest, state.input_digest),
            ("output", recorded.output_digest, state.output_digest),
        ):
            same = recorded_digest == recomputed_digest
            ok &= same
            if label == "input":
                sentence = (
                    _(
                        "Promotion round %(round)s, input digest: recorded %(recorded)s, recomputed %(recomputed)s: identical."
                    )
                    if same
                    else _(
                        "Promotion round %(round)s, input digest: recorded %(recorded)s, recomputed %(recomputed)s: DIFFERENT."
                    )
                )
            else:
                sentence = (
                    _(
                        "Promotion round %(round)s, output digest: recorded %(recorded)s, recomputed %(recomputed)s: identical."
                    )
                    if same
                    else _(
                        "Promotion round %(round)s, output digest: recorded %(recorded)s, recomputed %(recomputed)s: DIFFERENT."
                    )
                )
            lines.append(
                VerificationLine(
                    sentence,
                    {"recorded": recorded_digest, "recomputed": recomputed_digest},
                    words={"round": str(recorded.number)},
                )
            )
        lines.extend(commune_lines)
        result, released = state.promotion.result, state.released_ids
    indices = released_indices(basis, released)
    pending = np.setdiff1d(released_indices(basis, pending_release_ids(run)), indices)
    return lines, ok, current_columns(computation, result, indices, pending)


# A round's commune line as compared: the figures, then who left the list (places on the run's list).
_ROUND_LINE_FIELDS = (
    "admitted",
    "is_full",
    "cutoff_priority",
    "cutoff_lottery",
    "waitlist_length",
    "departures",
)


def _round_commune_lines(promotion_round, expected: dict[int, dict]) -> tuple[list[VerificationLine], bool]:
    """A round's recorded commune lines against the recomputed ones: one line saying they match, or what differs."""
    stored = {
        commune_id: dict(zip(_ROUND_LINE_FIELDS, (*values[:-1], bytes(values[-1])), strict=True))
        for commune_id, *values in PromotionCommuneResult.objects.filter(
            promotion_round=promotion_round
        ).values_list("commune_id", *_ROUND_LINE_FIELDS)
    }
    differing = sorted(
        commune_id
        for commune_id in stored.keys() | expected.keys()
        if stored.get(commune_id) != expected.get(commune_id)
    )
    number = {"round": str(promotion_round.number)}
    if not differing:
        return [
            VerificationLine(
                _(
                    "Promotion round %(round)s: the figures of the communes it changed and the departures from "
                    "their waiting lists match the recomputation."
                ),
                words=number,
            )
        ], True
    details = tuple(
        VerificationLine(
            _("Commune %(commune)s: recorded %(recorded)s, recomputed %(recomputed)s."),
            {
                "commune": str(commune_id),
                "recorded": _shown_line(stored.get(commune_id)),
                "recomputed": _shown_line(expected.get(commune_id)),
            },
        )
        for commune_id in differing[:5]
    )
    return [
        VerificationLine(
            ngettext(
                "Promotion round %(round)s: %(count)s commune line differs from the recomputation.",
                "Promotion round %(round)s: %(count)s commune lines differ from the recomputation.",
                len(differing),
            ),
            words={**number, "count": str(len(differing))},
            details=details,
        )
    ], False


def _shown_line(line: dict | None) -> str:
    if line is None:
        return "—"
    departures = np.frombuffer(line["departures"], dtype=PromotionCommuneResult.DEPARTURES_DTYPE)
    figures = ", ".join(f"{name} {line[name]}" for name in _ROUND_LINE_FIELDS[:-1])
    return f"{figures}, departures {departures.tolist()[:10]}"


def _details(difference: Difference, sentence: str, key: str) -> tuple[VerificationLine, ...]:
    details = tuple(
        VerificationLine(sentence, {key: str(name), "recorded": recorded, "recomputed": recomputed})
        for name, recorded, recomputed in difference.examples
    )
    hidden = difference.count - len(difference.examples)
    if hidden > 0:
        details += (
            VerificationLine(
                ngettext("…and %(count)s more case.", "…and %(count)s more cases.", hidden),
                words={"count": str(hidden)},
            ),
        )
    return details


def _decision_lines(differences: list[Difference], differing: int, total: int) -> list[VerificationLine]:
    if not differences:
        return [
            VerificationLine(
                ngettext(
                    "Published decisions: the %(count)s decision matches the recomputation in every field.",
                    "Published decisions: all %(count)s decisions match the recomputation in every field.",
                    total,
                ),
                words={"count": str(total)},
            )
        ]
    lines = [
        VerificationLine(
            ngettext(
                "Published decisions: %(count)s differs from the recomputation.",
                "Published decisions: %(count)s differ from the recomputation.",
                differing,
            ),
            words={"count": str(differing)},
        )
    ]
    for difference in differences:
        count = {"count": str(difference.count)}
        if difference.field == "missing":
            sentence = ngettext(
                "%(count)s decision of the recomputation is missing from the published ones.",
                "%(count)s decisions of the recomputation are missing from the published ones.",
                difference.count,
            )
            example = _("Application %(application)s has no published decision.")
        elif difference.field == "extra":
            sentence = ngettext(
                "%(count)s published decision is not in the recomputation.",
                "%(count)s published decisions are not in the recomputation.",
                difference.count,
            )
            example = _(
                "Application %(application)s has a published decision that the recomputation does not give."
            )
        else:
            sentence = ngettext(
                "%(field)s: %(count)s decision differs from the recomputation.",
                "%(field)s: %(count)s decisions differ from the recomputation.",
                difference.count,
            )
            count["field"] = str(DECISION_FIELD_LABELS[difference.field])
            example = _("Application %(application)s: recorded %(recorded)s, recomputed %(recomputed)s.")
        lines.append(
            VerificationLine(sentence, words=count, details=_details(difference, example, "application"))
        )
    return lines


def _report_lines(differences: list[Difference]) -> list[VerificationLine]:
    if not differences:
        return [
            VerificationLine(
                _("Public report: every commune line and every total matches the recomputation.")
            )
        ]
    lines = []
    for difference in differences:
        count = {"count": str(difference.count)}
        key = "commune"
        if difference.subject == "report":
            sentence = ngettext(
                "Public report: %(count)s total differs from the recomputation.",
                "Public report: %(count)s totals differ from the recomputation.",
                difference.count,
            )
            example, key = _("%(total)s: recorded %(recorded)s, recomputed %(recomputed)s."), "total"
        elif difference.field == "missing":
            sentence = ngettext(
                "Public report: %(count)s commune line of the recomputation is missing.",
                "Public report: %(count)s commune lines of the recomputation are missing.",
                difference.count,
            )
            example = _("Commune %(commune)s has no line in the report.")
        elif difference.field == "extra":
            sentence = ngettext(
                "Public report: %(count)s commune line is not in the recomputation.",
                "Public report: %(count)s commune lines are not in the recomputation.",
                difference.count,
            )
            example = _("Commune %(commune)s has a line in the report that the recomputation does not give.")
        else:
            sentence = ngettext(
                "Public report, %(field)s: %(count)s commune line differs from the recomputation.",
                "Public report, %(field)s: %(count)s commune lines differ from the recomputation.",
                difference.count,
            )
            count["field"] = str(REPORT_FIELD_LABELS[difference.field])
            example = _("Commune %(commune)s: recorded %(recorded)s, recomputed %(recomputed)s.")
        lines.append(VerificationLine(sentence, words=count, details=_details(difference, example, key)))
    return lines
