"""The figures of the supporting documents (issue 13, item 4): the source's five, per province and over a staff
member's scope, and the review rate per day.

The source counted "files": uploaded 146,546, examined 51,842, accepted 50,306, rejected 1,536, under examination
94,704. Here a file is a dossier (one candidate's documents for one application):

* uploaded: dossiers that reached SUBMITTED at least once (SUBMITTED, ACCEPTED or REJECTED now);
* examined: ACCEPTED + REJECTED; accepted; rejected;
* under examination: SUBMITTED (in the queue).

So uploaded = examined + under examination, as in the source. A rejected dossier sent again for examination is
SUBMITTED again: it counts as under examination, not as examined, until it is decided anew.

The review rate is the ReviewDecision rows per day (every accept and reject, a second decision on a dossier sent
again included), over the last REVIEW_RATE_DAYS days, days in the site's time zone.

Each figure is one grouped query over the staff member's scope (bawaba.accounts.scopes): a central administrator
sees the nation and every province, a regional coordinator her region and its provinces, a supervisor her
provinces and their total. The scope is read as the review queue reads it (applications' readers' roles).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Campaign
from bawaba.documents.access import staff_dossier_scope
from bawaba.documents.models import Dossier, ReviewDecision
from bawaba.territory.models import Province, Region

Status = Dossier.Status

REVIEW_RATE_DAYS = 14
# How long the pages keep a scope's counts (campaign_figures).
FIGURES_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Figures:
    """The five figures of the source over some dossiers, and the dossiers still awaiting their documents."""

    awaited: int = 0
    under_examination: int = 0
    accepted: int = 0
    rejected: int = 0

    @property
    def examined(self) -> int:
        return self.accepted + self.rejected

    @property
    def uploaded(self) -> int:
        return self.examined + self.under_examination

    @property
    def invited(self) -> int:
        return self.uploaded + self.awaited

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            awaited=self.awaited + other.awaited,
            under_examination=self.under_examination + other.under_examination,
            accepted=self.accepted + other.accepted,
            rejected=self.rejected + other.rejected,
        )

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> Figures:
        return cls(
            awaited=counts.get(Status.AWAITED, 0),
            under_examination=counts.get(Status.SUBMITTED, 0),
            accepted=counts.get(Status.ACCEPTED, 0),
            rejected=counts.get(Status.REJECTED, 0),
        )


@dataclass(frozen=True)
class FiguresRow:
    """One line of the table: a province, a region or the whole scope, with its figures and decisions per day."""

    level: str  # "province", "region", "national" or "total" (a supervisor's provinces together)
    place: Province | Region | None
    figures: Figures
    decisions: int  # over the last REVIEW_RATE_DAYS days

    @property
    def decisions_per_day(self) -> float:
        return round(self.decisions / REVIEW_RATE_DAYS, 1)


@dataclass(frozen=True)
class ReviewRate:
    """Review decisions per day over the last REVIEW_RATE_DAYS days (oldest first, days without any at zero)."""

    days: list[tuple[dt.date, int]]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.days)

    @property
    def mean_per_day(self) -> float:
        return round(self.total / len(self.days), 1) if self.days else 0.0


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign's figures over one scope: the total, the regions (national scope) and the provinces."""

    campaign: Campaign
    scope: Scope
    total: FiguresRow
    regions: list[FiguresRow] = field(default_factory=list)
    provinces: list[FiguresRow] = field(default_factory=list)
    rate: ReviewRate = field(default_factory=lambda: ReviewRate(days=[]))

    @property
    def national(self) -> bool:
        return self.scope.national

    def rows(self) -> list[FiguresRow]:
        """The full table: the total first, then each region followed by its provinces (a coordinator's region is
        the total itself; a supervisor's provinces follow their total)."""
        if not self.regions:
            return [self.total, *self.provinces]
        by_region: dict[int, list[FiguresRow]] = defaultdict(list)
        for row in self.provinces:
            by_region[row.place.region_id].append(row)  # type: ignore[union-attr]
        lines = [self.total]
        for region in self.regions:
            lines.append(region)
            lines.extend(by_region[region.place.pk])  # type: ignore[union-attr]
        return lines


def figures_scope(user: Any) -> Scope:
    """Where the user may read the documents' figures: the applications' readers (central administrator national,
    regional coordinator her region, provincial supervisor her provinces); empty for anyone else."""
    return staff_dossier_scope(user)


def _dossiers_in_scope(scope: Scope) -> Q:
    return scope.territory_q(province_fields=["province_id"], region_fields=["region_id"])


def _decisions_in_scope(scope: Scope) -> Q:
    # A decision carries its province only (copied from the dossier): a region reaches it through the province.
    return scope.territory_q(province_fields=["province_id"], region_fields=["province__region_id"])


def provinces_in_scope(scope: Scope) -> list[Province]:
    """The provinces the scope covers, with their regions, in the order of their codes."""
    provinces = Province.objects.select_related("region").order_by("code")
    if scope.national:
        return list(provinces)
    return list(
        provinces.filter(Q(pk__in=sorted(scope.province_ids)) | Q(region_id__in=sorted(scope.region_ids)))
    )


def status_counts(campaign: Campaign, scope: Scope) -> dict[int, dict[str, int]]:
    """{province id: {status: dossiers}} of the campaign's dossiers in the scope: one grouped query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for province_id, status, count in status_counts_query(campaign, scope):
        counts[province_id][status] = count
    return counts


def status_counts_query(campaign: Campaign, scope: Scope) -> QuerySet:
    return (
        Dossier.objects.filter(campaign=campaign)
        .filter(_dossiers_in_scope(scope))
        .order_by()
        .values_list("province_id", "status")
        .annotate(count=Count("pk"))
    )


def first_rate_day(now: dt.datetime | None = None) -> dt.date:
    """The first of the REVIEW_RATE_DAYS days the rate counts (today is the last), in the site's time zone."""
    today = timezone.localdate(now or timezone.now())
    return today - dt.timedelta(days=REVIEW_RATE_DAYS - 1)


def decision_counts(
    campaign: Campaign, scope: Scope, *, now: dt.datetime | None = None
) -> dict[tuple[int, dt.date], int]:
    """{(province id, day): review decisions} of the campaign's dossiers in the scope over the last
    REVIEW_RATE_DAYS days: one grouped query on the decisions' (province, decided_at) index."""
    return {
        (province_id, day): count
        for province_id, day, count in decision_counts_query(campaign, scope, now=now)
    }


def decision_counts_query(campaign: Campaign, scope: Scope, *, now: dt.datetime | None = None) -> QuerySet:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(first_rate_day(now), dt.time.min, tzinfo=tz)
    decisions = ReviewDecision.objects.filter(decided_at__gte=since)
    # A decision's campaign is its dossier's. Joining the dossiers to know it costs a scan of all of them (40 ms
    # at 150,000 for a supervisor's 1,600 decisions, docs/benchmarks.md); when no other campaign has any dossier,
    # every decision is this campaign's and the join is left out (one probe per other campaign to know it).
    if _other_campaigns_have_dossiers(campaign):
        decisions = decisions.filter(dossier__campaign_id=campaign.pk)
    return (
        decisions.filter(_decisions_in_scope(scope))
        .annotate(day=TruncDate("decided_at", tzinfo=tz))
        .order_by()
        .values_list("province_id", "day")
        .annotate(count=Count("pk"))
    )


def _other_campaigns_have_dossiers(campaign: Campaign) -> bool:
    # A probe per campaign (see campaigns_with_dossiers for why not one EXISTS over all of them).
    others = Campaign.objects.exclude(pk=campaign.pk).order_by("-pk").values_list("pk", flat=True)
    return any(Dossier.objects.filter(campaign_id=pk).exists() for pk in others)


def campaign_figures(
    campaign: Campaign, scope: Scope, *, now: dt.datetime | None = None, cache_seconds: int = 0
) -> CampaignFigures:
    """The campaign's figures over the scope: the provinces it covers (those without any dossier at zero), the
    regions too for a national scope, the total, and the review rate per day. Four queries and a probe per other
    campaign: the provinces, the status counts, the other campaigns (have they dossiers?), the decisions per day.

    With `cache_seconds` (the pages: FIGURES_CACHE_SECONDS), the two counts are kept that long per campaign, scope
    and day: a national count reads every dossier (0.1 s at 150,000 on a small machine, docs/benchmarks.md), and
    figures a minute old are as useful on a staff home that every staff member opens.
    """
    provinces = provinces_in_scope(scope)
    first = first_rate_day(now)
    if cache_seconds:
        key = f"documents:figures:{campaign.pk}:{_scope_key(scope)}:{first.isoformat()}"
        kept = cache.get_or_set(
            key,
            lambda: (status_counts(campaign, scope), decision_counts(campaign, scope, now=now)),
            cache_seconds,
        )
        if kept is None:  # a cache that keeps nothing (DummyCache)
            kept = (status_counts(campaign, scope), decision_counts(campaign, scope, now=now))
        counts, decisions = kept
    else:
        counts, decisions = status_counts(campaign, scope), decision_counts(campaign, scope, now=now)
    per_day: dict[dt.date, int] = defaultdict(int)
    per_province: dict[int, int] = defaultdict(int)
    for (province_id, day), count in decisions.items():
        per_day[day] += count
        per_province[province_id] += count
    province_rows = [
        FiguresRow(
            level="province",
            place=province,
            figures=Figures.from_counts(counts.get(province.pk, {})),
            decisions=per_province.get(province.pk, 0),
        )
        for province in provinces
    ]
    region_rows: list[FiguresRow] = []
    if scope.national:
        regions: dict[int, Region] = {}
        for province in provinces:
            regions.setdefault(province.region_id, province.region)
        for region in sorted(regions.values(), key=lambda region: region.code):
            lines = [
                row
                for row, province in zip(province_rows, provinces, strict=True)
                if province.region_id == region.pk
            ]
            region_rows.append(
                FiguresRow(
                    level="region",
                    place=region,
                    figures=_sum(row.figures for row in lines),
                    decisions=sum(row.decisions for row in lines),
                )
            )
    lone_region = _lone_region(scope, provinces)
    total = FiguresRow(
        level="region" if lone_region else ("national" if scope.national else "total"),
        place=lone_region,
        figures=_sum(row.figures for row in province_rows),
        decisions=sum(row.decisions for row in province_rows),
    )
    return CampaignFigures(
        campaign=campaign,
        scope=scope,
        total=total,
        regions=region_rows,
        provinces=province_rows,
        rate=ReviewRate(
            days=[
                (first + dt.timedelta(days=i), per_day.get(first + dt.timedelta(days=i), 0))
                for i in range(REVIEW_RATE_DAYS)
            ]
        ),
    )


def _scope_key(scope: Scope) -> str:
    if scope.national:
        return "national"
    regions = ",".join(map(str, sorted(scope.region_ids)))
    provinces = ",".join(map(str, sorted(scope.province_ids)))
    return f"r{regions}:p{provinces}"


def _lone_region(scope: Scope, provinces: Sequence[Province]) -> Region | None:
    """The region a coordinator's scope is exactly (her total is her region's line), or None."""
    if scope.national or scope.province_ids or len(scope.region_ids) != 1 or not provinces:
        return None
    return provinces[0].region


def _sum(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for one in figures:
        total = total + one
    return total


def campaigns_with_dossiers(scope: Scope, *, cache_seconds: int = 0) -> list[Campaign]:
    """The campaigns with at least one dossier in the scope, newest first (none for an empty scope).

    One probe per campaign (`EXISTS ... LIMIT 1` with the campaign's id as a constant, which the planner answers
    from an index in well under a millisecond), not one EXISTS over all campaigns: PostgreSQL turns that into a
    semi-join that reads every dossier of the scope (28 ms for a supervisor's 4,500, docs/benchmarks.md).
    """
    if scope.is_empty:
        return []

    def probe() -> list[int]:
        in_scope = Dossier.objects.filter(_dossiers_in_scope(scope))
        return [
            pk
            for pk in Campaign.objects.order_by("-pk").values_list("pk", flat=True)
            if in_scope.filter(campaign_id=pk).exists()
        ]

    if cache_seconds:
        pks = cache.get_or_set(f"documents:figures-campaigns:{_scope_key(scope)}", probe, cache_seconds) or []
    else:
        pks = probe()
    campaigns = Campaign.objects.in_bulk(pks)
    return [campaigns[pk] for pk in pks if pk in campaigns]


# The CSV export: one line per row of the table, the place by its HCP code and both its names.
CSV_HEADER = (
    "level",
    "code",
    "name_fr",
    "name_ar",
    "invited",
    "uploaded",
    "examined",
    "accepted",
    "rejected",
    "under_examination",
    f"decisions_last_{REVIEW_RATE_DAYS}_days",
    "decisions_per_day",
)


def csv_rows(found: CampaignFigures) -> list[list[str | int | float]]:
    """The lines of the CSV export: the same rows and figures as the page (FiguresRow), in the same order."""
    lines: list[list[str | int | float]] = []
    for row in found.rows():
        place = row.place
        figures = row.figures
        lines.append(
            [
                row.level,
                place.code if place is not None else "",
                place.name_fr if place is not None else "",
                place.name_ar if place is not None else "",
                figures.invited,
                figures.uploaded,
                figures.examined,
                figures.accepted,
                figures.rejected,
                figures.under_examination,
                row.decisions,
                row.decisions_per_day,
            ]
        )
    return lines
