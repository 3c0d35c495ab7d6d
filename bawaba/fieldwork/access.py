"""Who may manage which training groups: supervisors their provinces, a coordinator her region, a central
administrator all (the readers of applications, bawaba.accounts.permissions). Anything outside answers 404, as a
missing one."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.core.params import clean_text
from bawaba.fieldwork.models import TrainingGroup
from bawaba.territory.models import Province

MANAGERS = APPLICATION_READERS


def manager_scope(user: Any) -> Scope:
    return scope_of(user, *MANAGERS)


def provinces_in_scope(scope: Scope) -> QuerySet[Province]:
    if scope.is_empty:
        return Province.objects.none()
    return Province.objects.filter(scope.territory_q(province_fields=["pk"], region_fields=["region_id"]))


def groups_in_scope(scope: Scope) -> QuerySet[TrainingGroup]:
    if scope.is_empty:
        return TrainingGroup.objects.none()
    return TrainingGroup.objects.filter(
        scope.territory_q(province_fields=["province_id"], region_fields=["province__region_id"])
    )


def province_in_scope(user: Any, code: str) -> Province:
    """The province of the URL, if she may manage it; 404 otherwise, as a missing one."""
    code_text = clean_text(code, max_length=16)
    province = Province.objects.filter(code=code_text).select_related("region").first() if code_text else None
    if province is None or not manager_scope(user).covers(
        province_id=province.pk, region_id=province.region_id
    ):
        raise Http404
    return province


def group_in_scope(user: Any, campaign: Any, province: Province, pk: int) -> TrainingGroup:
    group = (
        groups_in_scope(manager_scope(user))
        .filter(campaign=campaign, province=province, pk=pk)
        .select_related("campaign", "province")
        .first()
    )
    if group is None:
        raise Http404
    return group
