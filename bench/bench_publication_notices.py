"""What the decision notices add to the national preselection's publication, on PostgreSQL.

Run from the repository root:

  .venv/bin/python bench/bench_publication_notices.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_notices_bench

--fresh creates the database anew and fills it as bench_selection_run.py does (`migrate`, `load_territory`,
`generate_demo --scale 1 --seed 2024`, VACUUM ANALYZE); without it the data is reused. Each repetition puts the
data back as before any run (bench_selection_run.forget_runs, and the training accounts and notice mailings),
computes the national run (not timed), then times `publish_run` as `run_selection --publish` calls it: the
488,321 decisions and, through the selection's `run_published` signal in the same transaction, the training's
`notify_publication` (accounts with temporary passwords, held invitations per region, waiting-list and other
notices). The notices' own time is measured around the receiver, and split by step. Prints Markdown for
docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_engine import max_rss_mib  # noqa: E402
from bench_promotion import cpu_seconds, server_process  # noqa: E402
from bench_selection_run import SEED, describe_machine, forget_runs, on_national_data  # noqa: E402


def forget_notices(campaign) -> None:
    from bawaba.notifications.models import Mailing
    from bawaba.training.contributions import TRAINING_NOTICE
    from bawaba.training.models import TrainingAccount

    TrainingAccount.objects.filter(campaign=campaign).delete()
    Mailing.objects.filter(kind=TRAINING_NOTICE.key).delete()


def instrument(spent: dict[str, float]) -> None:
    """Time the steps of notify_publication by wrapping the functions it calls through its module."""
    from bawaba.training.services import invitations

    def timed(name, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began

        return wrapper

    invitations.notify_publication = timed("notify_publication (all)", invitations.notify_publication)
    invitations.read_people = timed("read applications and users", invitations.read_people)
    invitations._waiting_lists = timed("waiting-list lines", invitations._waiting_lists)
    invitations._invite = timed("accounts and invitations (passwords, mailings, COPY)", invitations._invite)
    invitations.create_notice_mailing_of_columns = timed(
        "mailings written (all kinds)", invitations.create_notice_mailing_of_columns
    )
    invitations.passwords.generate = timed("passwords drawn", invitations.passwords.generate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_notices_bench",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--repeat", type=int, default=2, help="publications measured")
    parser.add_argument(
        "--without-notices",
        action="store_true",
        help="the publication alone (the training's receiver disconnected)",
    )
    args = parser.parse_args()

    on_national_data(args, measure)


def measure(args) -> None:

    from bawaba.demo.selectors import demo_campaign
    from bawaba.notifications.models import Mailing, MailingMessage
    from bawaba.selection import services
    from bawaba.training.contributions import TRAINING_NOTICE
    from bawaba.training.models import TrainingAccount

    campaign = demo_campaign()
    describe_machine(args.database_url)
    spent: dict[str, float] = defaultdict(float)
    instrument(spent)
    if args.without_notices:
        from bawaba.selection import signals

        signals.run_published.disconnect(dispatch_uid="training.run_published")
    rows = []
    for repetition in range(args.repeat):
        forget_notices(campaign)
        forget_runs(campaign)
        run = services.create_run(campaign=campaign, seed=SEED)
        run = services.compute_run(run_id=run.pk)
        spent.clear()
        backend = server_process()
        cpu_before, server_before = time.process_time(), cpu_seconds(backend)
        began = time.perf_counter()
        run = services.publish_run(run=run, computation=run.computation)
        wall = time.perf_counter() - began
        cpu, server = time.process_time() - cpu_before, cpu_seconds(backend) - server_before
        notices = spent["notify_publication (all)"]
        rows.append((wall, notices, cpu, server, dict(spent), run.timings.get("publish_write", 0.0)))
        print(
            f"repetition {repetition + 1}: publication {wall:.2f} s, of which notices {notices:.2f} s "
            f"(process CPU {cpu:.2f} s, PostgreSQL backend CPU {server:.2f} s), load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    mailings = Mailing.objects.filter(kind=TRAINING_NOTICE.key)
    by_notice: dict[str, int] = defaultdict(int)
    for context, count in mailings.values_list("context", "message_count"):
        by_notice[context["notice"]] += count
    print()
    print(
        f"{TrainingAccount.objects.filter(campaign=campaign).count():,} accounts, {mailings.count()} mailings, "
        f"{MailingMessage.objects.filter(mailing__kind=TRAINING_NOTICE.key).count():,} messages: "
        + ", ".join(f"{kind} {count:,}" for kind, count in sorted(by_notice.items()))
    )
    best = min(rows, key=lambda row: row[0])
    wall, notices, cpu, server, steps, write = best
    print()
    print(f"best of {len(rows)} publications (by wall time):")
    print()
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| decisions written (publish_write) | {write:.2f} |")
    for name, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"| {name} | {seconds:.2f} |")
    print(f"| **publication with its notices, wall** | **{wall:.2f}** |")
    print(f"| notices' share of the publication | {notices / wall:.0%} |")
    print(f"| process CPU / PostgreSQL backend CPU | {cpu:.2f} / {server:.2f} |")
    print(f"| process max RSS | {max_rss_mib():.0f} MiB |")


if __name__ == "__main__":
    main()
