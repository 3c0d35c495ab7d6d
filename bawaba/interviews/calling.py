"""Who is called to the interviews (issue 14, item 1): the campaign's calling rules, and the one reason a candidate
is left out. Pure: the selectors read the facts (her place, her training, her documents) and ask this module.

Rules, as JSON (versioned like the selection rules: a change is a new version, never an edit):

    {"min_completion_percent": 100,   # of the remote training, 0–100
     "min_grade": "10.00",            # the training's grade, or null for none
     "documents_accepted": true}      # her supporting documents accepted

A candidate is called when she still holds her place from the preselection, and meets each rule. Otherwise the
first rule she misses, in the order below, is her reason: one reason per candidate, the same on every page.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_GRADE = Decimal("9999.99")  # TrainingProgress.grade: 6 digits, 2 decimals
CENTS = Decimal("0.01")


class LeftOut(StrEnum):
    NO_PLACE = "no_place"
    TRAINING_NOT_STARTED = "training_not_started"
    TRAINING_NOT_COMPLETED = "training_not_completed"
    NO_GRADE = "no_grade"
    GRADE_TOO_LOW = "grade_too_low"
    DOCUMENTS_NOT_ACCEPTED = "documents_not_accepted"

    @property
    def label(self):
        return LEFT_OUT_LABELS[self]


LEFT_OUT_LABELS = {
    LeftOut.NO_PLACE: gettext_lazy("No longer holds a place from the preselection"),
    LeftOut.TRAINING_NOT_STARTED: gettext_lazy("Has not started the remote training"),
    LeftOut.TRAINING_NOT_COMPLETED: gettext_lazy("Has not completed enough of the remote training"),
    LeftOut.NO_GRADE: gettext_lazy("Has no grade from the remote training yet"),
    LeftOut.GRADE_TOO_LOW: gettext_lazy("Training grade below the minimum"),
    LeftOut.DOCUMENTS_NOT_ACCEPTED: gettext_lazy("Supporting documents not accepted"),
}


class CallRulesError(ValueError):
    """Rules that cannot be used; the message says what, in the administrator's language."""


@dataclass(frozen=True)
class CallRules:
    min_completion_percent: int = 100
    min_grade: Decimal | None = None
    documents_accepted: bool = True

    def as_document(self) -> dict:
        return {
            "min_completion_percent": self.min_completion_percent,
            "min_grade": None if self.min_grade is None else str(self.min_grade.quantize(CENTS)),
            "documents_accepted": self.documents_accepted,
        }


DEFAULT_CALL_RULES = CallRules()


@dataclass(frozen=True)
class CandidateFacts:
    holds_place: bool
    training_started: bool
    completion_percent: int
    grade: Decimal | None
    documents_accepted: bool


def read_call_rules(data: object) -> CallRules:
    """Check a rules document; CallRulesError names the first thing wrong."""
    if not isinstance(data, Mapping):
        raise CallRulesError(_("The calling rules are an object."))
    unknown = sorted(set(data) - {"min_completion_percent", "min_grade", "documents_accepted"})
    if unknown:
        raise CallRulesError(_("Unknown rule: %(names)s.") % {"names": ", ".join(map(str, unknown))})
    completion = data.get("min_completion_percent", DEFAULT_CALL_RULES.min_completion_percent)
    if isinstance(completion, bool) or not isinstance(completion, int) or not 0 <= completion <= 100:
        raise CallRulesError(_("The minimum completion is a whole percentage from 0 to 100."))
    raw_grade = data.get("min_grade")
    grade: Decimal | None = None
    if raw_grade is not None:
        try:
            grade = Decimal(str(raw_grade))
        except InvalidOperation:
            grade = None
        if (
            grade is None
            or isinstance(raw_grade, bool)
            or not grade.is_finite()
            or not Decimal(0) <= grade <= MAX_GRADE
            or grade.as_tuple().exponent < -2  # type: ignore[operator]
        ):
            raise CallRulesError(
                _("The minimum grade is a number from 0 to 9999.99, with at most two decimals.")
            )
        grade = grade.quantize(CENTS)  # one spelling per grade: 10.5 and 10.50 are one version
    documents = data.get("documents_accepted", DEFAULT_CALL_RULES.documents_accepted)
    if not isinstance(documents, bool):
        raise CallRulesError(_("Whether documents must be accepted is true or false."))
    return CallRules(min_completion_percent=completion, min_grade=grade, documents_accepted=documents)


def left_out_reason(rules: CallRules, facts: CandidateFacts) -> LeftOut | None:
    """None when she is called; else the first rule she misses."""
    if not facts.holds_place:
        return LeftOut.NO_PLACE
    if rules.min_completion_percent > 0 and not facts.training_started:
        return LeftOut.TRAINING_NOT_STARTED
    if facts.completion_percent < rules.min_completion_percent:
        return LeftOut.TRAINING_NOT_COMPLETED
    if rules.min_grade is not None:
        if facts.grade is None:
            return LeftOut.NO_GRADE
        if facts.grade < rules.min_grade:
            return LeftOut.GRADE_TOO_LOW
    if rules.documents_accepted and not facts.documents_accepted:
        return LeftOut.DOCUMENTS_NOT_ACCEPTED
    return None
