"""What a staff member's assignments let her see: the one scoping helper every app's access.py is built on.

A scope is the union of the places (and administrations) of her assignments of the roles a page admits. Apps turn
it into a filter on their own rows with `Scope.territory_q`, naming the fields through which a row lies in a
province and a region; rows outside answer 404 exactly as missing ones do (the apps' access.py).

The assignments are read once per request: they are cached on the user object, which Django builds anew for each
request, so a change of assignment applies from the staff member's next page.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from bawaba.accounts.models import Assignment

Role = Assignment.Role

_CACHE_ATTRIBUTE = "_bawaba_assignments"


@dataclass(frozen=True)
class Scope:
    """Where a set of assignments reaches. Empty (nothing at all) unless one of them grants something."""

    national: bool = False
    region_ids: frozenset[int] = frozenset()
    province_ids: frozenset[int] = frozenset()
    administration_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.region_ids or self.province_ids or self.administration_ids)

    def territory_q(self, *, province_fields: Iterable[str] = (), region_fields: Iterable[str] = ()) -> Q:
        """Rows that lie in the scope through any of the given province or region fields.

        National: every row. A region reaches through the region fields; provinces through the province fields.
        An empty scope matches no row (never "no filter": a forgotten assignment must show nothing).
        """
        if self.national:
            return Q()
        condition = Q(pk__in=[])
        if self.region_ids:
            for field in region_fields:
                condition |= Q(**{f"{field}__in": sorted(self.region_ids)})
        if self.province_ids:
            for field in province_fields:
                condition |= Q(**{f"{field}__in": sorted(self.province_ids)})
        return condition

    def covers(self, *, province_id: int | None = None, region_id: int | None = None) -> bool:
        """Whether a place (a province, and the region it lies in) is in the scope."""
        return (
            self.national
            or (province_id is not None and province_id in self.province_ids)
            or (region_id is not None and region_id in self.region_ids)
        )


def assignments_of(user: Any) -> list[Assignment]:
    """The active staff member's assignments with their provinces, read once per request; none for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(
            Assignment.objects.filter(user_id=user.pk)
            .select_related("region", "administration")
            .prefetch_related("provinces")
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_assignments(user: Any) -> None:
    """Drop the per-request cache (after a service changed this very user's assignments)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def roles_of(user: Any) -> frozenset[str]:
    """The roles the user holds. A superuser (createsuperuser) counts as a central administrator."""
    roles = {assignment.role for assignment in assignments_of(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.CENTRAL_ADMIN)
    return frozenset(roles)


def has_role(user: Any, *roles: str) -> bool:
    return not roles_of(user).isdisjoint(roles)


def scope_of(user: Any, *roles: str) -> Scope:
    """The union of the scopes of the user's assignments of these roles (all roles when none is named)."""
    wanted = set(roles) if roles else set(Role.values)
    if Role.CENTRAL_ADMIN in wanted and Role.CENTRAL_ADMIN in roles_of(user):
        return Scope(national=True)
    regions: set[int] = set()
    provinces: set[int] = set()
    administrations: set[int] = set()
    for assignment in assignments_of(user):
        if assignment.role not in wanted:
            continue
        if assignment.region_id is not None:
            regions.add(assignment.region_id)
        if assignment.administration_id is not None:
            administrations.add(assignment.administration_id)
        provinces.update(province.pk for province in assignment.provinces.all())
    return Scope(
        region_ids=frozenset(regions),
        province_ids=frozenset(provinces),
        administration_ids=frozenset(administrations),
    )
