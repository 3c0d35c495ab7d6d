"""Reads of the staff campaign dashboard (bawaba.indicators.dashboard): the campaigns with the time of their
figures, and a campaign's sections for a place, from the summary tables only (bawaba.indicators.selectors), never
from the live data: a national page reads a few hundred summary rows whatever the number of candidates.

The names of what the lines are (areas, categories, days, kinds of e-mail) are read here in the reader's language.
"""

import dataclasses
import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.core import dates
from bawaba.core.contributions import registry
from bawaba.core.lists import and_list
from bawaba.core.names import localised
from bawaba.indicators import dashboard
from bawaba.indicators.access import DashboardPlace
from bawaba.indicators.dashboard import AREA, CATEGORY, DAY, KIND, Crumb, Dashboard, Section
from bawaba.indicators.models import IndicatorFigure, Level
from bawaba.indicators.selectors import Place, PlaceFigures, last_refresh, place_figures
from bawaba.indicators.services import LOST_REQUEST
from bawaba.territory.models import Commune, NamedUnit, Province, Region

CAMPAIGNS_LISTED = 50
_AREA_MODELS: dict[str, type[NamedUnit]] = {"region": Region, "province": Province, "commune": Commune}


def campaigns_for_dashboard() -> QuerySet[Campaign]:
    """The latest campaigns first, each with the time of its figures (`indicator_refresh`, when ever asked)."""
    return Campaign.objects.select_related("indicator_refresh").order_by("-registration_opens_at", "-pk")[
        :CAMPAIGNS_LISTED
    ]


def counted_keys(campaign: Campaign) -> frozenset[str]:
    """The indicators the last refresh counted: each has its national total, zero included."""
    return frozenset(
        IndicatorFigure.objects.filter(campaign=campaign, level=Level.NATION, breakdown="").values_list(
            "indicator", flat=True
        )
    )


def area_names(dimension: str, codes: set[str]) -> dict[str, str]:
    """{code: name in the reader's language} of these regions, provinces or communes; "" is an unknown area."""
    known = [code for code in codes if code]
    model = _AREA_MODELS[dimension]
    names = {area.code: localised(area) for area in model._default_manager.filter(code__in=known)}
    if "" in codes:
        names[""] = _("Area not known")
    return names


def _labels(section_by: str, codes: set[str]) -> dict[str, str]:
    """The names of a section's lines other than areas: categories, kinds of e-mail, days."""
    not_given = _("Not given")
    if section_by == CATEGORY:
        return {**{str(code): str(label) for code, label in Application.Category.choices}, "": not_given}
    if section_by == KIND:
        kinds = registry.email_kinds
        return {code: str(kinds[code].label) if code in kinds else code for code in codes} | {"": not_given}
    language = get_language()
    return {code: dates.day(dt.date.fromisoformat(code), language) for code in codes if code} | {
        "": not_given
    }


def registration_window(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The first and last days of the registration, in Morocco (a close at midnight ends the day before)."""
    opens = dates.in_morocco(campaign.registration_opens_at).date()
    closes = dates.in_morocco(campaign.registration_closes_at - dt.timedelta(microseconds=1)).date()
    return opens, max(opens, closes)


def _section(
    campaign: Campaign,
    figures: PlaceFigures,
    spec: dashboard.SectionSpec,
    keys: tuple[str, ...],
    area_labels: dict[str, str],
) -> Section:
    if spec.by == AREA:
        table = figures.table_by_area(keys)
    else:
        table = figures.table_by(keys, spec.by)
    window = registration_window(campaign) if spec.by == DAY else None
    rows = set(table.rows) if window is None else set(dashboard.window_days(table.rows, window))
    labels = area_labels if spec.by == AREA else _labels(spec.by, rows)
    return dashboard.build_section(
        spec,
        table,
        registry.indicators,
        dimension=table.dimension,
        labels=labels,
        category_order=Application.Category.values,
        window=window,
    )


def _scope_label(scope: Place) -> str:
    if scope.is_nation:
        return _("Whole country")
    language = get_language()
    names = sorted(area_names(str(scope.level), set(scope.codes)).values())
    if scope.level == Level.REGION:
        if len(names) == 1:
            return _("Region %(name)s") % {"name": names[0]}
        return _("Your regions: %(names)s") % {"names": and_list(names, language)}
    if len(names) == 1:
        return names[0]
    return _("Your provinces: %(names)s") % {"names": and_list(names, language)}


def place_trail(where: DashboardPlace) -> tuple[Crumb, ...]:
    """From her whole scope down to the place shown: each step's label and query (no step twice)."""
    trail = [Crumb(_scope_label(where.scope), "")]
    region_code = where.region
    if where.province:
        province = Province.objects.select_related("region").get(code=where.province)
        region_code = province.region.code
    if region_code and where.scope.level != Level.PROVINCE and where.scope.codes != (region_code,):
        region = Region.objects.get(code=region_code)
        trail.append(Crumb(_("Region %(name)s") % {"name": localised(region)}, f"region={region_code}"))
    if where.province and where.scope.codes != (where.province,):
        trail.append(Crumb(localised(province), f"province={where.province}"))
    return tuple(trail)


def scope_areas(scope: Place) -> tuple[Crumb, ...]:
    """Her regions or provinces by name, each with the query that opens it, when her scope has several."""
    if scope.is_nation or len(scope.codes) < 2:
        return ()
    level = str(scope.level)
    names = area_names(level, set(scope.codes))
    return tuple(
        Crumb(name, f"{level}={code}") for code, name in sorted(names.items(), key=lambda item: item[1])
    )


def dashboard_frame(campaign: Campaign, where: DashboardPlace) -> Dashboard:
    """The campaign's dashboard at the place without its sections: where it stands, and when its figures were
    counted (a few small queries; the sections are `dashboard_sections`)."""
    refresh = last_refresh(campaign)
    refreshed_at = refresh.refreshed_at if refresh is not None else None
    requested_at = refresh.requested_at if refresh is not None else None
    if requested_at is not None and timezone.now() - requested_at >= LOST_REQUEST:
        requested_at = None  # lost (a worker stopped): a new request may go, the page does not wait for it
    trail = place_trail(where)
    return Dashboard(
        campaign=campaign,
        place_label=trail[-1].label,
        place_code=" ".join(code for code in where.shown.codes if code),
        query=where.query,
        trail=trail,
        refreshed_at=refreshed_at,
        refresh_generation=refresh.generation if refresh is not None else 0,
        refresh_pending_since=requested_at,
        scope_areas=scope_areas(where.scope),
    )


def dashboard_sections(campaign: Campaign, where: DashboardPlace) -> tuple[Section, ...]:
    """Every section of the campaign's dashboard at the place, as the last refresh counted it (none when it was
    never refreshed)."""
    counted = counted_keys(campaign)
    shown: list[tuple[dashboard.SectionSpec, tuple[str, ...]]] = []
    for spec in dashboard.SECTIONS:
        keys = dashboard.shown_keys(spec, registry.indicators, counted, nation=where.shown.is_nation)
        if keys:
            shown.append((spec, keys))
    if not shown:
        return ()
    # One read of every figure the sections show, and one of the names of the areas they list.
    figures = place_figures(campaign, where.shown, {key for _spec, keys in shown for key in keys})
    area_labels = area_names(figures.below, set(figures.areas))
    return tuple(_section(campaign, figures, spec, keys, area_labels) for spec, keys in shown)


def campaign_dashboard(campaign: Campaign, where: DashboardPlace) -> Dashboard:
    """The whole dashboard at the place, its sections included (what its files hold)."""
    frame = dashboard_frame(campaign, where)
    if not frame.has_figures:
        return frame
    return dataclasses.replace(frame, sections=dashboard_sections(campaign, where))
