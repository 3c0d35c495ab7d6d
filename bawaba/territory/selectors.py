from collections.abc import Iterable

from django.db.models import Count, QuerySet

from bawaba.territory.models import Commune, Province, Region


def regions_for_home() -> QuerySet[Region]:
    """The twelve regions with how many provinces and communes each has, in HCP order."""
    return Region.objects.annotate(
        province_count=Count("provinces", distinct=True), commune_count=Count("communes", distinct=True)
    ).order_by("code")


def provinces_of(region_id: int) -> QuerySet[Province]:
    return Province.objects.filter(region_id=region_id).order_by("code")


def communes_of(province_id: int) -> QuerySet[Commune]:
    return Commune.objects.filter(province_id=province_id).order_by("code")


def territorial_commune_count() -> int:
    """The territorial communes (1,503 in the HCP's list; arrondissements are apart: docs/decisions/0004)."""
    return Commune.objects.count()


def territory_figures(regions: Iterable[Region]) -> dict[str, int]:
    """How many regions, provinces and territorial communes, from regions_for_home()'s rows (no query)."""
    regions = list(regions)
    return {
        "regions": len(regions),
        # The annotations of regions_for_home, which the model's type does not know.
        "provinces": sum(region.province_count for region in regions),  # type: ignore[attr-defined]
        "communes": sum(region.commune_count for region in regions),  # type: ignore[attr-defined]
    }
