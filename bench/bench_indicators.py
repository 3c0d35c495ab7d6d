"""The monitoring indicators at national scale, on PostgreSQL (issue 15): the summary refresh, the regression check
against the source's tables, and the dashboard, the public JSON and the API under concurrent load.

Run from the repository root:

  .venv/bin/python bench/bench_indicators.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_indicators

--fresh creates the database and fills it with the national demo (bench_selection_run.fill: 488,321 candidates);
without it the data is reused. Then, once (a database that has them is reused, not timed): 150,000 dossiers of
supporting documents in the source's mix (bench_documents_review.add_dossiers), the national preselection
published (about 200,000 decisions and their e-mails), and — unless --no-final — everyone holding a place
convoked and scored and the final run published (bench_final_run). Measured:
1. `refresh_summary` of the census campaign, --repeat times (every registered indicator, every level), and the
   cost of each indicator alone;
2. the regression check: the national dashboard's tables read from the summary equal shared/MISSION.md's
   candidacy tables to the unit (by category, and by region with training needs and ratios); the run fails
   otherwise;
3. pages under concurrent load through Django's test client in --threads threads (each its own client and
   connection), --requests requests a page, a trivial page of the same kind beside each: the national dashboard
   (central administrator, second factor verified), a supervisor's dashboard, the public open data JSON and the
   API's (anonymous). Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_engine import max_rss_mib  # noqa: E402
from bench_selection_run import describe_machine, on_national_data  # noqa: E402

ADMIN = "admin@demo.bawaba.ma"
SUPERVISOR = "supervisor@demo.bawaba.ma"

# shared/MISSION.md: candidates by category, and candidacies against training needs by region (HCP codes).
SOURCE_CATEGORIES = [204_936, 139_718, 94_026, 41_684, 7_957]
SOURCE_REGIONS = {
    "06": (72_401, 42_204, 172),
    "03": (64_102, 24_048, 267),
    "07": (63_197, 26_040, 243),
    "04": (59_368, 26_892, 221),
    "01": (54_355, 23_368, 233),
    "09": (49_183, 17_044, 289),
    "08": (37_701, 7_776, 485),
    "05": (36_654, 13_332, 275),
    "02": (27_424, 12_848, 213),
    "10": (12_035, 2_536, 475),
    "11": (9_523, 2_324, 410),
    "12": (2_378, 1_004, 237),
}
SOURCE_TOTAL = (488_321, 199_416, 245)


def prepare(campaign, *, final: bool) -> None:
    """The later stages' data, once (module docstring)."""
    from bench_documents_review import add_dossiers

    from bawaba.selection.models import SelectionRun

    add_dossiers(150_000, 2024)
    runs = SelectionRun.objects.filter(campaign=campaign, status=SelectionRun.Status.PUBLISHED)
    if not runs.filter(stage=SelectionRun.Stage.PRESELECTION).exists():
        from bench_convocation import publish

        started = time.perf_counter()
        publish(campaign)
        print(f"-- preselection published: {time.perf_counter() - started:.1f} s", flush=True)
    if final and not runs.filter(stage=SelectionRun.Stage.FIELD).exists():
        from bench_final_run import FIELD_SEED, interview_everyone

        from bawaba.selection import services

        started = time.perf_counter()
        scored, absent = interview_everyone(campaign)
        run = services.create_run(campaign=campaign, seed=FIELD_SEED, stage=SelectionRun.Stage.FIELD)
        run = services.compute_run(run_id=run.pk)
        services.publish_run(run=run, computation=run.computation)
        print(
            f"-- interviews ({scored:,} scored, {absent:,} absent) and final run published: "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure_refresh(campaign, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bawaba.core.contributions import registry
    from bawaba.indicators.refresh import indicator_figures, refresh_summary, territory_of_communes

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
    print(
        "Each indicator alone (its GROUP BY queries and the adding up into provinces, regions and the nation):"
    )
    print()
    print("| indicator | dimensions | seconds | figures |")
    print("|---|---|---:|---:|")
    places = territory_of_communes()
    for indicator in registry.indicators_in_order():
        started = time.perf_counter()
        figures = indicator_figures(campaign, indicator, places)
        print(
            f"| `{indicator.key}` | {', '.join(indicator.dimensions)} | {time.perf_counter() - started:.2f} "
            f"| {len(figures):,} |",
            flush=True,
        )


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


_samples_lock = threading.Lock()


def timed_requests(make_client, path: str, count: int, samples: list[float]) -> None:
    """One thread's share: its own client (and database connection), a warm-up, `count` timed GETs."""
    from django.db import connection

    own = make_client()
    own.get(path)
    mine = []
    for _ in range(count):
        started = time.perf_counter()
        response = own.get(path)
        mine.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with _samples_lock:
        samples.extend(mine)
    connection.close()


def under_load(label: str, make_client, path: str, *, threads: int, requests: int) -> None:
    status = make_client().get(path).status_code
    if status != 200:
        print(f"| {label} | `{path}` | {status}: not available | | | |", flush=True)
        return
    samples: list[float] = []
    began = time.perf_counter()
    workers = [
        threading.Thread(
            target=timed_requests, args=(make_client, path, max(1, requests // threads), samples)
        )
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - began
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"| {label} | `{path}` | 200 | {statistics.median(ordered) * 1000:.1f} | {p99 * 1000:.1f} "
        f"| {len(ordered) / wall:.0f} |",
        flush=True,
    )


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
        under_load(label, signed_in(who) if who else Client, path, threads=threads, requests=requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bawaba_bench_indicators",
        help="PostgreSQL",
    )
    parser.add_argument("--fresh", action="store_true", help="create and fill the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--no-final", action="store_true", help="skip the interviews and the final run")
    parser.add_argument("--repeat", type=int, default=3, help="refreshes measured")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400, help="timed requests per page, over all threads")
    parser.add_argument("--refresh-only", action="store_true", help="measure the refresh and the check only")
    args = parser.parse_args()

    def measure(args) -> None:
        from django.conf import settings
        from django.core.management import call_command
        from django.urls import reverse

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0)
        from bawaba.demo.selectors import demo_campaign

        describe_machine(args.database_url)
        campaign = demo_campaign()
        prepare(campaign, final=not args.no_final)
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        measure_refresh(campaign, args.repeat)
        check_against_the_source(campaign)
        if args.refresh_only:
            return
        slug = campaign.slug
        pages = [
            ("trivial signed-in page", ADMIN, "/fr/accounts/password/change/"),
            ("national dashboard", ADMIN, reverse_or_none("indicators:staff_dashboard", slug)),
            (
                "supervisor's dashboard (Kénitra)",
                SUPERVISOR,
                reverse_or_none("indicators:staff_dashboard", slug),
            ),
            ("trivial public page", None, "/healthz"),
            ("public open data JSON", None, reverse_or_none("indicators:open_data_json", slug)),
            ("API: the campaign's open data", None, f"/api/v1/campaigns/{slug}/open-data"),
        ]
        del reverse
        measure_pages(
            campaign, [page for page in pages if page[2]], threads=args.threads, requests=args.requests
        )
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
