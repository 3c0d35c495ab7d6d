"""A rules problem as a sentence in the reader's language: the parser is pure, so translation happens here."""

from collections.abc import Iterable

from django.utils.translation import gettext

from bawaba.campaigns.rules.parser import PROBLEM_SENTENCES, RuleProblem


def describe(problem: RuleProblem) -> str:
    """The problem's sentence in the active language, its placeholders filled in."""
    return gettext(PROBLEM_SENTENCES[problem.code]) % dict(problem.params)


def describe_all(problems: Iterable[RuleProblem]) -> list[str]:
    return [describe(problem) for problem in problems]
