"""The public open-data pages: the index of campaigns that publish it, a campaign's tables (with a drill-down into
a region's provinces and a province's communes), and the same content as CSV and JSON files. Everything is read
from the stored release (built when the figures were refreshed): no live count, no personal data."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bawaba.core.csv_response import csv_attachment
from bawaba.core.names import localised
from bawaba.core.params import text_param
from bawaba.indicators.models import OpenDataRelease
from bawaba.indicators.opendata import pages, selectors

# As long as territory's HCP code column: anything longer is no code.
CODE_MAX_LENGTH = 16


def _release(slug: str) -> OpenDataRelease:
    release = selectors.public_release(slug)
    if release is None:
        raise Http404
    return release


def _filename(release: OpenDataRelease, extension: str) -> str:
    return f"open-data-{release.campaign.slug}-{release.refreshed_at:%Y%m%d-%H%M}.{extension}"


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/opendata/index.html", {"campaigns": selectors.open_data_campaigns()})


@login_not_required
@require_GET
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    """The national tables; ?region=CODE adds the region's provinces, ?province=CODE the province's communes (and
    its region's provinces). A code the release does not have is 404, as is a malformed one."""
    release = _release(slug)
    data = selectors.payload(release)
    definitions = {definition.key: definition for definition in selectors.definitions(data["keys"])}
    region_code = text_param(request.GET, "region", max_length=CODE_MAX_LENGTH)
    province_code = text_param(request.GET, "province", max_length=CODE_MAX_LENGTH)
    if region_code is None or province_code is None:
        raise Http404
    province_table = pages.find_table(data, "commune", province_code) if province_code else None
    if province_code and province_table is None:
        raise Http404
    if province_table is not None:
        region_code = next(
            (
                table["parent"]["code"]
                for table in data["tables"]
                if table["dimension"] == "province"
                and any(row["code"] == province_code for row in table["rows"])
            ),
            "",
        )
    region_table = pages.find_table(data, "province", region_code) if region_code else None
    if region_code and region_table is None:
        raise Http404

    nation = []
    regions = pages.find_table(data, "region")
    if regions is not None:
        nation += pages.page_tables(regions, definitions, caption=_("By region"), drill="region")
    for dimension, caption in (("category", _("By category")), ("day", _("By day")), ("kind", _("By kind"))):
        table = pages.find_table(data, dimension)
        if table is not None:
            nation += pages.page_tables(table, definitions, caption=caption)

    def area_name(table: dict | None, code: str, dimension: str) -> str:
        row = next((row for row in (table or {}).get("rows", []) if row["code"] == code), None)
        return pages.row_name(row, dimension) if row else code

    drill = []
    if region_table is not None:
        name = area_name(regions, region_code, "region")
        caption = _("The provinces and prefectures of %(region)s") % {"region": name}
        drill += pages.page_tables(region_table, definitions, caption=caption, drill="province")
    if province_table is not None:
        name = area_name(region_table, province_code, "province")
        caption = _("The communes of %(province)s") % {"province": name}
        drill += pages.page_tables(province_table, definitions, caption=caption)

    campaign = release.campaign
    return render(
        request,
        "indicators/opendata/campaign.html",
        {
            "campaign": campaign,
            "title": localised(campaign, "title"),
            "release": release,
            "data": data,
            "definitions": [definitions[key] for key in data["keys"] if key in definitions],
            "totals": [
                (definitions[key], data["totals"].get(key)) for key in data["keys"] if key in definitions
            ],
            "exempt": [definitions[key] for key in data["exempt"] if key in definitions],
            "nation": nation,
            "drill": drill,
            "smallest_suppressed": 1,
            "largest_suppressed": release.threshold - 1,
            "suppressed_symbol": pages.SUPPRESSED,
            "csv_url": reverse("opendata:csv", args=[slug]),
            "json_url": reverse("opendata:json", args=[slug]),
        },
    )


@login_not_required
@require_GET
def campaign_csv(request: HttpRequest, slug: str) -> HttpResponse:
    release = _release(slug)
    response = csv_attachment(filename=_filename(release, "csv"))
    pages.write_csv(response, selectors.payload(release))
    return response


@login_not_required
@require_GET
def campaign_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored release as it is, with the indicators' definitions in the page's language in front."""
    release = _release(slug)
    text = selectors.payload_text(release)
    keys = selectors.payload(release)["keys"]
    indicators = json.dumps([d.as_json() for d in selectors.definitions(keys)], ensure_ascii=False)
    response = HttpResponse(
        '{"indicators":' + indicators + "," + text[1:], content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(release, "json")}"'
    return response
