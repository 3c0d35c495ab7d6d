"""The progress pages of a campaign's training: figures per province (scoped), a province's candidates, the import
of the platform's completion report, the reminders and the start deadline's release (central administrators)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.permissions import APPLICATION_READERS, central_admin_required, staff_page
from bawaba.campaigns.access import staff_scope
from bawaba.core.pagination import numbered_page
from bawaba.core.params import clean_text
from bawaba.territory.models import Province
from bawaba.training.models import ProgressImport
from bawaba.training.selectors import campaign_with_training, training_settings
from bawaba.training.services.progress import describe, import_progress
from bawaba.training.services.reminders import ReminderRefused, release_not_started, send_reminder_wave
from bawaba.training.staff.progress.forms import ProgressFileForm, ReminderForm
from bawaba.training.staff.progress.selectors import (
    accounts_in_province,
    progress_imports,
    progress_per_province,
    reminder_waves,
)

CANDIDATES_PER_PAGE = 50
FAULTY_LINES_PER_PAGE = 100


@staff_page(*APPLICATION_READERS)
@require_GET
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    lines = progress_per_province(campaign, staff_scope(request.user))
    totals = {
        "accounts": sum(line.accounts for line in lines),
        "started": sum(line.started for line in lines),
        "completed": sum(line.completed for line in lines),
        "not_started": sum(line.not_started for line in lines),
    }
    return render(
        request,
        "training/staff/progress/provinces.html",
        {
            "campaign": campaign,
            "lines": lines,
            "totals": totals,
            "last_import": progress_imports(campaign).first(),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def progress_province(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    code_text = clean_text(code, max_length=16)  # NUL and the like: PostgreSQL would refuse the query
    province = Province.objects.filter(code=code_text).select_related("region").first() if code_text else None
    # Outside her scope, a province answers as a missing one.
    if province is None or not staff_scope(request.user).covers(
        province_id=province.pk, region_id=province.region_id
    ):
        raise Http404
    page = numbered_page(
        accounts_in_province(campaign, province), request.GET.get("page"), size=CANDIDATES_PER_PAGE
    )
    return render(
        request,
        "training/staff/progress/province.html",
        {"campaign": campaign, "province": province, "page": page},
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def progress_imports_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    form = ProgressFileForm(request.POST, request.FILES) if request.method == "POST" else ProgressFileForm()
    if request.method == "POST" and form.is_valid():
        data, filename = form.data_and_name()
        progress_import = import_progress(campaign=campaign, data=data, filename=filename, actor=request.user)
        return redirect("training_staff:progress_import", slug=campaign.slug, pk=progress_import.pk)
    page = numbered_page(progress_imports(campaign), request.GET.get("page"), size=25)
    return render(
        request,
        "training/staff/progress/imports.html",
        {"campaign": campaign, "form": form, "page": page},
        status=400 if form.is_bound else 200,
    )


@central_admin_required
@require_GET
def progress_import(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_with_training(slug)
    found = ProgressImport.objects.filter(campaign=campaign, pk=pk).select_related("created_by").first()
    if found is None:
        raise Http404
    page = numbered_page(found.errors, request.GET.get("page"), size=FAULTY_LINES_PER_PAGE)
    faulty = [
        {
            "line": entry.get("line"),
            "errors": [describe(error, entry.get("line")) for error in entry.get("errors", [])],
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "training/staff/progress/import.html",
        {"campaign": campaign, "progress_import": found, "page": page, "faulty": faulty},
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    form = ReminderForm(request.POST) if request.method == "POST" else ReminderForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                wave = send_reminder_wave(
                    campaign=campaign,
                    not_started_by=form.cleaned_data["not_started_by"],
                    base_url=request.build_absolute_uri("/"),
                    actor=request.user,
                )
            except ReminderRefused as refusal:
                form.add_error("not_started_by", str(refusal.message))
            else:
                messages.success(
                    request,
                    _("The reminder is on its way to %(count)s candidates.")
                    % {"count": wave.recipient_count},
                )
                return redirect("training_staff:reminders", slug=campaign.slug)
    return render(
        request,
        "training/staff/progress/reminders.html",
        {
            "campaign": campaign,
            "form": form,
            "waves": reminder_waves(campaign),
            "settings": training_settings(campaign),
        },
        status=status,
    )


@central_admin_required
@require_POST
def release_not_started_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    try:
        promotion_round = release_not_started(campaign=campaign, actor=request.user)
    except ReminderRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        if promotion_round is None:
            messages.success(request, _("Nobody's place was released: there was nothing to promote."))
        else:
            messages.success(
                request,
                _(
                    "Promotion round %(number)s is recorded: %(released)s places released, %(promoted)s promotions."
                )
                % {
                    "number": promotion_round.number,
                    "released": promotion_round.summary.get("released", 0),
                    "promoted": promotion_round.summary.get("promotions", 0),
                },
            )
    return redirect("training_staff:reminders", slug=campaign.slug)
