"""Fetch what a request names and check who may see it. Missing and forbidden answer the same: 404."""

from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.campaigns.selectors import published_campaigns
from bawaba.campaigns.staff.selectors import application_for_staff
from bawaba.core.queries import ProbedExists
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

# A scope at least this populous (2024 census) is searched with a probe per row; see applications_in_scope.
LARGE_SCOPE_POPULATION = 500_000


def staff_scope(user) -> Scope:
    """Where the user may read applications: national for a central administrator, her region for a regional
    coordinator, her provinces for a provincial supervisor; empty for anyone else."""
    return scope_of(user, *APPLICATION_READERS)


def applications_in_scope(applications: QuerySet[Application], scope: Scope) -> QuerySet[Application]:
    """The applications that lie in the scope: the residence, or any chosen commune, is in one of its places.

    One list of commune ids (a province holds tens of communes, a region a few hundred), then residence IN the list
    OR EXISTS a choice IN the list. How PostgreSQL should test the EXISTS depends on the scope's size, which it
    cannot estimate from a list of ids (docs/benchmarks.md, "Scoped staff search", 500,000 applications):
    * a large scope (a big province, a region) holds tens or hundreds of thousands of applications: probe each row
      the other filters leave through the choices' index (ProbedExists). Left to itself the planner hashes every
      application id of the scope first: 0.6 s for a region's first page instead of 28 ms;
    * a small province holds a few thousand: the UNION of the two indexed id lists (residence, choices) is cheap to
      build, and a broad name search that must read far down the table to fill a page is faster against it (25 ms)
      than with a probe per row (250 ms).
    """
    if scope.national:
        return applications
    communes = Commune.objects.filter(
        scope.territory_q(province_fields=["province_id"], region_fields=["region_id"])
    ).values_list("pk", "population_2024")
    ids = [pk for pk, _ in communes]
    if not ids:
        return applications.none()
    if sum(population for _, population in communes) >= LARGE_SCOPE_POPULATION:
        chose_there = ApplicationChoice.objects.filter(application=OuterRef("pk"), commune_id__in=ids)
        return applications.filter(Q(residence_commune_id__in=ids) | Q(ProbedExists(chose_there)))
    lives_there = Application.objects.filter(residence_commune_id__in=ids).order_by().values("pk")
    chose_it = ApplicationChoice.objects.filter(commune_id__in=ids).order_by().values("application_id")
    return applications.filter(pk__in=lives_there.union(chose_it, all=True))


def staff_application(user, pk: int) -> Application:
    """Application `pk` as a staff page shows it, if it lies in the user's scope; otherwise 404, as if missing."""
    scope = staff_scope(user)
    visible = applications_in_scope(Application.objects.filter(pk=pk), scope)
    if scope.is_empty or not visible.exists():
        raise Http404
    return application_for_staff(pk)
