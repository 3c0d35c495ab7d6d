"""Reads for the campaign pages and the candidate's dashboard, with what their templates need already joined."""

from collections.abc import Iterable

from django.db.models import BooleanField, Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from bawaba.campaigns.models import Application, ApplicationChoice, Campaign, CampaignStage
from bawaba.core.names import localised_field
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


# What the dashboard reads of an application, its campaign and administration (and the pk, always loaded, which
# the later stages use).
DASHBOARD_FIELDS = (
    "status",
    "submitted_at",
    "campaign__slug",
    "campaign__title_ar",
    "campaign__title_fr",
    "campaign__title_en",
    "campaign__registration_opens_at",
    "campaign__registration_closes_at",
    "campaign__administration__name_ar",
    "campaign__administration__name_fr",
    "campaign__administration__name_en",
)


def applications_for_dashboard(user) -> QuerySet[Application]:
    """A candidate's applications, newest campaign first, with their campaign and its administration joined, for
    the dashboard: only the fields it shows (reading another one costs a query per application, which its
    query-count test would catch).

    No prefetch: the dashboard reads the stages and the chosen communes with `stages_by_campaign` and
    `commune_names_by_application`, two plain queries that cost a fraction of prefetch_related's machinery.
    """
    return (
        Application.objects.filter(user=user)
        .select_related("campaign__administration")
        .only(*DASHBOARD_FIELDS)
        .order_by("-campaign__registration_opens_at", "-pk")
    )


def stages_by_campaign(campaign_ids: Iterable[int]) -> dict[int, list[CampaignStage]]:
    """The stages of these campaigns, by campaign id (one query; none for no campaign)."""
    campaign_ids = list(campaign_ids)
    stages: dict[int, list[CampaignStage]] = {campaign_id: [] for campaign_id in campaign_ids}
    if campaign_ids:
        for stage in CampaignStage.objects.filter(campaign_id__in=campaign_ids):
            stages[stage.campaign_id].append(stage)
    return stages


def commune_names_by_application(application_ids: Iterable[int]) -> dict[int, list[str]]:
    """The chosen communes' names in the active language, in order of preference, by application id (one query;
    none for no application). Names only: what the dashboard lists."""
    application_ids = list(application_ids)
    names: dict[int, list[str]] = {application_id: [] for application_id in application_ids}
    if application_ids:
        rows = (
            ApplicationChoice.objects.filter(application_id__in=application_ids)
            .order_by("application_id", "rank")
            .values_list("application_id", f"commune__{localised_field()}")
        )
        for application_id, name in rows:
            names[application_id].append(name)
    return names


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


def regions_for_picker() -> QuerySet[Region]:
    return Region.objects.order_by(localised_field())


def provinces_for_picker(region_id: int | None) -> QuerySet[Province]:
    if not region_id:
        return Province.objects.none()
    return provinces_of(region_id).order_by(localised_field())


def communes_for_picker(province_id: int | None) -> QuerySet[Commune]:
    if not province_id:
        return Commune.objects.none()
    return communes_of(province_id).order_by(localised_field())
