"""On her dashboard, once the preselection gave her a place: the rules that call candidates to the interviews, and
where she stands against them (called, or the first rule she does not meet yet)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest

from bawaba.campaigns.models import Application
from bawaba.interviews.selectors import call_lines_of


def calling_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: {"application", "rules", "line"}} for her submitted applications the preselection gave a
    place; two queries however many applications she has, none when none is submitted."""
    submitted = [a for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    by_pk = {a.pk: a for a in submitted}
    return {
        pk: {"application": by_pk[pk], "rules": rules, "line": line}
        for pk, (rules, line) in call_lines_of(submitted).items()
    }
