"""Reads for a selection run's public report: figures per region, province, commune and category, never a person.

A run's frozen inputs (megabytes) are never loaded here. Aggregates per region and province are computed by the
database over the run's commune lines; the totals, the rules and the counts per category come from `run.summary`,
which the run wrote when it was computed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils.functional import Promise

from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.rules.readable import ReadableRules, readable_rules
from bawaba.core.names import localised
from bawaba.core.text import normalize_for_search
from bawaba.selection.models import (
    REPORT_FIELDS,
    PromotionCommuneResult,
    PromotionRound,
    SelectionCommuneResult,
    SelectionDecision,
    SelectionRun,
)

# Runs whose commune lines and summary were written: a computed (dry) run, a refused one, a published one.
RUNS_WITH_REPORT = (
    SelectionRun.Status.COMPUTED,
    SelectionRun.Status.REFUSED,
    SelectionRun.Status.PUBLISHED,
)


def _runs() -> QuerySet[SelectionRun]:
    # frozen_inputs holds the run's whole input and the rules version repeats what the summary holds.
    return (
        SelectionRun.objects.select_related("campaign", "rules_version")
        .defer("frozen_inputs", "rules_version__rules")
        .order_by("-created_at", "-id")
    )


def published_run(campaign: Campaign, stage: str) -> SelectionRun | None:
    """The campaign's published run of `stage` (there is at most one), or None."""
    return _runs().filter(campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED).first()


def published_runs(campaign: Campaign) -> list[SelectionRun]:
    """The campaign's published runs, one per stage at most, in one query: the links of the campaign page."""
    return list(
        SelectionRun.objects.filter(campaign=campaign, status=SelectionRun.Status.PUBLISHED)
        .only("pk", "campaign_id", "stage", "status", "published_at")
        .order_by("published_at", "pk")
    )


def published_runs_by_campaign(campaigns: Iterable[Campaign]) -> dict[int, list[SelectionRun]]:
    """published_runs of several campaigns (the home page's cards), by campaign id, in one query."""
    by_campaign: dict[int, list[SelectionRun]] = {campaign.pk: [] for campaign in campaigns}
    if by_campaign:
        runs = (
            SelectionRun.objects.filter(campaign_id__in=by_campaign, status=SelectionRun.Status.PUBLISHED)
            .select_related("campaign")
            .only("pk", "campaign__slug", "stage", "status", "published_at")
            .order_by("published_at", "pk")
        )
        for run in runs:
            by_campaign[run.campaign_id].append(run)
    return by_campaign


def run_for_report(pk: int) -> SelectionRun | None:
    """Any run, published or not, for the central administrators' copy of its report; None if there is none."""
    return _runs().filter(pk=pk).first()


def has_report(run: SelectionRun) -> bool:
    return run.status in RUNS_WITH_REPORT


# --------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class AreaFigures:
    """A region's or a province's sums over its communes' lines."""

    code: str
    name_ar: str
    name_fr: str
    region_code: str
    communes: int
    needs: int
    places: int
    admitted: int
    shortfall: int  # sum over its communes of max(needs - admitted, 0), not needs - admitted of the sums
    communes_short: int
    full_communes: int  # communes with places that filled them all

    @property
    def name(self) -> str:
        return localised(self)


@dataclass(frozen=True)
class CommuneFigures:
    code: str
    name_ar: str
    name_fr: str
    province_code: str
    province_name_ar: str
    province_name_fr: str
    region_code: str
    region_name_ar: str
    region_name_fr: str
    needs: int
    places: int
    candidates: int
    first_choice: int
    admitted: int
    is_full: bool
    # The last admitted candidate's priority and lottery number; only where the commune is full (with
    # free places a commune admitted everyone who asked, so it has no real cutoff).
    cutoff_priority: int | None
    cutoff_lottery: str
    waitlist_length: int

    @property
    def name(self) -> str:
        return localised(self)

    @property
    def province_name(self) -> str:
        return localised(self, "province_name")

    @property
    def region_name(self) -> str:
        return localised(self, "region_name")

    @property
    def shortfall(self) -> int:
        return max(self.needs - self.admitted, 0)


@dataclass(frozen=True)
class CommuneMatch:
    """A commune of a run's report that a "find my commune" search found: enough to name it and link to its line."""

    code: str
    name_ar: str
    name_fr: str
    province_code: str
    province_name_ar: str
    province_name_fr: str

    @property
    def name(self) -> str:
        return localised(self)

    @property
    def province_name(self) -> str:
        return localised(self, "province_name")


def find_communes(run: SelectionRun, query: str, *, limit: int = 20) -> list[CommuneMatch]:
    """The communes of the run's report whose code is `query`, or whose Arabic or French name holds it, however
    its writer spelled the letters (core.text.normalize_for_search): exact codes first, then by name.

    One query over the run's lines (1,503 at most), compared here: the folding is Python's, the same for both
    databases.
    """
    wanted = normalize_for_search(query)
    if not wanted:
        return []
    rows = SelectionCommuneResult.objects.filter(run=run).values_list(
        "commune__code",
        "commune__name_ar",
        "commune__name_fr",
        "commune__province__code",
        "commune__province__name_ar",
        "commune__province__name_fr",
    )
    by_code, by_name = [], []
    for row in rows:
        match = CommuneMatch(*row)
        if normalize_for_search(match.code) == wanted:
            by_code.append(match)
        elif wanted in normalize_for_search(match.name_ar) or wanted in normalize_for_search(match.name_fr):
            by_name.append(match)
    return (by_code + sorted(by_name, key=lambda match: (match.name, match.code)))[:limit]


def _area_figures(run: SelectionRun, unit: str, only: Q) -> list[AreaFigures]:
    """Sums per `unit` ("region" or "province") of the run's commune lines, in one GROUP BY."""
    prefix = f"commune__{unit}"
    rows = (
        SelectionCommuneResult.objects.filter(run=run)
        .filter(only)
        .values(
            unit_code=F(f"{prefix}__code"),
            unit_name_ar=F(f"{prefix}__name_ar"),
            unit_name_fr=F(f"{prefix}__name_fr"),
            parent_code=F("commune__region__code"),
        )
        .annotate(
            n_communes=Count("id"),
            sum_needs=Sum("needs"),
            sum_places=Sum("places"),
            sum_admitted=Sum("admitted"),
            sum_shortfall=Sum(Greatest(F("needs") - F("admitted"), Value(0), output_field=IntegerField())),
            n_short=Count("id", filter=Q(needs__gt=F("admitted"))),
            # A commune with no places counts as full for the engine; here it is not one that filled up.
            n_full=Count("id", filter=Q(is_full=True, places__gt=0)),
        )
        .order_by()
    )
    figures = [
        AreaFigures(
            code=row["unit_code"],
            name_ar=row["unit_name_ar"],
            name_fr=row["unit_name_fr"],
            region_code=row["parent_code"],
            communes=row["n_communes"],
            needs=row["sum_needs"] or 0,
            places=row["sum_places"] or 0,
            admitted=row["sum_admitted"] or 0,
            shortfall=row["sum_shortfall"] or 0,
            communes_short=row["n_short"],
            full_communes=row["n_full"],
        )
        for row in rows
    ]
    # Sorted here, not in SQL: PostgreSQL's collation may ignore the dots of "01.511" and order codes otherwise.
    return sorted(figures, key=lambda area: area.code)


def region_figures(run: SelectionRun) -> list[AreaFigures]:
    """The run's needs, places, admitted and shortfall per region, by region code."""
    return _area_figures(run, "region", Q())


def province_figures(run: SelectionRun, *, region_code: str | None = None) -> list[AreaFigures]:
    """The same per province, of one region or of the whole country, by province code."""
    only = Q(commune__region__code=region_code) if region_code is not None else Q()
    return _area_figures(run, "province", only)


def commune_figures(run: SelectionRun, *, province_code: str | None = None) -> list[CommuneFigures]:
    """The run's line of each commune (of one province, or all), by commune code."""
    lines = SelectionCommuneResult.objects.filter(run=run)
    if province_code is not None:
        lines = lines.filter(commune__province__code=province_code)
    rows = lines.values_list(
        "commune__code",
        "commune__name_ar",
        "commune__name_fr",
        "commune__province__code",
        "commune__province__name_ar",
        "commune__province__name_fr",
        "commune__region__code",
        "commune__region__name_ar",
        "commune__region__name_fr",
        *REPORT_FIELDS,
    )
    figures = []
    for *names, needs, places, candidates, first, admitted, is_full, priority, lottery, waitlist in rows:
        has_cutoff = is_full and admitted > 0 and priority is not None
        code, name_ar, name_fr, province_code, province_ar, province_fr, region_code, region_ar, region_fr = (
            names
        )
        figures.append(
            CommuneFigures(
                code=code,
                name_ar=name_ar,
                name_fr=name_fr,
                province_code=province_code,
                province_name_ar=province_ar,
                province_name_fr=province_fr,
                region_code=region_code,
                region_name_ar=region_ar,
                region_name_fr=region_fr,
                needs=needs,
                places=places,
                candidates=candidates,
                first_choice=first,
                admitted=admitted,
                is_full=is_full,
                cutoff_priority=priority if has_cutoff else None,
                cutoff_lottery=lottery if has_cutoff else "",
                waitlist_length=waitlist,
            )
        )
    return sorted(figures, key=lambda commune: commune.code)


# ------------------------------------------------------------------------------------ summary and rules


@dataclass(frozen=True)
class CategoryFigures:
    code: str
    label: str | Promise
    candidates: int
    eligible: int
    admitted: int


@dataclass(frozen=True)
class Report:
    """What the page shows above the drill-down: the run, its rules, totals, categories and regions."""

    run: SelectionRun
    rules: ReadableRules
    seed: str
    totals: dict[str, int]
    ineligible: list[tuple[str, str | Promise, int]]
    categories: list[CategoryFigures]
    regions: list[AreaFigures]
    region_totals: dict[str, int] = field(default_factory=dict)


def _labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str | Promise]:
    return {str(value): label for value, label in choices}


def category_figures(summary: dict) -> list[CategoryFigures]:
    """Candidates, eligible and admitted per category, in the order of the application form."""
    by_category = summary.get("by_category") or {}
    labels = _labels(Application.Category.choices)
    codes = [code for code in labels if code in by_category]
    codes += sorted(code for code in by_category if code not in labels)
    return [
        CategoryFigures(
            code=code,
            label=labels.get(code, code),
            candidates=by_category[code].get("candidates", 0),
            eligible=by_category[code].get("eligible", 0),
            admitted=by_category[code].get("admitted", 0),
        )
        for code in codes
    ]


def ineligible_counts(summary: dict) -> list[tuple[str, str | Promise, int]]:
    """(code, reason, count) of the candidates found not eligible, in the order the reasons are checked."""
    counts = summary.get("ineligible") or {}
    reasons = SelectionDecision.Ineligibility
    # The final selection's own reasons are in its summary only: a preselection's report does not list them.
    final_only = {reasons.NOT_INTERVIEWED, reasons.ABSENT}
    return [
        (reason.name.lower(), reason.label, counts.get(reason.name.lower(), 0))
        for reason in reasons
        if reason != reasons.ELIGIBLE and (reason not in final_only or reason.name.lower() in counts)
    ]


def _sum(areas: list[AreaFigures]) -> dict[str, int]:
    names = ("communes", "needs", "places", "admitted", "shortfall", "communes_short", "full_communes")
    return {name: sum(getattr(area, name) for area in areas) for name in names}


def run_report(run: SelectionRun) -> Report:
    """The report of a run that has one (see `has_report`): header, totals, categories, regions."""
    summary = run.summary or {}
    regions = region_figures(run)
    return Report(
        run=run,
        rules=readable_rules(summary.get("rules") or {}),
        seed=summary.get("seed", run.seed),
        totals=summary.get("totals") or {},
        ineligible=ineligible_counts(summary),
        categories=category_figures(summary),
        regions=regions,
        region_totals=_sum(regions),
    )


# ----------------------------------------------------------------------------------------- downloads


def _area_data(area: AreaFigures, *, with_region: bool) -> dict:
    data = {"code": area.code, "name_ar": area.name_ar, "name_fr": area.name_fr}
    if with_region:
        data["region_code"] = area.region_code
    for name in ("communes", "needs", "places", "admitted", "shortfall", "communes_short", "full_communes"):
        data[name] = getattr(area, name)
    return data


COMMUNE_COLUMNS = (
    "region_code",
    "region_name_ar",
    "region_name_fr",
    "province_code",
    "province_name_ar",
    "province_name_fr",
    "commune_code",
    "commune_name_ar",
    "commune_name_fr",
    "needs",
    "places",
    "candidates",
    "first_choice",
    "admitted",
    "is_full",
    "cutoff_priority",
    "cutoff_lottery",
    "shortfall",
    "waitlist_length",
)


def commune_data(commune: CommuneFigures) -> dict:
    """One commune's line of the downloads, in COMMUNE_COLUMNS order, names in both languages."""
    return {
        "region_code": commune.region_code,
        "region_name_ar": commune.region_name_ar,
        "region_name_fr": commune.region_name_fr,
        "province_code": commune.province_code,
        "province_name_ar": commune.province_name_ar,
        "province_name_fr": commune.province_name_fr,
        "commune_code": commune.code,
        "commune_name_ar": commune.name_ar,
        "commune_name_fr": commune.name_fr,
        "needs": commune.needs,
        "places": commune.places,
        "candidates": commune.candidates,
        "first_choice": commune.first_choice,
        "admitted": commune.admitted,
        "is_full": commune.is_full,
        "cutoff_priority": commune.cutoff_priority,
        "cutoff_lottery": commune.cutoff_lottery or None,
        "shortfall": commune.shortfall,
        "waitlist_length": commune.waitlist_length,
    }


def report_data(run: SelectionRun) -> dict:
    """The whole report as plain JSON values: what the JSON download holds (three queries over the run)."""
    summary = run.summary or {}
    return {
        "campaign": run.campaign.slug,
        "stage": run.stage,
        "run": run.pk,
        "status": run.status,
        "published": run.is_published,
        "published_at": run.published_at.isoformat() if run.published_at else None,
        "computed_at": run.finished_at.isoformat() if run.finished_at else None,
        "rules_version": run.rules_version.version,
        "rules": summary.get("rules") or {},
        "seed": summary.get("seed", run.seed),
        "input_digest": run.input_digest,
        "output_digest": run.output_digest,
        "totals": summary.get("totals") or {},
        "ineligible": summary.get("ineligible") or {},
        "by_category": summary.get("by_category") or {},
        "regions": [_area_data(area, with_region=False) for area in region_figures(run)],
        "provinces": [_area_data(area, with_region=True) for area in province_figures(run)],
        "communes": [commune_data(commune) for commune in commune_figures(run)],
    }


# ------------------------------------------------------------------------------- waiting-list promotion


@dataclass(frozen=True)
class CommuneMove:
    """A commune whose figures promotion rounds changed: as the run published them, and after the latest round."""

    code: str
    name_ar: str
    name_fr: str
    round_number: int
    admitted_before: int
    admitted: int
    cutoff_before: int | None
    cutoff: int | None
    waitlist_before: int
    waitlist: int

    @property
    def name(self) -> str:
        return localised(self)


@dataclass(frozen=True)
class PromotionReport:
    rounds: list[PromotionRound]
    communes: list[CommuneMove]


def promotion_report(run: SelectionRun) -> PromotionReport | None:
    """The run's promotion rounds and the communes they changed (the last admitted moves); None if no round.

    Three queries: the rounds, the communes' latest figures, the run's published lines of those communes.
    """
    rounds = list(
        PromotionRound.objects.filter(run=run).order_by("number").only("number", "created_at", "summary")
    )
    if not rounds:
        return None
    latest: dict[int, PromotionCommuneResult] = {}
    for line in (
        PromotionCommuneResult.objects.filter(promotion_round__run=run)
        .select_related("commune", "promotion_round")
        .only(
            "commune__code",
            "commune__name_ar",
            "commune__name_fr",
            "promotion_round__number",
            "admitted",
            "is_full",
            "cutoff_priority",
            "waitlist_length",
        )
        .order_by("promotion_round__number")
    ):
        latest[line.commune_id] = line
    published = {
        line.commune_id: line
        for line in SelectionCommuneResult.objects.filter(run=run, commune_id__in=latest).only(
            "commune_id", "admitted", "is_full", "cutoff_priority", "waitlist_length"
        )
    }

    def cutoff(line) -> int | None:
        return line.cutoff_priority if line is not None and line.is_full and line.admitted else None

    communes = [
        CommuneMove(
            code=line.commune.code,
            name_ar=line.commune.name_ar,
            name_fr=line.commune.name_fr,
            round_number=line.promotion_round.number,
            admitted_before=published[commune_id].admitted if commune_id in published else 0,
            admitted=line.admitted,
            cutoff_before=cutoff(published.get(commune_id)),
            cutoff=cutoff(line),
            waitlist_before=published[commune_id].waitlist_length if commune_id in published else 0,
            waitlist=line.waitlist_length,
        )
        for commune_id, line in latest.items()
    ]
    return PromotionReport(rounds=list(reversed(rounds)), communes=sorted(communes, key=lambda c: c.code))


def withdrawn_decisions(run: SelectionRun) -> QuerySet[SelectionDecision]:
    """The run's candidates who withdrew their application since it was published and are not released yet.

    From the few withdrawn applications of the campaign (the (campaign, status) index) to their decisions (the
    unique key), rather than a join over every decision.
    """
    return SelectionDecision.objects.filter(
        run=run,
        outcome__in=[SelectionDecision.Outcome.ADMITTED, SelectionDecision.Outcome.WAITLISTED],
        application_id__in=Application.objects.filter(
            campaign_id=run.campaign_id, status=Application.Status.WITHDRAWN
        ).values("pk"),
    )
