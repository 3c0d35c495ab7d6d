"""The central administrators' page of the open data: each campaign's threshold and its release, and the form that
changes the threshold (audited; the release is rebuilt at once)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Campaign
from bawaba.indicators.opendata.build import campaign_threshold
from bawaba.indicators.opendata.staff.forms import ThresholdForm
from bawaba.indicators.services import set_open_data_threshold


@central_admin_required
@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.select_related("open_data", "open_data_release")
        .defer("open_data_release__payload")
        .order_by("-registration_opens_at", "pk")
    )
    return render(request, "indicators/opendata/staff/policies.html", {"campaigns": campaigns})


@central_admin_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = Campaign.objects.filter(slug=slug).select_related("open_data_release").first()
    if campaign is None:
        raise Http404
    form = ThresholdForm(request.POST or None, initial={"threshold": campaign_threshold(campaign)})
    if request.method == "POST" and form.is_valid():
        set_open_data_threshold(
            campaign=campaign, threshold=form.cleaned_data["threshold"], actor=request.user
        )
        messages.success(request, _("The threshold is saved and the open data rebuilt with it."))
        return redirect("opendata_staff:policies")
    return render(request, "indicators/opendata/staff/policy.html", {"campaign": campaign, "form": form})
