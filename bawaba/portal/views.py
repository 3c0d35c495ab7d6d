"""The pages that span stages. Each is composed from the apps below: the campaigns' entries and the sections and
staff menu entries the apps registered (bawaba.core.contributions)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import is_staff_member, staff_page
from bawaba.accounts.selectors import assignment_summaries
from bawaba.campaigns.dashboard import dashboard_entries
from bawaba.campaigns.selectors import campaigns_for_home
from bawaba.core.contributions import (
    APPLICATION_STATUS,
    DASHBOARD,
    DASHBOARD_NOW,
    registry,
    render_pages_sections,
    render_staff_home_panels,
)
from bawaba.selection.selectors import published_runs_by_campaign
from bawaba.territory.selectors import regions_for_home, territory_figures


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(campaigns_for_home())
    reports = published_runs_by_campaign(campaigns)
    regions = list(regions_for_home())
    return render(
        request,
        "portal/home.html",
        {
            # Each campaign with its published selection runs, whose public reports its card links to.
            "campaigns": [(campaign, reports[campaign.pk]) for campaign in campaigns],
            # The newest public report, among what a visitor can do first.
            "latest_report": max(
                (run for runs in reports.values() for run in runs),
                key=lambda run: (run.published_at, run.pk),
                default=None,
            ),
            "regions": regions,
            "territory": territory_figures(regions),
        },
    )


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Where sign-in leads when no page asked for it (LOGIN_REDIRECT_URL): staff to their home, candidates to
    their dashboard."""
    if is_staff_member(request.user):
        return redirect("portal:staff_home")
    return redirect("portal:dashboard")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The candidate's applications, each with what comes next, the campaign's calendar, and what later stages
    registered (her selection decision, ...).

    The page candidates load most (issue 3, docs/benchmarks.md): four queries whatever the number of
    applications (two more once a selection is published: her decision and its communes' report lines), and the
    calendar, the same for every candidate of a campaign, cached in the template.
    """
    entries = dashboard_entries(request.user, now=timezone.now())
    sections = render_pages_sections(
        request, (DASHBOARD_NOW, APPLICATION_STATUS, DASHBOARD), [entry["application"] for entry in entries]
    )
    for entry in entries:
        pk = entry["application"].pk
        # What matters now (her decision) leads; without it, the page leads with her next thing to do.
        entry["now"] = sections[DASHBOARD_NOW][pk]
        entry["status"] = next(iter(sections[APPLICATION_STATUS][pk]), "")
        entry["sections"] = sections[DASHBOARD][pk]
    return render(
        request,
        "portal/dashboard.html",
        {"entries": entries, "time_zone": timezone.get_current_timezone_name()},
    )


@staff_page()
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    """Her roles and where, what they let her do (the staff menu entries she may open), and what the apps show
    over her scope (their staff home panels: the documents' figures)."""
    return render(
        request,
        "portal/staff_home.html",
        {
            "entries": registry.staff_menu_for(request.user),
            "assignments": assignment_summaries(request.user),
            "panels": render_staff_home_panels(request),
        },
    )
