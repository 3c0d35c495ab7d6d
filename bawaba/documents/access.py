"""Which dossiers of supporting documents a staff member may see, and the scoped lookups of the staff pages.

A dossier lies where it is examined: its province and region (copied from its commune when it was created), so
the scope is one filter on the dossier's own columns, the leading columns of the queue's index. Missing and
forbidden answer the same: 404 (we never confirm that a dossier or a file exists outside her scope).
"""

from django.db.models import QuerySet
from django.http import Http404

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.campaigns.models import Campaign
from bawaba.documents.models import Dossier, DossierDocument


def staff_dossier_scope(user) -> Scope:
    """Where the user may read dossiers: national for a central administrator, her region for a regional
    coordinator, her provinces for a provincial supervisor; empty for anyone else."""
    return scope_of(user, *APPLICATION_READERS)


def dossiers_in_scope(dossiers: QuerySet[Dossier], scope: Scope) -> QuerySet[Dossier]:
    """The dossiers that lie in the scope (by their province or region); none for an empty scope."""
    if scope.national:
        return dossiers
    if scope.is_empty:
        return dossiers.none()
    return dossiers.filter(scope.territory_q(province_fields=["province_id"], region_fields=["region_id"]))


def staff_dossier(user, pk: int, *, campaign: Campaign | None = None) -> Dossier:
    """Dossier `pk` (of `campaign`, when given) if it lies in the user's scope; otherwise 404, as if missing."""
    dossiers = Dossier.objects.filter(pk=pk)
    if campaign is not None:
        dossiers = dossiers.filter(campaign=campaign)
    dossier = (
        dossiers_in_scope(dossiers, staff_dossier_scope(user))
        .select_related("campaign", "commune", "province", "region", "claimed_by", "decided_by")
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def staff_document(
    user, dossier_pk: int, document_pk: int, *, campaign: Campaign | None = None
) -> DossierDocument:
    """File `document_pk` of dossier `dossier_pk` as a staff member opens it, with its stored document and
    requirement; 404 when the dossier is outside her scope or the file is not one of its files."""
    dossier = staff_dossier(user, dossier_pk, campaign=campaign)
    document = (
        DossierDocument.objects.filter(pk=document_pk, dossier=dossier)
        .select_related("stored", "requirement")
        .first()
    )
    if document is None:
        raise Http404
    document.dossier = dossier
    return document
