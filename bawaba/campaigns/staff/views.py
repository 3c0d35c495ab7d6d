"""The central administrator's view of applications: search and list, one application, registrations by day."""

import csv

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import (
    APPLICATION_READERS,
    central_admin_required,
    is_central_admin,
    staff_page,
)
from bawaba.campaigns.access import applications_in_scope, staff_application, staff_scope
from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.services import record_applications_export
from bawaba.campaigns.staff.forms import ApplicationSearchForm, RegistrationsForm
from bawaba.campaigns.staff.selectors import (
    EXPORT_HEADER,
    applications_for_staff,
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
    chart = daily_bar_chart(recent_registrations_by_day(campaign=campaign)) if campaign else None
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
def applications_csv(request: HttpRequest) -> HttpResponse:
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
