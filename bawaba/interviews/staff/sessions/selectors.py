"""Reads of the sessions pages: a province's sessions with their room, a session's slots and convocations."""

from django.db.models import Count, QuerySet, Sum

from bawaba.campaigns.models import Campaign
from bawaba.interviews.models import Convocation, InterviewSession
from bawaba.territory.models import Province


def sessions_of(campaign: Campaign, province: Province) -> QuerySet[InterviewSession]:
    return (
        InterviewSession.objects.filter(campaign=campaign, province=province)
        .annotate(
            slot_count=Count("slots", distinct=True),
            capacity=Sum("slots__capacity"),
            convoked=Sum("slots__convoked"),
        )
        .order_by("day", "starts_at", "pk")
    )


def session_convocations(session: InterviewSession) -> QuerySet[Convocation]:
    return (
        Convocation.objects.filter(slot__session=session)
        .exclude(status=Convocation.Status.WITHDRAWN)
        .select_related("slot", "application")
        .order_by("slot__starts_at", "application__last_name_latin", "application__first_name_latin", "pk")
    )


def sessions_per_province(campaign: Campaign, provinces: QuerySet[Province]) -> list[dict]:
    """Per province of the scope: its sessions, places and convocations (one grouped query)."""
    rows = {
        row["province_id"]: row
        for row in InterviewSession.objects.filter(campaign=campaign, province__in=provinces)
        .values("province_id")
        .annotate(
            sessions=Count("pk", distinct=True),
            capacity=Sum("slots__capacity"),
            convoked=Sum("slots__convoked"),
        )
        .order_by()
    }
    return [
        {"province": province, **rows.get(province.pk, {"sessions": 0, "capacity": 0, "convoked": 0})}
        for province in provinces.order_by("code")
    ]
