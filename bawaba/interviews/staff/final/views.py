"""The final lists (issue 14, item 5): figures per province of the staff member's scope, a province's list commune
by commune (selected, then the reserve by place), and its files: CSV and XLSX with every column for the staff,
a PDF to post with the CIN partly hidden. Every file is audited; a province outside the scope answers 404."""

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.campaigns.access import staff_scope
from bawaba.campaigns.models import Campaign
from bawaba.core.csv_response import streamed_csv
from bawaba.core.pagination import numbered_page
from bawaba.core.params import id_param, int_param
from bawaba.core.pdf import render_pdf
from bawaba.interviews import final_files
from bawaba.interviews.final_exports import csv_rows, header, record_final_list_export, xlsx_file
from bawaba.interviews.final_lists import (
    commune_figures,
    export_lines,
    field_run,
    final_province,
    lines_of,
    masked_cin,
    province_figures,
    province_keys,
)
from bawaba.interviews.selectors import campaign_with_interviews
from bawaba.notifications.files import request_file
from bawaba.selection.models import SelectionRun
from bawaba.territory.models import Commune, Province

LINES_PER_PAGE = 50
# Lines per printed PDF: WeasyPrint lays out about 50 lines a second (19 s for 1,000, Arabic or French, on this
# machine), so a big commune or province is printed in parts that each answer within a request's time.
PRINT_LINES = 500


def print_parts(line_count: int) -> list[int]:
    """The numbers of the parts a list of `line_count` lines is printed in (one part at least)."""
    return list(range(1, max(1, -(-line_count // PRINT_LINES)) + 1))


def _run_or_404(campaign: Campaign) -> SelectionRun:
    """The published field run a file is made of: without one there is nothing to download."""
    run = field_run(campaign)
    if run is None:
        raise Http404
    return run


def _commune(request: HttpRequest, province: Province) -> Commune | None:
    """The commune the query names (?commune=id), which must lie in the province; None when none is named."""
    if not request.GET.get("commune"):
        return None
    commune_id = id_param(request.GET, "commune")
    commune = Commune.objects.filter(pk=commune_id, province=province).first() if commune_id else None
    if commune is None:
        raise Http404
    return commune


@staff_page(*APPLICATION_READERS)
@require_GET
def final_lists(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    scope = staff_scope(request.user)
    run = field_run(campaign)
    lines = province_figures(run, scope) if run is not None else []
    totals = {
        "needs": sum(line.needs for line in lines),
        "selected": sum(line.selected for line in lines),
        "reserve": sum(line.reserve for line in lines),
        # A candidate waiting in two provinces is in both reserves: the national figure is a sum of provinces'.
        "reserve_people": sum(line.reserve_people for line in lines),
    }
    return render(
        request,
        "interviews/staff/final/provinces.html",
        {"campaign": campaign, "run": run, "lines": lines, "totals": totals, "national": scope.national},
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def final_province_list(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = final_province(staff_scope(request.user), code)
    commune = _commune(request, province)
    run = field_run(campaign)
    context: dict[str, Any] = {"campaign": campaign, "province": province, "run": run, "commune": commune}
    if run is not None:
        keys = province_keys(run, province)
        shown = [key for key in keys if key.commune_id == commune.pk] if commune is not None else keys
        page = numbered_page(shown, request.GET.get("page"), size=LINES_PER_PAGE)
        context |= {
            "figures": commune_figures(run, province, keys),
            "page": page,
            "lines": lines_of(list(page.object_list), province),
            "query": f"commune={commune.pk}" if commune is not None else "",
            "print_parts": print_parts(len(shown)),
            "print_lines": PRINT_LINES,
        }
    return render(request, "interviews/staff/final/province.html", context)


def _filename(campaign: Campaign, name: str, extension: str) -> str:
    return f"final-list-{campaign.slug}-{name}.{extension}"


def _xlsx_response(file, filename: str) -> FileResponse:
    response = FileResponse(
        file,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_page(*APPLICATION_READERS)
@require_GET
def province_csv(request: HttpRequest, slug: str, code: str) -> StreamingHttpResponse:
    campaign = campaign_with_interviews(slug)
    province = final_province(staff_scope(request.user), code)
    run = _run_or_404(campaign)
    record_final_list_export(actor=request.user, run=run, file_format="csv", province_code=province.code)
    response = streamed_csv(
        filename=_filename(campaign, province.code, "csv"),
        header=header(),
        rows=csv_rows(export_lines(run, [province])),
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_page(*APPLICATION_READERS)
@require_GET
def province_xlsx(request: HttpRequest, slug: str, code: str) -> FileResponse:
    campaign = campaign_with_interviews(slug)
    province = final_province(staff_scope(request.user), code)
    run = _run_or_404(campaign)
    record_final_list_export(actor=request.user, run=run, file_format="xlsx", province_code=province.code)
    file = xlsx_file(export_lines(run, [province]), title=province.code, right_to_left=get_language_bidi())
    return _xlsx_response(file, _filename(campaign, province.code, "xlsx"))


@staff_page(*APPLICATION_READERS)
@require_GET
def province_pdf(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The list to post (one commune with ?commune=, else the whole province; ?part= for the part of a long one):
    names, the CIN partly hidden, the commune and the list with the place; no other personal data."""
    campaign = campaign_with_interviews(slug)
    province = final_province(staff_scope(request.user), code)
    commune = _commune(request, province)
    run = _run_or_404(campaign)
    keys = province_keys(run, province, commune=commune)
    parts = print_parts(len(keys))
    part = int_param(request.GET, "part", min_value=1, max_value=len(parts)) if request.GET.get("part") else 1
    if part is None:
        raise Http404
    record_final_list_export(
        actor=request.user,
        run=run,
        file_format="pdf",
        province_code=f"{province.code}/{commune.code}" if commune is not None else province.code,
        part=part,
    )
    start = (part - 1) * PRINT_LINES
    lines = lines_of(keys[start : start + PRINT_LINES], province)
    # One table a commune, its name above it: each commune's list is posted on its own.
    groups = [
        (commune_lines[0][0].commune, commune_lines)
        for _pk, group in groupby(
            ((line, masked_cin(line.cin)) for line in lines), key=lambda item: item[0].commune.pk
        )
        for commune_lines in [list(group)]
    ]
    pdf = render_pdf(
        "interviews/staff/final/print.html",
        {
            "campaign": campaign,
            "province": province,
            "commune": commune,
            "groups": groups,
            "part": part,
            "parts": len(parts),
            "printed_at": timezone.now(),
        },
        language=get_language(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{province.code}-{commune.code}" if commune is not None else province.code
    if len(parts) > 1:
        name = f"{name}-{part}"
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=False, filename=_filename(campaign, name, "pdf")) or ""
    )
    response["Cache-Control"] = "no-store"
    return response


def _national_scope_or_404(request: HttpRequest):
    scope = staff_scope(request.user)
    if not scope.national:
        raise Http404
    return scope


NATIONAL_FILES = {"csv": final_files.NATIONAL_CSV, "xlsx": final_files.NATIONAL_XLSX}


@staff_page(*APPLICATION_READERS)
@require_POST
def national_file(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask a worker for the national list as CSV or XLSX (too long for a request): it appears among her files."""
    _national_scope_or_404(request)
    campaign = campaign_with_interviews(slug)
    run = _run_or_404(campaign)
    kind = NATIONAL_FILES.get(request.POST.get("format", ""))
    if kind is None:
        return HttpResponseBadRequest(_("Choose CSV or XLSX."))
    file_format = request.POST["format"]
    title = _("Final list, national: %(campaign)s") % {"campaign": campaign.title}
    _prepared, made = request_file(
        kind=kind,
        params={"campaign": campaign.slug},
        title=f"{title} ({file_format.upper()})",
        actor=request.user,
        language=get_language(),
    )
    if made:
        record_final_list_export(actor=request.user, run=run, file_format=file_format, province_code=None)
        messages.success(
            request, _("The national list is being made: it will be among your files in a few minutes.")
        )
    else:
        messages.info(request, _("This file is already being made: it will be among your files."))
    return redirect("notifications:staff_files")
