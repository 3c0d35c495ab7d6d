"""Read-only test data built once per test session, then restored into each test's database by bulk copy.

Loading the territory (1,503 communes) and generating the small demo census take most of the setup time of the
tests that read them. A snapshot runs the real build once (the loader, `generate_demo`), keeps the rows it added,
and restores those rows in later tests: `COPY` on PostgreSQL, one `executemany` a table on SQLite. Each test still
runs in its own transaction (or is flushed after, for transactional tests), so what a test writes never leaks.

Django creates foreign keys `DEFERRABLE INITIALLY DEFERRED` on both engines, so the tables may be restored in any
order: the keys are checked at commit, and a restored snapshot is consistent by construction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Table:
    name: str
    columns: list[str]
    # PostgreSQL: the COPY text of the rows; SQLite: the rows as tuples.
    copy_text: bytes = b""
    rows: list[tuple] = field(default_factory=list)


@dataclass
class Snapshot:
    """What one build added to the database, and what the build returned."""

    tables: list[_Table]
    value: Any


def _tables_with_integer_id(connection) -> list[str]:
    """The tables of models whose key is an auto-incremented integer named id (every table our builds write)."""
    from django.apps import apps

    automatic = {"AutoField", "BigAutoField", "SmallAutoField"}
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.pk.get_internal_type() in automatic and model._meta.pk.column == "id"
        }
    )


def _max_ids(connection, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{name}', COALESCE(MAX(id), 0) FROM {quote(name)}"  # noqa: S608 - names from our models
                for name in tables
            )
        )
        return dict(cursor.fetchall())


# SQLite rolls its id counters back with each test; PostgreSQL's sequences never go back. So on SQLite a later test
# that creates rows before restoring would reuse the snapshot's ids: the build starts its ids this far up instead.
_SQLITE_ID_OFFSET = 1_000_000


def _skip_ids(connection, max_ids: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_sequence")
        counted = {name for (name,) in cursor.fetchall()}
        for name, max_id in max_ids.items():
            start = max_id + _SQLITE_ID_OFFSET
            if name in counted:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, name])
            else:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, start])


def _columns(connection, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def _sqlite_parameter(value: Any) -> Any:
    # Django's SQLite backend reads a time column back as a datetime.time (a converter) but registers no adapter to
    # write one (its fields write text): written back as that text.
    return value.isoformat() if isinstance(value, dt.time) else value


def take(build: Callable[[], Any]) -> Snapshot:
    """Run `build` and keep every row it added (rows whose id is above each table's id before the build)."""
    from django.db import connection

    tables = _tables_with_integer_id(connection)
    before = _max_ids(connection, tables)
    if connection.vendor == "sqlite":
        _skip_ids(connection, before)
    value = build()
    after = _max_ids(connection, tables)
    quote = connection.ops.quote_name
    taken = []
    for name in tables:
        if after[name] <= before[name]:
            continue
        table = _Table(name=name, columns=_columns(connection, name))
        columns = ", ".join(quote(column) for column in table.columns)
        select = f"SELECT {columns} FROM {quote(name)} WHERE id > {int(before[name])} ORDER BY id"  # noqa: S608
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                table.copy_text = buffer.getvalue()
            else:
                cursor.execute(select)
                table.rows = [tuple(map(_sqlite_parameter, row)) for row in cursor.fetchall()]
        taken.append(table)
    return Snapshot(tables=taken, value=value)


def restore(snapshot: Snapshot) -> Any:
    """Put the snapshot's rows back (into a database that lacks them) and return what the build returned."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    # One transaction (a savepoint inside a test's own), so that deferred foreign keys are checked once, at the end.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot.tables:
            columns = ", ".join(quote(column) for column in table.columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                    copy.write(table.copy_text)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                insert = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, table.rows)
        if connection.vendor == "postgresql":
            # Explicit ids do not move PostgreSQL's sequences; the next insert of the test would collide without this.
            restored = {table.name for table in snapshot.tables}
            models = [model for model in apps.get_models() if model._meta.db_table in restored]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    return snapshot.value


class Snapshots:
    """The session's snapshots by name: the first test that asks builds, the later ones restore."""

    def __init__(self) -> None:
        self._taken: dict[str, Snapshot] = {}

    def load(self, name: str, build: Callable[[], Any]) -> Any:
        if name in self._taken:
            return restore(self._taken[name])
        snapshot = take(build)
        self._taken[name] = snapshot
        return snapshot.value
