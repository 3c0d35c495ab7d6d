"""The central administrator's invitations to upload: choose whom (a stage), see how many would be invited, confirm;
the past invitations with their mailings' progress."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns.models import Campaign
from bawaba.documents.forms import InvitationForm
from bawaba.documents.models import Requirement
from bawaba.documents.services.invitations import invite, invitees, past_invitations


@require_http_methods(["GET", "POST"])
@central_admin_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    has_requirements = Requirement.objects.filter(campaign=campaign, is_active=True).exists()
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid() and has_requirements and request.POST.get("confirm") == "yes":
            result = invite(campaign=campaign, stage=form.cleaned_data["stage"], actor=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)d candidate invited: her invitation is queued.",
                    "%(count)d candidates invited: their invitations are queued.",
                    result.invited,
                )
                % {"count": result.invited},
            )
            if result.already_invited:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d candidate was invited before and is not invited again.",
                        "%(count)d candidates were invited before and are not invited again.",
                        result.already_invited,
                    )
                    % {"count": result.already_invited},
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
        },
        status=400 if form.is_bound and form.errors else 200,
    )
