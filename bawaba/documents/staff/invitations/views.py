"""The central administrator's invitations to upload: choose whom (a stage), see how many would be invited, confirm;
a worker carries it out; the requests with their results and the past invitations with their mailings'
progress."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Campaign
from bawaba.documents.forms import InvitationForm
from bawaba.documents.models import Requirement
from bawaba.documents.services.invitations import (
    invitees,
    past_invitations,
    pending_request,
    recent_requests,
    request_invitation,
)


@require_http_methods(["GET", "POST"])
@central_admin_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    has_requirements = Requirement.objects.filter(campaign=campaign, is_active=True).exists()
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid() and has_requirements and request.POST.get("confirm") == "yes":
            _request, queued = request_invitation(
                campaign=campaign, stage=form.cleaned_data["stage"], actor=request.user
            )
            if queued:
                messages.success(
                    request,
                    _(
                        "Invitation requested: a worker creates the dossiers and queues the e-mails. This page "
                        "shows the result when it is done."
                    ),
                )
            else:
                messages.info(
                    request,
                    _("An invitation is already under way: wait for it, then count the candidates again."),
                )
            return redirect("documents_staff:invitations", campaign.slug)
        if form.is_valid() and not has_requirements:
            messages.error(request, _("Set the documents the campaign asks for before inviting anyone."))
            return redirect("documents_staff:requirements", campaign.slug)
    else:
        form = InvitationForm(request.GET if "stage" in request.GET else None)
    preview = None
    if form.is_bound and form.is_valid():
        preview = invitees(campaign, form.cleaned_data["stage"])
    return render(
        request,
        "documents/staff/invitations.html",
        {
            "campaign": campaign,
            "form": form,
            "stage": form.cleaned_data["stage"] if preview is not None else "",
            "preview": preview,
            "to_invite": len(preview.rows) if preview is not None else 0,
            "has_requirements": has_requirements,
            "mailings": past_invitations(campaign),
            "pending": pending_request(campaign),
            "requests": recent_requests(campaign),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
