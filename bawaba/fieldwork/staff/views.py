"""The in-person training's staff pages (scoped per province: 404 outside): the campaigns, the groups per
province, a group set up, changed or deleted, the selected agents assigned to groups, a group's members with their
attendance day by day and their completion, and the field staff exports."""

import csv
import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.core.csv_response import csv_attachment
from bawaba.fieldwork.access import group_in_scope, manager_scope, province_in_scope, provinces_in_scope
from bawaba.fieldwork.models import GroupMember, TrainingGroup
from bawaba.fieldwork.selectors import field_staff_rows, groups_of, groups_per_province, member_lines
from bawaba.fieldwork.services.assignment import assign_to_groups, waiting_agents
from bawaba.fieldwork.services.attendance import record_attendance, set_status, training_days
from bawaba.fieldwork.services.groups import create_group, delete_group, update_group
from bawaba.fieldwork.staff import exports
from bawaba.fieldwork.staff.forms import AssignForm, AttendanceForm, DayForm, GroupForm, StatusForm
from bawaba.interviews.selectors import campaign_with_interviews, campaigns_with_interviews
from bawaba.territory.models import Province

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _group_page(campaign, province: Province, group: TrainingGroup):
    return redirect("fieldwork_staff:group", slug=campaign.slug, code=province.code, pk=group.pk)


@staff_page(*APPLICATION_READERS)
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "fieldwork/staff/campaigns.html", {"campaigns": campaigns_with_interviews()[:50]})


@staff_page(*APPLICATION_READERS)
@require_GET
def provinces(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    lines = groups_per_province(campaign, provinces_in_scope(manager_scope(request.user)))
    return render(request, "fieldwork/staff/provinces.html", {"campaign": campaign, "lines": lines})


def _scope_province_ids(request: HttpRequest) -> list[int] | None:
    scope = manager_scope(request.user)
    return None if scope.national else list(provinces_in_scope(scope).values_list("pk", flat=True))


@staff_page(*APPLICATION_READERS)
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    """The selected agents of her provinces still without a group: how many; assigned and convoked once confirmed."""
    campaign = campaign_with_interviews(slug)
    province_ids = _scope_province_ids(request)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = assign_to_groups(campaign=campaign, actor=request.user, province_ids=province_ids)
        messages.success(
            request,
            _(
                "%(assigned)d agents assigned to a group and convoked; %(unplaced)d without room in any group yet."
            )
            % {"assigned": result.assigned, "unplaced": result.unplaced},
        )
        return redirect("fieldwork_staff:provinces", slug=campaign.slug)
    waiting, already = waiting_agents(campaign, province_ids=province_ids)
    return render(
        request,
        "fieldwork/staff/assign.html",
        {"campaign": campaign, "form": form, "waiting": len(waiting), "already": already},
    )


@staff_page(*APPLICATION_READERS)
@require_http_methods(["GET", "POST"])
def province_groups(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_group(campaign=campaign, province=province, plan=form.plan(), actor=request.user)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The training group is set up."))
            return redirect("fieldwork_staff:province", slug=campaign.slug, code=province.code)
    return render(
        request,
        "fieldwork/staff/province.html",
        {"campaign": campaign, "province": province, "groups": groups_of(campaign, province), "form": form},
    )


def _add_errors(form, refused: ValidationError) -> None:
    if hasattr(refused, "error_dict"):
        for field, errors in refused.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, refused)


def _chosen_day(request: HttpRequest, days: list[dt.date]) -> tuple[DayForm, dt.date]:
    """The day of `?day=`, else today when it is a training day, else the first day."""
    today = timezone.localdate()
    default = today if today in days else days[0]
    form = DayForm(
        request.GET if "day" in request.GET else None, days=days, initial={"day": default.isoformat()}
    )
    return form, (form.cleaned_day() if form.is_bound and form.is_valid() else default)


@staff_page(*APPLICATION_READERS)
@require_GET
def group_detail(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    group = group_in_scope(request.user, campaign, province, pk)
    days = training_days(group)
    day_form, day = _chosen_day(request, days)
    return render(
        request,
        "fieldwork/staff/group.html",
        {
            "campaign": campaign,
            "province": province,
            "group": group,
            "day_form": day_form,
            "day": day,
            "lines": member_lines(group, day),
            "statuses": GroupMember.Status.choices,
        },
    )


def _member_ids(group: TrainingGroup) -> list[int]:
    return list(GroupMember.objects.filter(group=group).values_list("pk", flat=True))


@staff_page(*APPLICATION_READERS)
@require_POST
def attendance(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    group = group_in_scope(request.user, campaign, province, pk)
    form = AttendanceForm(request.POST, days=training_days(group), member_ids=_member_ids(group))
    if not form.is_valid():
        messages.error(
            request, _("The attendance could not be recorded: check the day and the agents ticked.")
        )
        return _group_page(campaign, province, group)
    day = form.cleaned_day()
    try:
        counts = record_attendance(
            group=group, day=day, present=form.cleaned_data["present"], actor=request.user
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return _group_page(campaign, province, group)
    messages.success(request, _("Attendance recorded: %(present)d present, %(absent)d absent.") % counts)
    response = _group_page(campaign, province, group)
    response["Location"] += f"?day={day.isoformat()}"
    return response


@staff_page(*APPLICATION_READERS)
@require_POST
def member_status(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    group = group_in_scope(request.user, campaign, province, pk)
    form = StatusForm(request.POST, member_ids=_member_ids(group))
    if not form.is_valid():
        messages.error(request, _("Tick the agents and choose what to mark."))
        return _group_page(campaign, province, group)
    try:
        changed = set_status(
            group=group,
            member_ids=form.cleaned_data["members"],
            status=form.cleaned_data["status"],
            actor=request.user,
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, _("%(count)d agents marked.") % {"count": changed})
    return _group_page(campaign, province, group)


@staff_page(*APPLICATION_READERS)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    group = group_in_scope(request.user, campaign, province, pk)
    form = GroupForm.of(group, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            update_group(group=group, plan=form.plan(), actor=request.user)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The training group is changed."))
            return _group_page(campaign, province, group)
    return render(
        request,
        "fieldwork/staff/group_edit.html",
        {"campaign": campaign, "province": province, "group": group, "form": form},
    )


@staff_page(*APPLICATION_READERS)
@require_POST
def group_delete(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    group = group_in_scope(request.user, campaign, province, pk)
    try:
        delete_group(group=group, actor=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return _group_page(campaign, province, group)
    messages.success(request, _("The training group is deleted."))
    return redirect("fieldwork_staff:province", slug=campaign.slug, code=province.code)


def _export_name(campaign, province: Province, extension: str) -> str:
    return f"field-staff-{campaign.slug}-{province.code}.{extension}"


@staff_page(*APPLICATION_READERS)
@require_GET
def export_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    # A province's field staff is a few thousand rows at most: written at once, not streamed.
    response = csv_attachment(filename=_export_name(campaign, province, "csv"))
    writer = csv.writer(response)
    writer.writerow(exports.header())
    writer.writerows(exports.csv_row(row) for row in field_staff_rows(campaign, province))
    response["Cache-Control"] = "no-store"
    return response


@staff_page(*APPLICATION_READERS)
@require_GET
def export_xlsx(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = province_in_scope(request.user, code)
    content = exports.xlsx_bytes(province.code, exports.header(), field_staff_rows(campaign, province))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=_export_name(campaign, province, "xlsx"))
        or ""
    )
    response["Cache-Control"] = "no-store"
    return response
