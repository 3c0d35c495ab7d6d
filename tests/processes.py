"""For tests that start real processes (workers, senders) on the test database."""

import os

from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL, for processes that do not go through pytest-django."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def plain_environment(**overrides: str) -> dict[str, str]:
    """A child's environment: the few variables a process needs, none of the test run's Django settings."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {**kept, **overrides}
