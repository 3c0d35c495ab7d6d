"""Small-cell suppression: every published figure is safe, and no suppressed one can be worked out again."""

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.indicators.suppression import (
    DEFAULT_THRESHOLD,
    SuppressedList,
    SuppressedTable,
    derivable_entries,
    disclosed_entries,
    feasible_intervals,
    suppress,
    suppress_list,
    suppress_table,
)


def extended(counts: list[list[int]]) -> dict[tuple[int, int], int]:
    """The true table with its totals, by position in the extended table (computed here, not by the module)."""
    rows, columns = len(counts), len(counts[0]) if counts else 0
    entries = {(i, j): counts[i][j] for i in range(rows) for j in range(columns)}
    for i in range(rows):
        entries[(i, columns)] = sum(counts[i])
    for j in range(columns):
        entries[(rows, j)] = sum(row[j] for row in counts)
    entries[(rows, columns)] = sum(map(sum, counts))
    return entries


def check_table(counts: list[list[int]], threshold: int) -> SuppressedTable:
    """Every guarantee of the rule, checked on one table; returns the result for further checks."""
    result = suppress_table(counts, threshold=threshold)
    truth = extended(counts)
    published = result.published()
    assert published.keys() == truth.keys()
    hidden = {position for position, value in published.items() if value is None}

    # Published figures are the true ones, and safe: zero or at least the threshold.
    for position, value in published.items():
        if value is not None:
            assert value == truth[position]
            assert value == 0 or value >= threshold, (position, value)

    # Primary: exactly the small non-zero entries; complements: non-zero, not small; together, the hidden ones.
    assert result.primary == {p for p, v in truth.items() if 0 < v < threshold}
    assert not result.primary & result.complementary
    assert result.primary | result.complementary == hidden
    assert all(truth[p] >= threshold for p in result.complementary)
    assert all(truth[p] > 0 for p in hidden)

    # Nothing can be recovered: neither by linear algebra nor with non-negativity (the exact interval auditor).
    assert derivable_entries(result) == frozenset()
    intervals = feasible_intervals(result)
    assert intervals.keys() == hidden
    for position, (low, high) in intervals.items():
        value = truth[position]
        # The true value is possible, and so are one less and one more: the entry lies on a cycle.
        assert low <= value - 1
        assert high is None or high >= value + 1
    return result


def check_list(counts: list[int], threshold: int) -> SuppressedList:
    result = suppress_list(counts, threshold=threshold)
    truth = dict(enumerate(counts))
    truth[len(counts)] = sum(counts)
    published = result.published()
    hidden = {index for index, value in published.items() if value is None}
    for index, value in published.items():
        if value is not None:
            assert value == truth[index]
            assert value == 0 or value >= threshold
    assert result.primary == {i for i, v in truth.items() if 0 < v < threshold}
    assert result.primary | result.complementary == hidden
    assert not result.primary & result.complementary
    assert derivable_entries(result) == frozenset()
    for index, (low, high) in feasible_intervals(result).items():
        assert low <= truth[index] - 1
        assert high is None or high >= truth[index] + 1
    return result


tables = st.integers(1, 6).flatmap(
    lambda columns: st.lists(
        st.lists(st.integers(0, 30), min_size=columns, max_size=columns), min_size=1, max_size=6
    )
)
thresholds = st.integers(1, 10)


@settings(max_examples=300, deadline=None)
@given(tables, thresholds)
def test_no_suppressed_cell_can_be_derived_from_the_published_rows_and_totals(counts, threshold):
    check_table(counts, threshold)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=10), thresholds)
def test_no_suppressed_count_of_a_list_can_be_derived_from_the_others_and_the_total(counts, threshold):
    check_list(counts, threshold)


@settings(max_examples=100, deadline=None)
@given(tables, thresholds)
def test_the_result_is_deterministic_whatever_the_container(counts, threshold):
    first = suppress(counts, threshold=threshold)
    assert suppress([list(row) for row in counts], threshold=threshold) == first
    assert suppress(tuple(tuple(row) for row in counts), threshold=threshold) == first
    assert suppress(np.array(counts, dtype=np.int64), threshold=threshold) == first


@settings(max_examples=100, deadline=None)
@given(
    thresholds.flatmap(
        lambda threshold: st.tuples(
            st.just(threshold),
            st.integers(1, 6).flatmap(
                lambda columns: st.lists(
                    st.lists(
                        st.one_of(st.just(0), st.integers(threshold, 30)), min_size=columns, max_size=columns
                    ),
                    min_size=1,
                    max_size=6,
                )
            ),
        )
    )
)
def test_nothing_is_suppressed_when_no_count_is_small(threshold_and_counts):
    threshold, counts = threshold_and_counts
    result = suppress_table(counts, threshold=threshold)
    # The totals are sums of zeros and large counts: zero or large themselves.
    assert result.primary == result.complementary == frozenset()
    assert result.cells == tuple(tuple(row) for row in counts)
    assert None not in result.published().values()


def hide(counts: list[list[int]], hidden: set[tuple[int, int]]) -> SuppressedTable:
    """The table published with an arbitrary set of entries hidden (not the algorithm's choice)."""
    truth = extended(counts)
    rows, columns = len(counts), len(counts[0])

    def shown(position):
        return None if position in hidden else truth[position]

    return SuppressedTable(
        cells=tuple(tuple(shown((i, j)) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(shown((i, columns)) for i in range(rows)),
        column_totals=tuple(shown((rows, j)) for j in range(columns)),
        grand_total=shown((rows, columns)),
        primary=frozenset(),
        complementary=frozenset(),
        threshold=1,
    )


@settings(max_examples=200, deadline=None)
@given(tables, st.data())
def test_the_two_auditors_agree_on_any_pattern_of_hidden_entries(counts, data):
    # The rank test (linear algebra) and the interval test (linear programming with non-negativity) are two
    # independent computations. An entry the relations fix is fixed a fortiori with non-negativity; when every
    # hidden entry is positive, non-negativity fixes nothing more (the current table is interior).
    truth = extended(counts)
    hidden = data.draw(st.sets(st.sampled_from(sorted(truth))))
    published = hide(counts, hidden)
    derivable = derivable_entries(published)
    disclosed = disclosed_entries(published)
    assert derivable <= disclosed
    if all(truth[position] > 0 for position in hidden):
        assert derivable == disclosed
    for position, (low, high) in feasible_intervals(published).items():
        assert low <= truth[position] and (high is None or truth[position] <= high)


# --------------------------------------------------------------------------------------------------------------
# Worked by hand, in the census's shape: regions by candidate category


def test_two_small_cells_are_protected_by_the_cheapest_rectangle():
    # Four regions by three categories. The small cells are 3 (region 1, category 3) and 2 (region 2, category 2),
    # each alone in its row: subtraction from the row total would give them back. The cheapest cycle through
    # (0, 2) leaves region 1 by category 2 (45, cheaper than 120), reaches category 3 through region 2, where the
    # suppressed 2 is free and the 17 costs least (region 4 would cost 8 + 12 = 20 plus 45 = 65 > 62).
    counts = [
        [120, 45, 3],
        [98, 2, 17],
        [240, 61, 30],
        [15, 8, 12],
    ]
    result = check_table(counts, DEFAULT_THRESHOLD)
    assert result.primary == {(0, 2), (1, 1)}
    assert result.complementary == {(0, 1), (1, 2)}
    assert result.cells == (
        (120, None, None),
        (98, None, None),
        (240, 61, 30),
        (15, 8, 12),
    )
    assert result.row_totals == (168, 117, 331, 35)
    assert result.column_totals == (473, 116, 62)
    assert result.grand_total == 651
    assert result.reason((0, 2)) == "primary"
    assert result.reason((0, 1)) == "complementary"
    assert result.reason((0, 0)) is None
    # A reader knows the hidden cells of region 1 add up to 48, of region 2 to 19, of category 2 to 47 and of
    # category 3 to 20: the 3 could be anything from 1 (the 2 would then be 0) to 20.
    assert feasible_intervals(result)[(0, 2)] == (Fraction(1), Fraction(20))


def test_a_small_total_is_suppressed_with_its_row_and_protected_among_the_totals():
    # Province 1 has 3 candidates (1 + 2): its two counts and its total are small. The counts are protected by a
    # rectangle through province 3 (8 + 12 = 20, cheaper than province 2's 20 + 10 = 30). Its total would still be
    # the grand total less the other provinces' totals: province 3's total (29) is given up with it.
    counts = [
        [1, 2, 0],
        [10, 20, 30],
        [12, 8, 9],
    ]
    result = check_table(counts, DEFAULT_THRESHOLD)
    assert result.primary == {(0, 0), (0, 1), (0, 3)}
    assert result.complementary == {(2, 0), (2, 1), (2, 3)}
    assert result.cells == ((None, None, 0), (10, 20, 30), (None, None, 9))
    assert result.row_totals == (None, 60, None)
    assert result.column_totals == (23, 30, 39)
    assert result.grand_total == 92


def test_two_suppressed_cells_in_every_row_and_column_are_not_always_enough():
    # Two suppressed rectangles joined by one more suppressed cell, (0, 2): every row and column with a suppressed
    # cell has at least two, yet (0, 2) is rows 0-1 less columns 0-1 of the published totals. The rank test sees
    # it, the interval auditor agrees, and the algorithm never publishes such a pattern.
    # The true table: [[8, 9, 7, 10], [6, 10, 10, 10], [10, 10, 11, 9], [10, 10, 12, 8]].
    published = SuppressedTable(
        cells=(
            (None, None, None, 10),
            (None, None, 10, 10),
            (10, 10, None, None),
            (10, 10, None, None),
        ),
        row_totals=(34, 36, 40, 40),
        column_totals=(34, 39, 40, 37),
        grand_total=150,
        primary=frozenset(),
        complementary=frozenset(),
        threshold=5,
    )
    assert derivable_entries(published) == {(0, 2)}
    assert disclosed_entries(published) == {(0, 2)}
    # Rows 0 and 1 hide 24 + 16 = 40, columns 0 and 1 hide 14 + 19 = 33 of it: (0, 2) is 40 - 33.
    assert feasible_intervals(published)[(0, 2)] == (7, 7)


def test_the_auditor_sees_zeros_pinned_by_non_negativity_that_the_rank_test_misses():
    # The hidden cells of column 1 add up to 0: both are 0, though the rank test alone cannot tell.
    published = SuppressedTable(
        cells=((None, None), (None, None)),
        row_totals=(3, 3),
        column_totals=(6, 0),
        grand_total=6,
        primary=frozenset(),
        complementary=frozenset(),
        threshold=5,
    )
    assert derivable_entries(published) == frozenset()
    assert disclosed_entries(published) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_list_gives_up_its_smallest_other_count():
    result = check_list([3, 40, 10, 12], DEFAULT_THRESHOLD)
    assert result.counts == (None, 40, None, 12)
    assert result.total == 65
    assert result.primary == {0}
    assert result.complementary == {2}


def test_a_list_whose_total_is_small_hides_everything_but_zeros():
    result = check_list([1, 0, 2], DEFAULT_THRESHOLD)
    assert result.counts == (None, 0, None)
    assert result.total is None
    assert result.primary == {0, 2, 3}
    assert result.complementary == frozenset()


def test_a_province_sized_table_of_many_small_cells():
    # Communes of a large province by category, many of them small: the same guarantees at a realistic size
    # (checked by the rank auditor; the interval auditor's simplex is kept to the small tables above).
    generator = random.Random(15)
    counts = [[generator.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 40]) for _ in range(8)] for _ in range(30)]
    result = suppress_table(counts, threshold=DEFAULT_THRESHOLD)
    truth = extended(counts)
    hidden = {position for position, value in result.published().items() if value is None}
    assert result.primary == {p for p, v in truth.items() if 0 < v < DEFAULT_THRESHOLD}
    assert hidden == result.primary | result.complementary
    assert all(truth[p] > 0 for p in hidden)
    assert derivable_entries(result) == frozenset()
    assert suppress_table(counts, threshold=DEFAULT_THRESHOLD) == result


# --------------------------------------------------------------------------------------------------------------
# Edge cases


def test_every_count_small():
    result = check_table([[1, 2], [3, 4]], DEFAULT_THRESHOLD)
    # Totals: rows 3 and 7, columns 4 and 6, grand total 10. Only the large totals can be published, but each
    # would give back a small one: all are hidden.
    assert result.cells == ((None, None), (None, None))
    assert result.row_totals[0] is None and result.column_totals[0] is None


def test_one_row_and_one_column():
    one_row = check_table([[1, 10, 12, 0]], DEFAULT_THRESHOLD)
    assert one_row.cells[0][0] is None
    assert one_row.cells[0][3] == 0
    one_column = check_table([[1], [10], [12]], DEFAULT_THRESHOLD)
    assert one_column.cells[0][0] is None
    single = check_table([[3]], DEFAULT_THRESHOLD)
    assert single.published() == {(0, 0): None, (0, 1): None, (1, 0): None, (1, 1): None}


def test_empty_tables():
    assert suppress([]) == SuppressedList(
        counts=(), total=0, primary=frozenset(), complementary=frozenset(), threshold=DEFAULT_THRESHOLD
    )
    no_columns = suppress([[], []])
    assert isinstance(no_columns, SuppressedTable)
    assert no_columns.row_totals == (0, 0) and no_columns.grand_total == 0
    no_rows = suppress_table([], columns=3)
    assert no_rows.column_totals == (0, 0, 0) and no_rows.cells == ()
    assert feasible_intervals(no_rows) == {}


def test_all_zeros_are_published():
    result = check_table([[0, 0], [0, 0]], DEFAULT_THRESHOLD)
    assert result.primary == result.complementary == frozenset()


def test_threshold_one_suppresses_nothing():
    counts = [[1, 2, 0], [3, 1, 4]]
    result = suppress_table(counts, threshold=1)
    assert result.cells == ((1, 2, 0), (3, 1, 4))
    assert result.primary == result.complementary == frozenset()


def test_huge_counts_are_exact():
    big = 10**30
    result = check_table([[big, 3], [big, big]], DEFAULT_THRESHOLD)
    assert result.cells[0][0] is None  # the complement of the 3 in its row
    assert result.column_totals[0] == 2 * big
    assert result.grand_total == 3 * big + 3


def test_numpy_counts_are_accepted():
    result = suppress(np.array([[3, 10], [10, 10]], dtype=np.int64))
    assert isinstance(result, SuppressedTable)
    assert all(isinstance(value, int) for value in result.published().values() if value is not None)


@pytest.mark.parametrize(
    ("table", "threshold", "message"),
    [
        ([[1, -2]], 5, "cannot be negative"),
        ([-1, 2], 5, "cannot be negative"),
        ([[1, 2.0]], 5, "whole number"),
        ([1.5], 5, "whole number"),
        ([["3"]], 5, "whole number"),
        ([[True, 2]], 5, "whole number"),
        ([[1, None]], 5, "whole number"),
        ([[1, 2], [3]], 5, "same number of columns"),
        ([[1, 2], 3], 5, "not a mix"),
        ("123", 5, "sequence"),
        (None, 5, "sequence"),
        ([[1, 2]], 0, "at least 1"),
        ([[1, 2]], -3, "at least 1"),
        ([[1, 2]], 2.5, "whole number"),
        ([[1, 2]], True, "whole number"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(table, threshold, message):
    with pytest.raises(ValueError, match=message):
        suppress(table, threshold=threshold)


def test_a_width_contradicting_the_rows_is_refused():
    with pytest.raises(ValueError, match="columns"):
        suppress_table([[1, 2]], columns=3)


def test_inconsistent_published_figures_are_refused_by_the_auditor():
    published = SuppressedTable(
        cells=((1, None),),
        row_totals=(5,),
        column_totals=(2, None),
        grand_total=None,
        primary=frozenset(),
        complementary=frozenset(),
        threshold=5,
    )
    with pytest.raises(ValueError, match="add up|non-negative"):
        feasible_intervals(published)
