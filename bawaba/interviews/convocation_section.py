"""Her convocation on her dashboard: when and where, its status, and what she may do (confirm, move to another
slot with room, withdraw) until the day before."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bawaba.campaigns.models import Application
from bawaba.interviews.models import Convocation
from bawaba.interviews.services.convocations import CHANGE_NOTICE, LIVE, slots_she_may_move_to


def convocation_sections(
    request: HttpRequest, applications: Sequence[Any]
) -> Mapping[int, Mapping[str, Any]]:
    submitted = [a for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    now = timezone.now()
    convocations = (
        Convocation.objects.filter(application__in=submitted)
        .exclude(status=Convocation.Status.WITHDRAWN)
        .select_related("slot__session")
    )
    sections = {}
    for convocation in convocations:
        answerable = convocation.status in LIVE and convocation.slot.starts_at - now >= CHANGE_NOTICE
        sections[convocation.application_id] = {
            "application": convocation.application,
            "convocation": convocation,
            "answerable": answerable,
            "other_slots": slots_she_may_move_to(convocation.application, now) if answerable else [],
        }
    return sections
