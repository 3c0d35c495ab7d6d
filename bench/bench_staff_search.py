"""The central administrator's applications pages at national scale: 500,000 applications, p50/p99 per search.

Run from the repository root; --fresh creates the database anew and fills it, without it the data is reused:

  .venv/bin/python bench/bench_staff_search.py --fresh \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_staff
  .venv/bin/python bench/bench_staff_search.py --fresh --database-url sqlite:////tmp/bawaba_bench_staff.sqlite3

Filling is set-based: `migrate`, `load_territory`, `generate_demo --scale 1` (488,321 census applications and
2.2 million choices through COPY on PostgreSQL, executemany on SQLite), a second campaign of 11,679 applications
copied in one INSERT ... SELECT (500,000 in all), `reindex_application_names`, then VACUUM ANALYZE.

Each scenario runs --runs times, inputs drawn (seeded) from the data, through Django's test client as a signed-in
central administrator: the whole request (session, permission check, queries, template). The "queries" column
times the same filters through the selectors alone (form validation, the page and the bounded count).
Prints Markdown for docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TOTAL_APPLICATIONS = 500_000
TOP_UP_SLUG = "bench-competition"
SAMPLE = 300


def recreate_database(url: str) -> None:
    """An empty database at `url`: PostgreSQL's dropped and created again, SQLite's file removed."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def fill() -> dict[str, float]:
    """The national demo plus a second campaign, search names and fresh statistics; seconds per phase."""
    from django.core.management import call_command
    from django.db import connection

    phases: dict[str, float] = {}

    def timed(label: str, action: Callable[[], object]) -> None:
        started = time.perf_counter()
        action()
        phases[label] = time.perf_counter() - started
        print(f"-- {label}: {phases[label]:.1f} s", flush=True)

    timed("migrate", lambda: call_command("migrate", verbosity=0))
    timed("load_territory", lambda: call_command("load_territory", verbosity=0))
    timed("generate_demo --scale 1", lambda: call_command("generate_demo", scale=1.0, seed=2024))
    timed("top up to 500,000 (INSERT ... SELECT)", top_up)
    timed("reindex_application_names", lambda: call_command("reindex_application_names", batch_size=20_000))
    with connection.cursor() as cursor:
        timed(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE",
            lambda: cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"),
        )
    return phases


def top_up() -> None:
    """A second campaign (a public-employment competition) whose applicants also applied to the census."""
    from django.db import connection, transaction

    from bawaba.campaigns.models import Application, Campaign
    from bawaba.demo.selectors import demo_campaign

    census = demo_campaign()
    missing = TOTAL_APPLICATIONS - Application.objects.count()
    if census is None or missing <= 0:
        return
    with transaction.atomic():
        competition = Campaign.objects.create(
            administration=census.administration,
            slug=TOP_UP_SLUG,
            kind=Campaign.Kind.COMPETITION,
            title_ar="مباراة توظيف (اختبار الأداء)",
            title_fr="Concours de recrutement (banc d'essai)",
            # A year before the census, so that the census stays the staff pages' default (newest) campaign.
            registration_opens_at=census.registration_opens_at - dt.timedelta(days=365),
            registration_closes_at=census.registration_closes_at - dt.timedelta(days=365),
            is_published=False,
        )
        quote = connection.ops.quote_name
        columns = [f.column for f in Application._meta.concrete_fields if f.name not in {"id", "campaign"}]
        names = ", ".join(map(quote, columns))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Application._meta.db_table)} ({quote('campaign_id')}, {names}) "  # noqa: S608 - identifiers from model metadata
                f"SELECT %s, {names} FROM {quote(Application._meta.db_table)} WHERE {quote('campaign_id')} = %s "
                f"ORDER BY {quote('id')} LIMIT %s",
                [competition.pk, census.pk, missing],
            )


@dataclass
class Scenario:
    label: str
    path: Callable[[int], str]
    params: Callable[[int], dict]
    list_filters: bool = True  # a list page: also time its queries through the selectors


def respell(arabic: str) -> str:
    """The same name as another person would type it: hamza dropped from alef, ة as ه, ى as ي, a fatha added."""
    text = arabic.translate(str.maketrans({"أ": "ا", "إ": "ا", "ة": "ه", "ى": "ي"}))
    return text[:1] + "\u064e" + text[1:] if text else text


def scenarios(sample: list, census_id: int, lowest_id: int, *, national: bool) -> list[Scenario]:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("ar"):
        applications_url = reverse("staff:applications")
        registrations_url = reverse("staff:registrations")
        csv_url = reverse("staff:registrations_csv")
        export_url = reverse("staff:applications_csv")
        detail_url = reverse("staff:application_detail", args=[0]).replace("/0/", "/{}/")

    def pick(i: int):
        return sample[i % len(sample)]

    def longest_latin_word(i: int) -> str:
        word = max(pick(i).last_name_latin.split(), key=len)
        return word[: max(4, len(word) - 1)].lower()

    def listing(label: str, params: Callable[[int], dict]) -> Scenario:
        return Scenario(label, lambda i: applications_url, params)

    national_only = [
        Scenario(
            "registrations by day (SVG chart + table)",
            lambda i: registrations_url,
            lambda i: {"campaign": census_id},
            False,
        ),
        Scenario("registrations CSV", lambda i: csv_url, lambda i: {"campaign": census_id}, False),
    ]
    return [
        listing("first page, no filter", lambda i: {}),
        listing(
            "deep keyset page (?after=, last 1 %)", lambda i: {"after": lowest_id + 50 + (i * 37) % 5_000}
        ),
        listing("previous page (?before=)", lambda i: {"before": pick(i).pk}),
        listing(
            "CIN, lower case with spaces", lambda i: {"q": f"{pick(i).cin[:2]} {pick(i).cin[2:]}".lower()}
        ),
        listing("e-mail, upper case", lambda i: {"q": pick(i).user.email.upper()}),
        listing(
            "Arabic first + last name, other spelling",
            lambda i: {"q": f"{respell(pick(i).first_name_ar)} {respell(pick(i).last_name_ar)}"},
        ),
        listing("Arabic common first name alone (محمد)", lambda i: {"q": "محمد"}),
        listing(
            "Latin first + last name, capitals",
            lambda i: {"q": f"{pick(i).first_name_latin} {pick(i).last_name_latin}".upper()},
        ),
        listing("Latin part of a last name", lambda i: {"q": longest_latin_word(i)}),
        listing("commune (residence or choice)", lambda i: {"commune": pick(i).residence_commune.code}),
        listing(
            "commune + campaign + Latin first name",
            lambda i: {
                "commune": pick(i).residence_commune.code,
                "campaign": census_id,
                "q": pick(i).first_name_latin,
            },
        ),
        Scenario(
            "one application (detail page)", lambda i: detail_url.format(pick(i).pk), lambda i: {}, False
        ),
        Scenario(
            "CSV export of a commune's applications (streamed, read to the end)",
            lambda i: export_url,
            lambda i: {"commune": pick(i).residence_commune.code},
            False,
        ),
        *(national_only if national else []),
    ]


def selectors_only(params: dict, user) -> int:
    """The list page's database work without the request: validate, select within her scope, one page, the bounded
    count."""
    from bawaba.campaigns.access import applications_in_scope, staff_scope
    from bawaba.campaigns.staff.forms import ApplicationSearchForm
    from bawaba.campaigns.staff.selectors import applications_for_staff
    from bawaba.campaigns.staff.views import COUNT_LIMIT
    from bawaba.core.pagination import count_up_to, keyset_page

    form = ApplicationSearchForm(params)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    matching = applications_in_scope(
        applications_for_staff(campaign=data["campaign"], query=data["q"], commune=data["commune"]),
        staff_scope(user),
    )
    page = keyset_page(matching, size=50, after=data["after"], before=data["before"])
    if data["q"].strip():
        count_up_to(matching, COUNT_LIMIT)
    return len(page.rows)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({model or platform.processor()}){memory}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fresh", action="store_true", help="create the database anew and fill it")
    parser.add_argument("--runs", type=int, default=100, help="timed requests per scenario (default 100)")
    parser.add_argument(
        "--as",
        dest="persona",
        choices=["admin", "supervisor", "coordinator"],
        default="admin",
        help="whose pages: the central administrator (national), the demo's supervisor of Kénitra, or its "
        "coordinator of Rabat-Salé-Kénitra (their scope filters every page)",
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BAWABA_LOCAL", "1")
    if args.fresh:
        recreate_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bawaba.accounts.models import User
    from bawaba.campaigns.models import Application, ApplicationChoice
    from bawaba.campaigns.staff.selectors import registrations_by_day
    from bawaba.demo.selectors import demo_campaign

    phases = fill() if args.fresh else {}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    census = demo_campaign()
    total = Application.objects.count()
    rng = random.Random(2024)
    lowest, highest = (
        Application.objects.order_by("pk").values_list("pk", flat=True)[0],
        (Application.objects.order_by("-pk").values_list("pk", flat=True)[0]),
    )
    ids = rng.sample(range(lowest, highest + 1), SAMPLE * 2)
    sample = list(
        Application.objects.filter(pk__in=ids, campaign=census).select_related("user", "residence_commune")[
            :SAMPLE
        ]
    )
    rng.shuffle(sample)

    from bawaba.campaigns.access import applications_in_scope, staff_scope
    from bawaba.demo import services as demo

    staff = {
        "admin": User.objects.filter(is_superuser=True).order_by("pk").first(),
        "supervisor": User.objects.get(email=demo.SUPERVISOR.email),
        "coordinator": User.objects.get(email=demo.COORDINATOR.email),
    }[args.persona]
    if args.persona != "admin":
        # Her own applications: the sample is drawn from what she may see, so that detail pages answer 200.
        sample = list(
            applications_in_scope(Application.objects.filter(campaign=census), staff_scope(staff))
            .select_related("user", "residence_commune")
            .order_by("?")[:SAMPLE]
        )
    client = Client()
    client.force_login(staff)
    # As after her code: the benchmark measures the pages, not the second step.
    from bawaba.accounts.twofactor.tests.helpers import verify_session

    verify_session(client, staff)

    engine = (
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
    print(f"\nEngine: {engine}; {total:,} applications, {ApplicationChoice.objects.count():,} choices")
    print(f"Machine: {machine()}; Python {platform.python_version()}; {args.runs} runs per scenario")
    print(f"Signed in as: {args.persona} ({staff.email})\n")
    if phases:
        print("| fill phase | seconds |\n|---|---:|")
        for label, seconds in phases.items():
            print(f"| {label} | {seconds:.1f} |")
        print()

    print(
        "| scenario | page p50 ms | page p99 ms | queries p50 ms | queries p99 ms | rows on page (median) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for scenario in scenarios(sample, census.pk, lowest, national=args.persona == "admin"):
        for i in range(3):  # warm-up
            client.get(scenario.path(i), scenario.params(i))
        page_times, query_times, rows = [], [], []
        for i in range(args.runs):
            path, params = scenario.path(i), scenario.params(i)
            started = time.perf_counter()
            response = client.get(path, params)
            if response.streaming:
                b"".join(response.streaming_content)
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, (scenario.label, params, response.status_code)
            if scenario.list_filters:
                started = time.perf_counter()
                rows.append(selectors_only(params, staff))
                query_times.append(time.perf_counter() - started)
        page_p50, page_p99 = percentiles(page_times)
        if query_times:
            query_p50, query_p99 = percentiles(query_times)
            queries = f"{query_p50:.1f} | {query_p99:.1f} | {statistics.median(rows):.0f}"
        else:
            queries = "– | – | –"
        print(f"| {scenario.label} | {page_p50:.1f} | {page_p99:.1f} | {queries} |", flush=True)

    if args.persona != "admin":
        return
    # The registrations pages above read a five-minute cache; this is what filling it costs.
    samples = []
    for _ in range(max(5, args.runs // 10)):
        started = time.perf_counter()
        registrations_by_day(campaign=census)
        samples.append(time.perf_counter() - started)
    p50, p99 = percentiles(samples)
    print(f"| registrations_by_day, uncached ({len(samples)} runs) | – | – | {p50:.1f} | {p99:.1f} | – |")


if __name__ == "__main__":
    main()
