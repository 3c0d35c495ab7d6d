"""The national hand-over file to the e-learning platform, on PostgreSQL: Moodle's upload-users file of every
candidate admitted in the national preselection (~200,000), streamed and handed over.

Run from the repository root:

  .venv/bin/python bench/bench_moodle_export.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_moodle

--fresh creates and fills the database as bench_selection_run.py does (`generate_demo --scale 1 --seed 2024`);
without it the data is reused. Not timed: the national run computed and published again (bench_selection_run's
forget_runs first, with the training accounts, exports and mailings), and an account with a temporary password
and a held invitation per region for each admitted candidate who has none (what the publication issues once the
notices work is in). Timed, best of --repeat (accounts put back as issued between repetitions):
1. the national export as the staff page and `manage.py export_moodle` make it: start_export, every page of rows
   read and written (here into a file), then the hand-over's one transaction (accounts marked, passwords wiped,
   the twelve held invitation mailings resumed, the audit);
2. the same export again with include_exported: ~200,000 new passwords and their CREDENTIALS_RENEWED mailing.
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_engine import max_rss_mib  # noqa: E402
from bench_selection_run import SEED, describe_machine, forget_runs, on_national_data  # noqa: E402


def forget_training(campaign) -> None:
    from bawaba.notifications.models import Mailing
    from bawaba.training.models import MoodleExport, TrainingAccount

    TrainingAccount.objects.filter(campaign=campaign).delete()
    MoodleExport.objects.filter(campaign=campaign).delete()
    Mailing.objects.filter(kind__startswith="training_").delete()


def publish(campaign):
    from bawaba.selection import services

    run = services.create_run(campaign=campaign, seed=SEED)
    run = services.compute_run(run_id=run.pk)
    return services.publish_run(run=run, computation=run.computation)


def issue_accounts(run) -> int:
    """Accounts and held invitations (one mailing per region) for the admitted who have none, set-based."""
    from collections import defaultdict

    from django.db import connection, transaction
    from django.utils import timezone

    from bawaba.core.bulk import BulkWriter
    from bawaba.selection.models import SelectionDecision
    from bawaba.training import passwords
    from bawaba.training.models import NoticeKind, TrainingAccount
    from bawaba.training.notices import NoticeRecipient, create_notice_mailing

    rows = list(
        SelectionDecision.objects.filter(
            run=run, outcome=SelectionDecision.Outcome.ADMITTED, application__training_account__isnull=True
        )
        .order_by("application_id")
        .values_list("application_id", "application__user_id", "application__user__email",
                     "application__user__preferred_language", "commune__region_id")
    )  # fmt: skip
    if not rows:
        return 0
    issued = passwords.generate(len(rows))
    with transaction.atomic():
        by_region = defaultdict(list)
        for row, password in zip(rows, issued, strict=True):
            by_region[row[4]].append((row, password))
        mailing_of = {}
        for region_id, members in by_region.items():
            mailing = create_notice_mailing(
                campaign=run.campaign,
                kind=NoticeKind.PRESELECTED,
                label=f"Invitations, region {region_id}",
                recipients=[
                    NoticeRecipient(
                        key=f"a{r[0]}",
                        email=r[2],
                        language=r[3],
                        user_id=r[1],
                        values={"username": r[2], "password": p},
                    )
                    for r, p in members
                ],  # fmt: skip
                held=True,
            )
            mailing_of[region_id] = mailing.pk
        now = timezone.now()
        BulkWriter(connection).insert(
            TrainingAccount,
            {
                "campaign": run.campaign_id,
                "application": [r[0] for r in rows],
                "username": [r[2] for r in rows],
                "temporary_password": issued,
                "password_issued_at": now,
                "invitation_mailing": [mailing_of[r[4]] for r in rows],
                "exported_at": None,
                "export": None,
            },
            rows=len(rows),
        )
    return len(rows)


def put_back(campaign, saved) -> None:
    """The accounts as issued (not handed over), their mailings held again, no export: the next repetition."""
    from django.db import connection

    from bawaba.notifications.models import Mailing, MailingMessage
    from bawaba.training.models import MoodleExport, TrainingAccount

    renewals = Mailing.objects.filter(kind__startswith="training_", context__notice="renewed")
    MailingMessage.objects.filter(mailing__in=renewals).delete()
    renewals.delete()
    Mailing.objects.filter(kind__startswith="training_").update(status=Mailing.Status.DRAFT)
    TrainingAccount.objects.filter(campaign=campaign).update(exported_at=None, export=None)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE training_trainingaccount SET temporary_password = s.password FROM unnest(%s::bigint[], "
            "%s::text[]) AS s(id, password) WHERE training_trainingaccount.id = s.id",
            [list(saved.keys()), list(saved.values())],
        )
    MoodleExport.objects.filter(campaign=campaign).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE training_trainingaccount")


def timed_export(campaign, *, include_exported: bool):
    from bawaba.training.services import handover

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "moodle-users.csv"
        started = time.perf_counter()
        moodle_file = handover.start_export(campaign=campaign, include_exported=include_exported)
        with open(path, "w", encoding="utf-8", newline="") as out:
            for chunk in moodle_file.chunks():
                out.write(chunk)
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
    export = moodle_file.export
    export.refresh_from_db()
    return elapsed, export, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bawaba_bench_moodle", help="PostgreSQL"
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (the best is kept)")
    on_national_data(parser.parse_args(), measure)


def measure(args) -> None:

    from bawaba.demo.selectors import demo_campaign
    from bawaba.notifications.models import Mailing
    from bawaba.training.models import TrainingAccount

    campaign = demo_campaign()
    forget_training(campaign)
    forget_runs(campaign)
    describe_machine(args.database_url)
    started = time.perf_counter()
    run = publish(campaign)
    print(f"-- national run published: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    issued = issue_accounts(run)
    print(f"-- accounts issued by the bench: {issued:,} ({time.perf_counter() - started:.1f} s)", flush=True)
    saved = dict(TrainingAccount.objects.filter(campaign=campaign).values_list("pk", "temporary_password"))

    fresh, renewed = [], []
    for repetition in range(args.repeat):
        if repetition:
            put_back(campaign, saved)
        elapsed, export, size = timed_export(campaign, include_exported=False)
        fresh.append(elapsed)
        released = Mailing.objects.filter(kind__startswith="training_", status=Mailing.Status.QUEUED).count()
        print(f"-- export {export.pk}: {export.row_count:,} rows, {size / 2**20:.1f} MiB, {elapsed:.2f} s, "
              f"{released} invitation mailings released", flush=True)  # fmt: skip
        elapsed, again, _size = timed_export(campaign, include_exported=True)
        renewed.append(elapsed)
        print(f"-- export {again.pk} (include_exported): {again.row_count:,} rows, {again.renewed_count:,} "
              f"renewed, {elapsed:.2f} s", flush=True)  # fmt: skip
    rows = export.row_count
    print()
    print("| measure | best | all |")
    print("|---|---:|---|")
    print(f"| national export, {rows:,} rows, streamed and handed over | {min(fresh):.2f} s | "
          f"{', '.join(f'{t:.2f}' for t in fresh)} |")  # fmt: skip
    print(f"| the same again with include_exported ({rows:,} new passwords and their mailing) | "
          f"{min(renewed):.2f} s | {', '.join(f'{t:.2f}' for t in renewed)} |")  # fmt: skip
    print(f"\nprocess max RSS: {max_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
