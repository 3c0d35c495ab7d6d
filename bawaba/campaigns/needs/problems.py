"""A needs file's problem as a sentence in the reader's language: the file parser is pure, so translation happens
here."""

from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext

from bawaba.campaigns.needs.csvfile import PROBLEM_SENTENCES, NeedsProblem


def describe(problem: NeedsProblem) -> str:
    """The problem's sentence in the active language, its placeholders filled in (numbers written the reader's way)."""
    values = {
        key: number_format(value, force_grouping=key == "maximum") if isinstance(value, int) else value
        for key, value in problem.values.items()
    }
    return gettext(PROBLEM_SENTENCES[problem.code]) % values


def describe_all(problems: Iterable[NeedsProblem]) -> list[str]:
    return [describe(problem) for problem in problems]
