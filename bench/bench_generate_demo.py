"""National demo data at full scale: `generate_demo --scale 1` on a fresh SQLite file and a fresh PostgreSQL database.

Times the whole command (wall, user and system CPU, peak RSS) and prints each data set's digest, which must be
the same on both engines. The figures go by hand into docs/benchmarks.md.

    .venv/bin/python bench/bench_generate_demo.py                      # both engines, scale 1, seed 2024
    .venv/bin/python bench/bench_generate_demo.py --engines sqlite --replace
    .venv/bin/python bench/bench_generate_demo.py --pg-url postgres://postgres@127.0.0.1:5432 --pg-db bench_demo

`--replace` also times a second run with --replace over the first one's data.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GNU_TIME = shutil.which("time", path="/usr/bin")
TIME_FORMAT = "wall=%e user=%U sys=%S rss=%M"


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )


def timed_manage(*args: str, env: dict[str, str]) -> dict[str, float]:
    """Run a management command, echoing its output; return wall, user and sys seconds and peak RSS in MiB."""
    command = [PYTHON, "manage.py", *args]
    if GNU_TIME:
        command = [GNU_TIME, "-f", TIME_FORMAT, *command]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    print(completed.stdout, end="")
    if GNU_TIME:
        found = dict(re.findall(r"(wall|user|sys|rss)=([\d.]+)", completed.stderr.splitlines()[-1]))
        return {
            "wall": float(found["wall"]),
            "user": float(found["user"]),
            "sys": float(found["sys"]),
            "rss": float(found["rss"]) / 1024,
        }
    # Without GNU time: the children's usage (their peak RSS is the largest child's, migrate's included).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def digest(env: dict[str, str]) -> str:
    code = (
        "from bawaba.demo.selectors import demo_campaign, demo_data_digest; "
        "print(demo_data_digest(campaign=demo_campaign()))"
    )
    return manage("shell", "-v", "0", "-c", code, env=env).stdout.strip()


def fresh_postgresql(url: str, name: str) -> str:
    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]
    print(f"PostgreSQL {version}, database {name}")
    return f"{url}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--seed", default="2024")
    parser.add_argument("--replace", action="store_true", help="also time a --replace run")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default="bawaba_demo_bench")
    options = parser.parse_args()

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    print(f"machine: {os.cpu_count()} cores, load {load}; Python {sys.version.split()[0]}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_generate_demo.") as work:
        for engine in options.engines.split(","):
            env = {**os.environ, "BAWABA_LOCAL": "1", "BAWABA_VAR_DIR": str(Path(work) / engine)}
            env.pop("DATABASE_URL", None)
            if engine == "postgresql":
                env["DATABASE_URL"] = fresh_postgresql(options.pg_url, options.pg_db)
            manage("migrate", "-v", "0", env=env)
            manage("load_territory", "--no-centroids", env=env)
            runs = [("fresh", [])] + ([("--replace", ["--replace"])] if options.replace else [])
            for label, extra in runs:
                print(f"== {engine}, {label}")
                figures = timed_manage(
                    "generate_demo", "--scale", options.scale, "--seed", options.seed, *extra, env=env
                )
                results.append((engine, label, figures, digest(env)))

    print("\n| engine | run | wall s | user s | sys s | peak RSS MiB | digest |")
    print("|---|---|---:|---:|---:|---:|---|")
    for engine, label, figures, data_digest in results:
        print(
            f"| {engine} | {label} | {figures['wall']:.1f} | {figures['user']:.1f} | {figures['sys']:.1f} "
            f"| {figures['rss']:.0f} | `{data_digest[:16]}` |"
        )
    if len({data_digest for *_, data_digest in results}) > 1:
        sys.exit("The engines (or runs) produced different data.")


if __name__ == "__main__":
    main()
