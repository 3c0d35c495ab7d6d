"""Benchmark of the selection engine on a synthetic national instance.

Run from the repository root:  .venv/bin/python bench/bench_engine.py  [--quick] [--matching-sizes 10000,20000,50000]

Prints a Markdown table: engine time (best of 3 and median), rounds, peak memory, check_guarantees time, and
the independent `matching` package on random sub-instances with the time ratio. The instance is generated
with a fixed NumPy seed, so every run measures the same input (its digest is printed).
"""

import argparse
import gc
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bawaba.selection.engine import (  # noqa: E402
    Instance,
    Result,
    digest_instance,
    digest_result,
    lottery_numbers,
    run_deferred_acceptance,
)
from bawaba.selection.guarantees import check_guarantees  # noqa: E402

N_CANDIDATES = 488_321
N_COMMUNES = 1_503
N_PROVINCES = 75
TOTAL_PLACES = 200_000
MAX_CHOICES = 5
# Share of candidates listing 1..5 communes: about 4.1 choices on average, ~2 million choices in all.
CHOICE_COUNT_SHARE = [0.08, 0.07, 0.10, 0.15, 0.60]
MATCHING_TIME_LIMIT_S = 600.0


def make_national_instance(
    *, n: int = N_CANDIDATES, m: int = N_COMMUNES, places: int = TOTAL_PLACES, seed: int = 20240901
) -> tuple[Instance, np.ndarray]:
    """A synthetic census-like instance, and the candidates' application ids.

    Communes are grouped into provinces of uneven size and have a skewed "population" weight. A candidate
    lives in a province chosen by population and a commune of it; her first choice is often her home
    commune, most further choices are in her province, a few anywhere. Capacities follow needs (flatter than
    population) with log-normal noise and sum to exactly `places`; a few communes have none. Priorities are a coarse
    integer score (many ties) plus a residence bonus at the home commune.
    """
    rng = np.random.default_rng(seed)
    province_of = np.sort(rng.integers(0, N_PROVINCES, m))
    province_of[:N_PROVINCES] = np.arange(N_PROVINCES)  # every province has a commune
    province_of.sort()
    province_start = np.searchsorted(province_of, np.arange(N_PROVINCES + 1))
    weight = rng.lognormal(mean=0.0, sigma=1.2, size=m)
    cumulative = np.concatenate(([0.0], np.cumsum(weight)))

    def draw_in(province: np.ndarray) -> np.ndarray:
        low = cumulative[province_start[province]]
        high = cumulative[province_start[province + 1]]
        picked = (
            np.searchsorted(cumulative, low + rng.random(province.shape) * (high - low), side="right") - 1
        )
        return np.clip(picked, province_start[province], province_start[province + 1] - 1)

    province_weight = np.add.reduceat(weight, province_start[:-1])
    home_province = rng.choice(N_PROVINCES, size=n, p=province_weight / province_weight.sum())
    home = draw_in(home_province)

    draws = 8  # draw more than needed, drop repeats, keep the first ones
    choice = np.empty((n, draws), dtype=np.int64)
    choice[:, 0] = np.where(rng.random(n) < 0.6, home, draw_in(home_province))
    for j in range(1, draws):
        anywhere = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right") - 1
        choice[:, j] = np.where(rng.random(n) < 0.85, draw_in(home_province), np.clip(anywhere, 0, m - 1))
    repeat = np.zeros((n, draws), dtype=bool)
    for j in range(1, draws):
        repeat[:, j] = (choice[:, :j] == choice[:, j : j + 1]).any(axis=1)
    keep_order = np.argsort(repeat, axis=1, kind="stable")
    choice = np.take_along_axis(choice, keep_order, axis=1)[:, :MAX_CHOICES]
    unique = np.take_along_axis(~repeat, keep_order, axis=1)[:, :MAX_CHOICES]
    wanted = rng.choice(MAX_CHOICES, size=n, p=CHOICE_COUNT_SHARE) + 1
    listed = unique & (np.arange(MAX_CHOICES)[None, :] < wanted[:, None])
    preferences = np.where(listed, choice, -1).astype(np.int32)

    score = (
        10 * rng.integers(0, 5, n)  # category
        + 5 * rng.integers(0, 5, n)  # education
        + 5 * rng.integers(0, 3, n)  # survey experience
        + 3 * rng.integers(0, 3, n)  # ICT
        + 2 * rng.integers(0, 4, n)  # languages
    )
    priorities = np.where(listed, score[:, None] + 5 * (preferences == home[:, None]), 0).astype(np.int64)

    # Needs follow households, which are spread more evenly than candidates (weight ** 0.4), with noise:
    # small rural communes get relatively many places, and some get fewer candidates than places.
    share = weight**0.4 * rng.lognormal(0.0, 0.8, m)
    share[rng.random(m) < 0.01] = 0.0  # communes without needs at this stage
    capacities = apportion(share, places)

    application_ids = 100_000 + rng.permutation(n)  # ids are not in candidate order in real data
    lottery = lottery_numbers("bench", application_ids)
    return Instance(preferences, priorities, lottery, capacities), application_ids


def apportion(share: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `share` that sum exactly to `total` (largest remainder)."""
    exact = share * (total / share.sum())
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[: total - int(counts.sum())]] += 1
    return counts


def sub_instance(instance: Instance, size: int, seed: int) -> Instance:
    """A random subset of candidates (same lottery numbers), capacities scaled by size / n.

    Largest-remainder rounding keeps the total at size / n of the national one, so the sub-instance is as
    over-subscribed as the national instance.
    """
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(instance.n_candidates, size=size, replace=False))
    places = round(int(instance.capacities.sum()) * size / instance.n_candidates)
    capacities = apportion(instance.capacities.astype(np.float64), places)
    return Instance(
        instance.preferences[chosen], instance.priorities[chosen], instance.lottery[chosen], capacities
    )


def timed(function: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, value = [], None
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - began)
    return times, value


def traced_peak(function: Callable[[], object]) -> int:
    """Peak bytes allocated while `function` runs (NumPy reports its buffers to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _solve_with_matching(instance: Instance) -> tuple[np.ndarray, float, float]:
    """The `matching` package's resident-optimal HR solution; (assignment, build seconds, solve seconds).

    Hospitals rank exactly the candidates who listed them, in the commune's order. Communes with no place
    are left out (the package cannot hold a capacity of 0); candidates with no other choice are left out.
    """
    from matching.games import HospitalResident  # imported here: it changes the global warning filters

    preferences, priorities, lottery = instance.preferences, instance.priorities, instance.lottery
    capacity = instance.capacities
    resident_prefs: dict[int, list[int]] = {}
    applicants: dict[int, list[tuple[int, int, int]]] = {}
    for i, (row, row_priority) in enumerate(zip(preferences.tolist(), priorities.tolist(), strict=True)):
        chosen = [(c, p) for c, p in zip(row, row_priority, strict=True) if c >= 0 and capacity[c] > 0]
        if chosen:
            resident_prefs[i] = [c for c, _ in chosen]
            for c, p in chosen:
                applicants.setdefault(c, []).append((-p, int(lottery[i]), i))
    hospital_prefs = {c: [i for *_, i in sorted(rows)] for c, rows in applicants.items()}
    capacities = {c: int(capacity[c]) for c in hospital_prefs}
    timings: list[float] = []
    solved: dict = {}

    def solve() -> None:
        began = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            built = time.perf_counter()
            solved.update(game.solve(optimal="resident"))
        timings.extend([built - began, time.perf_counter() - built])

    # The package deep-copies its player graph recursively: past a few thousand candidates that needs a
    # deeper Python stack than the main thread has.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 2**20)
    worker = threading.Thread(target=solve)
    worker.start()
    worker.join()
    if not timings:
        raise RuntimeError("the matching package failed; see the traceback above")
    assignment = np.full(instance.n_candidates, -1, dtype=np.int64)
    for hospital, residents in solved.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    return assignment, timings[0], timings[1]


def _matching_child(instance: Instance, connection: Connection) -> None:
    connection.send(_solve_with_matching(instance))
    connection.close()


def solve_with_matching(instance: Instance, timeout: float) -> tuple[np.ndarray, float, float] | None:
    """Run the `matching` package in a child process; None if it takes longer than `timeout` seconds."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_matching_child, args=(instance, sender))
    child.start()
    sender.close()
    if not receiver.poll(timeout):
        child.terminate()
        child.join()
        return None
    outcome = receiver.recv()
    child.join()
    return outcome


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 candidates, no matching comparison")
    parser.add_argument(
        "--matching-sizes", default="10000,20000,50000", help="comma-separated sub-instance sizes"
    )
    parser.add_argument(
        "--matching-timeout",
        type=float,
        default=MATCHING_TIME_LIMIT_S,
        help="seconds allowed per matching run",
    )
    args = parser.parse_args()

    n = 50_000 if args.quick else N_CANDIDATES
    m = N_COMMUNES
    began = time.perf_counter()
    instance, _ = make_national_instance(n=n, m=m, places=round(TOTAL_PLACES * n / N_CANDIDATES))
    generated = time.perf_counter() - began
    n_pairs = int(np.count_nonzero(instance.preferences >= 0))
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )
    print(
        f"instance: {n:,} candidates, {m:,} communes, {n_pairs:,} choices, "
        f"{int(instance.capacities.sum()):,} places; generated in {generated:.1f} s"
    )
    print(f"instance digest: {digest_instance(instance)}")

    rss_before = max_rss_mib()
    engine_times, result = timed(lambda: run_deferred_acceptance(instance), repeat=3)
    assert isinstance(result, Result)
    rss_after = max_rss_mib()
    engine_peak = traced_peak(lambda: run_deferred_acceptance(instance))
    check_times, problems = timed(lambda: check_guarantees(instance, result), repeat=3)
    check_peak = traced_peak(lambda: check_guarantees(instance, result))
    build_times, _ = timed(
        lambda: Instance(instance.preferences, instance.priorities, instance.lottery, instance.capacities), 3
    )
    assert problems == [], problems
    assigned = int((result.assignment >= 0).sum())
    print(f"result digest: {digest_result(result)}")
    short = ~result.is_full
    unfilled = int((instance.capacities - result.admitted_count)[short].sum())
    print(
        f"admitted: {assigned:,} ({int((result.assigned_rank == 0).sum()):,} at their first choice); "
        f"full communes: {int(result.is_full.sum()):,}; communes short of candidates: {int(short.sum()):,} "
        f"({unfilled:,} places unfilled); waiting-list entries: {result.waitlist.shape[0]:,}"
    )
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| engine, best of 3 | {min(engine_times) * 1e3:.0f} ms |")
    print(f"| engine, median of 3 | {statistics.median(engine_times) * 1e3:.0f} ms |")
    print(f"| rounds | {result.rounds} |")
    print(f"| engine peak memory (tracemalloc) | {engine_peak / 2**20:.0f} MiB |")
    print(f"| process max RSS before / after the engine | {rss_before:.0f} / {rss_after:.0f} MiB |")
    print(f"| check_guarantees, best of 3 | {min(check_times) * 1e3:.0f} ms |")
    print(f"| check_guarantees peak memory (tracemalloc) | {check_peak / 2**20:.0f} MiB |")
    print(f"| Instance() validation and copy, best of 3 | {min(build_times) * 1e3:.0f} ms |")
    print(f"| digest_result | {timed(lambda: digest_result(result), 1)[0][0] * 1e3:.0f} ms |")

    if args.quick:
        return
    print()
    print(
        "| candidates | places | engine (best of 5) | matching: build | matching: solve | matching total "
        "| ratio total / engine | ratio solve / engine | same assignment |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in [int(s) for s in args.matching_sizes.split(",")]:
        sub = sub_instance(instance, size, seed=size)
        sub_times, sub_result = timed(lambda sub=sub: run_deferred_acceptance(sub), repeat=5)
        assert isinstance(sub_result, Result)
        engine_s = min(sub_times)
        outcome = solve_with_matching(sub, timeout=args.matching_timeout)
        if outcome is None:
            print(
                f"| {size:,} | {int(sub.capacities.sum()):,} | {engine_s * 1e3:.1f} ms "
                f"| stopped after {args.matching_timeout:.0f} s | | | > {args.matching_timeout / engine_s:,.0f}× "
                "| | |",
                flush=True,
            )
            continue
        reference, build_s, solve_s = outcome
        same = bool((reference == sub_result.assignment).all())
        total = build_s + solve_s
        print(
            f"| {size:,} | {int(sub.capacities.sum()):,} | {engine_s * 1e3:.1f} ms | {build_s:.1f} s "
            f"| {solve_s:.1f} s | {total:.1f} s | {total / engine_s:,.0f}× | {solve_s / engine_s:,.0f}× "
            f"| {'yes' if same else 'NO'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
