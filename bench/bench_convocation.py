"""Convocation of the national preselection's candidates into interview sessions, on PostgreSQL (issue 14).

Run from the repository root:

  .venv/bin/python bench/bench_convocation.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_convocation

--fresh creates the database and fills it with the national demo (bench_selection_run.fill); without it the
data is reused. Not timed: the national preselection is computed and published (about 200,000 admitted), the
calling rules call everyone holding a place, and every province gets sessions enough for its candidates (one place
per session in every commune group, slots of 30 minutes, 8 candidates a slot). Timed: `convoke_provinces` of
every province (one pass over the run to know who holds a place where, then one transaction per province, as the
"Convoke" button does for one): who is called (read from the data), the
assignment (nearest place, earliest slot with room), the convocations and the slots' counters, and the mailing of
each province with every message's context (its calendar file is made when the message is sent, not here).
Prints Markdown for docs/benchmarks.md.
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
from bench_selection_run import SEED, describe_machine, forget_runs, on_national_data  # noqa: E402

PER_SLOT = 8
SLOT_MINUTES = 30


def publish(campaign):
    from bawaba.selection import services

    run = services.create_run(campaign=campaign, seed=SEED)
    run = services.compute_run(run_id=run.pk)
    return services.publish_run(run=run, computation=run.computation)


def forget_interviews(campaign) -> None:
    from bawaba.interviews.models import CallRules, Convocation, InterviewSession
    from bawaba.notifications.models import Mailing

    Convocation.objects.filter(campaign=campaign).delete()
    InterviewSession.objects.filter(campaign=campaign).delete()
    CallRules.objects.filter(campaign=campaign).delete()
    Mailing.objects.filter(kind="interview_convocation").delete()


def set_up_sessions(campaign, counts: dict[int, int]) -> None:
    """Sessions in every province, at the centroid of its communes, for `counts[province] × 1.1` candidates."""
    from django.db.models import Avg
    from django.utils import timezone

    from bawaba.interviews.models import InterviewSession, InterviewSlot
    from bawaba.interviews.services.sessions import SessionPlan, slot_times
    from bawaba.territory.models import Commune, Province

    day = timezone.localdate() + dt.timedelta(days=10)
    slots_per_day = 16  # 08:30 to 16:30
    sessions, slots = [], []
    centres = {
        row["province_id"]: (row["lat"], row["lon"])
        for row in Commune.objects.values("province_id").annotate(lat=Avg("latitude"), lon=Avg("longitude"))
    }
    for province in Province.objects.all():
        needed = int(counts.get(province.pk, 0) * 1.1) + 1
        session_count = -(-needed // (slots_per_day * PER_SLOT))
        lat, lon = centres.get(province.pk, (None, None))
        for index in range(session_count):
            plan = SessionPlan(
                place_name=f"Centre {index + 1}",
                address=f"{province.name_fr}",
                latitude=None if lat is None else lat + 0.01 * (index % 5),
                longitude=None if lon is None else lon + 0.01 * (index // 5 % 5),
                day=day + dt.timedelta(days=index // 5),
                starts_at=dt.time(8, 30),
                ends_at=dt.time(16, 30),
                slot_minutes=SLOT_MINUTES,
                places_per_slot=PER_SLOT,
            )
            sessions.append((province, plan))
    created = InterviewSession.objects.bulk_create(
        InterviewSession(
            campaign=campaign,
            province=province,
            place_name=plan.place_name,
            address=plan.address,
            latitude=plan.latitude,
            longitude=plan.longitude,
            day=plan.day,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            slot_minutes=plan.slot_minutes,
            places_per_slot=plan.places_per_slot,
        )
        for province, plan in sessions
    )
    for session, (_, plan) in zip(created, sessions, strict=True):
        slots.extend(
            InterviewSlot(session=session, starts_at=start, ends_at=end, capacity=PER_SLOT)
            for start, end in slot_times(plan)
        )
    InterviewSlot.objects.bulk_create(slots, batch_size=5000)
    print(f"sessions: {len(created):,}, slots: {len(slots):,}, places: {len(slots) * PER_SLOT:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_convocation",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    on_national_data(parser.parse_args(), measure)


def measure(args) -> None:
    from collections import Counter

    from bawaba.demo.selectors import demo_campaign
    from bawaba.interviews.calling import CallRules
    from bawaba.interviews.selectors import call_lines
    from bawaba.interviews.services.convocations import convoke_provinces, slot_counts_hold
    from bawaba.interviews.services.rules import save_call_rules
    from bawaba.notifications.models import MailingMessage
    from bawaba.territory.models import Province

    campaign = demo_campaign()
    describe_machine(args.database_url)
    forget_interviews(campaign)
    forget_runs(campaign)
    started = time.perf_counter()
    publish(campaign)
    everyone = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
    save_call_rules(campaign=campaign, rules=everyone, note="bench", actor=None)
    counts = Counter(
        line.province_id for line in call_lines(campaign, everyone, province_ids=None) if line.is_called
    )
    set_up_sessions(campaign, counts)
    print(
        f"set-up (publish, rules, sessions; not timed): {time.perf_counter() - started:.1f} s, "
        f"called: {sum(counts.values()):,} in {len(counts)} provinces"
    )
    load_before = os.getloadavg()[0]
    cpu_before = time.process_time()
    started = time.perf_counter()
    provinces = list(Province.objects.filter(pk__in=counts).order_by("code"))
    results = convoke_provinces(campaign=campaign, provinces=provinces, actor=None)
    convoked = sum(result.convoked for result in results.values())
    unplaced = sum(result.unplaced for result in results.values())
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    messages = MailingMessage.objects.filter(mailing__kind="interview_convocation").count()
    print()
    print("| convoked | unplaced | messages | wall s | process CPU s | load before/after | max RSS MiB |")
    print("|---:|---:|---:|---:|---:|---|---:|")
    print(
        f"| {convoked:,} | {unplaced:,} | {messages:,} | {wall:.1f} | {cpu:.1f} "
        f"| {load_before:.1f} / {os.getloadavg()[0]:.1f} | {max_rss_mib():.0f} |"
    )
    assert slot_counts_hold(), "a slot's counter differs from its convocations"


if __name__ == "__main__":
    main()
