"""The default cache holds the rate limits, so every web process must share it; production refuses one it cannot.

The sharing cases start two separate interpreters against the same cache and count in both.
"""

import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from bawaba.core.apps import create_cache_table
from bawaba.core.tests.test_settings import _run

PRODUCTION = {"BAWABA_ENV": "production", "DJANGO_SECRET_KEY": "x" * 50}
SETUP = "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "


def _count(tmp_path: Path, key: str, **extra: str) -> int:
    """One process: open the counter if absent, add one, print what the cache now holds."""
    result = _run(
        tmp_path,
        SETUP
        + f"from django.core.cache import cache; cache.add({key!r}, 0, timeout=600); print(cache.incr({key!r}))",
        **extra,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_production_refuses_a_cache_each_process_keeps_to_itself(tmp_path, cache_url):
    result = _run(tmp_path, "import config.settings", **PRODUCTION, CACHE_URL=cache_url)
    assert result.returncode != 0
    assert "several processes that must share their rate limits" in result.stderr


def test_production_starts_with_redis(tmp_path):
    result = _run(
        tmp_path,
        "import config.settings as s; print(s.CACHES['default']['BACKEND'])",
        **PRODUCTION,
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_a_local_run_counts_in_the_database_and_two_processes_share_the_count(tmp_path):
    made = _run(
        tmp_path, SETUP + "from django.core.management import call_command; call_command('createcachetable')"
    )
    assert made.returncode == 0, made.stderr
    key = f"shared-{uuid.uuid4().hex}"
    assert _count(tmp_path, key) == 1
    assert _count(tmp_path, key) == 2  # a process-local cache would say 1 again


def test_a_burst_of_other_keys_does_not_cull_a_live_counter_in_the_database_cache(tmp_path):
    """Django's default (300 entries, then a third deleted whatever their age) would drop the counter here."""
    key = f"counter-{uuid.uuid4().hex}"
    burst = (
        f"from django.core.management import call_command; call_command('createcachetable'); "
        f"from django.core.cache import cache; cache.set({key!r}, 7, timeout=600); "
        "[cache.set(f'other-{n}', n, timeout=600) for n in range(400)]; "
        f"print(cache.get({key!r})); cache.delete_many([f'other-{{n}}' for n in range(400)] + [{key!r}])"
    )
    result = _run(tmp_path, SETUP + burst)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "7"


def test_two_processes_share_a_count_in_redis(tmp_path):
    url = "redis://127.0.0.1:6379/0"
    key = f"bawaba-test-shared-{uuid.uuid4().hex}"
    try:
        assert _count(tmp_path, key, CACHE_URL=url) == 1
        assert _count(tmp_path, key, CACHE_URL=url) == 2
    finally:
        _run(tmp_path, SETUP + f"from django.core.cache import cache; cache.delete({key!r})", CACHE_URL=url)


@pytest.mark.django_db(transaction=True)
def test_every_migrate_creates_the_database_cache_table():
    table = f"cache_{uuid.uuid4().hex[:8]}"
    backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    with override_settings(CACHES={"default": backend}):
        try:
            create_cache_table(using="default", verbosity=0)  # what post_migrate calls after each migrate
            assert table in connection.introspection.table_names()
            caches["default"].set("k", "v")
            assert caches["default"].get("k") == "v"
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
