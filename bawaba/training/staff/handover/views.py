"""The hand-over to the e-learning platform (central administrators): the form, the file, the past exports.

The file is downloaded by a POST (the form's CSRF token): it hands accounts over and e-mails passwords, which no
link followed by a browser on its own must do. Its response is streamed as the rows are read; the accounts are
handed over only when the client has taken the whole file (bawaba.training.services.handover).
"""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Campaign
from bawaba.core.pagination import numbered_page
from bawaba.territory.models import Region
from bawaba.training.selectors import campaign_with_training
from bawaba.training.services import handover as service
from bawaba.training.staff.handover.forms import HandoverForm
from bawaba.training.staff.handover.selectors import accounts_by_region, exports_of

EXPORTS_PER_PAGE = 20


def _page(
    request: HttpRequest, campaign: Campaign, regions: list[Region], form: HandoverForm, *, status: int = 200
) -> HttpResponse:
    run = service.preselection_run(campaign)
    by_region = accounts_by_region(campaign, run, regions) if run else []
    return render(
        request,
        "training/staff/handover/handover.html",
        {
            "campaign": campaign,
            "form": form,
            "by_region": by_region,
            "waiting_total": sum(line.waiting for line in by_region),
            "handed_over_total": sum(line.handed_over for line in by_region),
            "page": numbered_page(exports_of(campaign), request.GET.get("page"), size=EXPORTS_PER_PAGE),
        },
        status=status,
    )


@require_GET
@central_admin_required
def handover(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    regions = list(Region.objects.order_by("code"))
    return _page(request, campaign, regions, HandoverForm(regions=regions))


@require_POST
@central_admin_required
def download(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    campaign = campaign_with_training(slug)
    regions = list(Region.objects.order_by("code"))
    form = HandoverForm(request.POST, regions=regions)
    if not form.is_valid():
        return _page(request, campaign, regions, form, status=400)
    try:
        moodle_file = service.start_export(
            campaign=campaign,
            region=form.chosen_region(),
            include_exported=form.cleaned_data["include_exported"],
            actor=request.user,
        )
    except service.HandoverError as error:
        form.add_error(None, str(error))
        return _page(request, campaign, regions, form, status=400)
    response = StreamingHttpResponse(moodle_file.chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=moodle_file.filename) or ""
    )
    # The file carries passwords: no cache anywhere keeps a copy.
    response["Cache-Control"] = "no-store"
    return response
