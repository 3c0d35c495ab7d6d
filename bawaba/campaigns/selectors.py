from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from bawaba.campaigns.models import Campaign


def campaigns_for_home() -> QuerySet[Campaign]:
    """Published campaigns: those open or about to open first (soonest deadline first), then the closed ones,
    newest first, since their later stages (results, training, interviews) still concern their candidates."""
    now = timezone.now()
    return (
        Campaign.objects.filter(is_published=True)
        .annotate(
            is_open=Case(
                When(registration_opens_at__lte=now, registration_closes_at__gt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_closed=Case(
                When(registration_closes_at__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .select_related("administration")
        .prefetch_related("stages")
        .order_by("is_closed", "registration_closes_at")
    )
