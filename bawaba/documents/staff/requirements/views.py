"""The central administrator's pages of a campaign's required documents: the campaigns, a campaign's list (with
"start from the census list" while it is empty), and the form that adds or changes one."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Application, Campaign
from bawaba.core.params import bounded_int
from bawaba.documents.forms import RequirementForm
from bawaba.documents.models import Requirement
from bawaba.documents.requirements import requirement_name
from bawaba.documents.services.requirements import (
    EDITABLE_FIELDS,
    add_requirement,
    change_requirement,
    start_from_census_list,
)

CATEGORY_LABELS = dict(Application.Category.choices)


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign, slug=slug)


@require_GET
@central_admin_required
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/staff/campaigns.html",
        {
            "campaigns": Campaign.objects.select_related("administration").order_by(
                "-registration_opens_at", "pk"
            )
        },
    )


@require_http_methods(["GET", "POST"])
@central_admin_required
def requirements(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    if request.method == "POST":
        if request.POST.get("action") == "census_list":
            added = start_from_census_list(campaign=campaign, actor=request.user)
            if added:
                messages.success(request, _("The census list of documents is added: review it below."))
            else:
                messages.error(
                    request, _("The campaign already has documents: the census list was not added.")
                )
        return redirect("documents_staff:requirements", campaign.slug)
    rows = [
        {
            "requirement": requirement,
            "name": requirement_name(requirement),
            "categories": [CATEGORY_LABELS.get(code, code) for code in requirement.categories],
        }
        for requirement in Requirement.objects.filter(campaign=campaign).order_by("order", "pk")
    ]
    return render(request, "documents/staff/requirements.html", {"campaign": campaign, "rows": rows})


def _save(request: HttpRequest, campaign: Campaign, requirement: Requirement | None) -> HttpResponse:
    form = RequirementForm(
        request.POST if request.method == "POST" else None,
        instance=requirement or Requirement(campaign=campaign),
        campaign=campaign,
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        if requirement is None:
            add_requirement(campaign=campaign, values=values, actor=request.user)
            messages.success(request, _("The document is added."))
        else:
            # A fresh copy: the form's validation already wrote the new values onto `form.instance`.
            current = Requirement.objects.get(pk=requirement.pk)
            change_requirement(requirement=current, values=values, actor=request.user)
            messages.success(request, _("The document is saved."))
        return redirect("documents_staff:requirements", campaign.slug)
    return render(
        request,
        "documents/staff/requirement_form.html",
        {"campaign": campaign, "form": form, "requirement": requirement},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@central_admin_required
def requirement_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _save(request, _campaign(slug), None)


@require_http_methods(["GET", "POST"])
@central_admin_required
def requirement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    number = bounded_int(pk, min_value=1)
    requirement = Requirement.objects.filter(campaign=campaign, pk=number).first() if number else None
    if requirement is None:
        raise Http404
    return _save(request, campaign, requirement)
