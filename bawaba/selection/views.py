"""The report of a selection run: public for a published run, for central administrators for any run.

The same body (selection/includes/report_body.html) serves both: the public page names the campaign and the
stage, the staff page the run's number, whatever its status. Neither holds any personal data.
"""

import csv
import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.access import published_campaign
from bawaba.core.charts import ADMITTED_COLOR, NEEDS_COLOR, Series, bar_chart
from bawaba.core.csv_response import csv_attachment
from bawaba.core.params import text_param
from bawaba.selection import selectors
from bawaba.selection.forms import CommuneSearchForm
from bawaba.selection.models import SelectionRun
from bawaba.territory.selectors import territorial_commune_count

# As long as territory's HCP code column: anything longer is no code.
CODE_MAX_LENGTH = 16

# --- Pages --------------------------------------------------------------------------------------------------


def _public_run(slug: str, stage: str) -> SelectionRun:
    """The published run of a published campaign's stage; anything else is 404, as if it did not exist."""
    campaign = published_campaign(slug)
    run = selectors.published_run(campaign, stage) if stage in SelectionRun.Stage.values else None
    if run is None:
        raise Http404
    return run


def _staff_run(pk: int) -> SelectionRun:
    run = selectors.run_for_report(pk)
    if run is None:
        raise Http404
    return run


def _drill_down(request: HttpRequest, run: SelectionRun, report: selectors.Report) -> dict:
    """?region=CODE opens a region's provinces, ?province=CODE a province's communes (and its region's provinces).

    A code that is not in this run's report is 404: the page would otherwise silently show something else. So is
    a malformed one (a control character, which PostgreSQL refuses in a query, or an endless string).
    """
    region_code = text_param(request.GET, "region", max_length=CODE_MAX_LENGTH)
    province_code = text_param(request.GET, "province", max_length=CODE_MAX_LENGTH)
    if region_code is None or province_code is None:
        raise Http404
    communes: list[selectors.CommuneFigures] = []
    if province_code:
        communes = selectors.commune_figures(run, province_code=province_code)
        if not communes:
            raise Http404
        region_code = communes[0].region_code
    provinces: list[selectors.AreaFigures] = []
    if region_code:
        provinces = selectors.province_figures(run, region_code=region_code)
        if not provinces:
            raise Http404
    region = next((area for area in report.regions if area.code == region_code), None)
    province = next((area for area in provinces if area.code == province_code), None)
    return {"region": region, "provinces": provinces, "province": province, "communes": communes}


def _commune_search(request: HttpRequest, run: SelectionRun) -> dict:
    """?commune=NAME-OR-CODE: the communes of the report it names, each linking to its line (a plain GET form,
    for every browser). A query the form refuses is shown with its error, and finds nothing."""
    search = CommuneSearchForm(request.GET if "commune" in request.GET else None)
    matches = None
    if search.is_bound and search.is_valid():
        matches = selectors.find_communes(run, search.cleaned_data["commune"])
    return {"search": search, "matches": matches}


def _render_report(request: HttpRequest, run: SelectionRun, template: str, downloads: dict) -> HttpResponse:
    report = selectors.run_report(run)
    rtl = get_language_bidi()
    context = {
        "run": run,
        "campaign": run.campaign,
        "report": report,
        "regions_chart": bar_chart(
            [(area.name, [area.needs, area.admitted]) for area in report.regions],
            series=[Series(_("Needs"), NEEDS_COLOR), Series(_("Admitted"), ADMITTED_COLOR)],
            rtl=rtl,
        ),
        "categories_chart": bar_chart(
            [(str(category.label), [category.admitted]) for category in report.categories],
            series=[Series(_("Admitted"), ADMITTED_COLOR)],
            rtl=rtl,
        ),
        **downloads,
        **_drill_down(request, run, report),
        **_commune_search(request, run),
        # What the report's commune counts are out of: the home page's figure (issue 11).
        "territorial_communes": territorial_commune_count(),
        "promotion": selectors.promotion_report(run) if run.promotion_round_count else None,
    }
    return render(request, template, context)


def _csv(run: SelectionRun, filename: str) -> HttpResponse:
    response = csv_attachment(filename=f"{filename}.csv")
    writer = csv.DictWriter(response, fieldnames=selectors.COMMUNE_COLUMNS)
    writer.writeheader()
    for commune in selectors.commune_figures(run):
        row = selectors.commune_data(commune)
        row["is_full"] = "true" if row["is_full"] else "false"
        writer.writerow(row)
    return response


def _json(run: SelectionRun, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(selectors.report_data(run), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def _public_filename(run: SelectionRun) -> str:
    return f"selection-{run.campaign.slug}-{run.stage}"


@login_not_required
@require_GET
def report(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    run = _public_run(slug, stage)
    downloads = {
        "csv_url": reverse("selection:report_csv", args=[slug, stage]),
        "json_url": reverse("selection:report_json", args=[slug, stage]),
    }
    return _render_report(request, run, "selection/report.html", downloads)


@login_not_required
@require_GET
def report_csv(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    run = _public_run(slug, stage)
    return _csv(run, _public_filename(run))


@login_not_required
@require_GET
def report_json(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    run = _public_run(slug, stage)
    return _json(run, _public_filename(run))


@central_admin_required
@require_GET
def run_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Any run's report, dry runs included; a run still queued, running or failed has none to show."""
    run = _staff_run(pk)
    if not selectors.has_report(run):
        return render(request, "selection/report_staff.html", {"run": run, "campaign": run.campaign})
    downloads = {
        "csv_url": reverse("selection:staff_run_report_csv", args=[pk]),
        "json_url": reverse("selection:staff_run_report_json", args=[pk]),
    }
    return _render_report(request, run, "selection/report_staff.html", downloads)


@central_admin_required
@require_GET
def run_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = _staff_run(pk)
    if not selectors.has_report(run):
        raise Http404
    return _csv(run, f"selection-run-{run.pk}")


@central_admin_required
@require_GET
def run_report_json(request: HttpRequest, pk: int) -> HttpResponse:
    run = _staff_run(pk)
    if not selectors.has_report(run):
        raise Http404
    return _json(run, f"selection-run-{run.pk}")
