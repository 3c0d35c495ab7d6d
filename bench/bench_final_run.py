"""The national final selection (stage `field`) end to end, on PostgreSQL (issue 14): read, compute, write.

Run from the repository root:

  .venv/bin/python bench/bench_final_run.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_final

--fresh creates the database and fills it with the national demo (bench_selection_run.fill); without it the
data is reused. Not timed: the national preselection is computed and published (about 200,000 admitted), everyone
holding a place is called and convoked (bench_convocation's sessions), 5 % are marked absent and the others present
with a score drawn from the grid's range (a fixed random generator). Timed, twice each on the same data: the final
run computed (read the candidates, their choices and their interview scores from one snapshot, freeze, allocate
against the 49,854 field needs, check the guarantees, write the report) and published (every candidate's decision
written), then verified from its frozen inputs. Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_convocation import forget_interviews, publish, set_up_sessions  # noqa: E402
from bench_engine import max_rss_mib  # noqa: E402
from bench_selection_run import describe_machine, forget_runs, on_national_data  # noqa: E402

FIELD_SEED = "bench final 2025-05-30"
ABSENT_SHARE = 0.05


def interview_everyone(campaign) -> tuple[int, int]:
    """Convoke everyone called; mark 5 % absent and score the others, in bulk (not timed)."""
    from collections import Counter

    import numpy as np
    from django.db import transaction

    from bawaba.interviews.calling import CallRules
    from bawaba.interviews.defaults import DEFAULT_GRID
    from bawaba.interviews.models import Convocation, InterviewGrid, InterviewScore
    from bawaba.interviews.selectors import call_lines
    from bawaba.interviews.services.convocations import convoke_provinces
    from bawaba.interviews.services.rules import save_call_rules
    from bawaba.territory.models import Province

    everyone = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
    save_call_rules(campaign=campaign, rules=everyone, note="bench", actor=None)
    counts = Counter(
        line.province_id for line in call_lines(campaign, everyone, province_ids=None) if line.is_called
    )
    set_up_sessions(campaign, counts)
    convoke_provinces(
        campaign=campaign, provinces=list(Province.objects.filter(pk__in=counts).order_by("code")), actor=None
    )
    InterviewGrid.objects.filter(
        campaign=campaign
    ).delete()  # its scores went with forget_interviews' convocations
    grid = InterviewGrid.objects.create(campaign=campaign, version=1, grid=DEFAULT_GRID, note="bench")
    ids = np.array(
        Convocation.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True),
        dtype=np.int64,
    )
    generator = np.random.default_rng(2025)
    absent = generator.random(ids.shape[0]) < ABSENT_SHARE
    scores = generator.integers(2_000, 10_001, size=ids.shape[0])
    with transaction.atomic():
        Convocation.objects.filter(pk__in=ids[absent].tolist()).update(status=Convocation.Status.ABSENT)
        Convocation.objects.filter(pk__in=ids[~absent].tolist()).update(status=Convocation.Status.PRESENT)
        InterviewScore.objects.bulk_create(
            (
                InterviewScore(convocation_id=int(i), grid=grid, levels={}, score=int(s))
                for i, s in zip(ids[~absent], scores[~absent], strict=True)
            ),
            batch_size=10_000,
        )
    return int((~absent).sum()), int(absent.sum())


def forget_final_runs(campaign) -> None:
    from bawaba.selection.models import SelectionRun

    for run in SelectionRun.objects.filter(campaign=campaign, stage=SelectionRun.Stage.FIELD).defer(
        "frozen_inputs"
    ):
        run.decisions.all().delete()
        run.commune_results.all().delete()
        run.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bawaba_bench_final", help="PostgreSQL"
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    on_national_data(parser.parse_args(), measure)


def measure(args) -> None:
    from bawaba.demo.selectors import demo_campaign
    from bawaba.selection import services
    from bawaba.selection.models import SelectionRun
    from bawaba.selection.services.verification import verify_run

    campaign = demo_campaign()
    describe_machine(args.database_url)
    started = time.perf_counter()
    forget_interviews(campaign)
    forget_runs(campaign)
    publish(campaign)
    scored, absent = interview_everyone(campaign)
    print(
        f"set-up (preselection published, convocations, scores; not timed): {time.perf_counter() - started:.1f} s; "
        f"scored {scored:,}, absent {absent:,}"
    )
    print()
    print(
        "| attempt | compute s | publish s | end to end s | verify s | admitted | reserve | phases (s) "
        "| load before/after | max RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for attempt in (1, 2):
        forget_final_runs(campaign)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        run = services.create_run(campaign=campaign, seed=FIELD_SEED, stage=SelectionRun.Stage.FIELD)
        run = services.compute_run(run_id=run.pk)
        computed = time.perf_counter()
        run = services.publish_run(run=run, computation=run.computation)
        published = time.perf_counter()
        verification = verify_run(run=run)
        verified = time.perf_counter()
        assert verification.ok, [str(line) for line in verification.lines]
        totals = run.summary["totals"]
        phases = ", ".join(f"{name} {value:.2f}" for name, value in run.timings.items())
        print(
            f"| {attempt} | {computed - started:.2f} | {published - computed:.2f} | {published - started:.2f} "
            f"| {verified - published:.2f} | {totals['admitted']:,} | {totals['waitlisted']:,} | {phases} "
            f"| {load_before:.1f} / {os.getloadavg()[0]:.1f} | {max_rss_mib():.0f} |"
        )


if __name__ == "__main__":
    main()
