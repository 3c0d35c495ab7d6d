"""Her training progress on her dashboard: once her account is handed over to the e-learning platform, what its
last imported completion report says (completion, grade, first and last access), or that she has not started."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from bawaba.campaigns.models import Application
from bawaba.training.models import TrainingAccount


def progress_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: {"progress": her TrainingProgress or None}}, in one query for all her applications; none
    when no application is submitted (only a submitted application is selected, and gets a training account)."""
    submitted = [a.pk for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    accounts = (
        TrainingAccount.objects.filter(application_id__in=submitted)
        .filter(Q(exported_at__isnull=False) | Q(progress__isnull=False))
        .select_related("progress")
        .only(
            "application_id",
            "progress__first_access",
            "progress__completion_percent",
            "progress__grade",
            "progress__last_access",
        )
    )
    sections = {}
    for account in accounts:
        progress = getattr(account, "progress", None)
        started = progress is not None and progress.first_access is not None
        sections[account.application_id] = {"progress": progress if started else None}
    return sections
