"""The central administrator's view of applications: search and list, one application, registrations by day."""

import csv

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.staff.forms import ApplicationSearchForm, RegistrationsForm
from bawaba.campaigns.staff.selectors import (
    application_for_staff,
    applications_for_staff,
    campaigns_for_staff,
    recent_registrations_by_day,
)
from bawaba.core.charts import daily_bar_chart, every_day
from bawaba.core.csv_response import csv_attachment
from bawaba.core.pagination import KeysetPage, count_up_to, keyset_page

# A search narrower than this many rows shows how many it found; beyond, only "more than" (a bounded count).
COUNT_LIMIT = 1_000


def _page_size() -> int:
    return getattr(settings, "BAWABA_STAFF_PAGE_SIZE", 50)


@central_admin_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    form = ApplicationSearchForm(request.GET or None)
    page, found = KeysetPage(), None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        matching = applications_for_staff(
            campaign=filters.get("campaign"), query=filters.get("q", ""), commune=filters.get("commune")
        )
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
        },
    )


@central_admin_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        application = application_for_staff(pk)
    except Application.DoesNotExist:
        raise Http404 from None
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
