"""The guarantee problems of a run as whole sentences in the reader's language.

`bawaba.selection.guarantees` is pure (no Django) and returns each problem as data: a code, how many cases and a
few examples as named values; the run stores them so (services.computation.named_problems: applications and
communes by their ids). They are turned into sentences only here, when a page or a command shows them, so that
every reader gets them in her own language, whatever the language of the worker that computed the run.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

# code → (the problem as a whole, given its number of cases; one sentence per example).
_HEADLINES: dict[str, Promise] = {
    "structure.rank_without_commune": ngettext_lazy(
        "%(count)s candidate has a commune without a rank, or a rank without a commune.",
        "%(count)s candidates have a commune without a rank, or a rank without a commune.",
        "count",
    ),
    "unlisted": ngettext_lazy(
        "%(count)s candidate is admitted to a commune that is not her choice at the stated rank.",
        "%(count)s candidates are admitted to a commune that is not their choice at the stated rank.",
        "count",
    ),
    "capacity": ngettext_lazy(
        "%(count)s commune admitted more candidates than it has places.",
        "%(count)s communes admitted more candidates than they have places.",
        "count",
    ),
    "count": ngettext_lazy(
        "%(count)s commune reports a number of admitted candidates, or a full status, that its admissions "
        "contradict.",
        "%(count)s communes report a number of admitted candidates, or a full status, that their admissions "
        "contradict.",
        "count",
    ),
    "cutoff": ngettext_lazy(
        "%(count)s commune publishes a cutoff that is not its last admitted candidate's.",
        "%(count)s communes publish a cutoff that is not their last admitted candidate's.",
        "count",
    ),
    "stability": ngettext_lazy(
        "%(count)s candidate could have a commune she preferred, which has a free place or admitted "
        "someone it ranks lower.",
        "%(count)s candidates could have a commune they preferred, which has a free place or admitted "
        "someone it ranks lower.",
        "count",
    ),
    "waitlist_membership": ngettext_lazy(
        "%(count)s waiting-list entry is not a refusal by that commune, or appears twice.",
        "%(count)s waiting-list entries are not a refusal by that commune, or appear twice.",
        "count",
    ),
    "waitlist_missing": ngettext_lazy(
        "%(count)s refusal is missing from the waiting lists.",
        "%(count)s refusals are missing from the waiting lists.",
        "count",
    ),
    "waitlist_order": ngettext_lazy(
        "%(count)s pair of neighbours on a waiting list is not in the commune's order.",
        "%(count)s pairs of neighbours on waiting lists are not in the commune's order.",
        "count",
    ),
    "waitlist_not_full": ngettext_lazy(
        "%(count)s commune with free places has a waiting list.",
        "%(count)s communes with free places have a waiting list.",
        "count",
    ),
    "waitlist_cutoff": ngettext_lazy(
        "%(count)s waiting candidate ranks above the last candidate her commune admitted.",
        "%(count)s waiting candidates rank above the last candidate their commune admitted.",
        "count",
    ),
}
# Problems without cases: their sentence names the values of the problem as a whole.
_STATEMENTS: dict[str, Promise] = {
    "structure.shape": _("The result's array %(array)s has the shape %(shape)s instead of %(expected)s."),
    "structure.bool": _("The result's array %(array)s must hold true or false values, not %(dtype)s."),
    "structure.integers": _("The result's array %(array)s must hold whole numbers, not %(dtype)s."),
    "structure.waitlist": _("The result's waiting lists are not a one-dimensional array of whole numbers."),
    "structure.assignment": _(
        "An admission names a commune that is not one of the run's %(communes)s communes."
    ),
    "structure.rank": _("An admission names a rank that is not between 1 and %(choices)s."),
    "structure.indptr": _("The bounds of the waiting lists do not rise from 0 to their total length."),
    "structure.waitlist_range": _(
        "A waiting list names someone who is not one of the run's %(candidates)s candidates."
    ),
    "unlisted.skipped": _("The cutoff, stability and waiting-list checks were skipped."),
}
_EXAMPLES: dict[str, Promise] = {
    "structure.rank_without_commune": _("Application %(application)s."),
    "unlisted": _(
        "Application %(application)s is admitted to commune %(commune)s as her choice %(choice)s, which is "
        "commune %(listed)s."
    ),
    "capacity": _("Commune %(commune)s admitted %(admitted)s candidates for %(places)s places."),
    "count": _(
        "Commune %(commune)s admitted %(admitted)s candidates for %(places)s places but reports %(reported)s."
    ),
    "cutoff": _(
        "Commune %(commune)s publishes priority %(priority)s and lottery number %(lottery)s instead of "
        "priority %(expected_priority)s and lottery number %(expected_lottery)s."
    ),
    "stability": _(
        "Application %(application)s preferred commune %(commune)s (her choice %(choice)s), which has a free "
        "place."
    ),
    "stability.other": _(
        "Application %(application)s preferred commune %(commune)s (her choice %(choice)s), which admitted "
        "application %(other)s, whom it ranks lower."
    ),
    "waitlist_membership": _(
        "Application %(application)s is on the waiting list of commune %(commune)s, which she did not choose."
    ),
    "waitlist_membership.below": _(
        "Application %(application)s is on the waiting list of commune %(commune)s, her choice %(choice)s, "
        "below the commune she was admitted to."
    ),
    "waitlist_membership.twice": _(
        "Application %(application)s is twice on the waiting list of commune %(commune)s."
    ),
    "waitlist_missing": _(
        "Application %(application)s was refused by commune %(commune)s but is not on its waiting list."
    ),
    "waitlist_order": _(
        "On the waiting list of commune %(commune)s, application %(application)s comes before application "
        "%(other)s."
    ),
    "waitlist_not_full": _(
        "Commune %(commune)s admitted %(admitted)s candidates for %(places)s places and has %(waiting)s on "
        "its waiting list."
    ),
    "waitlist_cutoff": _(
        "Application %(application)s waits for commune %(commune)s but ranks above application %(other)s, "
        "admitted there."
    ),
}


@dataclass(frozen=True)
class ProblemText:
    """One problem as the reader reads it: a sentence, its first examples and how many more there are."""

    sentence: str
    examples: tuple[str, ...] = ()
    more: str = ""


def _example_key(code: str, example: Mapping) -> str:
    if code == "stability" and "other" in example:
        return "stability.other"
    if code == "waitlist_membership" and "choice" in example:
        return "waitlist_membership.twice" if example.get("twice") else "waitlist_membership.below"
    return code


def describe_problem(problem: Mapping | str) -> ProblemText:
    """A stored problem (guarantees.Problem.as_json, ids named) as sentences in the active language.

    A plain string is a problem stored before problems were data: it is shown as it was written (in English).
    """
    if isinstance(problem, str):
        return ProblemText(problem)
    code, count = str(problem.get("code", "")), int(problem.get("count", 1))
    params = dict(problem.get("params") or {})
    examples = [dict(example) for example in problem.get("examples") or ()]
    try:
        if code in _STATEMENTS:
            sentence = str(_STATEMENTS[code]) % params
        else:
            sentence = _HEADLINES[code] % {"count": count}
        shown = tuple(str(_EXAMPLES[_example_key(code, example)]) % example for example in examples)
    except (KeyError, TypeError, ValueError):
        # A code or values this version does not know (a run computed by another version): shown as data.
        return ProblemText(f"{code}: {count} {params or ''} {examples or ''}".strip())
    hidden = count - len(shown) if shown else 0
    more = (
        ngettext("…and %(count)s more case.", "…and %(count)s more cases.", hidden) % {"count": hidden}
        if hidden > 0
        else ""
    )
    return ProblemText(sentence, shown, more)


def describe_problems(problems: list) -> list[ProblemText]:
    return [describe_problem(problem) for problem in problems or ()]
