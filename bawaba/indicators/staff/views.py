"""The staff campaign dashboard of indicators (issue 15, item 2): the campaigns, a campaign's figures over the
reader's scope with its drill-down, the same figures as CSV or XLSX, and the central administrator's "Refresh now".
Every figure comes from the summary tables (bawaba.indicators.dashboard_selectors)."""

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts.permissions import central_admin_required, is_central_admin, staff_page
from bawaba.core.csv_response import csv_attachment
from bawaba.indicators import dashboard_exports
from bawaba.indicators.access import READERS, dashboard_campaign, dashboard_place, dashboard_scope
from bawaba.indicators.dashboard_selectors import campaign_dashboard as dashboard_of
from bawaba.indicators.dashboard_selectors import campaigns_for_dashboard, dashboard_frame
from bawaba.indicators.services import request_refresh
from bawaba.indicators.staff.forms import ExportForm
from bawaba.indicators.staff.sections import sections_html


@staff_page(*READERS)
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    dashboard_scope(request.user)  # 404 for a reader whose assignments name no territory
    return render(request, "indicators/staff/campaigns.html", {"campaigns": campaigns_for_dashboard()})


@staff_page(*READERS)
@require_GET
def campaign_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = dashboard_campaign(slug)
    where = dashboard_place(request.user, request.GET)
    board = dashboard_frame(campaign, where)
    return render(
        request,
        "indicators/staff/dashboard.html",
        {
            "campaign": campaign,
            "board": board,
            "sections_html": sections_html(request, board, where),
            "may_refresh": is_central_admin(request.user),
        },
    )


@staff_page(*READERS)
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = dashboard_campaign(slug)
    where = dashboard_place(request.user, request.GET)
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404
    file_format = form.cleaned_data["format"]
    board = dashboard_of(campaign, where)
    if not board.has_figures:
        raise Http404  # nothing counted yet: the page says so and offers no file
    dashboard_exports.record_dashboard_export(actor=request.user, dashboard=board, file_format=file_format)
    if file_format == "csv":
        response = csv_attachment(filename=dashboard_exports.filename(board, "csv"))
        csv.writer(response).writerows(dashboard_exports.csv_rows(board))
    else:
        # A few hundred lines at most (the areas of one place): sent from memory.
        with dashboard_exports.xlsx_file(board, right_to_left=get_language_bidi()) as workbook:
            response = HttpResponse(workbook.read(), content_type=dashboard_exports.XLSX_CONTENT_TYPE)
        name = dashboard_exports.filename(board, "xlsx")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "no-store"
    return response


@central_admin_required
@require_POST
def refresh(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = dashboard_campaign(slug)
    where = dashboard_place(request.user, request.GET)  # back to the place she was reading
    if request_refresh(campaign=campaign, actor=request.user):
        messages.success(
            request, _("The figures are being refreshed: reload this page in a moment to see the new ones.")
        )
    else:
        messages.info(request, _("A refresh is already on its way: reload this page in a moment."))
    url = reverse("indicators_staff:dashboard", args=[campaign.slug])
    return redirect(f"{url}?{where.query}" if where.query else url)
