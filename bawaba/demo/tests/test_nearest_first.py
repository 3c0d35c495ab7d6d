"""From a fresh checkout, the territory has its commune centroids, so the province fallback lists the communes of
a candidate's province nearest first (not in code order), as her application promises."""

import itertools
import math

import numpy as np
from django.core.management import call_command

from bawaba.selection.inputs import read_territory
from bawaba.selection.scoring import province_fallback, province_neighbours
from bawaba.territory.models import Commune


def kilometres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): an independent measure, not the selection's own approximation."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, point)) for point in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def test_the_fallback_lists_the_communes_of_her_province_nearest_first(db, capsys):
    call_command("load_territory")  # as `make demo-data` does: the shipped centroids, nothing given
    assert Commune.objects.filter(latitude__isnull=False).count() == 1502

    territory = read_territory()
    points = list(zip(territory.latitude.tolist(), territory.longitude.tolist(), strict=True))
    neighbours = province_neighbours(territory, width=8)
    # One candidate per commune of the country, living there, who chose nothing: what would she be offered?
    everyone = np.arange(territory.n_communes, dtype=np.int32)
    offered = province_fallback(np.full((len(everyone), 1), -1, np.int32), everyone, neighbours, 5)

    reordered = 0
    for home, row in zip(everyone.tolist(), offered.tolist(), strict=True):
        row = [commune for commune in row if commune >= 0]
        if math.isnan(points[home][0]):
            continue
        assert row[0] == home  # her own commune first (she did not choose it), then the others
        assert all(territory.province_index[commune] == territory.province_index[home] for commune in row)
        distances = [kilometres(points[home], points[commune]) for commune in row]
        # The selection's flat-earth distance may swap two communes within a fraction of a percent of each other.
        assert all(later >= 0.99 * earlier for earlier, later in itertools.pairwise(distances)), home
        reordered += row != sorted(row)
    assert reordered > territory.n_communes // 2  # not code order
