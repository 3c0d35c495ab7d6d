"""A campaign's figures of the supporting documents over the staff member's scope: the table (total, regions,
provinces) with the review rate per day, and the same figures as CSV.

Whoever may read applications may open it (staff_page); a scope that reaches nothing (a supervisor of no
province) is 404 like a missing campaign."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.campaigns.models import Campaign
from bawaba.core.charts import daily_bar_chart
from bawaba.core.csv_response import csv_attachment
from bawaba.documents.figures import (
    CSV_HEADER,
    FIGURES_CACHE_SECONDS,
    CampaignFigures,
    campaign_figures,
    csv_rows,
    figures_scope,
)


def _figures(request: HttpRequest, slug: str) -> CampaignFigures:
    scope = figures_scope(request.user)
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or scope.is_empty:
        raise Http404
    return campaign_figures(campaign, scope, cache_seconds=FIGURES_CACHE_SECONDS)


@staff_page(*APPLICATION_READERS)
@require_GET
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    found = _figures(request, slug)
    return render(
        request,
        "documents/staff/figures/figures.html",
        {
            "figures": found,
            "campaign": found.campaign,
            "chart": daily_bar_chart(found.rate.days, rtl=get_language_bidi()),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def figures_csv(request: HttpRequest, slug: str) -> HttpResponse:
    found = _figures(request, slug)
    response = csv_attachment(filename=f"documents-figures-{found.campaign.slug}.csv")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(found))
    return response
