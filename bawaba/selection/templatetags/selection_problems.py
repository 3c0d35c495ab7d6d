"""`{{ run.problems|as_sentences }}`: a run's stored guarantee problems as sentences in the reader's language."""

from django import template

from bawaba.selection.problems import ProblemText, describe_problems

register = template.Library()


@register.filter
def as_sentences(problems: list) -> list[ProblemText]:
    return describe_problems(problems)
