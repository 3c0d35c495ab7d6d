"""Reads of the progress pages: the figures per province within a staff member's scope, a province's candidates,
the imports and reminder waves of a campaign."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Campaign
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.selectors import published_run
from bawaba.territory.models import Province
from bawaba.training.models import ProgressImport, ReminderWave, TrainingAccount
from bawaba.training.selectors import accounts_holding_a_place


@dataclass(frozen=True)
class ProvinceProgress:
    """Where the candidates holding a place in one province stand (the province of the commune of their place)."""

    province: Province
    accounts: int
    started: int
    completed: int
    average_completion: float

    @property
    def not_started(self) -> int:
        return self.accounts - self.started

    @property
    def average_percent(self) -> int:
        """The average completion to the nearest whole percent, as the page shows it."""
        return int(self.average_completion + 0.5)


def _preselection(campaign: Campaign) -> SelectionRun | None:
    return published_run(campaign, SelectionRun.Stage.PRESELECTION)


def provinces_in_scope(scope: Scope) -> QuerySet[Province]:
    """The provinces a staff member may see: every one (national), her region's, her own."""
    return Province.objects.filter(scope.territory_q(province_fields=["pk"], region_fields=["region_id"]))


def progress_per_province(campaign: Campaign, scope: Scope) -> list[ProvinceProgress]:
    """One line per province of the scope with candidates holding a place, in the order of the provinces' codes."""
    run = _preselection(campaign)
    if run is None or scope.is_empty:
        return []
    provinces = {province.pk: province for province in provinces_in_scope(scope).select_related("region")}
    progress = "application__training_account__progress__"
    rows = (
        SelectionDecision.objects.filter(
            run=run,
            outcome=SelectionDecision.Outcome.ADMITTED,
            commune__province_id__in=list(provinces),
            application__training_account__in=accounts_holding_a_place(campaign),
        )
        .values("commune__province_id")
        .annotate(
            accounts=Count("pk"),
            started=Count("pk", filter=Q(**{f"{progress}first_access__isnull": False})),
            completed=Count("pk", filter=Q(**{f"{progress}completion_percent": 100})),
            average=Avg(Coalesce(f"{progress}completion_percent", 0)),
        )
        .order_by()
    )
    lines = [
        ProvinceProgress(
            province=provinces[row["commune__province_id"]],
            accounts=row["accounts"],
            started=row["started"],
            completed=row["completed"],
            average_completion=float(row["average"] or 0),
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: line.province.code)


def accounts_in_province(campaign: Campaign, province: Province) -> QuerySet[TrainingAccount]:
    """The accounts of those holding a place in a commune of the province, with their progress, by name."""
    run = _preselection(campaign)
    if run is None:
        return TrainingAccount.objects.none()
    there = SelectionDecision.objects.filter(
        run=run,
        application_id=OuterRef("application_id"),
        outcome=SelectionDecision.Outcome.ADMITTED,
        commune__province_id=province.pk,
    )
    return (
        accounts_holding_a_place(campaign)
        .filter(Exists(there))
        .select_related("application", "progress")
        .order_by("application__last_name_latin", "application__first_name_latin", "pk")
    )


def progress_imports(campaign: Campaign) -> QuerySet[ProgressImport]:
    return ProgressImport.objects.filter(campaign=campaign).select_related("created_by").defer("errors")


def reminder_waves(campaign: Campaign) -> QuerySet[ReminderWave]:
    return (
        ReminderWave.objects.filter(campaign=campaign)
        .select_related("mailing", "created_by")
        .order_by("-not_started_by")
    )
