"""Candidate pages under load: 500,000 candidates in PostgreSQL, the app served by gunicorn (2 sync workers).

Run from the repository root (wrk must be installed: `apt-get install -y wrk`):

  .venv/bin/python bench/bench_candidate_pages.py --fresh --drop \\
      --database-url postgres://postgres@127.0.0.1:5432/bawaba_bench_pages

--fresh creates the database anew and fills it (`migrate`, `load_territory --no-centroids`,
`generate_demo --scale 1 --seed 2024`: 488,321 candidates, then VACUUM ANALYZE); without it the data is reused.
--drop drops the database at the end.

In one run, against one gunicorn started here on 127.0.0.1 (stopped at the end), wrk measures each page for
--duration seconds, --rounds times with the pages in turn (a 2-second warm-up the first time), and reports each
page's median round. The pages: `/healthz` (the reference: one SELECT 1, no cookie); `/healthz` again with
candidates' cookies (what being signed in costs any page: LoginRequiredMiddleware reads the session and the user
before the view); the public `/fr/campaigns/`; the dashboard of a signed-in candidate with no application (the
page's frame: base template, session, user, one query); the dashboard `/fr/me/` as the demo candidate; and the
dashboard rotating over --sample random candidates' sessions (made with Django's SessionStore, so no row stays hot
in one cache). Signed-in requests carry what a browser sends after its first page: the session cookie and its own
CSRF cookie. Then, gunicorn stopped, registrations: `register_candidate` with the real Argon2id hasher, in one
process and in two processes at once (what two workers on two cores can do), and the hash alone. Finally the
dashboard in-process: its queries, CPU time and Python function calls per page (a count of calls does not depend
on what else the machine is running; timings do). Prints Markdown for docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEMO_CANDIDATE = "candidate@demo.bawaba.ma"
EMPTY_CANDIDATE = "no-application@bench.invalid"
REFERENCE = "`/healthz` (reference: one `SELECT 1`)"
PASSWORD = "Correct-horse-battery-2024"  # noqa: S105 - a benchmark's throw-away password

WRK_SCRIPT = """
local cookies = {%(cookies)s}
local counter = 0
request = function()
  if #cookies == 0 then
    return wrk.format("GET", wrk.path)
  end
  counter = counter %% #cookies + 1
  return wrk.format("GET", wrk.path, {["Cookie"] = cookies[counter]})
end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"status_errors\\": %%d, \\"socket_errors\\": %%d, "
    .. "\\"p50_us\\": %%d, \\"p90_us\\": %%d, \\"p99_us\\": %%d, \\"max_us\\": %%d}\\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def fill() -> None:
    from django.core.management import call_command
    from django.db import connection

    for label, action in (
        ("migrate", lambda: call_command("migrate", verbosity=0)),
        (
            "load_territory --no-centroids",
            lambda: call_command("load_territory", no_centroids=True, verbosity=0),
        ),
        ("generate_demo --scale 1 --seed 2024", lambda: call_command("generate_demo", scale=1.0, seed=2024)),
    ):
        started = time.perf_counter()
        action()
        print(f"-- {label}: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def sessions(sample: int, seed: int) -> tuple[str, list[str], str, int]:
    """Cookie headers (session and CSRF cookies, as a browser sends them after its first page) for the demo
    candidate, for `sample` random candidates with an application, and for a candidate with none."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from bawaba.accounts.models import User
    from bawaba.campaigns.models import Application

    def cookies_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"

    candidates = User.objects.filter(role=User.Role.CANDIDATE).count()
    user_ids = sorted(set(Application.objects.values_list("user_id", flat=True)))
    chosen = random.Random(seed).sample(user_ids, sample)
    demo = cookies_for(User.objects.get(email=DEMO_CANDIDATE))
    # Registered and confirmed, not applied yet (made here once: the demo data has no such candidate).
    empty = User.objects.filter(email=EMPTY_CANDIDATE).first() or User.objects.create_user(
        EMPTY_CANDIDATE, password=None, role=User.Role.CANDIDATE, is_active=True
    )
    if Application.objects.filter(user=empty).exists():
        raise SystemExit(f"{EMPTY_CANDIDATE} should have no application")
    return (
        demo,
        [cookies_for(user) for user in User.objects.filter(pk__in=chosen)],
        cookies_for(empty),
        candidates,
    )


def session_user_id(cookie: str) -> int:
    from django.conf import settings
    from django.contrib.sessions.models import Session

    key = cookie.split(";")[0].removeprefix(f"{settings.SESSION_COOKIE_NAME}=")
    return int(Session.objects.get(pk=key).get_decoded()["_auth_user_id"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    database_url: str, port: int, *, settings_module: str = "config.settings"
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BAWABA_LOCAL": "1",
        "DJANGO_SETTINGS_MODULE": settings_module,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(url: str, cookie: str | None) -> None:
    """The page answers 200 (not a redirect to the sign-in page) for this session."""
    request = urllib.request.Request(url)  # noqa: S310 - loopback
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, 0
    if status != 200:
        raise SystemExit(f"{url} answered {status}, expected 200")
    print(f"-- {url}: 200, {size:,} bytes", flush=True)


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds these processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / ticks


def server_pids(server: subprocess.Popen, database: str) -> list[int]:
    """gunicorn's workers and the PostgreSQL backends of their (persistent) connections: the server side."""
    import psycopg

    workers = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        backends = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'",
                [database],
            )
        ]
    return workers + backends


def run_wrk(
    url: str,
    cookies: list[str],
    *,
    duration: int,
    connections: int,
    threads: int,
    warm_up: bool,
    server: list[int],
) -> dict:
    """wrk on `url`; with the CPU time per request of the server processes and of wrk itself."""
    import resource

    script = WRK_SCRIPT % {"cookies": ", ".join(f'"{cookie}"' for cookie in cookies)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        base = ["wrk", "-t", str(threads), "-c", str(connections), "--timeout", "10s", "-s", handle.name]
        if warm_up:
            subprocess.run([*base, "-d", "2s", url], check=True, capture_output=True)  # noqa: S603
        server_before = process_cpu(server)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = subprocess.run(  # noqa: S603
            [*base, "-d", f"{duration}s", "--latency", url], check=True, capture_output=True, text=True
        ).stdout
        server_cpu = process_cpu(server) - server_before
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wrk_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    finally:
        os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["server_cpu_ms"] = server_cpu / result["requests"] * 1000
    result["wrk_cpu_ms"] = wrk_cpu / result["requests"] * 1000
    return result


def register_worker(count: int, tag: str) -> None:
    """Called in a child process: `count` registrations of new addresses, one JSON line of seconds each."""
    from django.contrib.auth.hashers import make_password

    from bawaba.accounts.services import register_candidate

    register_candidate(
        email=f"warm-{tag}@bench.invalid", password=PASSWORD, language="fr", base_url="http://x/"
    )
    timings = []
    for index in range(count):
        started = time.perf_counter()
        register_candidate(
            email=f"bench-{tag}-{index}@bench.invalid",
            password=PASSWORD,
            language="fr",
            base_url="http://127.0.0.1/",
        )
        timings.append(time.perf_counter() - started)
    hashes = []
    for _ in range(count):
        started = time.perf_counter()
        make_password(PASSWORD)
        hashes.append(time.perf_counter() - started)
    print("REGISTER " + json.dumps({"register": timings, "hash": hashes}), flush=True)


def registrations(database_url: str, count: int, processes: int) -> tuple[float, list[float], list[float]]:
    """Registrations per second with `processes` processes at once; all registration and hash timings."""
    env = {**os.environ, "DATABASE_URL": database_url, "BAWABA_LOCAL": "1"}
    run = f"{time.time_ns()}"
    children = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, "--register-worker", str(count), "--tag", f"{run}-{index}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(processes)
    ]
    register: list[float] = []
    hashes: list[float] = []
    walls = []
    for child in children:
        output, _ = child.communicate()
        data = json.loads(next(line for line in output.splitlines() if line.startswith("REGISTER "))[9:])
        register += data["register"]
        hashes += data["hash"]
        walls.append(sum(data["register"]))
    # Throughput while all processes registered at once: each process's registrations over its own time.
    return sum(count / wall for wall in walls), register, hashes


def profile_dashboard(user_ids: list[int]) -> dict:
    """The dashboard in-process (Django's test client): queries per page and their share of the time, CPU time
    and Python function calls per page (cProfile; a count, so it does not depend on the machine's load)."""
    import cProfile
    import pstats

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bawaba.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    pages, cpu, query_time, query_counts, calls = [], [], [], [], []
    for user in User.objects.filter(pk__in=user_ids):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get("/fr/me/")
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/fr/me/")
            pages.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, response.status_code
        query_counts.append(len(captured.captured_queries))
        query_time.append(sum(float(query["time"]) for query in captured.captured_queries))
        profiler = cProfile.Profile()
        profiler.runcall(client.get, "/fr/me/")
        calls.append(pstats.Stats(profiler).total_calls)
    last = [query["sql"][:160] for query in captured.captured_queries]
    return {
        "page_ms": statistics.median(pages) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "calls": statistics.median(calls),
        "queries": statistics.median(query_counts),
        "query_ms": statistics.median(query_time) * 1000,
        "last_queries": last,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bawaba_bench_pages")
    parser.add_argument("--fresh", action="store_true", help="create the database anew and fill it")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--duration", type=int, default=6, help="seconds per load run (at most 20)")
    parser.add_argument("--rounds", type=int, default=3, help="load runs per page, pages in turn")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sample", type=int, default=200, help="random candidates whose sessions rotate")
    parser.add_argument("--registrations", type=int, default=40, help="registrations per process")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--register-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BAWABA_LOCAL", "1")
    if args.register_worker is not None:
        import django

        django.setup()
        register_worker(args.register_worker, args.tag)
        return

    if args.duration > 20:
        parser.error("--duration: at most 20 seconds per load run")
    os.environ["DATABASE_URL"] = args.database_url
    if args.fresh:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.db import connection

    if args.fresh:
        fill()
    demo_session, sample_sessions, empty_session, candidates = sessions(args.sample, args.seed)
    sample_user_ids = [session_user_id(cookie) for cookie in sample_sessions[:30]]
    connection.close()

    load_before = f"{os.getloadavg()[0]:.2f}"
    port = free_port()
    server = start_gunicorn(args.database_url, port)
    base = f"http://127.0.0.1:{port}"
    pages = (
        (REFERENCE, "/healthz", []),
        (
            f"`/healthz` with {args.sample} candidates' cookies (session + user read)",
            "/healthz",
            sample_sessions,
        ),
        ("`/fr/campaigns/` (public list)", "/fr/campaigns/", []),
        ("`/fr/me/` signed in, no application (the page's frame)", "/fr/me/", [empty_session]),
        ("`/fr/me/` dashboard, the demo candidate", "/fr/me/", [demo_session]),
        (f"`/fr/me/` dashboard, {args.sample} candidates' sessions in turn", "/fr/me/", sample_sessions),
    )
    rounds: dict[str, list[dict]] = {label: [] for label, _, _ in pages}
    try:
        check_page(f"{base}/fr/campaigns/", None)
        check_page(f"{base}/fr/me/", demo_session)
        check_page(f"{base}/fr/me/", sample_sessions[0])
        check_page(f"{base}/fr/me/", empty_session)
        # Pages in turn, --rounds times: on a machine that others share too, a burst of someone else's work then
        # lowers one round of every page rather than all the rounds of one page (and with it the ratios).
        for index in range(args.rounds):
            for label, path, cookies in pages:
                result = run_wrk(
                    base + path,
                    cookies,
                    duration=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    warm_up=index == 0,
                    server=server_pids(server, urlsplit(args.database_url).path.lstrip("/")),
                )
                rounds[label].append(result)
                print(f"-- round {index + 1} {label}: {result}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    single_rate, single_register, single_hash = registrations(args.database_url, args.registrations, 1)
    double_rate, double_register, double_hash = registrations(args.database_url, args.registrations, 2)
    profile = profile_dashboard(sample_user_ids)
    connection.close()
    if args.drop:
        drop_database(args.database_url)

    # Each page's median round (by requests/s); the range shows how much the rounds differed.
    results = {
        label: sorted(runs, key=lambda run: run["rps"])[len(runs) // 2] for label, runs in rounds.items()
    }
    reference = results[REFERENCE]["rps"]
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{candidates:,} candidates; gunicorn 2 sync workers and wrk (-t{args.threads} -c{args.connections}, "
        f"{args.rounds} rounds of {args.duration} s per page, pages in turn) on the same machine; load average "
        f"before: {load_before}, after: {os.getloadavg()[0]:.2f} (1 minute)"
    )
    print()
    print(
        "| page | requests/s | rounds | p50 ms | p99 ms | vs reference | server CPU ms/request "
        "| vs reference by server CPU | wrk CPU ms/request | non-2xx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    # Server CPU (gunicorn workers and their PostgreSQL backends) per request, median over the rounds: what a
    # request costs the server whatever else runs on the machine, and so what the ratio would be without wrk.
    server_cpu = {
        label: statistics.median(run["server_cpu_ms"] for run in runs) for label, runs in rounds.items()
    }
    for label, result in results.items():
        rates = sorted(run["rps"] for run in rounds[label])
        errors = sum(run["status_errors"] + run["socket_errors"] for run in rounds[label])
        wrk_cpu = statistics.median(run["wrk_cpu_ms"] for run in rounds[label])
        print(
            f"| {label} | {result['rps']:,.0f} | {rates[0]:,.0f}-{rates[-1]:,.0f} | {result['p50_us'] / 1000:.1f} "
            f"| {result['p99_us'] / 1000:.1f} | {result['rps'] / reference:.2f} | {server_cpu[label]:.2f} "
            f"| {server_cpu[REFERENCE] / server_cpu[label]:.2f} | {wrk_cpu:.2f} | {errors} |"
        )
    print()
    print(
        "| registrations (`register_candidate`, real Argon2id) | per second | p50 ms | p99 ms | hash p50 ms |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, rate, timings, hashes in (
        ("one process", single_rate, single_register, single_hash),
        ("two processes at once (two workers, two cores)", double_rate, double_register, double_hash),
    ):
        print(
            f"| {label} | {rate:.1f} | {statistics.median(timings) * 1000:.0f} "
            f"| {percentile(timings, 0.99) * 1000:.0f} | {statistics.median(hashes) * 1000:.0f} |"
        )
    print()
    print(
        f"Dashboard in-process (30 sampled candidates, median): {profile['page_ms']:.1f} ms a page "
        f"({profile['cpu_ms']:.1f} ms CPU, {profile['calls']:,.0f} Python function calls), "
        f"{profile['queries']:.0f} queries taking {profile['query_ms']:.1f} ms"
    )
    for sql in profile["last_queries"]:
        print(f"    {sql}")


if __name__ == "__main__":
    main()
