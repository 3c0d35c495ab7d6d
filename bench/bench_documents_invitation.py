"""The invitation to upload supporting documents at national scale, on PostgreSQL.

Run from the repository root:

  .venv/bin/python bench/bench_documents_invitation.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_invitation

--fresh creates the database anew and fills it as bench_selection_run.py does; the national preselection is then
computed and published once (not timed; the training's notices with it). Each repetition forgets the dossiers
and invitation mailings of the previous one, then times `invitees` (the count the staff page shows) and
`invite` of the preselected (about 202,000 dossiers and messages in one transaction), with this process's and
its PostgreSQL backend's CPU seconds (wall times depend on what else the machine runs).
"""

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_promotion import cpu_seconds, server_process  # noqa: E402
from bench_selection_run import SEED, describe_machine, on_national_data  # noqa: E402


def forget_invitations(campaign) -> None:
    from django.db import connection

    from bawaba.documents.contributions import DOCUMENTS_INVITATION
    from bawaba.notifications.models import Mailing

    with connection.cursor() as cursor:  # the ORM's cascade would read 200,000 rows back first
        cursor.execute("DELETE FROM documents_dossier WHERE campaign_id = %s", [campaign.pk])
        cursor.execute(
            "DELETE FROM notifications_mailingmessage WHERE mailing_id IN "
            "(SELECT id FROM notifications_mailing WHERE kind = %s)",
            [DOCUMENTS_INVITATION.key],
        )
    Mailing.objects.filter(kind=DOCUMENTS_INVITATION.key).delete()


def measure(args) -> None:
    import io

    from django.core.management import call_command

    from bawaba.demo.selectors import demo_campaign
    from bawaba.documents.services.invitations import Stage, invite, invitees
    from bawaba.documents.services.requirements import start_from_census_list
    from bawaba.selection.models import SelectionRun

    campaign = demo_campaign()
    describe_machine(args.database_url)
    if not SelectionRun.objects.filter(campaign=campaign, status=SelectionRun.Status.PUBLISHED).exists():
        call_command(
            "run_selection", "--campaign", campaign.slug, "--seed", SEED, "--publish", stdout=io.StringIO()
        )
    start_from_census_list(campaign=campaign, actor=None)
    backend = server_process()
    print("\n| repetition | count (s) | invited | invite wall (s) | process CPU (s) | PostgreSQL CPU (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for repetition in range(1, args.repeat + 1):
        forget_invitations(campaign)
        started = time.perf_counter()
        found = invitees(campaign, Stage.PRESELECTED)
        counted = time.perf_counter() - started
        process_before, server_before = time.process_time(), cpu_seconds(backend)
        started = time.perf_counter()
        result = invite(campaign=campaign, stage=Stage.PRESELECTED, actor=None)
        wall = time.perf_counter() - started
        process, server = time.process_time() - process_before, cpu_seconds(backend) - server_before
        assert result.invited == len(found.rows)
        print(
            f"| {repetition} | {counted:.1f} | {result.invited:,} | {wall:.1f} | {process:.1f} | {server:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_invitation",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=3, help="invitations measured")
    args = parser.parse_args()
    on_national_data(args, measure)


if __name__ == "__main__":
    main()
