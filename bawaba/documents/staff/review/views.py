"""The review of supporting documents, for the staff who read applications (central administrators, regional
coordinators, provincial supervisors), each within her scope: the queue, the review screen (which claims the
dossier), the decision, the release of a claim, the files themselves, and the supervisors' guide.

The role is checked before the method and the object, so that whoever may not open a page gets 404 whatever she
sends; a dossier or a file outside her scope is 404 as if missing (bawaba.documents.access).
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.accounts.selectors import places_of
from bawaba.campaigns.models import Application, Campaign
from bawaba.core.names import localised
from bawaba.documents.access import staff_document, staff_dossier, staff_dossier_scope
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision
from bawaba.documents.responses import DocumentNotOpenable, document_response
from bawaba.documents.services.review import (
    DecisionConflict,
    ReviewRefused,
    claim,
    claim_is_live,
    claim_minutes,
    decide,
    release,
)
from bawaba.documents.staff.review.forms import DecisionForm, queue_filters, review_filters
from bawaba.documents.staff.review.selectors import (
    QueueFilters,
    dossier_for_review,
    next_to_examine,
    queue_page,
    required_files,
    status_counts,
)

Status = Dossier.Status
reviewer_page = staff_page(*APPLICATION_READERS)
# A status as the review's pages name it (the model's labels are lower-case words other pages share).
STATUS_LABELS: dict[str, StrOrPromise] = {
    Status.AWAITED: pgettext_lazy("dossier status", "Awaiting documents"),
    Status.SUBMITTED: pgettext_lazy("dossier status", "Under examination"),
    Status.ACCEPTED: pgettext_lazy("dossier status", "Accepted"),
    Status.REJECTED: pgettext_lazy("dossier status", "Rejected"),
}
# The design system's tag colour of each status (the text says it too).
STATUS_TAGS: dict[str, str] = {
    Status.AWAITED: "tag--grey",
    Status.SUBMITTED: "tag--blue",
    Status.ACCEPTED: "tag--green",
    Status.REJECTED: "tag--red",
}


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.only("pk", "slug", "title_ar", "title_fr", "title_en"), slug=slug
    )


def _filter_query(filters: QueueFilters, *, with_status: bool = False) -> str:
    """The queue's filters as a query string, carried from the queue to the review screen and on to the next."""
    params = {
        "province": filters.province.pk if filters.province else "",
        "commune": filters.commune.pk if filters.commune else "",
        "category": filters.category,
    }
    if with_status and filters.status != Status.SUBMITTED:
        params["status"] = filters.status
    return urlencode({key: value for key, value in params.items() if value})


def _review_url(campaign: Campaign, dossier_pk: int, query: str) -> str:
    url = reverse("documents_staff:review", args=[campaign.slug, dossier_pk])
    return f"{url}?{query}" if query else url


def _queue_url(campaign: Campaign, query: str) -> str:
    url = reverse("documents_staff:queue", args=[campaign.slug])
    return f"{url}?{query}" if query else url


@reviewer_page
@require_GET
def review_campaigns(request: HttpRequest) -> HttpResponse:
    """The campaigns that have dossiers of supporting documents: each one's queue."""
    campaigns = (
        Campaign.objects.filter(Exists(Dossier.objects.filter(campaign=OuterRef("pk"))))
        .only("pk", "slug", "title_ar", "title_fr", "title_en", "registration_opens_at")
        .order_by("-registration_opens_at", "-pk")
    )
    return render(request, "documents/staff/review_campaigns.html", {"campaigns": campaigns})


@reviewer_page
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    scope = staff_dossier_scope(request.user)
    form, filters = queue_filters(request.GET, scope)
    cleaned = form.cleaned_data if form.is_bound else {}
    page = queue_page(campaign, scope, filters, after=cleaned.get("after"), before=cleaned.get("before"))
    query = _filter_query(filters, with_status=True)
    # The figures per status: one grouped count, cheap over a region or a province; over the whole country (the
    # campaign's 150,000 dossiers) it would cost more than the page itself, so a national reader sees them once she
    # picks a province (the staff home has the national figures).
    counts = (
        status_counts(campaign, scope, filters.province) if filters.province or not scope.national else None
    )
    return render(
        request,
        "documents/staff/review_queue.html",
        {
            "campaign": campaign,
            "form": form,
            "filters": filters,
            "page": page,
            # Every row of a page has the status the page shows.
            "status_name": STATUS_LABELS[filters.status],
            "status_tag": STATUS_TAGS[filters.status],
            "statuses": [
                (value, STATUS_LABELS[value], counts[value] if counts else None) for value in Status.values
            ],
            "query": query,
            "review_query": _filter_query(filters),
            "scope_places": places_of(request.user, *APPLICATION_READERS),
            "claim_live": {row.pk for row in page.rows if claim_is_live(row)},
        },
    )


def _review_screen(
    request: HttpRequest,
    campaign: Campaign,
    dossier: Dossier,
    *,
    form: DecisionForm | None = None,
    unrecorded: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The declaration beside the files; the decision form when she holds the claim of a dossier to examine."""
    scope = staff_dossier_scope(request.user)
    filters = review_filters(request.GET, scope)
    held = claim(dossier=dossier, reviewer=request.user) if dossier.status == Status.SUBMITTED else None
    dossier = dossier_for_review(dossier)
    may_decide = held is not None and held.held
    if may_decide and form is None:
        form = DecisionForm(initial={"version": dossier.version})
    following = next_to_examine(campaign, scope, filters, current=dossier, reviewer=request.user)
    review_query = _filter_query(filters)
    application: Application = dossier.application
    return render(
        request,
        "documents/staff/review_dossier.html",
        {
            "campaign": campaign,
            "dossier": dossier,
            "application": application,
            "files": required_files(dossier),
            "status_name": STATUS_LABELS[dossier.status],
            "status_tag": STATUS_TAGS[dossier.status],
            "held": held,
            "held_by_another": held is not None and not held.held and held.holder is not None,
            "form": form if may_decide else None,
            "unrecorded": unrecorded,
            "next_url": _review_url(campaign, following.pk, review_query) if following else None,
            "queue_url": _queue_url(campaign, _filter_query(filters, with_status=True)),
            "review_query": review_query,
            "reasons": [RejectionReason(reason).label for reason in dossier.rejection_reasons],
            # Every decision sets decided_at: a dossier never decided has no history to read.
            "decisions": dossier.decisions.select_related("decided_by")[:10] if dossier.decided_at else [],
        },
        status=status,
    )


@reviewer_page
@require_GET
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    return _review_screen(request, campaign, staff_dossier(request.user, pk, campaign=campaign))


def _unrecorded(form: DecisionForm) -> dict:
    """What she chose, shown back to her when it could not be recorded (nothing she typed is lost)."""
    data = form.cleaned_data
    return {
        "accepted": data.get("outcome") == ReviewDecision.Outcome.ACCEPTED,
        "reasons": [RejectionReason(reason).label for reason in data.get("reasons") or []],
        "comment": data.get("comment", ""),
    }


@reviewer_page
@require_POST
def decision(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    dossier = staff_dossier(request.user, pk, campaign=campaign)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _review_screen(request, campaign, dossier, form=form, status=400)
    data = form.cleaned_data
    try:
        decided = decide(
            dossier=dossier,
            reviewer=request.user,
            outcome=data["outcome"],
            reasons=data["reasons"],
            comment=data["comment"],
            seen_version=data["version"],
        )
    except DecisionConflict as conflict:
        messages.error(request, conflict.message)
        if conflict.dossier is None:
            raise Http404 from None
        # Her choices stay in the form, now naming the version she is shown (she looks again, then confirms).
        kept = DecisionForm(initial={**data, "version": conflict.dossier.version})
        return _review_screen(
            request, campaign, conflict.dossier, form=kept, unrecorded=_unrecorded(form), status=409
        )
    except ReviewRefused as refused:
        form.add_error(None, refused.message)
        return _review_screen(request, campaign, dossier, form=form, status=400)
    if decided.status == Status.ACCEPTED:
        messages.success(request, _("The file is accepted. The candidate is told by e-mail."))
    else:
        messages.success(
            request, _("The file is rejected. The candidate is told by e-mail, with your reasons.")
        )
    scope = staff_dossier_scope(request.user)
    filters = review_filters(request.GET, scope)
    following = next_to_examine(campaign, scope, filters, current=decided, reviewer=request.user)
    if following is None:
        messages.info(request, _("No other file is waiting for examination in this queue."))
        return redirect(_queue_url(campaign, _filter_query(filters)))
    return redirect(_review_url(campaign, following.pk, _filter_query(filters)))


@reviewer_page
@require_POST
def release_claim(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    dossier = staff_dossier(request.user, pk, campaign=campaign)
    if release(dossier=dossier, reviewer=request.user):
        messages.success(request, _("You released the file: another reviewer may examine it now."))
    else:
        messages.info(request, _("You were not holding this file: nothing to release."))
    filters = review_filters(request.GET, staff_dossier_scope(request.user))
    return redirect(_queue_url(campaign, _filter_query(filters, with_status=True)))


@reviewer_page
@require_GET
@xframe_options_sameorigin  # the review screen shows it in a frame; the response's CSP allows only our pages
def document_file(request: HttpRequest, slug: str, pk: int, document_pk: int) -> HttpResponse:
    """One file of a dossier in her scope; a file the antivirus has not cleared is never served (the review
    screen says why)."""
    campaign = _campaign(slug)
    document = staff_document(request.user, pk, document_pk, campaign=campaign)
    try:
        # A streamed FileResponse, which staff_page passes on as it is (its typing says HttpResponse).
        return document_response(document.stored, label=localised(document.requirement))  # type: ignore[return-value]
    except DocumentNotOpenable:
        raise Http404 from None


@reviewer_page
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """How to check supporting documents: the supervisors' guide."""
    return render(
        request,
        "documents/staff/review_guide.html",
        {"reasons": RejectionReason.choices, "claim_minutes": claim_minutes()},
    )
