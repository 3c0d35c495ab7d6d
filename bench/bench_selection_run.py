"""The national preselection, end to end, on PostgreSQL: the demo's 488,321 candidates (`generate_demo --scale 1`).

Run from the repository root:

  .venv/bin/python bench/bench_selection_run.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_selection

--fresh creates the database anew and fills it (`migrate`, `load_territory` with the reference centroids when
they are found, `generate_demo --scale 1 --seed 2024`, VACUUM ANALYZE); without it the data is reused (a published
run is deleted first, with its decisions, and the statuses put back). --drop drops the database at the end.

Measures, in one process:
1. the whole run as `manage.py run_selection --publish` does it: create, compute (read the inputs from the
   database, freeze them, score, allocate, check, write the report) and publish (check the digests of the run
   with the computation just made, as the command does, then write the 488,321 decisions in one transaction);
   process max RSS;
2. `verify_selection` on the published run (best of 3), and where its time goes;
3. the engine alone on this national instance (best of 3, tracemalloc peak) and check_guarantees;
4. the `matching` package on random 10,000- and 50,000-candidate sub-instances of it (bench_engine.sub_instance:
   capacities scaled to keep the national over-subscription), as ratios to the engine on the same sub-instance.
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_candidate_pages import drop_database, recreate_database  # noqa: E402
from bench_engine import max_rss_mib, solve_with_matching, sub_instance, timed, traced_peak  # noqa: E402

SEED = "bench: tirage public du 1er mars 2024"
CENTROIDS = REPO.parent / "shared" / "data" / "territory" / "communes.csv"


def fill() -> None:
    from django.core.management import call_command
    from django.db import connection

    territory = ["load_territory"] + ([] if CENTROIDS.is_file() else ["--no-centroids"])
    for label, args in (
        ("migrate", ["migrate"]),
        (" ".join(territory), territory),
        ("generate_demo --scale 1 --seed 2024", ["generate_demo", "--scale", "1", "--seed", "2024"]),
    ):
        started = time.perf_counter()
        call_command(*args, verbosity=0)
        print(f"-- {label}: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def forget_runs(campaign) -> None:
    """Put the data back as before any run, so that the bench can be repeated on the same database."""
    from bawaba.campaigns.models import Application
    from bawaba.selection.inputs import SELECTABLE_STATUSES
    from bawaba.selection.models import SelectionRun

    Application.objects.filter(campaign=campaign, status__in=SELECTABLE_STATUSES).update(
        status=Application.Status.SUBMITTED
    )
    for run in SelectionRun.objects.filter(campaign=campaign).defer("frozen_inputs"):
        run.decisions.all().delete()
        run.commune_results.all().delete()
        run.delete()
    # A real publication writes into an empty decision table; the bench's earlier runs leave dead rows behind.
    from django.db import connection

    from bawaba.selection.models import SelectionCommuneResult, SelectionDecision

    with connection.cursor() as cursor:
        for model in (SelectionDecision, SelectionCommuneResult, SelectionRun):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def measure_verification_phases(run) -> None:
    """Where verify_selection's time goes: thawing and recomputing, reading the decisions, comparing them."""
    from bawaba.selection import frozen
    from bawaba.selection.services import comparison, computation

    started = time.perf_counter()
    recomputed = computation.recompute(frozen.thaw(bytes(run.frozen_inputs)))
    columns = computation.decision_columns(recomputed)
    recomputed_at = time.perf_counter()
    stored = comparison.read_decisions(run)
    read_at = time.perf_counter()
    differences, _count = comparison.compare_decisions(columns, stored)
    compared_at = time.perf_counter()
    report = comparison.compare_report(
        run, computation.report_lines(recomputed), computation.summary_as_stored(recomputed), run.seed
    )
    finished = time.perf_counter()
    assert not differences and not report
    print(f"|   thaw, recompute, decision columns | {recomputed_at - started:.2f} |")
    print(
        f"|   read the {stored.integers.shape[0]:,} decisions (one aggregate query) | {read_at - recomputed_at:.2f} |"
    )
    print(f"|   compare every field | {compared_at - read_at:.2f} |")
    print(f"|   compare the report's lines and totals | {finished - compared_at:.2f} |")


def describe_machine(database_url: str) -> None:
    """The line every national benchmark opens with: what it ran on."""
    import numpy as np

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, PostgreSQL at {database_url}"
    )


def on_national_data(args, measure) -> None:
    """Set Django up on `args.database_url` (created and filled with the national demo first if `args.fresh`),
    call `measure(args)`, and drop the database afterwards if `args.drop`: the frame of the national benchmarks."""
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("BAWABA_LOCAL", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.fresh:
        recreate_database(args.database_url)
    import django

    django.setup()
    try:
        if args.fresh:
            fill()
        measure(args)
    finally:
        if args.drop:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_selection",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--matching-sizes", default="10000,50000", help="comma-separated sub-instance sizes")
    parser.add_argument(
        "--matching-timeout", type=float, default=3600.0, help="seconds allowed per matching run"
    )
    args = parser.parse_args()

    on_national_data(args, measure)


def measure(args) -> None:

    from bawaba.demo.selectors import demo_campaign
    from bawaba.selection import engine, frozen, guarantees, services
    from bawaba.selection.models import SelectionRun

    campaign = demo_campaign()
    forget_runs(campaign)
    describe_machine(args.database_url)

    rss_before = max_rss_mib()
    started = time.perf_counter()
    run = services.create_run(campaign=campaign, seed=SEED)
    run = services.compute_run(run_id=run.pk)
    computed_at = time.perf_counter()
    run = services.publish_run(run=run, computation=run.computation)
    finished = time.perf_counter()
    rss_after = max_rss_mib()
    assert run.status == SelectionRun.Status.PUBLISHED, run.status
    totals = run.summary["totals"]
    print(
        f"run {run.pk}: {totals['candidates']:,} candidates, {totals['eligible']:,} eligible, "
        f"{totals['admitted']:,} admitted ({totals['fallback_admitted']:,} through the province fallback), "
        f"{totals['places']:,} places for {totals['needs']:,} needs; {totals['rounds']} rounds"
    )
    print(f"input digest {run.input_digest}\noutput digest {run.output_digest}")
    print(f"frozen inputs: {len(run.frozen_inputs) / 2**20:.1f} MiB")
    print()
    print("| phase | seconds |")
    print("|---|---:|")
    for phase, seconds in run.timings.items():
        print(f"| {phase} | {seconds:.2f} |")
    print(f"| **compute (dry run), wall** | **{computed_at - started:.2f}** |")
    print(f"| **publish, wall** | **{finished - computed_at:.2f}** |")
    print(f"| **whole run (compute + publish), wall** | **{finished - started:.2f}** |")
    print(f"| process max RSS before / after | {rss_before:.0f} / {rss_after:.0f} MiB |")

    verify_times = []
    for _ in range(3):
        began = time.perf_counter()
        verification = services.verify_run(run=run)
        verify_times.append(time.perf_counter() - began)
        assert verification.ok, [str(line) for line in verification.lines]
    print(
        f"| verify_selection, best of 3 (every field of every decision, report lines, totals) | {min(verify_times):.2f} |"
    )
    measure_verification_phases(run)

    computation = services.recompute(frozen.thaw(bytes(run.frozen_inputs)))
    instance = computation.prepared.instance
    engine_times, result = timed(lambda: engine.run_deferred_acceptance(instance), repeat=3)
    peak = traced_peak(lambda: engine.run_deferred_acceptance(instance))
    check_times, problems = timed(lambda: guarantees.check_guarantees(instance, result), repeat=1)
    assert problems == [], problems
    print()
    print("| engine on the national demo instance | value |")
    print("|---|---|")
    print(
        f"| candidates × width of the lists | {instance.n_candidates:,} × {instance.preferences.shape[1]} |"
    )
    print(f"| engine, best of 3 | {min(engine_times) * 1e3:.0f} ms |")
    print(f"| engine peak memory (tracemalloc) | {peak / 2**20:.0f} MiB |")
    print(f"| check_guarantees | {check_times[0] * 1e3:.0f} ms |")

    print()
    print("| candidates | places | engine (best of 5) | matching (build + solve) | ratio | same assignment |")
    print("|---|---:|---:|---:|---:|---|")
    for size in [int(s) for s in args.matching_sizes.split(",") if s]:
        sub = sub_instance(instance, size, seed=size)
        sub_times, sub_result = timed(lambda sub=sub: engine.run_deferred_acceptance(sub), repeat=5)
        engine_s = min(sub_times)
        outcome = solve_with_matching(sub, timeout=args.matching_timeout)
        if outcome is None:
            print(
                f"| {size:,} | {int(sub.capacities.sum()):,} | {engine_s * 1e3:.1f} ms | stopped | | |",
                flush=True,
            )
            continue
        reference, build_s, solve_s = outcome
        same = bool((reference == sub_result.assignment).all())
        print(
            f"| {size:,} | {int(sub.capacities.sum()):,} | {engine_s * 1e3:.1f} ms | {build_s + solve_s:.1f} s "
            f"| {(build_s + solve_s) / engine_s:,.0f}× | {'yes' if same else 'NO'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
