"""The central administrator's staff pages: applications (search and list, one application, registrations by day)
and the campaigns' set-up (the campaign and its calendar, its needs imported from a CSV file)."""

import csv

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.permissions import (
    APPLICATION_READERS,
    central_admin_required,
    is_central_admin,
    staff_page,
)
from bawaba.accounts.selectors import places_of
from bawaba.campaigns.access import applications_in_scope, staff_application, staff_scope
from bawaba.campaigns.models import Application, Campaign, CampaignStage, CommuneNeed, NeedsImport
from bawaba.campaigns.needs.csvfile import NeedsFileError, write_needs_file
from bawaba.campaigns.needs.problems import describe_all
from bawaba.campaigns.needs.selectors import (
    needs_by_region,
    needs_by_stage,
    needs_export,
    needs_import_of,
    needs_preview,
    pending_import,
)
from bawaba.campaigns.needs.services import NeedsImportRefused, apply_needs_import, check_needs_file
from bawaba.campaigns.rules.versions import current_rules
from bawaba.campaigns.services import record_applications_export
from bawaba.campaigns.setup import CampaignSetupError, create_campaign, update_campaign
from bawaba.campaigns.staff.forms import (
    ApplicationSearchForm,
    ApplyNeedsForm,
    CampaignForm,
    NeedsFileForm,
    RegistrationsForm,
)
from bawaba.campaigns.staff.selectors import (
    EXPORT_HEADER,
    admitted_categories,
    applications_for_staff,
    campaign_for_setup,
    campaigns_for_setup,
    campaigns_for_staff,
    export_rows,
    recent_registrations_by_day,
)
from bawaba.core.charts import daily_bar_chart, every_day
from bawaba.core.csv_response import csv_attachment, streamed_csv
from bawaba.core.pagination import KeysetPage, count_up_to, keyset_page

# A search narrower than this many rows shows how many it found; beyond, only "more than" (a bounded count).
COUNT_LIMIT = 1_000


def _page_size() -> int:
    return getattr(settings, "BAWABA_STAFF_PAGE_SIZE", 50)


def _searched(request: HttpRequest, form: ApplicationSearchForm):
    """The applications the valid search form asks for, within what the user may see."""
    filters = form.cleaned_data if form.is_bound else {}
    matching = applications_for_staff(
        campaign=filters.get("campaign"), query=filters.get("q", ""), commune=filters.get("commune")
    )
    return applications_in_scope(matching, staff_scope(request.user)), filters


@staff_page(*APPLICATION_READERS)
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    form = ApplicationSearchForm(request.GET or None)
    page, found = KeysetPage(), None
    if not form.is_bound or form.is_valid():
        matching, filters = _searched(request, form)
        page = keyset_page(
            matching, size=_page_size(), after=filters.get("after"), before=filters.get("before")
        )
        # No count over the whole table on every page: only a search (CIN, e-mail, names) is narrow enough to be
        # worth counting, and even then no further than COUNT_LIMIT. A commune alone may hold 60,000 applications.
        if filters.get("q", "").strip():
            found = count_up_to(matching, COUNT_LIMIT)
    query = request.GET.copy()
    for cursor in ("after", "before"):
        query.pop(cursor, None)
    return render(
        request,
        "campaigns/staff/applications.html",
        {
            "form": form,
            "page": page,
            "found": found,
            "count_limit": COUNT_LIMIT,
            "query": query.urlencode(),
            "may_see_registrations": is_central_admin(request.user),
            "scope_places": places_of(request.user, *APPLICATION_READERS),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request.user, pk)
    languages = dict(Application.Language.choices)
    return render(
        request,
        "campaigns/staff/application_detail.html",
        {
            "application": application,
            "languages": [languages.get(code, code) for code in application.languages or []],
        },
    )


def _chosen_campaign(request: HttpRequest) -> tuple[RegistrationsForm, Campaign | None]:
    """The campaign asked for, or by default the newest one; None when the request names no valid campaign."""
    if "campaign" in request.GET:
        form = RegistrationsForm(request.GET)
        return form, form.cleaned_data["campaign"] if form.is_valid() else None
    campaign = campaigns_for_staff().first()
    return RegistrationsForm(initial={"campaign": campaign}), campaign


@central_admin_required
@require_GET
def registrations(request: HttpRequest) -> HttpResponse:
    form, campaign = _chosen_campaign(request)
    chart = (
        daily_bar_chart(recent_registrations_by_day(campaign=campaign), rtl=get_language_bidi())
        if campaign
        else None
    )
    return render(
        request, "campaigns/staff/registrations.html", {"form": form, "campaign": campaign, "chart": chart}
    )


@central_admin_required
@require_GET
def registrations_csv(request: HttpRequest) -> HttpResponse:
    _, campaign = _chosen_campaign(request)
    if campaign is None:
        raise Http404
    response = csv_attachment(filename=f"registrations-{campaign.slug}.csv")
    writer = csv.writer(response)
    writer.writerow(["date", "registrations"])
    for day, count in every_day(recent_registrations_by_day(campaign=campaign)):
        writer.writerow([day.isoformat(), count])
    return response


@staff_page(*APPLICATION_READERS)
@require_GET
def applications_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The search's applications (all pages) as CSV, within the user's scope; every download is audited."""
    form = ApplicationSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Correct the search before exporting it."))
    matching, filters = _searched(request, form)
    record_applications_export(
        actor=request.user,
        filters={
            "q": filters.get("q", ""),
            "campaign": filters["campaign"].slug if filters.get("campaign") else "",
            "commune": filters["commune"].code if filters.get("commune") else "",
        },
    )
    return streamed_csv(filename="applications.csv", header=EXPORT_HEADER, rows=export_rows(matching))


# --- A campaign's set-up: the campaign, its calendar, its needs -------------------------------------------------


def _campaign_or_404(slug: str) -> Campaign:
    try:
        return campaign_for_setup(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


@central_admin_required
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/staff/campaigns.html", {"campaigns": campaigns_for_setup()})


@central_admin_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_campaign(
                fields=form.campaign_values(), stages=form.stage_dates(), actor=request.user
            )
        except CampaignSetupError as error:
            for problem in error.problems:
                form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("The campaign is created."))
            return redirect("staff:campaign", slug=campaign.slug)
    return render(request, "campaigns/staff/campaign_form.html", {"form": form, "campaign": None})


@central_admin_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    # The form works on its own copy: a refused form must not change the page's title and links.
    form = CampaignForm(request.POST if request.method == "POST" else None, instance=_campaign_or_404(slug))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = update_campaign(
                campaign=campaign,
                fields=form.campaign_values(),
                stages=form.stage_dates(),
                actor=request.user,
            )
        except CampaignSetupError as error:
            for problem in error.problems:
                form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("staff:campaign", slug=campaign.slug)
    return render(request, "campaigns/staff/campaign_form.html", {"form": form, "campaign": campaign})


@central_admin_required
@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    return render(
        request,
        "campaigns/staff/campaign_detail.html",
        {
            "campaign": campaign,
            "stages": sorted(
                campaign.stages.all(), key=lambda stage: CampaignStage.Kind.values.index(stage.kind)
            ),
            # The categories admitted are the selection rules' (the census defaults until a version is saved).
            "categories": admitted_categories(campaign),
            "has_rules": current_rules(campaign) is not None,
            "needs": needs_by_stage(campaign),
        },
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def campaign_needs(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    form = NeedsFileForm(request.POST, request.FILES) if request.method == "POST" else NeedsFileForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data, filename = form.data_and_name()
        try:
            needs_import = check_needs_file(
                campaign=campaign, data=data, filename=filename, actor=request.user
            )
        except NeedsFileError as error:
            problems = describe_all(error.problems)
        else:
            return redirect("staff:needs_import", slug=campaign.slug, pk=needs_import.pk)
    return render(
        request,
        "campaigns/staff/needs.html",
        {
            "campaign": campaign,
            "form": form,
            "problems": problems,
            "by_stage": needs_by_stage(campaign),
            "stage_labels": CommuneNeed.Stage.choices,
            "regions": needs_by_region(campaign),
            "pending": pending_import(campaign),
        },
    )


@central_admin_required
@require_GET
def campaign_needs_csv(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    response = csv_attachment(filename=f"needs-{campaign.slug}.csv")
    write_needs_file(response, needs_export(campaign))
    return response


def _needs_import_or_404(campaign: Campaign, pk: int) -> NeedsImport:
    try:
        return needs_import_of(campaign, pk)
    except NeedsImport.DoesNotExist:
        raise Http404 from None


@central_admin_required
@require_GET
def needs_import(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    checked = _needs_import_or_404(campaign, pk)
    return render(
        request,
        "campaigns/staff/needs_import.html",
        {"campaign": campaign, "preview": needs_preview(checked), "form": ApplyNeedsForm()},
    )


@central_admin_required
@require_POST
def needs_import_apply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    checked = _needs_import_or_404(campaign, pk)
    try:
        change = apply_needs_import(needs_import=checked, actor=request.user)
    except NeedsImportRefused as error:
        messages.error(request, str(error.message))
        return redirect("staff:needs_import", slug=campaign.slug, pk=checked.pk)
    if change.is_empty:
        messages.success(request, _("No change: the needs were already those of the file."))
    else:
        messages.success(
            request,
            _("The needs are replaced. Added: %(added)s; changed: %(changed)s; removed: %(removed)s.")
            % {"added": change.added, "changed": change.changed, "removed": change.removed},
        )
    return redirect("staff:campaign_needs", slug=campaign.slug)
