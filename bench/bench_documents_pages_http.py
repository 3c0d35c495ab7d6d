"""The review pages of supporting documents served as in production: gunicorn (2 sync workers, one per core) and
wrk, beside a trivial signed-in page, on a database holding 150,000 dossiers (bench_documents_review.py fills one).

Run from the repository root, after bench_documents_review.py has filled the database:

  .venv/bin/python bench/bench_documents_pages_http.py \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_review

The demo supervisor (Kénitra) is signed in with her second factor verified (a session row made here); wrk sends
her cookie. Pages, one after the other, each for --seconds with --connections connections: the trivial page
(the password-change form), her review queue, the queue filtered by her busiest commune, and one review page
(which renews her claim on each request: an UPDATE, as a reviewer reloading the page does). Needs wrk
(`apt-get install wrk`). Prints Markdown for docs/benchmarks.md.
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_candidate_pages import check_page, free_port, run_wrk, server_pids, start_gunicorn  # noqa: E402


def staff_cookie(email: str) -> str:
    """The Cookie header of a new session of this staff member, her second factor verified."""
    from django.conf import settings
    from django.test import Client

    from bawaba.accounts.models import User
    from bawaba.accounts.twofactor.tests.helpers import verify_session

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    verify_session(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bawaba_bench_review")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("BAWABA_LOCAL", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Count

    from bawaba.accounts.models import User
    from bawaba.demo.selectors import demo_campaign
    from bawaba.demo.services import SUPERVISOR
    from bawaba.documents.models import Dossier

    campaign = demo_campaign()
    supervisor = User.objects.get(email=SUPERVISOR.email)
    provinces = list(supervisor.assignments.values_list("provinces", flat=True))
    queue = Dossier.objects.filter(
        campaign=campaign, status=Dossier.Status.SUBMITTED, province_id__in=provinces
    )
    dossier = queue.order_by("submitted_at", "pk").first()
    busiest = queue.values("commune_id").annotate(n=Count("pk")).order_by("-n").first()
    cookie = staff_cookie(SUPERVISOR.email)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("trivial signed-in page (`/fr/accounts/password/change/`)", "/fr/accounts/password/change/"),
        ("review queue, her first page", f"/fr/staff/documents/{campaign.slug}/review/"),
        (
            "review queue, her busiest commune",
            f"/fr/staff/documents/{campaign.slug}/review/?province={provinces[0]}&commune={busiest['commune_id']}",
        ),
        (
            "review page (her claim renewed each time)",
            f"/fr/staff/documents/{campaign.slug}/review/{dossier.pk}/",
        ),
    ]
    server = start_gunicorn(args.database_url, port)
    try:
        for _label, path in pages:
            check_page(base + path, cookie)
        pids = server_pids(server, args.database_url.rsplit("/", 1)[1])
        print(
            f"\n{queue.count():,} dossiers under examination in her provinces; load average {os.getloadavg()[0]:.1f}"
        )
        print(f"\ngunicorn 2 sync workers, wrk {args.connections} connections, {args.seconds} s a page:\n")
        print("| page | requests/s | p50 ms | p90 ms | p99 ms | server CPU ms/request | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, path in pages:
            result = run_wrk(
                base + path,
                [cookie],
                duration=args.seconds,
                connections=args.connections,
                threads=2,
                warm_up=True,
                server=pids,
            )
            print(
                f"| {label} | {result['rps']:.0f} | {result['p50_us'] / 1000:.1f} | {result['p90_us'] / 1000:.1f} "
                f"| {result['p99_us'] / 1000:.1f} | {result['server_cpu_ms']:.1f} "
                f"| {result['status_errors'] + result['socket_errors']} |",
                flush=True,
            )
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
