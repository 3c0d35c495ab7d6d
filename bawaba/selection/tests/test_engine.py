"""Tests of the pure selection engine: hand-made tables, an independent solver, and properties.

No database and no Django: run with ``.venv/bin/python -m pytest bawaba/selection/tests/test_engine.py -p no:django``.
"""

import dataclasses
import hashlib
import itertools
import random
import struct
import warnings
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.selection.engine import (
    Instance,
    Result,
    _descending_priority,
    _lottery_rank,
    _pair_order,
    _pair_order_lexsort,
    canonical_bytes,
    digest_instance,
    digest_result,
    lottery_numbers,
    run_deferred_acceptance,
    waitlist_position,
    waitlist_positions,
)
from bawaba.selection.guarantees import MAX_EXAMPLES, Problem, check_guarantees

UNASSIGNED = -1


# ------------------------------------------------------------------------------------------------ helpers


def build(
    choices: Sequence[Sequence[int]],
    capacities: Sequence[int],
    *,
    priority: Sequence[int] | Sequence[Sequence[int]] | None = None,
    lottery: Sequence[int] | None = None,
) -> Instance:
    """An instance from ragged choice lists.

    ``priority[i]`` is either one number (the same at every commune) or a list parallel to ``choices[i]``.
    Lottery numbers default to the candidate index, so lower index wins ties unless a test says otherwise.
    """
    n = len(choices)
    k = max([len(row) for row in choices] + [1])
    preferences = np.full((n, k), -1, dtype=np.int32)
    priorities = np.zeros((n, k), dtype=np.int64)
    for i, row in enumerate(choices):
        preferences[i, : len(row)] = row
        value = 0 if priority is None else priority[i]
        priorities[i, : len(row)] = value if isinstance(value, Sequence) else [value] * len(row)
    drawn = np.arange(n) if lottery is None else np.asarray(lottery)
    return Instance(preferences, priorities, drawn.astype(np.uint64), np.asarray(capacities, dtype=np.int64))


def from_tables(
    choices: Sequence[Sequence[int]], table: np.ndarray, lottery: Sequence[int], capacities: Sequence[int]
) -> Instance:
    """An instance where a candidate's priority is a property of (candidate, commune): ``table[i, c]``."""
    return build(
        choices,
        capacities,
        priority=[[int(table[i, c]) for c in row] for i, row in enumerate(choices)],
        lottery=lottery,
    )


def random_instance(
    rng: np.random.Generator,
    n: int,
    m: int,
    k: int,
    *,
    priority_levels: int = 20,
    capacity_max: int = 40,
    lottery_levels: int | None = None,
) -> Instance:
    """Random instance with commune-specific priorities and a real (sha256) lottery, or a tied one."""
    scores = rng.integers(0, priority_levels, n)
    bonus = rng.integers(0, 3, (n, m))
    lengths = rng.integers(0, k + 1, n)
    choices = [rng.permutation(m)[: min(int(lengths[i]), m)].tolist() for i in range(n)]
    table = scores[:, None] + bonus
    if lottery_levels is None:
        lottery = lottery_numbers("tests", np.arange(1, n + 1))
    else:
        lottery = rng.integers(0, lottery_levels, n).astype(np.uint64)
    return from_tables(choices, table, lottery.tolist(), rng.integers(0, capacity_max, m).tolist())


def commune_order_key(instance: Instance, i: int, r: int) -> tuple[int, int, int]:
    """The documented order, written independently of the engine: priority DESC, lottery ASC, index ASC."""
    return (-int(instance.priorities[i, r]), int(instance.lottery[i]), i)


def solve_with_matching(instance: Instance) -> np.ndarray:
    """Resident-optimal solution of the independent `matching` package (HospitalResident)."""
    from matching.games import HospitalResident

    preferences, capacity = instance.preferences, instance.capacities
    n, k = preferences.shape
    # The package cannot hold a hospital of capacity 0 nor a resident with an empty list; leaving them
    # out is equivalent (such a commune refuses everybody, such a candidate asks nobody).
    resident_prefs: dict[int, list[int]] = {}
    applicants: dict[int, list[tuple[tuple[int, int, int], int]]] = {}
    for i in range(n):
        row = [(r, int(c)) for r, c in enumerate(preferences[i]) if c >= 0 and capacity[c] > 0]
        if row:
            resident_prefs[i] = [c for _, c in row]
            for r, c in row:
                applicants.setdefault(c, []).append((commune_order_key(instance, i, r), i))
    hospital_prefs = {c: [i for _, i in sorted(rows)] for c, rows in applicants.items()}
    out = np.full(n, UNASSIGNED, dtype=np.int64)
    if not resident_prefs:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, {c: int(capacity[c]) for c in hospital_prefs}
        )
        solved = game.solve(optimal="resident")
    for hospital, residents in solved.items():
        for resident in residents:
            out[resident.name] = hospital.name
    return out


def blocking_pairs(instance: Instance, assignment: np.ndarray) -> list[tuple[int, int]]:
    """Brute force, one pair at a time: (candidate, commune) pairs that would both rather be together."""
    preferences, capacity = instance.preferences, instance.capacities
    n, k = preferences.shape
    admitted: dict[int, list[tuple[tuple[int, int, int], int]]] = {}
    for i in range(n):
        if assignment[i] >= 0:
            r = list(preferences[i]).index(assignment[i])
            admitted.setdefault(int(assignment[i]), []).append((commune_order_key(instance, i, r), i))
    pairs = []
    for i in range(n):
        for r in range(k):
            c = int(preferences[i, r])
            if c < 0 or c == assignment[i]:
                break
            held = admitted.get(c, [])
            if len(held) < capacity[c] or any(commune_order_key(instance, i, r) < key for key, _ in held):
                pairs.append((i, c))
    return pairs


def kinds(problems: list[Problem]) -> set[str]:
    return {problem.kind for problem in problems}


def true_rank(row: Sequence[int], commune: int) -> int:
    """Rank of ``commune`` in a candidate's true list; unlisted communes and no place rank last."""
    return list(row).index(commune) if commune in row else len(row)


# --------------------------------------------------------------------------------- hypothesis strategies


@st.composite
def small_markets(
    draw: st.DrawFn, max_n: int = 10, max_m: int = 5, max_k: int = 4, wide_priorities: bool = True
) -> tuple[list[list[int]], np.ndarray, list[int], list[int]]:
    """(choices, priority table (n, m), lottery, capacities), with many ties in priority and lottery."""
    m = draw(st.integers(1, max_m))
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(0, max_n))
    choices = [draw(st.lists(st.integers(0, m - 1), unique=True, max_size=min(k, m))) for _ in range(n)]
    values = [0, 1, 2, 3]
    if wide_priorities and draw(st.booleans()):
        # Far-apart values force the engine off its packed fast path onto the dense-rank one.
        values = [-(2**62), -1, 0, 2**40, 2**62]
    table = np.array(
        [[draw(st.sampled_from(values)) for _ in range(m)] for _ in range(n)], dtype=np.int64
    ).reshape(n, m)
    lottery = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))  # ties, broken by index
    capacities = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    return choices, table, lottery, capacities


def instance_of(market: tuple[list[list[int]], np.ndarray, list[int], list[int]]) -> Instance:
    choices, table, lottery, capacities = market
    return from_tables(choices, table, lottery, capacities)


# ------------------------------------------------------------------------------------ hand-made tables

HAND_MADE = [
    pytest.param([[0], [0, 1], [1]], [2, 2], None, None, [0, 0, 1], id="everyone-fits"),
    pytest.param([[0, 1], [1], [0]], [0, 0], None, None, [-1, -1, -1], id="nobody-fits-no-places"),
    pytest.param([[0], [0], [0]], [1], [1, 3, 2], None, [-1, 0, -1], id="higher-priority-wins"),
    pytest.param([[0], [0]], [1], [5, 5], [9, 3], [-1, 0], id="equal-priority-lower-lottery-wins"),
    pytest.param([[0], [0]], [1], [5, 5], [7, 7], [0, -1], id="equal-lottery-lower-index-wins"),
    pytest.param([[0, 1]], [0, 1], None, None, [1], id="capacity-zero-refuses"),
    pytest.param([[], [0], []], [1], None, None, [-1, 0, -1], id="empty-preference-rows"),
    pytest.param([[0], [1]], [1, 1, 4], None, None, [0, 1], id="commune-nobody-listed"),
    # B beats A at commune 0, so A moves to commune 1 and takes it from C, whom commune 1 ranks lower.
    pytest.param([[0, 1], [0], [1]], [1, 1], [[2, 2], 3, 1], None, [1, 0, -1], id="refusal-cascades"),
    # B scores higher, but A has the residence bonus at commune 0 and B at commune 1.
    pytest.param(
        [[0, 1], [0, 1]], [1, 1], [[15, 10], [12, 17]], None, [0, 1], id="commune-specific-priority"
    ),
    # Y is held by nobody after round 1 and then displaces X, who was held by commune 0.
    pytest.param([[0], [1, 0], [1]], [1, 1], [1, [1, 2], 3], None, [-1, 0, 1], id="held-place-is-lost"),
    # Two stable outcomes exist; the candidates get their first choices (the communes' best is the other).
    pytest.param([[0, 1], [1, 0]], [1, 1], [[1, 2], [2, 1]], None, [0, 1], id="candidate-optimal"),
]


@pytest.mark.parametrize(("choices", "capacities", "priority", "lottery", "expected"), HAND_MADE)
def test_assigns_hand_made_tables(
    choices: list[list[int]],
    capacities: list[int],
    priority: list | None,
    lottery: list[int] | None,
    expected: list[int],
) -> None:
    instance = build(choices, capacities, priority=priority, lottery=lottery)
    result = run_deferred_acceptance(instance)
    assert result.assignment.tolist() == expected
    assert check_guarantees(instance, result) == []
    assert solve_with_matching(instance).tolist() == expected


def test_reports_ranks_cutoffs_and_waiting_lists_of_a_hand_made_table() -> None:
    # Commune 0 (2 places): A 9, B 7, C 7 (lottery 5 < 8, so C before B), D 3. Commune 1 (1 place): D, B.
    instance = build(
        [[0], [0, 1], [0], [0, 1]], [2, 1], priority=[9, [7, 4], 7, [3, 6]], lottery=[1, 8, 5, 2]
    )
    result = run_deferred_acceptance(instance)
    assert result.assignment.tolist() == [0, -1, 0, 1]
    assert result.assigned_rank.tolist() == [0, -1, 0, 1]
    assert result.admitted_count.tolist() == [2, 1]
    assert result.is_full.tolist() == [True, True]
    assert result.cutoff_priority.tolist() == [7, 6]  # C at commune 0, D at commune 1
    assert result.cutoff_lottery.tolist() == [5, 2]
    assert result.waitlist_indptr.tolist() == [0, 2, 3]
    assert result.waitlist.tolist() == [1, 3, 1]  # commune 0: B then D; commune 1: B
    assert waitlist_position(result, 3, 0) == 2
    assert waitlist_position(result, 3, 1) is None
    positions = waitlist_positions(instance, result)
    assert positions.tolist() == [[-1, -1], [1, 1], [-1, -1], [2, -1]]
    assert result.rounds >= 2


def test_non_full_commune_has_no_cutoff_and_no_waiting_list() -> None:
    instance = build([[0], [0], [1]], [3, 0])
    result = run_deferred_acceptance(instance)
    assert result.is_full.tolist() == [False, True]  # capacity 0 counts as full
    assert result.cutoff_priority.tolist() == [0, 0]
    assert result.waitlist_indptr.tolist() == [0, 0, 1]
    assert result.waitlist.tolist() == [2]


def test_handles_an_instance_without_candidates_or_choices() -> None:
    empty = Instance(
        np.zeros((0, 3), np.int32), np.zeros((0, 3), np.int64), np.zeros(0, np.uint64), np.array([1, 2])
    )
    result = run_deferred_acceptance(empty)
    assert result.assignment.shape == (0,)
    assert result.rounds == 0
    assert check_guarantees(empty, result) == []
    no_choices = build([[], []], [1])
    assert run_deferred_acceptance(no_choices).assignment.tolist() == [-1, -1]


# ------------------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("preferences", "priorities", "lottery", "capacities", "message"),
    [
        pytest.param([0, 1], [0, 0], [1], [1, 1], "2-dimensional", id="flat-preferences"),
        pytest.param([[0, 1]], [[0, 0], [0, 0]], [1], [1, 1], "shape of preferences", id="priority-shape"),
        pytest.param([[0, 1]], [[0, 0]], [1, 2], [1, 1], "one number per candidate", id="lottery-length"),
        pytest.param([[0, 2]], [[0, 0]], [1], [1, 1], r"\[0, 2\) or -1", id="unknown-commune"),
        pytest.param([[-1, 0]], [[0, 0]], [1], [1], "after a -1", id="hole"),
        pytest.param([[1, 1]], [[0, 0]], [1], [1, 1], "twice", id="duplicate"),
        pytest.param([[0]], [[0]], [1], [-1], ">= 0", id="negative-capacity"),
        pytest.param([[0]], [[0]], [-1], [1], "lottery numbers", id="negative-lottery"),
        pytest.param([[0.0]], [[0]], [1], [1], "integers", id="float-preferences"),
        pytest.param([[True]], [[0]], [1], [1], "integers", id="bool-preferences"),
        pytest.param([[0]], [[2**63]], [1], [1], "int64", id="priority-overflow"),
    ],
)
def test_rejects_malformed_instances(
    preferences: list, priorities: list, lottery: list, capacities: list, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Instance(np.array(preferences), np.array(priorities), np.array(lottery), np.array(capacities))


def test_instance_copies_and_freezes_its_arrays() -> None:
    preferences = np.array([[0, -1]], dtype=np.int64)
    instance = Instance(preferences, np.array([[5, 99]]), np.array([1]), np.array([1]))
    preferences[0, 0] = 3
    assert instance.preferences.tolist() == [[0, -1]]
    assert instance.preferences.dtype == np.int32
    assert instance.priorities.tolist() == [[5, 0]]  # padded priority stored as 0
    with pytest.raises(ValueError, match="read-only"):
        instance.capacities[0] = 2


# --------------------------------------------------------------------------------------------- lottery


def test_lottery_numbers_match_a_hand_computation() -> None:
    def by_hand(seed: str, application_id: int) -> int:
        digest = hashlib.sha256(seed.encode("utf-8") + b":" + str(application_id).encode("ascii")).digest()
        return int.from_bytes(digest[:8], "big")

    ids = [1, 42, 488321, 10**12]
    seed = "2024-census-تجريبي"
    drawn = lottery_numbers(seed, ids)
    assert drawn.dtype == np.uint64
    assert [int(x) for x in drawn] == [by_hand(seed, i) for i in ids]
    assert int(lottery_numbers("bench", np.array([42]))[0]) == int.from_bytes(
        hashlib.sha256(b"bench:42").digest()[:8], "big"
    )
    assert lottery_numbers("s", []).shape == (0,)


# ------------------------------------------------------------------------ against an independent solver


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_markets())
def test_equals_the_resident_optimal_matching_of_the_matching_package(market: tuple) -> None:
    instance = instance_of(market)
    assert run_deferred_acceptance(instance).assignment.tolist() == solve_with_matching(instance).tolist()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_the_matching_package_on_larger_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, 2_000, 60, 5)
    result = run_deferred_acceptance(instance)
    assert np.array_equal(result.assignment, solve_with_matching(instance))
    assert check_guarantees(instance, result) == []


def test_equals_the_matching_package_when_many_lottery_numbers_tie() -> None:
    # Thousands of exact ties in priority and lottery: only the candidate index separates them, and
    # NumPy's default (unstable) sort would get them wrong at this size.
    rng = np.random.default_rng(5)
    instance = random_instance(rng, 3_000, 30, 4, priority_levels=2, lottery_levels=3)
    result = run_deferred_acceptance(instance)
    assert np.array_equal(result.assignment, solve_with_matching(instance))
    assert check_guarantees(instance, result) == []


@pytest.mark.parametrize("seed", [3, 4])
def test_packed_and_lexsort_commune_orders_agree(seed: int) -> None:
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, 3_000, 40, 5, priority_levels=3)
    packed = _pair_order(instance)
    descending, _ = _descending_priority(instance.priorities, instance.preferences >= 0)
    slow = _pair_order_lexsort(instance, descending, _lottery_rank(instance.lottery))
    for field in ("position", "candidate", "rank", "commune", "start"):
        assert np.array_equal(getattr(packed, field), getattr(slow, field)), field


# ------------------------------------------------------------------------------------------ properties


@settings(max_examples=100, deadline=None)
@given(small_markets())
def test_respects_capacities_and_is_stable(market: tuple) -> None:
    instance = instance_of(market)
    result = run_deferred_acceptance(instance)
    counts = np.bincount(result.assignment[result.assignment >= 0], minlength=instance.n_communes)
    assert (counts <= instance.capacities).all()
    assert np.array_equal(counts, result.admitted_count)
    for i in np.flatnonzero(result.assignment >= 0):
        assert instance.preferences[i, result.assigned_rank[i]] == result.assignment[i]
    assert blocking_pairs(instance, result.assignment) == []
    assert check_guarantees(instance, result) == []


@settings(max_examples=60, deadline=None)
@given(small_markets())
def test_waiting_lists_are_the_refusals_in_commune_order_below_the_cutoff(market: tuple) -> None:
    instance = instance_of(market)
    result = run_deferred_acceptance(instance)
    preferences = instance.preferences
    positions = waitlist_positions(instance, result)
    for c in range(instance.n_communes):
        waiting = result.waitlist[result.waitlist_indptr[c] : result.waitlist_indptr[c + 1]].tolist()
        refused = []
        for i in range(instance.n_candidates):
            row = [x for x in preferences[i].tolist() if x >= 0]
            if c in row and (result.assignment[i] < 0 or row.index(c) < result.assigned_rank[i]):
                refused.append((commune_order_key(instance, i, row.index(c)), i))
        assert waiting == [i for _, i in sorted(refused)]
        if waiting:
            assert result.is_full[c]
            if result.admitted_count[c]:
                cutoff = (-int(result.cutoff_priority[c]), int(result.cutoff_lottery[c]))
                for i in waiting:
                    r = preferences[i].tolist().index(c)
                    assert commune_order_key(instance, i, r)[:2] >= cutoff
        for place, i in enumerate(waiting, start=1):
            assert waitlist_position(result, i, c) == place
            assert positions[i, preferences[i].tolist().index(c)] == place
    assert int((positions > 0).sum()) == result.waitlist.shape[0]


@settings(max_examples=60, deadline=None)
@given(small_markets())
def test_same_input_gives_byte_identical_output(market: tuple) -> None:
    instance = instance_of(market)
    first, second = run_deferred_acceptance(instance), run_deferred_acceptance(instance)
    assert canonical_bytes(first) == canonical_bytes(second)
    assert digest_result(first) == digest_result(second)
    # The same numbers in other dtypes, and other values in padded ranks, are the same instance.
    padded = np.where(instance.preferences >= 0, instance.priorities, 12345)
    again = Instance(
        instance.preferences.astype(np.int64), padded, instance.lottery.astype(np.int64), instance.capacities
    )
    assert digest_instance(again) == digest_instance(instance)
    assert digest_result(run_deferred_acceptance(again)) == digest_result(first)


def test_canonical_bytes_follow_the_documented_layout() -> None:
    # Built by hand from the documented layout: a change here changes every published digest and needs a
    # new format version (the magic string).
    instance = build([[0, 1], [1]], [1, 1], priority=[[3, 2], 5], lottery=[7, 8])
    expected_instance = (
        b"bawaba.selection.instance.v1\x00"
        + struct.pack("<3Q", 2, 2, 2)
        + struct.pack("<4i", 0, 1, 1, -1)
        + struct.pack("<4q", 3, 2, 5, 0)
        + struct.pack("<2Q", 7, 8)
        + struct.pack("<2q", 1, 1)
    )
    assert canonical_bytes(instance) == expected_instance
    assert digest_instance(instance) == hashlib.sha256(expected_instance).hexdigest()

    result = run_deferred_acceptance(instance)
    expected_result = (
        b"bawaba.selection.result.v1\x00"
        + struct.pack("<2Q", 2, 2)
        + struct.pack("<2i", 0, 1)
        + struct.pack("<2h", 0, 0)
        + struct.pack("<2q", 1, 1)
        + struct.pack("<2q", 3, 5)
        + struct.pack("<2Q", 7, 8)
        + bytes([1, 1])
        + struct.pack("<3q", 0, 0, 0)
    )
    assert canonical_bytes(result) == expected_result
    assert digest_result(result) == hashlib.sha256(expected_result).hexdigest()
    # `rounds` describes how the result was computed, not what it is.
    assert digest_result(dataclasses.replace(result, rounds=99)) == digest_result(result)


@settings(max_examples=60, deadline=None)
@given(small_markets(), st.randoms(use_true_random=False))
def test_candidate_order_does_not_matter_when_lottery_numbers_differ(
    market: tuple, shuffler: random.Random
) -> None:
    choices, table, _, capacities = market
    n = len(choices)
    lottery = lottery_numbers("order", range(n)).tolist()  # distinct with overwhelming probability
    assert len(set(lottery)) == n
    instance = from_tables(choices, table, lottery, capacities)
    order = list(range(n))
    shuffler.shuffle(order)
    shuffled = from_tables([choices[i] for i in order], table[order], [lottery[i] for i in order], capacities)
    before, after = run_deferred_acceptance(instance), run_deferred_acceptance(shuffled)
    assert after.assignment.tolist() == [before.assignment[i] for i in order]
    assert np.array_equal(after.cutoff_priority, before.cutoff_priority)
    assert np.array_equal(after.cutoff_lottery, before.cutoff_lottery)
    assert np.array_equal(after.waitlist_indptr, before.waitlist_indptr)
    assert [order[i] for i in after.waitlist] == before.waitlist.tolist()


def test_candidate_order_decides_only_an_exact_tie_in_priority_and_lottery() -> None:
    # P and Q have the same priority and the same lottery number: the row index is the last tie-break, so
    # whoever comes first is admitted. The services must therefore build the rows in a fixed order (by
    # application id); with sha256 lottery numbers such a tie needs a 64-bit collision.
    def admitted(order: list[str]) -> str:
        instance = build([[0], [0]], [1], priority=[4, 4], lottery=[10, 10])
        return order[int(np.flatnonzero(run_deferred_acceptance(instance).assignment == 0)[0])]

    assert admitted(["P", "Q"]) == "P"
    assert admitted(["Q", "P"]) == "Q"


def best_manipulation(
    market: tuple, candidate: int, lists: list[tuple[int, ...]]
) -> tuple[int, tuple[int, ...]] | None:
    """The first reported list that gives ``candidate`` a commune she truly prefers, if any."""
    choices, table, lottery, capacities = market
    truth = choices[candidate]
    honest = run_deferred_acceptance(from_tables(choices, table, lottery, capacities)).assignment[candidate]
    for report in lists:
        reported = [*choices[:candidate], list(report), *choices[candidate + 1 :]]
        got = run_deferred_acceptance(from_tables(reported, table, lottery, capacities)).assignment[candidate]
        if true_rank(truth, int(got)) < true_rank(truth, int(honest)):
            return int(got), report
    return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_markets(max_n=5, max_m=4, max_k=4, wide_priorities=False))
def test_no_candidate_gains_by_reporting_another_list(market: tuple) -> None:
    choices, _, _, _ = market
    m = len(market[3])
    k = max([len(row) for row in choices] + [1])
    # Every ordered subset of the communes that fits in the k ranks of the form.
    lists = [p for size in range(k + 1) for p in itertools.permutations(range(m), size)]
    for candidate in range(len(choices)):
        assert best_manipulation(market, candidate, lists) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_markets(max_n=5, max_m=4, max_k=2, wide_priorities=False), st.data())
def test_with_a_cap_on_choices_ranking_the_listed_communes_in_true_order_is_best(
    market: tuple, data: st.DataObject
) -> None:
    # When a candidate likes more communes than the form allows, which ones she lists matters (see the
    # next test); but for any set she lists, listing it in her true order is at least as good.
    choices, table, lottery, capacities = market
    m = len(capacities)
    cap = max([len(row) for row in choices] + [1])
    candidate = data.draw(st.integers(0, max(len(choices) - 1, 0)))
    if not choices:
        return
    truth = data.draw(st.permutations(range(m)))  # her full true order, longer than the form
    for size in range(cap + 1):
        for report in itertools.permutations(range(m), size):
            in_order = sorted(report, key=truth.index)
            results = []
            for listed in (list(report), in_order):
                reported = [*choices[:candidate], listed, *choices[candidate + 1 :]]
                got = run_deferred_acceptance(from_tables(reported, table, lottery, capacities))
                results.append(true_rank(truth, int(got.assignment[candidate])))
            assert results[1] <= results[0]


def test_with_a_cap_on_choices_listing_only_the_most_wanted_communes_can_hurt() -> None:
    # A likes communes 0, 1, 2 in that order, but may list only two. B and C outrank her at 0 and 1.
    # Listing her true top two leaves her with nothing; listing 0 then 2 gets her commune 2.
    table = np.array([[1, 1, 1], [5, 5, 0], [5, 5, 0]])
    top_two = from_tables([[0, 1], [0], [1]], table, [0, 1, 2], [1, 1, 1])
    safer = from_tables([[0, 2], [0], [1]], table, [0, 1, 2], [1, 1, 1])
    assert run_deferred_acceptance(top_two).assignment[0] == -1
    assert run_deferred_acceptance(safer).assignment[0] == 2


@settings(max_examples=60, deadline=None)
@given(small_markets(), st.data())
def test_listing_one_more_commune_never_hurts(market: tuple, data: st.DataObject) -> None:
    choices, table, lottery, capacities = market
    if not choices:
        return
    candidate = data.draw(st.integers(0, len(choices) - 1))
    unlisted = [c for c in range(len(capacities)) if c not in choices[candidate]]
    if not unlisted:
        return
    extra = data.draw(st.sampled_from(unlisted))
    longer = [*choices[:candidate], [*choices[candidate], extra], *choices[candidate + 1 :]]
    before = run_deferred_acceptance(from_tables(choices, table, lottery, capacities)).assignment[candidate]
    after = run_deferred_acceptance(from_tables(longer, table, lottery, capacities)).assignment[candidate]
    assert after == before or (before == -1 and after == extra)


# ------------------------------------------------------------------------------- check_guarantees fails


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Result]:
    """A scarce market: full communes with waiting lists, communes with room, a commune without places."""
    rng = np.random.default_rng(7)
    instance = random_instance(rng, 300, 12, 4, priority_levels=5, capacity_max=15)
    capacities = instance.capacities.copy()
    capacities[0] = 0
    capacities[1] = 200  # room for everybody who lists it
    instance = Instance(instance.preferences, instance.priorities, instance.lottery, capacities)
    result = run_deferred_acceptance(instance)
    assert check_guarantees(instance, result) == []
    assert result.is_full.sum() >= 3 and not result.is_full[1]
    return instance, result


def full_commune_with_waiting_list(result: Result) -> int:
    lengths = np.diff(result.waitlist_indptr)
    return int(np.flatnonzero(result.is_full & (result.admitted_count > 0) & (lengths >= 2))[0])


def with_changes(result: Result, **arrays: np.ndarray) -> Result:
    return dataclasses.replace(result, **arrays)


def test_check_flags_a_malformed_result(published: tuple[Instance, Result]) -> None:
    instance, result = published
    problems = check_guarantees(instance, with_changes(result, assignment=result.assignment[:-1]))
    assert kinds(problems) == {"structure"}


def test_check_flags_a_commune_the_candidate_did_not_list(published: tuple[Instance, Result]) -> None:
    instance, result = published
    assignment = result.assignment.copy()
    i = int(np.flatnonzero(result.assigned_rank == 0)[0])
    assignment[i] = next(c for c in range(instance.n_communes) if c not in instance.preferences[i])
    assert "unlisted" in kinds(check_guarantees(instance, with_changes(result, assignment=assignment)))


def test_check_flags_a_capacity_exceeded(published: tuple[Instance, Result]) -> None:
    instance, result = published
    c = full_commune_with_waiting_list(result)
    first = int(result.waitlist[result.waitlist_indptr[c]])
    assignment, rank = result.assignment.copy(), result.assigned_rank.copy()
    assignment[first], rank[first] = c, list(instance.preferences[first]).index(c)
    problems = check_guarantees(instance, with_changes(result, assignment=assignment, assigned_rank=rank))
    assert "capacity" in kinds(problems)


def test_check_flags_wrong_counts(published: tuple[Instance, Result]) -> None:
    instance, result = published
    is_full = result.is_full.copy()
    is_full[1] = True
    assert kinds(check_guarantees(instance, with_changes(result, is_full=is_full))) == {"count"}


def test_check_flags_a_wrong_cutoff(published: tuple[Instance, Result]) -> None:
    instance, result = published
    cutoff = result.cutoff_priority.copy()
    cutoff[full_commune_with_waiting_list(result)] += 1
    assert kinds(check_guarantees(instance, with_changes(result, cutoff_priority=cutoff))) == {"cutoff"}


def test_check_flags_a_blocking_pair(published: tuple[Instance, Result]) -> None:
    instance, result = published
    # Move someone admitted at her first choice to no place: her commune now has a free place she wants.
    i = int(np.flatnonzero(result.assigned_rank == 0)[0])
    assignment, rank, count = (
        result.assignment.copy(),
        result.assigned_rank.copy(),
        result.admitted_count.copy(),
    )
    count[assignment[i]] -= 1
    assignment[i], rank[i] = -1, -1
    problems = check_guarantees(
        instance, with_changes(result, assignment=assignment, assigned_rank=rank, admitted_count=count)
    )
    assert "stability" in kinds(problems)


def test_check_flags_a_stranger_on_a_waiting_list(published: tuple[Instance, Result]) -> None:
    instance, result = published
    c = full_commune_with_waiting_list(result)
    stranger = next(i for i in range(instance.n_candidates) if c not in instance.preferences[i])
    waitlist = np.insert(result.waitlist, result.waitlist_indptr[c + 1], stranger)
    indptr = result.waitlist_indptr + (np.arange(instance.n_communes + 1) > c)
    problems = check_guarantees(instance, with_changes(result, waitlist=waitlist, waitlist_indptr=indptr))
    assert "waitlist_membership" in kinds(problems)


def test_check_flags_a_refusal_missing_from_a_waiting_list(published: tuple[Instance, Result]) -> None:
    instance, result = published
    c = full_commune_with_waiting_list(result)
    waitlist = np.delete(result.waitlist, result.waitlist_indptr[c])
    indptr = result.waitlist_indptr - (np.arange(instance.n_communes + 1) > c)
    problems = check_guarantees(instance, with_changes(result, waitlist=waitlist, waitlist_indptr=indptr))
    assert kinds(problems) == {"waitlist_missing"}


def test_check_flags_a_waiting_list_out_of_order(published: tuple[Instance, Result]) -> None:
    instance, result = published
    c = full_commune_with_waiting_list(result)
    waitlist = result.waitlist.copy()
    j = result.waitlist_indptr[c]
    waitlist[[j, j + 1]] = waitlist[[j + 1, j]]
    assert kinds(check_guarantees(instance, with_changes(result, waitlist=waitlist))) == {"waitlist_order"}


def test_check_flags_a_waiting_list_at_a_commune_with_room(published: tuple[Instance, Result]) -> None:
    instance, result = published
    # Someone who listed commune 1 (which has room) below the commune she got: not refused by it.
    row = next(
        i
        for i in range(instance.n_candidates)
        if 1 in instance.preferences[i]
        and list(instance.preferences[i]).index(1) > result.assigned_rank[i] >= 0
    )
    waitlist = np.insert(result.waitlist, result.waitlist_indptr[2], row)
    indptr = result.waitlist_indptr + (np.arange(instance.n_communes + 1) > 1)
    problems = check_guarantees(instance, with_changes(result, waitlist=waitlist, waitlist_indptr=indptr))
    # She was not refused by commune 1 either: she never asked it.
    assert kinds(problems) == {"waitlist_not_full", "waitlist_membership"}


def test_check_flags_a_waiting_candidate_above_the_last_admitted() -> None:
    # A (priority 2) should have the only place; the corrupted result gives it to B and makes A wait.
    instance = build([[0], [0]], [1], priority=[2, 1])
    result = run_deferred_acceptance(instance)
    swapped = with_changes(
        result,
        assignment=np.array([-1, 0], dtype=np.int32),
        assigned_rank=np.array([-1, 0], dtype=np.int16),
        cutoff_priority=np.array([1]),
        cutoff_lottery=np.array([1], dtype=np.uint64),
        waitlist=np.array([0], dtype=np.int32),
    )
    assert kinds(check_guarantees(instance, swapped)) == {"stability", "waitlist_cutoff"}


def test_check_reports_counts_and_a_few_examples(published: tuple[Instance, Result]) -> None:
    instance, result = published
    empty = np.full(instance.n_candidates, -1)
    problems = check_guarantees(
        instance,
        with_changes(
            result,
            assignment=empty.astype(np.int32),
            assigned_rank=empty.astype(np.int16),
            admitted_count=np.zeros(instance.n_communes, np.int64),
        ),
    )
    stability = next(p for p in problems if p.kind == "stability")
    assert stability.count > len(stability.examples) == MAX_EXAMPLES
    # A commune with a free place she asked for: no other candidate is named.
    assert all(set(example) == {"candidate", "commune", "choice"} for example in stability.examples)
    # Stored as JSON in the run and read back the same.
    assert Problem.from_json(stability.as_json()) == stability
