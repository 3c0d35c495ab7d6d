"""Her convocation on her dashboard: when and where, its status, and what she may do (confirm, move to another
slot with room, withdraw) until the day before."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bawaba.campaigns.models import Application
from bawaba.interviews.models import Convocation
from bawaba.interviews.services.convocations import CHANGE_NOTICE, LIVE, MOVE_CHOICES, open_slots_in


def convocation_sections(
    request: HttpRequest, applications: Sequence[Any]
) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: her convocation, whether she may still answer it, the other slots she may move to}: two
    queries however many applications she has (her convocations; the open slots of their provinces)."""
    submitted = [a for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    by_pk = {a.pk: a for a in submitted}
    now = timezone.now()
    convocations = list(
        Convocation.objects.filter(application__in=submitted)
        .exclude(status=Convocation.Status.WITHDRAWN)
        .select_related("slot__session")
    )
    answerable = {c.pk for c in convocations if c.status in LIVE and c.slot.starts_at - now >= CHANGE_NOTICE}
    places = {(c.campaign_id, c.slot.session.province_id) for c in convocations if c.pk in answerable}
    open_slots = open_slots_in(places, after=now + CHANGE_NOTICE) if places else []
    sections = {}
    for convocation in convocations:
        place = (convocation.campaign_id, convocation.slot.session.province_id)
        others = [
            slot
            for slot in open_slots
            if (slot.session.campaign_id, slot.session.province_id) == place
            and slot.pk != convocation.slot_id
        ]
        sections[convocation.application_id] = {
            "application": by_pk[convocation.application_id],
            "convocation": convocation,
            "answerable": convocation.pk in answerable,
            "other_slots": others[:MOVE_CHOICES] if convocation.pk in answerable else [],
        }
    return sections
