"""A 200,000-line progress import at national scale, on PostgreSQL: first import, the same file again, a newer one.

Run from the repository root:

  .venv/bin/python bench/bench_progress_import.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_progress_bench

--fresh creates the database anew and fills it as bench_selection_run.py does (`migrate`, `load_territory`,
`generate_demo --scale 1 --seed 2024`, VACUUM ANALYZE); without it the data is reused. The national preselection
is computed and published once (not timed) if none is; then every admitted candidate has a training account
(created here where publication did not issue one) handed over to the platform, and as many waiting candidates
as it takes to reach 200,000 accounts. A seeded report of those 200,000 (about 80 % started) is written with
progress_csv.write_progress_file, then three imports are timed, each `import_progress` as the staff page and the
command call it (parse, check every username, one transaction: COPY into a temporary table and one INSERT … ON
CONFLICT DO UPDATE … WHERE the values differ): the first (every row inserted), the same file again (nothing
changes), and a report where one line in ten changed. The progress rows are deleted before each repetition.
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_selection_run import SEED, describe_machine, on_national_data  # noqa: E402

LINES = 200_000


def published(campaign):
    from bawaba.selection import services
    from bawaba.selection.models import SelectionRun
    from bawaba.selection.selectors import published_run

    run = published_run(campaign, SelectionRun.Stage.PRESELECTION)
    if run is None:
        run = services.create_run(campaign=campaign, seed=SEED)
        run = services.compute_run(run_id=run.pk)
        run = services.publish_run(run=run, computation=run.computation)
    return run


def accounts_for(run, count: int) -> list:
    """`count` handed-over accounts: the admitted first, then waiting candidates; created where missing."""
    from django.db import transaction
    from django.utils import timezone

    from bawaba.selection.models import SelectionDecision
    from bawaba.training.models import TrainingAccount

    Outcome = SelectionDecision.Outcome
    order = {Outcome.ADMITTED: 0, Outcome.WAITLISTED: 1}
    decisions = sorted(
        SelectionDecision.objects.filter(run=run, outcome__in=list(order)).values_list(
            "application_id", "outcome", "application__user__email"
        ),
        key=lambda row: (order[row[1]], row[0]),
    )[:count]
    existing = set(
        TrainingAccount.objects.filter(campaign=run.campaign).values_list("application_id", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        TrainingAccount.objects.bulk_create(
            [
                TrainingAccount(
                    campaign=run.campaign,
                    application_id=application_id,
                    username=email,
                    password_issued_at=now,
                    exported_at=now,
                )
                for application_id, _outcome, email in decisions
                if application_id not in existing
            ],
            batch_size=5000,
        )
        TrainingAccount.objects.filter(campaign=run.campaign, exported_at__isnull=True).update(
            exported_at=now
        )
    wanted = [application_id for application_id, _o, _e in decisions]
    return list(
        TrainingAccount.objects.filter(application_id__in=wanted)
        .only("pk", "username")
        .order_by("application_id")
    )


def report(accounts, *, seed: int, changed_every: int = 0) -> bytes:
    from bawaba.training.progress_csv import ProgressLine, write_progress_file

    start = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    lines = []
    for number, account in enumerate(accounts, start=2):
        draw = random.Random(f"{seed}:{account.pk}")  # noqa: S311 - bench data
        if draw.random() >= 0.8:
            lines.append(ProgressLine(number, account.username, None, 0, None, None))
            continue
        first = start + dt.timedelta(minutes=draw.randint(0, 60 * 24 * 10))
        percent = draw.randint(1, 100)
        if changed_every and number % changed_every == 0:
            percent = 100 if percent < 100 else 99
        grade = Decimal(draw.randint(0, 2000)) / 100 if percent == 100 else None
        lines.append(
            ProgressLine(
                number,
                account.username,
                first,
                percent,
                grade,
                first + dt.timedelta(hours=draw.randint(1, 99)),
            )
        )
    return write_progress_file(lines)


def measure(args) -> None:
    from bawaba.demo.selectors import demo_campaign
    from bawaba.training.models import TrainingProgress
    from bawaba.training.services.progress import import_progress

    campaign = demo_campaign()
    describe_machine(args.database_url)
    run = published(campaign)
    accounts = accounts_for(run, LINES)
    first_file = report(accounts, seed=2024)
    newer_file = report(accounts, seed=2024, changed_every=10)
    print(f"lines: {len(accounts):,}, file: {len(first_file) / 1e6:.1f} MB")
    print()
    phases = ("parse", "usernames", "copy", "insert_on_conflict")
    print(
        "| repetition | import | **wall s** | rows changed | "
        + " | ".join(phases)
        + " | rest (lock, record, audit, commit) | load average |"
    )
    print("|---|---|---:|---:|" + "---:|" * len(phases) + "---:|---:|")
    for repetition in range(1, args.repeat + 1):
        TrainingProgress.objects.filter(account__campaign=campaign).delete()
        names = ("first", "same file again", "one line in ten changed")
        for name, data in zip(names, (first_file, first_file, newer_file), strict=True):
            timings: dict[str, float] = {}
            started = time.perf_counter()
            result = import_progress(
                campaign=campaign, data=data, filename="bench.csv", actor=None, timings=timings
            )
            elapsed = time.perf_counter() - started
            assert result.status == "applied", result.errors[:3]
            if name == "first":
                assert result.changed_count == len(accounts)
            if name == "same file again":
                assert result.changed_count == 0
            print(
                f"| {repetition} | {name} | **{elapsed:.2f}** | {result.changed_count:,} | "
                + " | ".join(f"{timings.get(phase, 0):.2f}" for phase in phases)
                + f" | {elapsed - sum(timings.get(phase, 0) for phase in phases[:2]) - timings.get('upsert', 0):.2f}"
                + f" | {os.getloadavg()[0]:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_progress_bench",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions, each from no progress at all")
    args = parser.parse_args()

    on_national_data(args, measure)


if __name__ == "__main__":
    main()
