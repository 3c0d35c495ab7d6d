"""Tests of the pure promotion rounds: hand-made chains and properties after any sequence of releases.

No database and no Django, like test_engine.py (``-p no:django -o addopts=""`` runs them without pytest-django).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.selection.engine import (
    digest_instance,
    digest_result,
    run_deferred_acceptance,
    waitlist_positions,
)
from bawaba.selection.guarantees import check_guarantees
from bawaba.selection.promotion import (
    departures,
    digest_round_inputs,
    freeze_instance,
    on_lists,
    places_now,
    promote,
    thaw_instance,
    without,
)
from bawaba.selection.tests.test_engine import (
    blocking_pairs,
    build,
    instance_of,
    random_instance,
    small_markets,
    solve_with_matching,
)

# Commune A (0) and B (1), one place each. X is A's best; Y would rather have A, and B prefers her to Z.
CHAIN = build([[0], [0, 1], [1]], [1, 1], priority=[[9], [5, 5], [3]])
X, Y, Z = 0, 1, 2


def test_a_declined_place_goes_down_the_list_and_the_chain_is_followed() -> None:
    run = run_deferred_acceptance(CHAIN)
    assert run.assignment.tolist() == [0, 1, -1]

    round_1 = promote(CHAIN, np.array([X]), run)

    # Y takes X's place at A, her first choice; the place she leaves at B goes to Z, who had none.
    assert round_1.result.assignment.tolist() == [-1, 0, 1]
    assert round_1.promoted.tolist() == [Y, Z]
    assert round_1.from_waiting.tolist() == [Z]
    assert round_1.moved_up.tolist() == [Y]
    assert round_1.places_released == 1
    assert round_1.result.waitlist.tolist() == []


def test_a_place_nobody_wants_stays_empty_and_a_released_waiting_candidate_frees_nothing() -> None:
    run = run_deferred_acceptance(CHAIN)
    # Z was waiting: releasing her gives nothing to anyone.
    round_1 = promote(CHAIN, np.array([Z]), run)
    assert round_1.result.assignment.tolist() == [0, 1, -1]
    assert round_1.promoted.size == 0
    assert round_1.places_released == 0
    # Then Y declines B: nobody else listed B, so its place stays empty.
    round_2 = promote(CHAIN, np.array([Y, Z]), round_1.result)
    assert round_2.result.assignment.tolist() == [0, -1, -1]
    assert round_2.places_released == 1
    assert round_2.promoted.size == 0


def test_nothing_released_changes_nothing() -> None:
    run = run_deferred_acceptance(CHAIN)
    again = promote(CHAIN, np.array([], dtype=np.int64), run)
    assert digest_result(again.result) == digest_result(run)
    assert again.promoted.size == 0


def test_refuses_an_index_outside_the_instance() -> None:
    run = run_deferred_acceptance(CHAIN)
    with pytest.raises(ValueError, match="indices"):
        promote(CHAIN, np.array([3]), run)


def test_the_inputs_digest_ignores_order_and_repeats_but_not_the_run_or_the_ids() -> None:
    run = "ab" * 32
    assert digest_round_inputs(run, np.array([5, 3, 3])) == digest_round_inputs(run, np.array([3, 5]))
    assert digest_round_inputs(run, np.array([3, 5])) != digest_round_inputs(run, np.array([3, 6]))
    assert digest_round_inputs(run, np.array([3])) != digest_round_inputs("cd" * 32, np.array([3]))
    with pytest.raises(ValueError):
        digest_round_inputs("short", np.array([3]))


def check_round(instance, released, before, original) -> None:
    """Every property a round must have, against the assignment it started from and the published run's."""
    round_ = promote(instance, released, before)
    result = round_.result
    reduced = without(instance, released)
    assignment = result.assignment
    # Capacities hold, and the whole of the engine's guarantees holds on the instance without the released.
    assert (result.admitted_count <= instance.capacities).all()
    assert check_guarantees(reduced, result) == []
    # Stable for the remaining candidates, by brute force, and the candidates' best stable result (an
    # independent solver).
    assert blocking_pairs(reduced, assignment) == []
    assert assignment.tolist() == solve_with_matching(reduced).tolist()
    # The released hold nothing and stand on no list.
    assert (assignment[released] == -1).all()
    assert not np.isin(result.waitlist, released).any()
    # Nobody is demoted, neither from where the round started nor from the published run.
    remaining = np.setdiff1d(np.arange(instance.n_candidates), released)
    for reference in (before, original):
        held = remaining[reference.assignment[remaining] >= 0]
        assert (result.assigned_rank[held] >= 0).all()
        assert (result.assigned_rank[held] <= reference.assigned_rank[held]).all()
    # The promoted are exactly those whose commune changed, each to one she ranks higher (or from none).
    changed = np.flatnonzero((assignment != before.assignment) & (assignment >= 0))
    assert round_.promoted.tolist() == changed.tolist()
    was = before.assigned_rank[changed]
    assert ((was < 0) | (result.assigned_rank[changed] < was)).all()
    assert round_.from_waiting.tolist() == changed[was < 0].tolist()
    # Recomputed from its inputs (in any order), the round gives the same result, byte for byte.
    again = promote(instance, np.random.default_rng(0).permutation(released), before)
    assert digest_result(again.result) == digest_result(result)
    return round_


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_markets(), st.data())
def test_after_any_sequence_of_releases_every_property_holds(market: tuple, data: st.DataObject) -> None:
    instance = instance_of(market)
    n = instance.n_candidates
    original = run_deferred_acceptance(instance)
    before = original
    released = np.array([], dtype=np.int64)
    rounds = data.draw(st.lists(st.lists(st.integers(0, max(n - 1, 0)), max_size=3), max_size=4))
    for newly in rounds if n else []:
        released = np.union1d(released, np.array(newly, dtype=np.int64))
        before = check_round(instance, released, before, original).result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_markets(), st.data())
def test_places_on_the_lists_are_the_run_places_less_the_departed_ahead(
    market: tuple, data: st.DataObject
) -> None:
    """What the decisions and the rounds store (places on the run's lists, who left each list in each round) gives
    every place on every list after any sequence of rounds, and nobody ever joins a list."""
    instance = instance_of(market)
    n, m = instance.n_candidates, instance.n_communes
    if not n:
        return
    run = run_deferred_acceptance(instance)
    run_places = waitlist_positions(instance, run)
    before, released_before = run, np.array([], dtype=np.int64)
    departed: list[list[int]] = [[] for _commune in range(m)]
    assert (on_lists(instance, run, released_before) == (run_places > 0)).all()
    for newly in data.draw(st.lists(st.lists(st.integers(0, n - 1), max_size=3), min_size=1, max_size=4)):
        released = np.union1d(released_before, np.array(newly, dtype=np.int64))
        after = promote(instance, released, before).result
        member = on_lists(instance, after, released)
        commune, place = departures(instance, run_places, on_lists(instance, before, released_before), member)
        assert (np.diff(commune) >= 0).all()
        for c, p in zip(commune.tolist(), place.tolist(), strict=True):
            departed[c].append(p)
        now = waitlist_positions(instance, after)
        assert (member == (now > 0)).all()
        assert not (member & (run_places <= 0)).any()
        for c in range(m):
            here = member & (instance.preferences == c)
            assert places_now(run_places[here], np.array(departed[c])).tolist() == now[here].tolist()
        before, released_before = after, released


@settings(max_examples=60, deadline=None)
@given(small_markets(), st.data())
def test_a_round_depends_only_on_who_was_released_not_on_the_rounds_before(
    market: tuple, data: st.DataObject
) -> None:
    instance = instance_of(market)
    n = instance.n_candidates
    if not n:
        return
    first = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=3)), dtype=np.int64)
    second = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=3)), dtype=np.int64)
    run = run_deferred_acceptance(instance)
    in_two = promote(instance, np.union1d(first, second), promote(instance, first, run).result)
    at_once = promote(instance, np.union1d(first, second), run)
    assert digest_result(in_two.result) == digest_result(at_once.result)


@pytest.mark.parametrize("seed", [1, 2])
def test_properties_hold_on_larger_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, 600, 30, 5, capacity_max=15)
    run = run_deferred_acceptance(instance)
    admitted = np.flatnonzero(run.assignment >= 0)
    released = rng.choice(admitted, size=admitted.size // 2, replace=False)
    round_1 = check_round(instance, np.sort(released[:20]), run, run)
    round_2 = check_round(instance, np.sort(released), round_1.result, run)
    assert round_1.promoted.size > 0
    assert round_2.promoted.size > 0
    assert round_1.moved_up.size + round_2.moved_up.size > 0  # chains happened


def test_the_frozen_instance_comes_back_exactly_and_anything_else_is_refused() -> None:
    instance = random_instance(np.random.default_rng(3), 80, 6, 4, capacity_max=5)
    ids, communes = np.arange(80, dtype=np.int64) * 3 + 7, np.arange(6, dtype=np.int64) + 100
    back, back_ids, back_communes = thaw_instance(freeze_instance(instance, ids, communes))
    assert digest_instance(back) == digest_instance(instance)
    assert back_ids.tolist() == ids.tolist() and back_communes.tolist() == communes.tolist()
    for broken in (b"", b"not an archive", freeze_instance(instance, ids[:-1], communes)):
        with pytest.raises(ValueError):
            thaw_instance(broken)
