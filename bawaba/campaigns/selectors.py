from django.db.models import QuerySet
from django.utils import timezone

from bawaba.campaigns.models import Campaign


def campaigns_for_home() -> QuerySet[Campaign]:
    """Published campaigns whose registration is open or still to come, soonest deadline first."""
    return (
        Campaign.objects.filter(is_published=True, registration_closes_at__gt=timezone.now())
        .select_related("administration")
        .prefetch_related("stages")
        .order_by("registration_closes_at")
    )
