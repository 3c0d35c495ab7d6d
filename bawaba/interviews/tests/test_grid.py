"""The interview grid: what a valid grid is, and the score a set of levels gives."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.interviews.grid import FULL_SCORE, GridError, read_grid, score


def criterion(key: str, weight: int, top: int) -> dict:
    return {
        "key": key,
        "name": {"ar": f"معيار {key}", "fr": f"Critère {key}"},
        "weight": weight,
        "levels": [
            {"value": v, "descriptor": {"ar": f"مستوى {v}", "fr": f"Niveau {v}"}} for v in range(top + 1)
        ],
    }


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


GRID = read_grid({"criteria": [criterion("communication", 3, 4), criterion("field-experience", 1, 2)]})


def test_the_score_is_the_weighted_share_of_each_top_level_in_hundredths():
    assert score(GRID, {"communication": 4, "field-experience": 2}) == FULL_SCORE
    assert score(GRID, {"communication": 0, "field-experience": 0}) == 0
    # (3 × 2/4 + 1 × 1/2) / 4 = 0.5
    assert score(GRID, {"communication": 2, "field-experience": 1}) == 5_000
    # (3 × 1/4 + 0) / 4 = 0.1875
    assert score(GRID, {"communication": 1, "field-experience": 0}) == 1_875


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"communication": 4}, "missing"),
        ({"communication": 4, "field-experience": 2, "charm": 1}, "No such criterion"),
        ({"communication": 5, "field-experience": 2}, "not a level"),
        ({"communication": True, "field-experience": 2}, "not a level"),
        ({"communication": "4", "field-experience": 2}, "not a level"),
    ],
)
def test_levels_that_do_not_fit_the_grid_are_refused(levels, message):
    with pytest.raises(GridError, match=message):
        score(GRID, levels)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "list of criteria"),
        ({"criteria": []}, "from 1 to"),
        ({"criteria": ["x"]}, "is an object"),
        ({"criteria": [criterion("a b", 1, 2)]}, "short key"),
        ({"criteria": [criterion("a", 1, 2), criterion("a", 1, 2)]}, "twice"),
        ({"criteria": [criterion("a", 0, 2)]}, "weight"),
        ({"criteria": [criterion("a", 10**30, 2)]}, "weight"),
        ({"criteria": [criterion("a", 1, 0)]}, "levels"),
        ({"criteria": [{**criterion("a", 1, 2), "name": {"fr": "A"}}]}, "name"),
        (
            {
                "criteria": [
                    {
                        **criterion("a", 1, 2),
                        "levels": [{"value": 1, "descriptor": {"ar": "x", "fr": "y"}}] * 2,
                    }
                ]
            },
            "twice",
        ),
        (
            {"criteria": [{**criterion("a", 1, 2), "levels": criterion("a", 1, 3)["levels"][1:]}]},
            "lowest level",
        ),
        (
            {
                "criteria": [
                    {
                        **criterion("a", 1, 1),
                        "levels": [
                            {"value": 0, "descriptor": {"fr": "x"}},
                            {"value": 1, "descriptor": {"ar": "x", "fr": "y"}},
                        ],
                    }
                ]
            },
            "descriptor",
        ),
    ],
)
def test_a_faulty_grid_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(GridError, match=message):
        read_grid(data)


grids = st.lists(st.tuples(st.integers(1, 100), st.integers(1, 10)), min_size=1, max_size=6).map(
    lambda specs: read_grid({"criteria": [criterion(f"c{i}", w, top) for i, (w, top) in enumerate(specs)]})
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_score_stays_within_bounds_and_grows_with_every_level(data):
    grid = data.draw(grids)
    levels = {c.key: data.draw(st.integers(0, c.top)) for c in grid.criteria}
    value = score(grid, levels)
    assert 0 <= value <= FULL_SCORE
    raisable = [c for c in grid.criteria if levels[c.key] < c.top]
    if raisable:
        chosen = data.draw(st.sampled_from(raisable))
        assert score(grid, {**levels, chosen.key: levels[chosen.key] + 1}) >= value


def test_the_administrator_reads_what_is_wrong_in_her_language():
    with translation.override("fr"), pytest.raises(GridError, match="Le critère a apparaît deux fois"):
        read_grid({"criteria": [criterion("a", 1, 2), criterion("a", 1, 2)]})
