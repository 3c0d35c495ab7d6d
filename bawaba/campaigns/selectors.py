"""Reads for the campaign pages and the candidate's dashboard, with what their templates need already joined."""

from django.db.models import BooleanField, Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language

from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.territory.models import Commune, Province, Region
from bawaba.territory.selectors import communes_of, provinces_of


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


def campaigns_open_or_upcoming() -> QuerySet[Campaign]:
    """Published campaigns still taking (or about to take) registrations: the census first, then the open ones
    by nearest deadline, then those opening soon."""
    now = timezone.now()
    return (
        Campaign.objects.filter(is_published=True, registration_closes_at__gt=now)
        .annotate(
            is_open=Case(
                When(registration_opens_at__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            census_first=Case(
                When(kind=Campaign.Kind.CENSUS, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .select_related("administration")
        .prefetch_related("stages")
        .order_by("census_first", "-is_open", "registration_closes_at", "pk")
    )


def published_campaigns() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(is_published=True).select_related("administration").prefetch_related("stages")
    )


def applications_of(user) -> QuerySet[Application]:
    """A candidate's applications, newest campaign first, with what the dashboard shows of each."""
    return (
        Application.objects.filter(user=user)
        .select_related("campaign__administration", "residence_commune")
        .prefetch_related(
            "campaign__stages",
            Prefetch(
                "choices", queryset=ApplicationChoice.objects.select_related("commune").order_by("rank")
            ),
        )
        .order_by("-campaign__registration_opens_at", "-pk")
    )


def choices_of(application: Application) -> list[ApplicationChoice]:
    """The application's communes in order of preference, with their province and region."""
    return list(
        ApplicationChoice.objects.filter(application=application)
        .select_related("commune__province", "commune__region")
        .order_by("rank")
    )


def choice_count(application: Application) -> int:
    return ApplicationChoice.objects.filter(application=application).aggregate(n=Count("pk"))["n"]


def application_reference(application: Application) -> str:
    """The reference a candidate quotes to staff: the campaign's short name and the application number."""
    return f"{application.campaign.slug.upper()}-{application.pk:06d}"


def _name_order() -> str:
    """Places sorted by the name the visitor reads: Arabic names on Arabic pages, French ones otherwise."""
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_fr"


def regions_for_picker() -> QuerySet[Region]:
    return Region.objects.order_by(_name_order())


def provinces_for_picker(region_id: int | None) -> QuerySet[Province]:
    if not region_id:
        return Province.objects.none()
    return provinces_of(region_id).order_by(_name_order())


def communes_for_picker(province_id: int | None) -> QuerySet[Commune]:
    if not province_id:
        return Commune.objects.none()
    return communes_of(province_id).order_by(_name_order())
