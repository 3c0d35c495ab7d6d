"""Largest-remainder apportionment: the arithmetic every demo count rests on. Pure, no database."""

from fractions import Fraction
from math import ceil, floor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bawaba.demo import calibration
from bawaba.demo.generator import apportion, scaled_total

weights_lists = st.lists(st.integers(0, 10**7), min_size=1, max_size=60).filter(lambda w: sum(w) > 0)


@given(total=st.integers(0, 10**6), weights=weights_lists)
def test_parts_sum_exactly_to_the_total(total, weights):
    assert int(apportion(total, weights).sum()) == total


@given(total=st.integers(0, 10**6), weights=weights_lists)
def test_each_part_is_its_quota_rounded_down_or_up(total, weights):
    parts = apportion(total, weights)
    for part, weight in zip(parts.tolist(), weights, strict=True):
        quota = Fraction(total * weight, sum(weights))
        assert floor(quota) <= part <= ceil(quota)


@given(total=st.integers(0, 10**6), weights=weights_lists)
def test_same_input_gives_the_same_parts(total, weights):
    assert np.array_equal(apportion(total, weights), apportion(total, list(weights)))


@given(total=st.integers(0, 10**5), weights=weights_lists)
def test_zero_weights_get_nothing(total, weights):
    parts = apportion(total, weights)
    assert all(part == 0 for part, weight in zip(parts.tolist(), weights, strict=True) if weight == 0)


def test_equal_remainders_go_to_the_lower_index():
    assert apportion(1, [1, 1, 1]).tolist() == [1, 0, 0]
    assert apportion(2, [1, 1, 1]).tolist() == [1, 1, 0]


def test_the_whole_table_apportions_to_itself():
    table = calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)
    assert apportion(sum(table), table).tolist() == table


def test_rejects_what_cannot_be_apportioned():
    with pytest.raises(ValueError):
        apportion(3, [0, 0])
    with pytest.raises(ValueError):
        apportion(3, [1, -1])
    with pytest.raises(ValueError):
        apportion(-1, [1])
    assert apportion(0, [0, 0]).tolist() == [0, 0]


def test_scaled_total_rounds_halves_up():
    assert scaled_total(5, 0.5) == 3  # round() would give 2
    assert scaled_total(488_321, 1) == 488_321
    assert scaled_total(488_321, 0.01) == 4_883
