"""The review of supporting documents at the source's scale, on PostgreSQL: 150,000 dossiers of the national demo.

Run from the repository root:

  .venv/bin/python bench/bench_documents_review.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_review

--fresh creates the database anew and fills it as bench_selection_run.py does (`migrate`, `load_territory`,
`generate_demo --scale 1 --seed 2024`), then adds the dossiers (once: a database that has them is reused) and runs
VACUUM ANALYZE. --drop drops the database at the end.

The dossiers: 150,000 census applications (by id) each get a dossier at their first choice's commune, with the
source's mix (146,546 uploaded, 94,704 under examination: here 64.6 % SUBMITTED, 34.3 % ACCEPTED, 1.1 % REJECTED,
decisions over the last 12 days), one file per required document of her category (about 2.2 a dossier) and a
ReviewDecision per examined dossier, written set-based by the demo's own `bawaba.demo.documents.write_dossiers`.
The files are rows only (StoredDocument with random names, nothing written to the storage): no measured page
opens a file; the upload below measures writing one.

Measured, in one process:
1. the queries under the pages, with EXPLAIN ANALYZE (PostgreSQL's own execution time, best of --repeat): the
   review queue's keyset page (complete dossiers oldest first, 50 a page) for the demo supervisor (Kénitra) and
   nationally, with the filters (commune, category) and from the middle of the queue (keyset), and the figures'
   grouped queries (bawaba.documents.figures) for the supervisor, the coordinator and nationally;
2. pages under concurrent load, through Django's test client in --threads threads (each its own client and
   database connection, signed in with her second factor verified), --requests requests a page, all pages in one
   run: a trivial signed-in page (the password-change form: session, user, a small template) beside the staff
   home (with the figures panel), the figures page, the supervisor's review queue
   (/fr/staff/documents/<slug>/review/) and a review page (/fr/staff/documents/<slug>/review/<pk>/). The queue
   and review pages come from the review work of issue 13: until they are on main they answer 404 and are
   reported as "not available";
3. an upload of a 5 MB PDF end to end: bawaba.documents.services.files.keep_upload (the checks in the child
   process, the storage on a private folder, the StoredDocument row and its audit row), best and median of
   --upload-rounds.
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_selection_run import describe_machine, on_national_data  # noqa: E402

DOSSIERS = 150_000
# The source: 146,546 uploaded, of which 94,704 under examination, 50,306 accepted, 1,536 rejected.
SOURCE_MIX = (0.0, 94_704 / 146_546, 50_306 / 146_546, 1_536 / 146_546)
PAGE = 50
SUPERVISOR = "supervisor@demo.bawaba.ma"
COORDINATOR = "coordinator@demo.bawaba.ma"
ADMIN = "admin@demo.bawaba.ma"


def add_dossiers(count: int, seed: int) -> None:
    """`count` dossiers of the census (module docstring), once."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bawaba.accounts.models import User
    from bawaba.campaigns.models import ApplicationChoice
    from bawaba.demo import documents
    from bawaba.demo.selectors import demo_campaign
    from bawaba.documents.models import Dossier
    from bawaba.territory.models import Province

    campaign = demo_campaign()
    if Dossier.objects.filter(campaign=campaign).exists():
        print(f"-- dossiers: {Dossier.objects.filter(campaign=campaign).count():,} already there", flush=True)
        return
    started = time.perf_counter()
    pairs = list(
        ApplicationChoice.objects.filter(application__campaign=campaign, rank=1)
        .order_by("application_id")
        .values_list("application_id", "commune_id")[:count]
    )
    rows = documents.rows_for(campaign.pk, pairs)
    import numpy as np

    draws = np.random.default_rng(seed).random(len(rows))
    edges = np.cumsum(SOURCE_MIX)
    statuses = np.array([status.value for status in documents.STATUS_ORDER], dtype=object)[
        np.searchsorted(edges, draws, side="right").clip(0, 3)
    ]
    kenitra = Province.objects.get(code="04.281").pk
    staff = dict(User.objects.filter(email__in=[ADMIN, SUPERVISOR]).values_list("email", "pk"))
    with transaction.atomic():
        requirements = documents.ensure_census_requirements(campaign)
        written = documents.write_dossiers(
            campaign=campaign,
            rows=rows,
            statuses=statuses,
            requirements=requirements,
            files=documents.DemoFiles.make(write=False),
            reviewers={0: staff.get(ADMIN), kenitra: staff.get(SUPERVISOR)},
            now=timezone.now(),
            seed=seed,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"-- {written.dossiers:,} dossiers ({written.by_status}), {written.documents:,} document rows, "
        f"{written.decisions:,} decisions: {time.perf_counter() - started:.1f} s (with VACUUM ANALYZE)",
        flush=True,
    )


def queue(campaign, scope, *, commune=None, category=None, after=None):
    """The review queue's page as the contract describes it (complete dossiers, oldest first, keyset on
    (submitted_at, id)): what the review view is expected to read; its own query replaces this at merge."""
    from django.db.models import Q

    from bawaba.documents.models import Dossier

    rows = Dossier.objects.filter(campaign=campaign, status=Dossier.Status.SUBMITTED).filter(
        scope.territory_q(province_fields=["province_id"], region_fields=["region_id"])
    )
    if commune is not None:
        rows = rows.filter(commune_id=commune)
    if category is not None:
        rows = rows.filter(category=category)
    if after is not None:
        moment, pk = after
        # `submitted_at >= moment` first: the index range starts there. The OR alone ("later, or as late with a
        # higher id") is no index condition, and PostgreSQL walks the queue from its start (77 ms after 60,000).
        rows = rows.filter(submitted_at__gte=moment).filter(Q(submitted_at__gt=moment) | Q(pk__gt=pk))
    return rows.order_by("submitted_at", "pk").values_list("pk", "submitted_at", "province_id", "category")[
        :PAGE
    ]


def execution_ms(queryset, repeat: int) -> tuple[float, str]:
    """PostgreSQL's own execution time of the query (best of `repeat`), and its plan's first line."""
    best, plan = float("inf"), ""
    for _ in range(repeat):
        text = queryset.explain(analyze=True)
        lines = text.splitlines()
        for line in lines:
            if line.startswith("Execution Time:"):
                best = min(best, float(line.split()[2]))
        plan = lines[0].strip()
    return best, plan


def python_ms(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure_queries(campaign, repeat: int) -> None:
    from django.db.models import Count

    from bawaba.accounts.models import User
    from bawaba.accounts.scopes import Scope
    from bawaba.documents import figures
    from bawaba.documents.models import Dossier

    supervisor = User.objects.get(email=SUPERVISOR)
    coordinator = User.objects.get(email=COORDINATOR)
    supervised = figures.figures_scope(supervisor)
    national = Scope(national=True)
    kenitra_queue = Dossier.objects.filter(
        campaign=campaign, status=Dossier.Status.SUBMITTED, province_id__in=supervised.province_ids
    )
    busiest_commune = (
        kenitra_queue.order_by()
        .values("commune_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["commune_id"]
    )
    middle = kenitra_queue.order_by("submitted_at", "pk").values_list("submitted_at", "pk")[
        kenitra_queue.count() // 2
    ]
    national_middle = (
        Dossier.objects.filter(campaign=campaign, status=Dossier.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("submitted_at", "pk")[60_000]
    )
    print()
    print(
        f"Queries at {Dossier.objects.filter(campaign=campaign).count():,} dossiers "
        f"({kenitra_queue.count():,} under examination in Kénitra), PostgreSQL execution time, best of {repeat}:"
    )
    print()
    print("| query | ms | plan (top node) |")
    print("|---|---:|---|")
    cases = [
        ("queue, supervisor (Kénitra), first page", queue(campaign, supervised)),
        ("queue, supervisor, middle of the queue (keyset)", queue(campaign, supervised, after=middle)),
        ("queue, supervisor, busiest commune", queue(campaign, supervised, commune=busiest_commune)),
        ("queue, supervisor, category student", queue(campaign, supervised, category="student")),
        ("queue, national, first page", queue(campaign, national)),
        ("queue, national, after 60,000 (keyset)", queue(campaign, national, after=national_middle)),
        ("queue, national, category civil servant", queue(campaign, national, category="civil_servant")),
        ("figures: status counts, supervisor", _grouped(campaign, supervised)),
        (
            "figures: status counts, coordinator (region)",
            _grouped(campaign, figures.figures_scope(coordinator)),
        ),
        ("figures: status counts, national", _grouped(campaign, national)),
        ("figures: decisions per day, supervisor", _decisions(campaign, supervised)),
        ("figures: decisions per day, national", _decisions(campaign, national)),
    ]
    for label, queryset in cases:
        ms, plan = execution_ms(queryset, repeat)
        print(f"| {label} | {ms:.2f} | `{plan[:90]}` |", flush=True)
    print()
    print(
        "Whole figures (campaign_figures: provinces, status counts, decisions per day; Python included), median:"
    )
    print()
    print("| scope | ms |")
    print("|---|---:|")
    for label, scope in (
        ("supervisor (Kénitra)", supervised),
        ("coordinator (Rabat-Salé-Kénitra)", figures.figures_scope(coordinator)),
        ("national (75 provinces, 12 regions)", national),
    ):
        print(f"| {label} | {python_ms(lambda s=scope: figures.campaign_figures(campaign, s), repeat):.1f} |")
    for label, scope in (("supervisor (Kénitra)", supervised), ("national", national)):
        ms = python_ms(lambda s=scope: figures.campaigns_with_dossiers(s), repeat)
        print(f"| campaigns with dossiers (the staff home's panel), {label} | {ms:.1f} |")


def _grouped(campaign, scope):
    from bawaba.documents.figures import status_counts_query

    return status_counts_query(campaign, scope)


def _decisions(campaign, scope):
    from bawaba.documents.figures import decision_counts_query

    return decision_counts_query(campaign, scope)


def measure_pages(campaign, *, threads: int, requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from bawaba.accounts.models import User
    from bawaba.accounts.twofactor.tests.helpers import verify_session
    from bawaba.documents.models import Dossier

    supervisor = User.objects.get(email=SUPERVISOR)
    first_in_queue = (
        Dossier.objects.filter(campaign=campaign, status=Dossier.Status.SUBMITTED, province__code="04.281")
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    slug = campaign.slug
    pages = [
        ("trivial signed-in page (`/fr/accounts/password/change/`)", "/fr/accounts/password/change/"),
        ("staff home, with the documents' figures panel", "/fr/staff/"),
        (f"figures page `/fr/staff/documents/{slug}/figures/`", f"/fr/staff/documents/{slug}/figures/"),
        (f"review queue `/fr/staff/documents/{slug}/review/`", f"/fr/staff/documents/{slug}/review/"),
        (
            "review page `/fr/staff/documents/<slug>/review/<pk>/`",
            f"/fr/staff/documents/{slug}/review/{first_in_queue}/",
        ),
    ]
    connection.close()

    def client() -> Client:
        signed_in = Client()
        signed_in.force_login(supervisor)
        verify_session(signed_in, supervisor)
        return signed_in

    print()
    print(
        f"Pages as the demo supervisor (Kénitra), {threads} threads at once, {requests} requests a page after "
        "a warm-up, Django's test client (whole request: middleware, session, second factor, view, template):"
    )
    print()
    print("| page | status | p50 ms | p99 ms | requests/s |")
    print("|---|---|---:|---:|---:|")
    for label, path in pages:
        under_load(label, client, path, threads=threads, requests=requests)


_samples_lock = threading.Lock()


def timed_requests(client, path: str, count: int, samples: list[float]) -> None:
    """One thread's share: its own signed-in client (and database connection), a warm-up, `count` timed GETs."""
    from django.db import connection

    own = client()
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
    """Print a Markdown line: the page's p50, p99 and requests a second over `threads` threads sharing `requests`
    GETs (each thread its own client from `make_client`), or that it is not available."""
    status = make_client().get(path).status_code
    if status != 200:
        print(f"| {label} | {status}: not available | | | |", flush=True)
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
        f"| {label} | 200 | {statistics.median(ordered) * 1000:.1f} | {p99 * 1000:.1f} "
        f"| {len(ordered) / wall:.0f} |",
        flush=True,
    )


def measure_upload(rounds: int) -> None:
    from bench_documents import scanned_pdf
    from django.core.files.storage import FileSystemStorage

    from bawaba.documents.services.files import keep_upload

    pdf = scanned_pdf(5 * 1024 * 1024 - 64 * 1024)
    samples = []
    with tempfile.TemporaryDirectory() as folder:
        storage = FileSystemStorage(location=folder)
        for _ in range(rounds):
            started = time.perf_counter()
            document = keep_upload(upload=pdf, storage=storage)
            samples.append(time.perf_counter() - started)
            document.delete()
    print()
    print(
        f"Upload of a {len(pdf) / 1024 / 1024:.2f} MiB scanned PDF ({document.page_count} pages), keep_upload end to "
        f"end (checks in the child process, storage, rows), {rounds} rounds: best {min(samples) * 1000:.0f} ms, "
        f"median {statistics.median(samples) * 1000:.0f} ms, worst {max(samples) * 1000:.0f} ms."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fresh", action="store_true", help="create the database anew and fill it")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--dossiers", type=int, default=DOSSIERS)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help="EXPLAIN ANALYZE runs per query (best kept)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400, help="timed requests per page, over all threads")
    parser.add_argument("--upload-rounds", type=int, default=10)
    parser.add_argument(
        "--queries-only", action="store_true", help="measure the queries, not the pages or upload"
    )
    args = parser.parse_args()

    def measure(args) -> None:
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        from bawaba.demo.selectors import demo_campaign

        describe_machine(args.database_url)
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        add_dossiers(args.dossiers, args.seed)
        campaign = demo_campaign()
        measure_queries(campaign, args.repeat)
        if not args.queries_only:
            measure_pages(campaign, threads=args.threads, requests=args.requests)
            measure_upload(args.upload_rounds)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")

    on_national_data(args, measure)


if __name__ == "__main__":
    main()
