"""The indicators' summary refresh at national scale, on PostgreSQL (issue 15): every registered indicator.

Run from the repository root:

  .venv/bin/python bench/bench_indicators.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_indicators

--fresh creates the database and fills it with the national demo (bench_selection_run.fill); without it the data
is reused, and the set-up below is skipped when the campaign's final run is already published.

Set-up (not timed): the national preselection published with its notices (training accounts, mailing messages);
replies to a tenth of the places (a quarter of them declined); a completion report for four accounts in five; a
dossier for every preselected candidate with the demo's status mix (rows only, no files); everyone holding a place
convoked, 5 % absent, the others scored (bench_final_run); in-person training groups in every province; the final
run published (decision e-mails; its agents assigned to the groups); two single e-mails per candidate (account
confirmation, application received); four mailing messages in five marked sent, one in a hundred failed.

Timed: `refresh_summary` of the campaign, three times; then each indicator's queries alone (the refresh's
breakdowns, best of two), the slowest first, with the plan of the slowest one. Prints Markdown.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_convocation import publish  # noqa: E402
from bench_final_run import interview_everyone  # noqa: E402
from bench_selection_run import describe_machine, on_national_data  # noqa: E402

FIELD_SEED = "bench indicators: final"
REPLY_SHARE = 0.10
DECLINE_SHARE = 0.25  # of the replies
STARTED_SHARE = 0.80


def say(message: str) -> None:
    print(f"-- {message}", flush=True)


def set_up(campaign) -> None:
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from bawaba.demo.documents import (
        DemoFiles,
        draw_statuses,
        ensure_census_requirements,
        preselected_rows,
        write_dossiers,
    )
    from bawaba.demo.interviews import _create_training_groups
    from bawaba.selection import services
    from bawaba.selection.models import SelectionRun
    from bawaba.territory.models import Province
    from bawaba.training.models import TrainingAccount, TrainingProgress, TrainingReply

    started = time.perf_counter()
    run = publish(campaign)
    say(f"preselection published with its notices: {time.perf_counter() - started:.1f} s")

    now = timezone.now()
    generator = np.random.default_rng(15)
    accounts = list(TrainingAccount.objects.filter(campaign=campaign).values_list("pk", "application_id"))
    replying = generator.random(len(accounts)) < REPLY_SHARE
    declining = generator.random(len(accounts)) < DECLINE_SHARE
    started_training = generator.random(len(accounts)) < STARTED_SHARE
    percents = generator.choice([5, 20, 50, 80, 100], size=len(accounts))
    with transaction.atomic():
        TrainingReply.objects.bulk_create(
            (
                TrainingReply(
                    application_id=application_id,
                    answer=TrainingReply.Answer.DECLINED if declining[i] else TrainingReply.Answer.ACCEPTED,
                    answered_at=now,
                )
                for i, (_pk, application_id) in enumerate(accounts)
                if replying[i]
            ),
            batch_size=10_000,
        )
        TrainingProgress.objects.bulk_create(
            (
                TrainingProgress(
                    account_id=pk,
                    first_access=now if started_training[i] else None,
                    completion_percent=int(percents[i]) if started_training[i] else 0,
                )
                for i, (pk, _application_id) in enumerate(accounts)
            ),
            batch_size=10_000,
        )
    say(f"replies and progress: {int(replying.sum()):,} replies, {int(started_training.sum()):,} started")

    with transaction.atomic():
        rows = preselected_rows(run)
        written = write_dossiers(
            campaign=campaign,
            rows=rows,
            statuses=draw_statuses(rows, supervised_province_ids=set(), seed=15),
            requirements=ensure_census_requirements(campaign),
            files=DemoFiles.make(write=False),
            reviewers={0: None},
            now=now,
            seed=15,
        )
    say(f"dossiers: {written.by_status}")

    scored, absent = interview_everyone(campaign)
    say(f"interviews: {scored:,} scored, {absent:,} absent")
    provinces = list(Province.objects.order_by("code"))
    groups = _create_training_groups(campaign, provinces, timezone.localdate())
    final = services.create_run(campaign=campaign, seed=FIELD_SEED, stage=SelectionRun.Stage.FIELD)
    final = services.compute_run(run_id=final.pk)
    services.publish_run(run=final, computation=final.computation)
    say(f"final run published, {groups:,} training groups")

    with connection.cursor() as cursor:
        for number, kind in enumerate(("account_confirmation", "application_received")):
            cursor.execute(
                """
                INSERT INTO notifications_notification (idempotency_key, kind, user_id, to_email, language, context,
                    status, attempts, last_error, created_at, next_attempt_at, sent_at)
                SELECT 'bench-indicators-' || %s || '-' || a.id, %s, a.user_id, u.email, 'ar', '{}'::jsonb,
                    CASE WHEN a.id %% 50 = 0 THEN 'failed' WHEN a.id %% 20 = 0 THEN 'pending' ELSE 'sent' END,
                    0, '', now(), now(), now()
                FROM campaigns_application a JOIN accounts_user u ON u.id = a.user_id
                WHERE a.campaign_id = %s
                """,
                [number, kind, campaign.pk],
            )
        cursor.execute(
            "UPDATE notifications_mailingmessage SET status = CASE WHEN id % 100 = 0 THEN 'failed' "
            "WHEN id % 5 <> 0 THEN 'sent' ELSE status END"
        )
        cursor.execute("VACUUM ANALYZE")
    say(f"e-mails written; set-up {time.perf_counter() - started:.1f} s")


def sizes(campaign) -> str:
    from bawaba.documents.models import Dossier
    from bawaba.fieldwork.models import GroupMember
    from bawaba.interviews.models import Convocation
    from bawaba.notifications.models import MailingMessage, Notification
    from bawaba.selection.models import SelectionDecision
    from bawaba.training.models import TrainingAccount

    counts = {
        "decisions": SelectionDecision.objects.count(),
        "accounts": TrainingAccount.objects.count(),
        "dossiers": Dossier.objects.count(),
        "convocations": Convocation.objects.count(),
        "group members": GroupMember.objects.count(),
        "single e-mails": Notification.objects.count(),
        "mailing messages": MailingMessage.objects.count(),
    }
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def indicator_seconds(campaign, indicator) -> float:
    """The indicator's queries as the refresh makes them (by commune and each other dimension), best of two."""
    calls = [("commune", other) for other in indicator.breakdowns] or [("commune",)]
    if not indicator.territorial:
        calls = [(), *((other,) for other in indicator.breakdowns)]
    best = float("inf")
    for _attempt in range(2):
        started = time.perf_counter()
        for by in calls:
            indicator.compute(campaign, by)
        best = min(best, time.perf_counter() - started)
    return best


def explain(campaign, indicator) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by = ("commune", indicator.breakdowns[0]) if indicator.breakdowns else ("commune",)
    with CaptureQueriesContext(connection) as captured:
        indicator.compute(campaign, by)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if "GROUP BY" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
            plans.append("\n".join(line for (line,) in cursor.fetchall()))
    return "\n\n".join(plans)


def measure(args) -> None:
    from bawaba.core.contributions import registry
    from bawaba.demo.selectors import demo_campaign
    from bawaba.indicators.refresh import refresh_summary
    from bawaba.selection.models import SelectionRun

    campaign = demo_campaign()
    describe_machine(args.database_url)
    if not SelectionRun.objects.filter(
        campaign=campaign, stage=SelectionRun.Stage.FIELD, status=SelectionRun.Status.PUBLISHED
    ).exists():
        set_up(campaign)
    say(sizes(campaign))
    print()
    print("| refresh | seconds | figures written | load before/after |")
    print("|---:|---:|---:|---|")
    for attempt in (1, 2, 3):
        load = os.getloadavg()[0]
        started = time.perf_counter()
        refresh = refresh_summary(campaign)
        print(
            f"| {attempt} | {time.perf_counter() - started:.2f} | {refresh.figures:,} "
            f"| {load:.1f} / {os.getloadavg()[0]:.1f} |"
        )
    print()
    timings = sorted(
        ((indicator_seconds(campaign, indicator), indicator) for indicator in registry.indicators_in_order()),
        key=lambda pair: -pair[0],
    )
    print("| indicator | seconds (its queries, best of 2) | total |")
    print("|---|---:|---:|")
    for seconds, indicator in timings:
        print(f"| {indicator.key} | {seconds:.3f} | {indicator.compute(campaign, ())[()]:,} |")
    print(f"| all together | {sum(seconds for seconds, _ in timings):.2f} | |")
    for _seconds, indicator in timings[: args.plans]:
        print(f"\nPlan of {indicator.key}:\n```\n{explain(campaign, indicator)}\n```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_indicators",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--plans", type=int, default=2, help="print the plans of the N slowest indicators")
    on_national_data(parser.parse_args(), measure)


if __name__ == "__main__":
    main()
