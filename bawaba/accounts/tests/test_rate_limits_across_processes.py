"""A limit holds across the web processes: four real Python processes hit one counter at the same moment through
the database cache (the test's own database, SQLite or PostgreSQL), and only the limit passes.

Production runs several gunicorn workers; a counter each process kept to itself (or one whose increment is a read
then a write) would let each of them grant the whole allowance.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[3]
WORKERS = 4
HITS_PER_WORKER = 5
LIMIT = 5

# Each worker: start Django with the real settings, say it is ready, wait for "go" (so that all four hit the
# counter together), count its hits that were let through, print that number.
WORKER = f"""
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.conf import settings
# A window of decades: the burst never straddles two windows.
settings.BAWABA_RATE_LIMITS = {{"reset:address": ({LIMIT}, 10**9)}}
from bawaba.accounts import ratelimit
print("ready", flush=True)
sys.stdin.readline()
identity = sys.argv[1]
print(sum(1 for _ in range({HITS_PER_WORKER}) if ratelimit.hit("reset:address", identity) == 0), flush=True)
"""


def _burst(tmp_path: Path, **env: str) -> list[int]:
    """Start the workers, let them all hit one fresh counter at once; how many hits each was allowed."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    environment = {**kept, "BAWABA_VAR_DIR": str(tmp_path), **env}
    identity = f"{uuid.uuid4().hex}@example.ma"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, identity],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            assert line.strip() == "ready", worker.stderr.read() if worker.stderr else line
        for worker in workers:  # all are waiting: release them together
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in results]
    return [int(out.strip()) for out, _ in results]


@pytest.fixture
def cache_table(transactional_db):
    """The database cache's table in the test database (the test settings' own cache is per process)."""
    backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bawaba_cache"}
    with override_settings(CACHES={"default": backend}):
        call_command("createcachetable", verbosity=0)


# The workers read and write the test database through their own connections: the data must be committed.
@pytest.mark.django_db(transaction=True)
def test_a_limit_of_5_holds_across_4_processes_sharing_the_database_cache(tmp_path, cache_table):
    allowed = _burst(tmp_path, DATABASE_URL=database_url())
    assert sum(allowed) == LIMIT  # of 20 hits at once


@pytest.mark.django_db(transaction=True)
def test_a_cache_each_process_keeps_to_itself_would_let_every_process_grant_the_whole_limit(tmp_path):
    """Why the default cache must be shared (production refuses a per-process one: bawaba/core/tests)."""
    allowed = _burst(tmp_path, DATABASE_URL=database_url(), CACHE_URL="locmemcache://")
    assert allowed == [LIMIT] * WORKERS
