"""Fetch what a request names and check who may see it. Missing and forbidden answer the same: 404."""

from django.db.models import QuerySet
from django.http import Http404

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.campaigns.selectors import published_campaigns
from bawaba.campaigns.staff.selectors import application_for_staff
from bawaba.territory.models import Commune


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


# Staff: who sees which candidates' applications (the staff search, its export, the detail).


def staff_scope(user) -> Scope:
    """Where the user may read applications: national for a central administrator, her region for a regional
    coordinator, her provinces for a provincial supervisor; empty for anyone else."""
    return scope_of(user, *APPLICATION_READERS)


def applications_in_scope(applications: QuerySet[Application], scope: Scope) -> QuerySet[Application]:
    """The applications that lie in the scope: the residence, or any chosen commune, is in one of its places.

    One list of commune ids (a province holds tens of communes, a region a few hundred), then the two indexed
    lookups (residence, choices) joined as a UNION of ids, as the staff search does for a small commune: no row is
    tested against a join, and an application that matches twice appears once.
    """
    if scope.national:
        return applications
    communes = list(
        Commune.objects.filter(
            scope.territory_q(province_fields=["province_id"], region_fields=["region_id"])
        ).values_list("pk", flat=True)
    )
    if not communes:
        return applications.none()
    lives_there = Application.objects.filter(residence_commune_id__in=communes).order_by().values("pk")
    chose_there = (
        ApplicationChoice.objects.filter(commune_id__in=communes).order_by().values("application_id")
    )
    return applications.filter(pk__in=lives_there.union(chose_there, all=True))


def staff_application(user, pk: int) -> Application:
    """Application `pk` as a staff page shows it, if it lies in the user's scope; otherwise 404, as if missing."""
    scope = staff_scope(user)
    visible = applications_in_scope(Application.objects.filter(pk=pk), scope)
    if scope.is_empty or not visible.exists():
        raise Http404
    return application_for_staff(pk)
