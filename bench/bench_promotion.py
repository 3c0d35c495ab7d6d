"""A waiting-list promotion round at national scale, on PostgreSQL: 10,000 declines after the national preselection.

Run from the repository root:

  .venv/bin/python bench/bench_promotion.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_promotion

--fresh creates the database anew and fills it as bench_selection_run.py does (`migrate`, `load_territory`,
`generate_demo --scale 1 --seed 2024`, VACUUM ANALYZE); without it the data is reused. Each repetition puts the
data back as before any run (bench_selection_run.forget_runs, and the rounds and releases), computes and publishes
the national run (not timed), then releases 10,000 admitted candidates chosen by a seeded draw, as declines (the
records `decline_place` writes, in bulk: the bench measures the round, not 10,000 requests), and times
`run_promotion_round` (one transaction: read the run's engine instance stored at publication and check it against
the run's digests by re-running its allocation ("instance", "allocate_run"; "recompute" from the frozen inputs
where there is none), re-run the allocation without the released, find who left each waiting list, write the round, its promotions and commune figures with those
departures, update the decisions of the promoted and the released, and the training's invitations), then
`verify_selection` of the run with its round. Besides the wall time it prints the CPU seconds the round used, in
this process and in its PostgreSQL backend (read from /proc: the server runs on the same machine), which do not
depend on what else the shared machine is running, and the load average. Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_engine import max_rss_mib  # noqa: E402
from bench_selection_run import SEED, describe_machine, forget_runs, on_national_data  # noqa: E402

DECLINES = 10_000


def forget_rounds(campaign) -> None:
    from bawaba.selection.models import PlaceRelease, PromotionRound

    PlaceRelease.objects.filter(run__campaign=campaign).delete()
    PromotionRound.objects.filter(run__campaign=campaign).delete()


def publish(campaign):
    from bawaba.selection import services

    run = services.create_run(campaign=campaign, seed=SEED)
    run = services.compute_run(run_id=run.pk)
    return services.publish_run(run=run, computation=run.computation)


def decline(run, count: int, seed: int) -> list[int]:
    """`count` admitted candidates decline, as decline_place records it (a release, her decision marked)."""
    import numpy as np

    from bawaba.selection.models import PlaceRelease, SelectionDecision
    from bawaba.selection.services.promotion import _mark_released

    admitted = np.array(
        sorted(
            SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED).values_list(
                "application_id", flat=True
            )
        )
    )
    chosen = np.sort(np.random.default_rng(seed).choice(admitted, size=count, replace=False)).tolist()
    PlaceRelease.objects.bulk_create(
        [PlaceRelease(run=run, application_id=i, reason=PlaceRelease.Reason.DECLINED) for i in chosen],
        batch_size=2000,
    )
    _mark_released(run, chosen)
    return chosen


def server_process() -> int:
    """The PostgreSQL backend serving this process's connection (same machine: its CPU time is in /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process of this machine, from /proc (0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_promotion",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=3, help="rounds measured, each on a fresh publication")
    args = parser.parse_args()

    on_national_data(args, measure)


def measure(args) -> None:

    from bawaba.demo.selectors import demo_campaign
    from bawaba.selection import services

    campaign = demo_campaign()
    describe_machine(args.database_url)
    phases = (
        "releases",
        "instance",
        "allocate_run",
        "recompute",
        "promote",
        "departures",
        "write_round",
        "decisions",
        "receivers",
    )
    print()
    print(
        f"| repetition | **round, wall s** | CPU s (process + PostgreSQL backend) | load average | {' | '.join(phases)} "
        "| rest (audit, commit) | promotions (from waiting / moved up) | decisions rewritten | departures "
        "| verify_selection s |"
    )
    print("|---|---:|---:|---:|" + "---:|" * len(phases) + "---:|---|---:|---:|---:|")
    for repetition in range(1, args.repeat + 1):
        forget_rounds(campaign)
        forget_runs(campaign)
        run = publish(campaign)
        decline(run, DECLINES, seed=repetition)
        backend = server_process()
        cpu_before = time.process_time() + cpu_seconds(backend)
        started = time.perf_counter()
        promotion_round = services.run_promotion_round(campaign=campaign, actor=None)
        wall = time.perf_counter() - started
        cpu = time.process_time() + cpu_seconds(backend) - cpu_before
        load = os.getloadavg()[0]
        began = time.perf_counter()
        run.refresh_from_db()
        verification = services.verify_run(run=run)
        verified = time.perf_counter() - began
        assert verification.ok, [str(line) for line in verification.lines]
        summary, timings = promotion_round.summary, promotion_round.timings
        print(
            f"| {repetition} | **{wall:.2f}** | {cpu:.2f} | {load:.1f} | "
            + " | ".join(f"{timings.get(phase, 0):.2f}" for phase in phases)
            + f" | {wall - sum(timings.get(phase, 0) for phase in phases):.2f}"
            + f" | {summary['promotions']:,} ({summary['from_waiting']:,} / {summary['moved_up']:,}) "
            f"| {summary['decisions_rewritten']:,} | {summary['waitlist_departures']:,} | {verified:.2f} |",
            flush=True,
        )
    print()
    print(
        f"places released per round: {summary['places_released']:,}; process max RSS {max_rss_mib():.0f} MiB"
    )
    print(f"round {promotion_round.number}: input digest {promotion_round.input_digest}")
    print(f"output digest {promotion_round.output_digest}")


if __name__ == "__main__":
    main()
