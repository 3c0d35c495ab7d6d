"""Fetch what a request names and check who may see it. Missing and forbidden answer the same: 404."""

from django.http import Http404

from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.selectors import published_campaigns


def published_campaign(slug: str) -> Campaign:
    """A published campaign; an unpublished one does not exist for the public."""
    campaign = published_campaigns().filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def application_for(user, pk: int) -> Application:
    """The user's own application `pk`; anyone else's, or none, is 404 (we never confirm that it exists)."""
    application = (
        Application.objects.filter(pk=pk, user_id=user.pk)
        .select_related(
            "campaign__administration", "residence_commune__province", "residence_commune__region"
        )
        .prefetch_related("campaign__stages")
        .first()
    )
    if application is None:
        raise Http404
    return application


def own_application_in(campaign: Campaign, user) -> Application | None:
    """The user's application to this campaign, if she has started one (there is at most one)."""
    if not user.is_authenticated:
        return None
    application = (
        Application.objects.filter(campaign=campaign, user_id=user.pk)
        .select_related("residence_commune__province", "residence_commune__region")
        .first()
    )
    if application is not None:
        application.campaign = campaign  # already loaded, with its stages
    return application
