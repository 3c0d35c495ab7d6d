"""The reply deadline applied at national scale, on PostgreSQL: the silent third of the national preselection's
admitted candidates released for no answer, then the promotion round that gives their places away.

Run from the repository root:

  .venv/bin/python bench/bench_reply_deadline.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_replies

--fresh creates the database anew and fills it as bench_selection_run.py does; without it the data is reused.
Each repetition puts the data back as before any run (bench_selection_run.forget_runs, the rounds, releases and
replies), publishes the national run (not timed), records an acceptance for a seeded draw of two thirds of the
admitted (in bulk, not timed), sets the campaign's reply deadline a day back with "no answer counts as declining",
then times `apply_reply_deadline` (one transaction: the silent found by one query, their "no reply" answers and
releases written in bulk, their decisions marked, then `run_promotion_round`), and a second call, which must
change nothing; then the key figures of the staff overview, national (`reply_figures`: one grouped query over the
run's decisions and the replies). Prints Markdown for docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_engine import max_rss_mib  # noqa: E402
from bench_promotion import cpu_seconds, forget_rounds, publish, server_process  # noqa: E402
from bench_selection_run import describe_machine, forget_runs, on_national_data  # noqa: E402

ACCEPTED_SHARE = 2 / 3
PHASES = ("find_silent", "write_answers", "release_places", "promotion_round")


def forget_replies(campaign) -> None:
    from bawaba.training.models import TrainingReply, TrainingSettings

    TrainingReply.objects.filter(application__campaign=campaign).delete()
    TrainingSettings.objects.filter(campaign=campaign).delete()


def accept_some(run, share: float, seed: int) -> int:
    """A seeded draw of `share` of the admitted accept their place (the rows accept_place writes, in bulk)."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from bawaba.core.bulk import BulkWriter
    from bawaba.selection.models import SelectionDecision
    from bawaba.training.models import TrainingReply

    admitted = np.array(
        sorted(
            SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED).values_list(
                "application_id", flat=True
            )
        ),
        dtype=np.int64,
    )
    count = int(admitted.shape[0] * share)
    chosen = np.sort(np.random.default_rng(seed).choice(admitted, size=count, replace=False))
    now = np.datetime64(timezone.now().replace(tzinfo=None), "s")
    with transaction.atomic():
        BulkWriter(connection).insert(
            TrainingReply,
            {"application": chosen, "answer": "accepted", "answered_at": np.full(count, now)},
            rows=count,
        )
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_replies",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--repeat", type=int, default=2, help="deadlines applied, each on a fresh publication"
    )
    args = parser.parse_args()

    on_national_data(args, measure)


def measure(args) -> None:
    from django.utils import timezone

    from bawaba.accounts.scopes import Scope
    from bawaba.demo.selectors import demo_campaign
    from bawaba.selection.models import SelectionDecision
    from bawaba.training.models import TrainingSettings
    from bawaba.training.services.replies import apply_reply_deadline
    from bawaba.training.staff.overview.selectors import reply_figures

    campaign = demo_campaign()
    describe_machine(args.database_url)
    print()
    print(
        "| repetition | admitted | accepted | **released for no answer** | **apply_reply_deadline, wall s** "
        "| CPU s (process + PostgreSQL backend) | find the silent s | write their answers s | release their places s "
        "| promotion round s | lock, checks and commit s | promotions | second call s | overview's figures s | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for repetition in range(1, args.repeat + 1):
        forget_replies(campaign)
        forget_rounds(campaign)
        forget_runs(campaign)
        run = publish(campaign)
        admitted = SelectionDecision.objects.filter(
            run=run, outcome=SelectionDecision.Outcome.ADMITTED
        ).count()
        accepted = accept_some(run, ACCEPTED_SHARE, seed=repetition)
        TrainingSettings.objects.create(
            campaign=campaign, reply_deadline=timezone.now() - dt.timedelta(days=1), no_reply_declines=True
        )
        backend = server_process()
        cpu_before = time.process_time() + cpu_seconds(backend)
        started = time.perf_counter()
        applied = apply_reply_deadline(campaign=campaign, actor=None)
        wall = time.perf_counter() - started
        cpu = time.process_time() + cpu_seconds(backend) - cpu_before
        promotion_round = applied.promotion_round
        assert promotion_round is not None
        began = time.perf_counter()
        again = apply_reply_deadline(campaign=campaign, actor=None)
        second = time.perf_counter() - began
        assert again.released == 0 and again.promotion_round is None
        phases = [applied.timings.get(phase, 0.0) for phase in PHASES]
        began = time.perf_counter()
        figures = reply_figures(run, Scope(national=True))
        figures_seconds = time.perf_counter() - began
        assert figures.released_no_reply == applied.released
        print(
            f"| {repetition} | {admitted:,} | {accepted:,} | **{applied.released:,}** | **{wall:.2f}** | {cpu:.2f} "
            + "".join(f"| {seconds:.2f} " for seconds in phases)
            + f"| {wall - sum(phases):.2f} | {promotion_round.summary['promotions']:,} | {second:.2f} "
            f"| {figures_seconds:.2f} | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    print()
    print(f"process max RSS {max_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
