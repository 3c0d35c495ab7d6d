"""The monitoring indicators at national scale, on PostgreSQL (issue 15): the summary refresh, the regression check
against the source's tables, and the dashboard, the public JSON and the API under concurrent load.

Run from the repository root:

  .venv/bin/python bench/bench_indicators.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_indicators

--fresh creates the database and fills it with the national demo (bench_selection_run.fill: 488,321 candidates);
without it the data is reused, and the set-up below is skipped when the campaign's final run is already published.

Set-up (not timed): the national preselection published with its notices (training accounts, mailing messages);
replies to a tenth of the places (a quarter of them declined); a completion report for four accounts in five; a
dossier for every preselected candidate with the demo's status mix (rows only, no files); everyone holding a place
convoked, 5 % absent, the others scored (bench_final_run); in-person training groups in every province; the final
run published (decision e-mails; its agents assigned to the groups); two single e-mails per candidate (account
confirmation, application received); four mailing messages in five marked sent, one in a hundred failed.

Measured:
1. `refresh_summary` of the census campaign, --repeat times (every registered indicator, every level), then each
   indicator's queries alone, slowest first, with the plans of the --plans slowest;
2. the regression check: the national dashboard's tables read from the summary equal shared/MISSION.md's
   candidacy tables to the unit (by category, and by region with training needs and ratios); the run fails
   otherwise;
3. pages under concurrent load, a trivial page of the same kind beside each: the national dashboard (central
   administrator, second factor verified), a supervisor's dashboard, the page of the province with the most
   communes, the public open data JSON and the API's (anonymous). --server gunicorn (the default) serves them as
   in production, gunicorn's 2 sync workers (one per core, settings_unthrottled: the project's with the API's
   per-address limit lifted, since wrk is one address), and wrk keeps --connections requests in flight for
   --seconds a page, --rounds times with the pages in turn (wrk must be installed: `apt-get install -y wrk`);
   --server client uses Django's test client in --threads threads of this process instead (each its own client
   and connection, --requests requests a page). Then each page alone, in this process: its median time, its time
   for the first reader after a refresh (the cache emptied: the dashboard's sections are cached per refresh, place
   and language) and its queries. Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_candidate_pages import check_page, free_port, run_wrk, server_pids, start_gunicorn  # noqa: E402
from bench_convocation import publish  # noqa: E402
from bench_documents_pages_http import staff_cookie  # noqa: E402
from bench_documents_review import under_load  # noqa: E402
from bench_engine import max_rss_mib  # noqa: E402
from bench_final_run import interview_everyone  # noqa: E402
from bench_selection_run import describe_machine, on_national_data  # noqa: E402

from bawaba.demo import calibration  # noqa: E402 - no Django needed: plain figures

ADMIN = "admin@demo.bawaba.ma"
SUPERVISOR = "supervisor@demo.bawaba.ma"

# shared/MISSION.md's tables, as the demo's calibration holds them: candidates by category, and candidacies against
# training needs by region (HCP codes) with the printed ratios.
SOURCE_CATEGORIES = list(calibration.CANDIDATES_BY_CATEGORY.values())
SOURCE_REGIONS = {
    code: (
        calibration.CANDIDACIES_BY_REGION[code],
        calibration.TRAINING_NEEDS_BY_REGION[code],
        calibration.CANDIDACY_RATIO_PERCENT_BY_REGION[code],
    )
    for code in calibration.CANDIDACIES_BY_REGION  # the source's order: the most candidacies first
}
SOURCE_TOTAL = (
    calibration.TOTAL_CANDIDATES,
    calibration.TOTAL_TRAINING_NEEDS,
    calibration.CANDIDACY_RATIO_PERCENT_TOTAL,
)


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


def measure_refresh(campaign, repeat: int, plans: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bawaba.core.contributions import registry
    from bawaba.indicators.refresh import refresh_summary

    print()
    print(f"`refresh_summary` of the national census campaign, {len(registry.indicators)} indicators:")
    print()
    print("| attempt | seconds | figures written | queries | load before/after | max RSS MiB |")
    print("|---:|---:|---:|---:|---|---:|")
    for attempt in range(1, repeat + 1):
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            refresh = refresh_summary(campaign)
        seconds = time.perf_counter() - started
        print(
            f"| {attempt} | {seconds:.2f} | {refresh.figures:,} | {len(queries)} "
            f"| {load_before:.1f} / {os.getloadavg()[0]:.1f} | {max_rss_mib():.0f} |",
            flush=True,
        )
    print()
    timings = sorted(
        ((indicator_seconds(campaign, indicator), indicator) for indicator in registry.indicators_in_order()),
        key=lambda pair: -pair[0],
    )
    print("Each indicator's queries alone, as the refresh makes them (best of 2), slowest first:")
    print()
    print("| indicator | dimensions | seconds | total |")
    print("|---|---|---:|---:|")
    for seconds, indicator in timings:
        print(
            f"| `{indicator.key}` | {', '.join(indicator.dimensions)} | {seconds:.3f} "
            f"| {indicator.compute(campaign, ())[()]:,} |"
        )
    print(f"| all together | | {sum(seconds for seconds, _ in timings):.2f} | |")
    for _seconds, indicator in timings[:plans]:
        print(f"\nPlan of {indicator.key}:\n```\n{explain(campaign, indicator)}\n```")


def check_against_the_source(campaign) -> None:
    """The dashboard's national tables, read from the summary as the page reads them, equal MISSION.md's."""
    from bawaba.demo import calibration
    from bawaba.indicators import selectors
    from bawaba.indicators.tables import ratio_percent, share_percent

    keys = ["campaigns.candidates", "campaigns.training_needs"]
    by_region = selectors.table_by_area(campaign, selectors.NATION, keys)
    got = {
        code: (
            by_region.value(code, keys[0]),
            by_region.value(code, keys[1]),
            ratio_percent(by_region.value(code, keys[0]), by_region.value(code, keys[1])),
        )
        for code in by_region.rows
    }
    totals = by_region.totals
    total = (totals[keys[0]], totals[keys[1]], ratio_percent(totals[keys[0]], totals[keys[1]]))
    by_category = selectors.table_by(campaign, selectors.NATION, keys[:1], "category")
    categories = [by_category.value(code, keys[0]) for code in calibration.CATEGORY_CODES]
    shares = [share_percent(count, totals[keys[0]]) for count in categories]
    ok = got == SOURCE_REGIONS and total == SOURCE_TOTAL and categories == SOURCE_CATEGORIES
    print()
    print("Regression check against shared/MISSION.md (the national dashboard's tables, from the summary):")
    print()
    print("| region | candidacies | training needs | ratio % | source |")
    print("|---|---:|---:|---:|---|")
    for code in sorted(got, key=lambda code: -got[code][0]):
        candidacies, needs, ratio = got[code]
        same = "equal" if SOURCE_REGIONS.get(code) == got[code] else f"source {SOURCE_REGIONS.get(code)}"
        print(f"| {code} | {candidacies:,} | {needs:,} | {ratio} | {same} |")
    print(
        f"| total | {total[0]:,} | {total[1]:,} | {total[2]} | {'equal' if total == SOURCE_TOTAL else 'DIFFERS'} |"
    )
    print()
    print(f"By category: {categories} (shares {shares} %), source {SOURCE_CATEGORIES}")
    print(f"**Regression check: {'the source is reproduced exactly' if ok else 'FAILED'}**")
    if not ok:
        raise SystemExit("the dashboard does not reproduce the source's tables")


def measure_pages(campaign, pages, *, threads: int, requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from bawaba.accounts.models import User
    from bawaba.accounts.twofactor.tests.helpers import verify_session

    staff = {email: User.objects.get(email=email) for email in (ADMIN, SUPERVISOR)}
    connection.close()

    def signed_in(email: str):
        def make() -> Client:
            client = Client()
            client.force_login(staff[email])
            verify_session(client, staff[email])
            return client

        return make

    print()
    print(
        f"{threads} threads at once, {requests} requests a page after a warm-up, Django's test client (the whole "
        "request: middleware, session, second factor, view, template), pages in turn:"
    )
    print()
    print("| page | path | status | p50 ms | p99 ms | requests/s |")
    print("|---|---|---|---:|---:|---:|")
    for label, who, path in pages:
        under_load(
            f"{label} | `{path}`", signed_in(who) if who else Client, path, threads=threads, requests=requests
        )


def measure_pages_served(pages, *, database_url: str, connections: int, seconds: int, rounds: int) -> None:
    """The pages served by gunicorn under wrk: each page's median round, and the range of its rounds' p99."""
    from django.db import connection

    cookies = {email: staff_cookie(email) for email in (ADMIN, SUPERVISOR)}
    connection.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(database_url, port, settings_module="bench.settings_unthrottled")
    results: dict[str, list[dict]] = {label: [] for label, _who, _path in pages}
    try:
        for _label, who, path in pages:
            check_page(base + path, cookies.get(who))
        pids = server_pids(server, database_url.rsplit("/", 1)[1])
        for index in range(rounds):
            for label, who, path in pages:
                results[label].append(
                    run_wrk(
                        base + path,
                        [cookies[who]] if who else [],
                        duration=seconds,
                        connections=connections,
                        threads=min(2, connections),
                        warm_up=index == 0,
                        server=pids,
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    print(
        f"gunicorn 2 sync workers, wrk {connections} connections in flight, {rounds} rounds of {seconds} s a page "
        "(pages in turn); the median round by p99, and the range of the rounds' p99:"
    )
    print()
    print(
        "| page | path | requests/s | p50 ms | p90 ms | p99 ms | rounds' p99 ms | server CPU ms/request | errors |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, _who, path in pages:
        runs = sorted(results[label], key=lambda run: run["p99_us"])
        median = runs[len(runs) // 2]
        errors = sum(run["status_errors"] + run["socket_errors"] for run in runs)
        print(
            f"| {label} | `{path}` | {median['rps']:.0f} | {median['p50_us'] / 1000:.1f} "
            f"| {median['p90_us'] / 1000:.1f} | {median['p99_us'] / 1000:.1f} "
            f"| {runs[0]['p99_us'] / 1000:.1f}–{runs[-1]['p99_us'] / 1000:.1f} "
            f"| {statistics.median(run['server_cpu_ms'] for run in runs):.1f} | {errors} |",
            flush=True,
        )


def measure_pages_alone(pages, *, requests: int = 30) -> None:
    """Each page alone in this process, one request at a time: its median time, and its median time with the
    cache emptied before each request (the first reader after a refresh: the dashboard renders its sections, which
    the next readers of that place get from the cache); its queries."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bawaba.accounts.models import User
    from bawaba.accounts.twofactor.tests.helpers import verify_session

    print()
    print(
        f"Each page alone, in this process (Django's test client, medians of {requests} requests after 5 of warm-up):"
    )
    print()
    print("| page | median ms | first reader ms (cache emptied) | queries | bytes |")
    print("|---|---:|---:|---:|---:|")
    for label, who, path in pages:
        client = Client()
        if who:
            user = User.objects.get(email=who)
            client.force_login(user)
            verify_session(client, user)
        for _ in range(5):
            client.get(path)
        timings, first_reader = [], []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - started)
        for _ in range(requests // 3):
            cache.clear()  # the session is in the database: she stays signed in
            started = time.perf_counter()
            client.get(path)
            first_reader.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            size = len(client.get(path).content)
        print(
            f"| {label} | {statistics.median(timings) * 1000:.1f} | {statistics.median(first_reader) * 1000:.1f} "
            f"| {len(queries)} | {size:,} |",
            flush=True,
        )


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
    parser.add_argument("--repeat", type=int, default=3, help="refreshes measured")
    parser.add_argument(
        "--server", choices=("gunicorn", "client"), default="gunicorn", help="what serves the pages"
    )
    parser.add_argument("--connections", type=int, default=4, help="gunicorn: requests wrk keeps in flight")
    parser.add_argument("--seconds", type=int, default=10, help="gunicorn: seconds of load a page and round")
    parser.add_argument("--rounds", type=int, default=3, help="gunicorn: rounds of every page")
    parser.add_argument("--threads", type=int, default=4, help="client: threads")
    parser.add_argument(
        "--requests", type=int, default=400, help="client: timed requests a page, over all threads"
    )
    parser.add_argument("--refresh-only", action="store_true", help="measure the refresh and the check only")
    args = parser.parse_args()

    def measure(args) -> None:
        from django.conf import settings
        from django.core.management import call_command
        from django.urls import reverse

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # Every thread is one client address here: the API's per-address limit would answer 429 to the load.
        settings.BAWABA_RATE_LIMITS = {**getattr(settings, "BAWABA_RATE_LIMITS", {}), "api:ip": (10**9, 60)}
        call_command("migrate", verbosity=0)
        from bawaba.demo.selectors import demo_campaign

        describe_machine(args.database_url)
        campaign = demo_campaign()
        from bawaba.selection.models import SelectionRun

        if not SelectionRun.objects.filter(
            campaign=campaign, stage=SelectionRun.Stage.FIELD, status=SelectionRun.Status.PUBLISHED
        ).exists():
            set_up(campaign)
        say(sizes(campaign))
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        measure_refresh(campaign, args.repeat, args.plans)
        check_against_the_source(campaign)
        if args.refresh_only:
            return
        slug = campaign.slug
        from django.db.models import Count

        from bawaba.territory.models import Province

        largest = (
            Province.objects.annotate(communes_count=Count("communes"))
            .order_by("-communes_count", "code")
            .values_list("code", "communes_count")
            .first()
        )
        dashboard = reverse_or_none("indicators_staff:dashboard", slug)
        pages = [
            ("trivial signed-in page", ADMIN, "/fr/accounts/password/change/"),
            ("national dashboard", ADMIN, dashboard),
            ("supervisor's dashboard (Kénitra)", SUPERVISOR, dashboard),
            (
                f"a province of {largest[1]} communes (central administrator)",
                ADMIN,
                f"{dashboard}?province={largest[0]}" if dashboard else None,
            ),
            ("trivial public page", None, "/healthz"),
            ("public open data JSON", None, reverse_or_none("opendata:json", slug)),
            ("API: the campaign's open data", None, f"/api/v1/campaigns/{slug}/open-data"),
        ]
        del reverse
        pages = [page for page in pages if page[2]]
        if args.server == "gunicorn":
            measure_pages_served(
                pages,
                database_url=args.database_url,
                connections=args.connections,
                seconds=args.seconds,
                rounds=args.rounds,
            )
        else:
            measure_pages(campaign, pages, threads=args.threads, requests=args.requests)
        measure_pages_alone(pages)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")

    on_national_data(args, measure)


def reverse_or_none(name: str, slug: str) -> str | None:
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    with translation.override("fr"):
        try:
            return reverse(name, args=[slug])
        except NoReverseMatch:
            return None


if __name__ == "__main__":
    main()
