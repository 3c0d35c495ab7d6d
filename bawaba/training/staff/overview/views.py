"""The training's staff home: the campaigns whose preselection is published, and each one's overview: the key
figures of the replies (over the staff member's scope), the settings (central administrator), and the reply
deadline applied on demand (central administrator; a daily cron runs `manage.py apply_reply_deadline`).

The role is checked before the method, so that whoever may not open a page gets 404 whatever she sends."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts.permissions import (
    APPLICATION_READERS,
    central_admin_required,
    is_central_admin,
    staff_page,
)
from bawaba.campaigns.access import staff_scope
from bawaba.campaigns.models import Campaign
from bawaba.training.selectors import campaign_with_training, campaigns_with_training, training_settings
from bawaba.training.services.replies import ReplyError, apply_reply_deadline
from bawaba.training.services.training_settings import save_training_settings
from bawaba.training.staff.overview.forms import TrainingSettingsForm
from bawaba.training.staff.overview.selectors import published_preselection, reply_figures


@staff_page(*APPLICATION_READERS)
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "training/staff/campaigns.html", {"campaigns": campaigns_with_training()})


def _overview(
    request: HttpRequest, campaign: Campaign, form: TrainingSettingsForm | None = None
) -> HttpResponse:
    settings = training_settings(campaign)
    run = published_preselection(campaign)
    scope = staff_scope(request.user)
    central = is_central_admin(request.user)
    if central and form is None:
        form = TrainingSettingsForm(instance=settings)
    return render(
        request,
        "training/staff/overview/overview.html",
        {
            "campaign": campaign,
            "settings": settings,
            "figures": reply_figures(run, scope) if run else None,
            "national": scope.national,
            "form": form if central else None,
            "deadline_passed": settings.reply_deadline is not None
            and settings.reply_deadline <= timezone.now(),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    return _overview(request, campaign_with_training(slug))


@central_admin_required
@require_POST
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_training(slug)
    form = TrainingSettingsForm(request.POST, instance=training_settings(campaign))
    if not form.is_valid():
        return _overview(request, campaign, form)
    save_training_settings(campaign=campaign, values=form.cleaned_data, actor=request.user)
    messages.success(request, _("The training settings are saved."))
    return redirect("training_staff:overview", slug=campaign.slug)


@central_admin_required
@require_POST
def reply_deadline(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply the reply deadline now: the silent candidates lose their place, then a promotion round."""
    campaign = campaign_with_training(slug)
    try:
        applied = apply_reply_deadline(campaign=campaign, actor=request.user)
    except ReplyError as error:
        messages.error(request, error.message)
    else:
        if not applied.counts_as_declining:
            messages.info(
                request, _("For this campaign, no answer does not count as declining: nobody was released.")
            )
        elif not applied.released:
            messages.info(
                request, _("Nobody is left without an answer past the deadline: nothing was changed.")
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d candidate without an answer lost her place; promotion round %(round)s gave the "
                    "places to the waiting lists.",
                    "%(count)d candidates without an answer lost their place; promotion round %(round)s gave the "
                    "places to the waiting lists.",
                    applied.released,
                )
                % {
                    "count": applied.released,
                    "round": applied.promotion_round.number if applied.promotion_round else "—",
                },
            )
    return redirect("training_staff:overview", slug=campaign.slug)
