"""The staff file's problems as sentences in the reader's language (the parser itself cannot translate)."""

from django.utils.translation import gettext

from bawaba.accounts.staff.csvfile import PROBLEM_SENTENCES, StaffFileProblem


def sentence(problem: StaffFileProblem) -> str:
    return gettext(PROBLEM_SENTENCES[problem.code]) % problem.values


def sentences(problems: list[StaffFileProblem]) -> list[str]:
    return [sentence(problem) for problem in problems]
