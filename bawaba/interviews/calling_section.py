"""On her dashboard, once the preselection gave her a place: the rules that call candidates to the interviews, and
where she stands against them (called, or the first rule she does not meet yet)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest

from bawaba.campaigns.models import Application
from bawaba.interviews.selectors import call_line_of, call_rules


def calling_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: {"rules", "line"}} for her submitted applications the preselection gave a place.

    A few queries per campaign she applied to (its rules, her line), never per page element; a draft or a withdrawn
    application reads nothing.
    """
    sections: dict[int, dict[str, Any]] = {}
    for application in applications:
        if application.status != Application.Status.SUBMITTED:
            continue
        rules = call_rules(application.campaign)
        line = call_line_of(application.campaign, rules, application)
        if line is not None:
            sections[application.pk] = {"application": application, "rules": rules, "line": line}
    return sections
