"""Nested lists published together (nation, regions, provinces, communes, and the nation's categories): no suppressed
count can be worked out from everything published, by a reader who also knows that a suppressed count is not zero.
The exact auditor (linear programming with fractions) knows nothing of the suppression's bookkeeping."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.indicators.nested_suppression import (
    NestedResult,
    NestingError,
    feasible_ranges,
    link_patterns,
    list_equations,
    pinned_cells,
    suppress_nested,
)

NATION = ("nation", "")


def hierarchy(communes: list[list[list[int]]], categories: list[int] | None = None):
    """(values, lists) of a nation of regions of provinces of communes (their counts), with a category list."""
    values: dict = {}
    lists: list = []
    regions = []
    for r, provinces in enumerate(communes):
        region = ("region", f"{r}")
        regions.append(region)
        province_cells = []
        for p, counts in enumerate(provinces):
            province = ("province", f"{r}{p}")
            province_cells.append(province)
            cells = [("commune", f"{r}{p}{c}") for c in range(len(counts))]
            values.update(zip(cells, counts, strict=True))
            values[province] = sum(counts)
            lists.append((province, tuple(cells)))
        values[region] = sum(values[cell] for cell in province_cells)
        lists.append((region, tuple(province_cells)))
    values[NATION] = sum(values[region] for region in regions)
    lists.insert(0, (NATION, tuple(regions)))
    if categories is not None:
        cells = [("category", f"{k}") for k in range(len(categories))]
        values.update(zip(cells, categories, strict=True))
        lists.insert(1, (NATION, tuple(cells)))
    return values, lists


def reader_lower_bounds(result: NestedResult) -> dict:
    """What a reader knows of each suppressed count: zeros are published, so it is at least 1 (or 0 if it is a
    zero suppressed with a linked indicator)."""
    return {cell: 1 if result.values[cell] > 0 else 0 for cell in result.hidden}


def check(result: NestedResult, *, audit: bool = True) -> None:
    """Every guarantee, checked from the result's published figures and the true counts."""
    threshold = result.threshold
    published = result.published()
    for cell, value in published.items():
        if value is not None:
            assert value == result.values[cell]
            assert value == 0 or value >= threshold, (cell, value)
    assert result.primary == {cell for cell, value in result.values.items() if 0 < value < threshold}
    assert not result.primary & result.complementary
    assert all(result.values[cell] > 0 for cell in result.hidden)
    if audit:
        ranges = feasible_ranges(published, list_equations(result.lists), lower=reader_lower_bounds(result))
        assert ranges.keys() == result.hidden
        for cell, (low, high) in ranges.items():
            value = result.values[cell]
            assert low <= value and (high is None or value <= high)
            assert low != high, f"{cell} = {value} can be worked out"
    if published[NATION] is not None and result.hidden:
        assert pinned_cells(result) == frozenset()


def _split(data, total: int, parts: int) -> list[int]:
    cuts = sorted(data.draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


# Mostly small counts, where suppression has work to do; now and then a large one.
counts = st.one_of(st.integers(0, 3), st.integers(0, 12), st.sampled_from([0, 0, 1, 1, 2, 25]))
nations = st.lists(
    st.lists(st.lists(counts, min_size=1, max_size=3), min_size=1, max_size=3), min_size=1, max_size=3
)
thresholds = st.integers(1, 8)


@settings(max_examples=80, deadline=None)
@given(nations, thresholds, st.integers(1, 4), st.data())
def test_no_suppressed_count_can_be_worked_out_from_all_the_levels_and_categories_together(
    communes, threshold, categories, data
):
    values, lists = hierarchy(communes)
    split = _split(data, values[NATION], categories)
    values, lists = hierarchy(communes, split)
    check(suppress_nested(values, lists, threshold=threshold))


@settings(max_examples=300, deadline=None)
@given(nations, thresholds)
def test_the_network_reading_finds_nothing_pinned_on_many_more_hierarchies(communes, threshold):
    values, lists = hierarchy(communes)
    check(suppress_nested(values, lists, threshold=threshold), audit=False)


@settings(max_examples=100, deadline=None)
@given(nations, st.data())
def test_the_network_reading_agrees_with_the_linear_programme_on_any_pattern(communes, data):
    """The fast auditor (used on the census) against the exact one, on arbitrary patterns of hidden counts."""
    values, lists = hierarchy(communes)
    if values[NATION] == 0:
        return
    non_zero = sorted(cell for cell, value in values.items() if value > 0 and cell != NATION)
    hidden = data.draw(st.sets(st.sampled_from(non_zero))) if non_zero else set()
    result = NestedResult(
        values=values,
        lists=tuple((total, tuple(children)) for total, children in lists),
        primary=frozenset(hidden),
        complementary=frozenset(),
        threshold=1,
    )
    ranges = feasible_ranges(
        result.published(), list_equations(result.lists), lower=reader_lower_bounds(result)
    )
    assert pinned_cells(result) == {cell for cell, (low, high) in ranges.items() if low == high}


def linked(data, communes: list[list[int]]):
    """Documents' figures for one province's communes: accepted, rejected, under examination, and the sums."""
    atoms = {
        key: [data.draw(counts) for _ in communes] for key in ("accepted", "rejected", "under_examination")
    }
    figures = dict(atoms)
    figures["examined"] = [a + r for a, r in zip(atoms["accepted"], atoms["rejected"], strict=True)]
    figures["uploaded"] = [
        e + u for e, u in zip(figures["examined"], atoms["under_examination"], strict=True)
    ]
    return figures


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.just(0), min_size=1, max_size=3), min_size=1, max_size=3), thresholds, st.data())
def test_indicators_that_add_up_to_another_stay_safe_once_linked(shape, threshold, data):
    """examined = accepted + rejected and uploaded = examined + under examination, at every level: each suppressed
    alone, then linked; the auditor reads all five and the two relations at every cell."""
    keys = ("accepted", "rejected", "under_examination", "examined", "uploaded")
    per_commune = {key: [] for key in keys}
    for province in shape:
        figures = linked(data, province)
        for key in keys:
            per_commune[key].append(figures[key])
    results = {}
    for key in keys:
        values, lists = hierarchy([per_commune[key]])
        results[key] = suppress_nested(values, lists, threshold=threshold)
    hidden = link_patterns({key: result.hidden for key, result in results.items()}, [keys])
    published: dict = {}
    lower: dict = {}
    equations: list = []
    for key, result in results.items():
        for cell, value in result.values.items():
            published[(key, cell)] = None if cell in hidden[key] else value
            if cell in hidden[key]:
                lower[(key, cell)] = 1 if value > 0 else 0
        for equation in list_equations(result.lists):
            equations.append({(key, cell): coefficient for cell, coefficient in equation.items()})
    for cell in results["accepted"].values:
        equations.append({("examined", cell): 1, ("accepted", cell): -1, ("rejected", cell): -1})
        equations.append({("uploaded", cell): 1, ("examined", cell): -1, ("under_examination", cell): -1})
    ranges = feasible_ranges(published, equations, lower=lower)
    for (key, cell), (low, high) in ranges.items():
        value = results[key].values[cell]
        if 0 < value < threshold:
            assert low != high, f"{key} {cell} = {value} can be worked out"


def test_a_hand_checked_region():
    """Threshold 5. Region R (40) has provinces A (3 + 9 + 0 = 12) and B (20 + 8 = 28).

    Primary: commune A0 (3). (A) in A's list: one suppressed entry, so the cheapest other commune, A1 (9).
    Nothing else is small, and the region's list has no suppressed entry: published. A reader sees A0 + A1 = 12
    with both at least 1: A0 anywhere from 1 to 11."""
    values = {
        NATION: 40,
        ("region", "R"): 40,
        ("province", "A"): 12,
        ("province", "B"): 28,
        ("commune", "A0"): 3,
        ("commune", "A1"): 9,
        ("commune", "A2"): 0,
        ("commune", "B0"): 20,
        ("commune", "B1"): 8,
    }
    lists = [
        (NATION, (("region", "R"),)),
        (("region", "R"), (("province", "A"), ("province", "B"))),
        (("province", "A"), (("commune", "A0"), ("commune", "A1"), ("commune", "A2"))),
        (("province", "B"), (("commune", "B0"), ("commune", "B1"))),
    ]
    result = suppress_nested(values, lists, threshold=5)
    assert result.primary == {("commune", "A0")}
    assert result.complementary == {("commune", "A1")}
    ranges = feasible_ranges(
        result.published(), list_equations(result.lists), lower=reader_lower_bounds(result)
    )
    assert ranges == {
        ("commune", "A0"): (Fraction(1), Fraction(11)),
        ("commune", "A1"): (Fraction(1), Fraction(11)),
    }


def test_a_small_province_is_protected_by_a_sibling_province_with_its_chain_down_to_a_commune():
    """Threshold 5. Province A is 3 (one commune of 3): A and its commune are primary; A's list then holds two
    suppressed entries, but the region's list holds only A: a sibling province is suppressed, B (6: the cheapest,
    its chain is one commune of 6) rather than C (50), and B's commune with it (B's list needs a second entry)."""
    values, lists = hierarchy([[[3], [6], [50]]])
    result = suppress_nested(values, lists, threshold=5)
    assert result.primary == {("province", "00"), ("commune", "000")}
    assert result.complementary == {("province", "01"), ("commune", "010")}
    check(result)


def test_two_ones_under_a_published_total_are_not_left_alone():
    """[1, 1, 10] under a published 12: hiding the two ones alone would give them away (each at least 1, together
    2). The 10 is suppressed too, so that a one can go up while the 10 goes down."""
    values, lists = hierarchy([[[1, 1, 10]]])
    result = suppress_nested(values, lists, threshold=5)
    assert result.hidden == {("commune", "000"), ("commune", "001"), ("commune", "002")}
    check(result)


def test_ones_everywhere_suppress_the_national_total():
    """Ten communes with one each: whatever else is suppressed, a published national total of 10 over ten
    suppressed communes would say each is exactly 1. The total goes too (and the regions, provinces with it)."""
    values, lists = hierarchy([[[1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1]]])
    result = suppress_nested(values, lists, threshold=5)
    assert NATION in result.complementary
    assert result.hidden == {cell for cell, value in values.items() if value > 0}
    check(result)


def test_the_categories_of_a_published_total_protect_each_other():
    """Categories [2, 30, 8] of 40, threshold 5: the 2 is primary, the 8 (the cheapest other) its complement."""
    values, lists = hierarchy([[[40]]], [2, 30, 8])
    result = suppress_nested(values, lists, threshold=5)
    assert result.primary == {("category", "0")}
    assert result.complementary == {("category", "2")}
    check(result)


def test_zeros_are_published_and_never_complements():
    values, lists = hierarchy([[[0, 0, 4, 0], [0, 0]], [[0], [30, 7]]])
    result = suppress_nested(values, lists, threshold=5)
    assert all(values[cell] > 0 for cell in result.hidden)
    assert all(result.published()[cell] == 0 for cell, value in values.items() if value == 0)
    check(result)


def test_threshold_one_suppresses_nothing():
    values, lists = hierarchy([[[1, 2, 0], [3]], [[1]]], [1, 3, 3])
    assert suppress_nested(values, lists, threshold=1).hidden == frozenset()


def test_the_same_figures_give_the_same_result():
    values, lists = hierarchy([[[1, 9, 7, 2], [6, 1]], [[12, 1, 1]]], [5, 20, 15])
    first = suppress_nested(values, lists, threshold=5)
    assert suppress_nested(dict(values), list(lists), threshold=5) == first


def test_linking_suppresses_every_member_where_one_is():
    hidden = link_patterns({"a": {1, 2}, "b": {3}, "c": {9}}, [("a", "b", "missing")])
    assert hidden == {"a": {1, 2, 3}, "b": {1, 2, 3}, "c": {9}}


@pytest.mark.parametrize(
    ("values", "lists", "threshold", "message"),
    [
        ({"t": 3, "a": 1}, [("t", ("a",))], 5, "do not add up"),
        ({"t": 1, "a": 1}, [("t", ("a", "b"))], 5, "has no count"),
        ({"t": -1, "a": -1}, [("t", ("a",))], 5, "cannot be negative"),
        ({"t": 1.5, "a": 1.5}, [("t", ("a",))], 5, "whole number"),
        ({"t": 1, "a": 1}, [("t", ("a",)), ("t", ("a",))], 5, "child in two lists"),
        ({"t": 1, "a": 1, "b": 1}, [("t", ("a",)), ("a", ("b",)), ("b", ("a",))], 5, "child in two lists"),
        ({"t": 1, "a": 1}, [("t", ("a",))], 0, "threshold"),
    ],
)
def test_malformed_input_is_refused(values, lists, threshold, message):
    with pytest.raises(NestingError, match=message):
        suppress_nested(values, lists, threshold=threshold)
