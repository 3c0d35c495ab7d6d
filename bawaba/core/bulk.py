"""Set-based inserts of column data: PostgreSQL COPY, or one SQLite `executemany`, inside the caller's transaction.

Hundreds of thousands of rows cannot go through the ORM one object at a time (nor through `bulk_create`, which
builds a model instance per row), so the demo and the selection runs write columns straight into the tables. The caller assigns
primary keys from `first_free_id`, which lets users, applications and choices refer to each other without
reading anything back; `finish_bulk_load` moves the sequences past them.

Columns are given per model field name as a NumPy array, a list, one value for every row, or a function of
(start, stop) returning the values of those rows, for values costly to make all at once: on PostgreSQL they are
then made a chunk at a time while the database stores the previous chunk. A masked NumPy array is NULL where it is
masked. Datetime arrays (`datetime64[s]`, UTC) and date arrays (`datetime64[D]`) are rendered the way each engine
stores them, so both engines end up with the same data.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeGuard, cast

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.copy import QueuedLibpqWriter

Constant = str | int | bool | None
VaryingColumn = np.ndarray | Sequence[Any] | Callable[[int, int], Sequence[Any]]
Column = VaryingColumn | Constant

_COPY_ROWS_PER_CHUNK = 50_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class BulkLoad:
    """What start_bulk_load changed, for finish_bulk_load to put back."""

    model_classes: list[type[models.Model]]
    rebuild: list[str]
    prepare: list[str]
    restore: list[str]


class MissingColumnError(Exception):
    """A model has a required field the caller does not fill (a field added since the caller was written)."""


class BulkWriter:
    """Writes whole tables' worth of rows for one connection, inside the transaction the caller opened."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.is_postgresql = connection.vendor == "postgresql"
        if connection.vendor not in {"postgresql", "sqlite"}:
            raise ImproperlyConfigured(
                f"bulk inserts are written for PostgreSQL and SQLite, not {connection.vendor}"
            )

    def lock(self, model_classes: Iterable[type[models.Model]]) -> None:
        """Keep other writers out of these tables until commit, so the ids read next stay free (PostgreSQL).

        SQLite needs nothing: the project opens its transactions IMMEDIATE, which already holds the write lock.
        """
        if self.is_postgresql:
            tables = ", ".join(self.connection.ops.quote_name(m._meta.db_table) for m in model_classes)
            with self.connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")

    def start_bulk_load(self, model_classes: Sequence[type[models.Model]]) -> BulkLoad:
        """Get the tables ready for a load: drop what is cheaper to rebuild afterwards, give the engine memory.

        Keeping an index up to date row by row costs several times more than building it once from the loaded
        table, and PostgreSQL checks a foreign key with a trigger per row (queued to commit when deferred) but
        validates a re-added one in one join: the bulk-load advice of both engines' manuals ("Populating a
        Database"). So the secondary indexes go, and on PostgreSQL also the foreign keys and the unique
        constraints no foreign key depends on; primary keys stay. SQLite's inline UNIQUE constraints cannot be
        dropped, and its foreign key checks are the caller's business (`connection.constraint_checks_disabled()`
        before the transaction, `check_constraints()` before commit, as loaddata does). DDL is transactional on
        both engines: if the load fails, the caller's rollback restores everything. PostgreSQL's ALTER TABLE
        locks the tables against readers until commit: this is for bulk loads like the demo only.
        """
        tables = [model._meta.db_table for model in model_classes]
        if self.is_postgresql:
            load = BulkLoad(
                model_classes=list(model_classes),
                rebuild=self._drop_postgresql_indexes(tables),
                # Index builds sort in memory up to this (the GIN trigram index needs it most); LOCAL: to commit.
                prepare=["SET LOCAL maintenance_work_mem = '512MB'"],
                restore=[],
            )
        else:
            with self.connection.cursor() as cursor:
                (cache_size,) = cursor.execute("PRAGMA cache_size").fetchone()
                (threads,) = cursor.execute("PRAGMA threads").fetchone()
            load = BulkLoad(
                model_classes=list(model_classes),
                rebuild=self._drop_sqlite_indexes(tables),
                # A page cache big enough for the loaded tables and the index builds' sorts (a cap in KiB, not an
                # allocation), and a second thread for those sorts.
                prepare=["PRAGMA cache_size = -524288", "PRAGMA threads = 2"],
                restore=[f"PRAGMA cache_size = {int(cache_size)}", f"PRAGMA threads = {int(threads)}"],
            )
        with self.connection.cursor() as cursor:
            for statement in load.prepare:
                cursor.execute(statement)
        return load

    def finish_bulk_load(self, load: BulkLoad) -> None:
        """Rebuild what start_bulk_load dropped, move the id sequences past the new rows, restore the settings."""
        with self.connection.cursor() as cursor:
            for statement in load.rebuild:
                cursor.execute(statement)
            for statement in self.connection.ops.sequence_reset_sql(no_style(), load.model_classes):
                cursor.execute(statement)
            for statement in load.restore:
                cursor.execute(statement)

    def _drop_sqlite_indexes(self, tables: list[str]) -> list[str]:
        """Drop every index SQLite keeps as its own CREATE INDEX statement; return those statements."""
        placeholders = ", ".join("%s" for _ in tables)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 - placeholders only
                f"AND tbl_name IN ({placeholders}) ORDER BY name",
                tables,
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        return [sql for _, sql in indexes]

    @contextmanager
    def foreign_keys_suspended(self, model_classes: Sequence[type[models.Model]]) -> Iterator[None]:
        """On PostgreSQL, drop the foreign keys from and to these tables for the block, then add them back.

        Deleting a row that others may point at fires one check per referencing table and row; adding a key
        back checks each table in one join, and fails (rolling everything back) if anything was left dangling.
        On SQLite this does nothing: its checks follow `connection.constraint_checks_disabled()`.
        """
        if not self.is_postgresql:
            yield
            return
        tables = [model._meta.db_table for model in model_classes]
        statements = self._drop_postgresql_constraints(tables, incoming=True, unique=False)
        yield
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _drop_postgresql_indexes(self, tables: list[str]) -> list[str]:
        """Drop foreign keys, free unique constraints and plain indexes; return the statements re-creating them."""
        constraints = self._drop_postgresql_constraints(tables, incoming=False, unique=True)
        indexes = []
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "ORDER BY i.relname",
                [tables],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
                indexes.append(definition)
        return indexes + constraints

    def _drop_postgresql_constraints(self, tables: list[str], *, incoming: bool, unique: bool) -> list[str]:
        """Drop the foreign keys of `tables` (and, if `incoming`, those pointing at them) and, if `unique`, their
        unique constraints no foreign key depends on. Return the statements adding them back, unique ones first.
        """
        quote = self.connection.ops.quote_name
        statements = []
        with self.connection.cursor() as cursor:
            # ALTER TABLE refuses a table with deferred checks still queued (from rows written earlier in this
            # transaction): run them now, then defer again, Django's default for its foreign keys.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE t.relnamespace = current_schema()::regnamespace AND ("
                "  (c.contype = 'f' AND (t.relname = ANY(%s) OR (%s AND c.confrelid IN ("
                "     SELECT oid FROM pg_class WHERE relname = ANY(%s) "
                "     AND relnamespace = current_schema()::regnamespace))))"
                "  OR (%s AND c.contype = 'u' AND t.relname = ANY(%s) AND NOT EXISTS ("
                "     SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))"
                ") ORDER BY c.contype DESC, t.relname, c.conname",
                [tables, incoming, tables, unique, tables],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                statements.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        return statements

    def first_free_id(self, model: type[models.Model]) -> int:
        """The first id never used in the table: past both the largest row and the id sequence.

        Ids of deleted rows are not handed out again (as the engines' own sequences would not): the audit log
        names objects by id, and a row left pointing at a deleted one must fail its foreign key check, not find
        a new row in its place.
        """
        quote = self.connection.ops.quote_name
        table, column = model._meta.db_table, model._meta.pk.column
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 - identifiers from model metadata
            (largest,) = cursor.fetchone()
            if self.is_postgresql:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
                (sequence,) = cursor.fetchone()
                used = 0
                if sequence is not None:
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - a name from the catalogue
                    last_value, is_called = cursor.fetchone()
                    used = last_value if is_called else last_value - 1
            else:
                # AUTOINCREMENT tables (Django's) keep the largest id ever given in sqlite_sequence.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                used = row[0] if row else 0
        return max(largest or 0, used) + 1

    def insert(self, model: type[models.Model], columns: Mapping[str, Column], *, rows: int) -> int:
        """Insert `rows` rows of `columns` (model field names) into the model's table; return the row count."""
        for name, value in columns.items():
            if isinstance(value, np.ndarray | list | tuple) and len(value) != rows:
                raise ValueError(f"column {name} has {len(value)} values for {rows} rows")
        fields = [model._meta.get_field(name) for name in columns]
        self._check_required_fields(model, {field.name for field in fields})
        names = [_column_name(model, field) for field in fields]
        if self.is_postgresql:
            self._copy(model._meta.db_table, names, list(columns.values()), rows)
        else:
            values = [self._sqlite_values(value, rows) for value in columns.values()]
            self._executemany(model._meta.db_table, names, values)
        return rows

    @staticmethod
    def _check_required_fields(model: type[models.Model], given: set[str]) -> None:
        missing = [
            field.name
            for field in model._meta.concrete_fields
            if field.name not in given
            and not field.primary_key
            and not field.null
            and getattr(field, "db_default", models.NOT_PROVIDED) is models.NOT_PROVIDED
        ]
        if missing:
            raise MissingColumnError(
                f"{model._meta.label} has required fields the caller does not fill: {', '.join(missing)}. "
                "Add them to the columns given to BulkWriter.insert."
            )

    # --- SQLite: one executemany per table, in the open transaction ------------------------------------------

    def _executemany(self, table: str, names: list[str], values: list[Iterable[Any]]) -> None:
        quote = self.connection.ops.quote_name
        placeholders = ", ".join("?" for _ in names)
        sql = f"INSERT INTO {quote(table)} ({', '.join(map(quote, names))}) VALUES ({placeholders})"  # noqa: S608 - identifiers from model metadata
        self.connection.ensure_connection()
        # The DB-API connection directly: Django's cursor wrapper would rewrite every row's parameters.
        self.connection.connection.executemany(sql, zip(*values, strict=False))

    @staticmethod
    def _sqlite_values(value: Column, rows: int) -> Iterable[Any]:
        if callable(value):
            value = value(0, rows)
        if isinstance(value, np.ndarray):
            if value.dtype == "datetime64[s]":
                # Django keeps aware datetimes in SQLite as naive UTC text, "YYYY-MM-DD HH:MM:SS".
                return [text.replace("T", " ") for text in np.datetime_as_string(value, unit="s").tolist()]
            if value.dtype == "datetime64[D]":
                return np.datetime_as_string(value, unit="D").tolist()
            return value.tolist()
        if isinstance(value, list | tuple):
            return value
        return itertools.repeat(value, rows)

    # --- PostgreSQL: COPY in text format, in chunks ----------------------------------------------------------

    def _copy(self, table: str, names: list[str], columns: list[Column], rows: int) -> None:
        """COPY in text format, in chunks each made by one %-format of a repeated row pattern.

        Constant columns are written into the pattern; the others are rendered a chunk at a time and interleaved
        row by row, formatted in C, several times faster than joining strings per row. A worker thread of the
        driver sends each chunk (QueuedLibpqWriter) while this one renders the next, so the server parses and
        stores rows while Python prepares more: sent inline, each chunk would wait for the server to drain it.
        """
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN"
        constants = [self._postgresql_constant(c) if _is_constant(c) else None for c in columns]
        pattern = "\t".join("%s" if c is None else c.replace("%", "%%") for c in constants) + "\n"
        variable = [
            cast(VaryingColumn, column)
            for column, constant in zip(columns, constants, strict=True)
            if constant is None
        ]
        width = len(variable)
        self.connection.ensure_connection()
        with self.connection.connection.cursor() as cursor:
            with cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy:
                for start in range(0, rows, _COPY_ROWS_PER_CHUNK):
                    stop = min(start + _COPY_ROWS_PER_CHUNK, rows)
                    if not width:
                        copy.write(pattern * (stop - start))
                        continue
                    values: list[Any] = [None] * ((stop - start) * width)
                    for offset, column in enumerate(variable):
                        rows_of_chunk = column(start, stop) if callable(column) else column[start:stop]
                        values[offset::width] = self._postgresql_text(rows_of_chunk)
                    copy.write(pattern * (stop - start) % tuple(values))

    @staticmethod
    def _postgresql_text(value: np.ndarray | Sequence[Any]) -> list[Any]:
        """Some rows of a column for COPY's text format: values whose str() is the text."""
        if isinstance(value, np.ma.MaskedArray):
            value = value.tolist()  # None where masked
        if isinstance(value, np.ndarray):
            if value.dtype == "datetime64[s]":
                return [
                    text.replace("T", " ") + "+00" for text in np.datetime_as_string(value, unit="s").tolist()
                ]
            if value.dtype == "datetime64[D]":
                return np.datetime_as_string(value, unit="D").tolist()
            if value.dtype == np.bool_:
                return ["t" if flag else "f" for flag in value.tolist()]
            if value.dtype.kind == "U":
                return _escape_all(value.tolist())
            if value.dtype != object:
                return value.tolist()
            value = value.tolist()
        if all(isinstance(item, str) for item in value):
            return _escape_all(cast(Sequence[str], value))
        return [
            "\\N"
            if item is None
            else item.translate(_COPY_ESCAPES)
            if isinstance(item, str)
            else "\\\\x" + item.hex()  # bytea's hex form, its backslash escaped for COPY
            if isinstance(item, bytes)
            else item
            for item in value
        ]

    @staticmethod
    def _postgresql_constant(value: str | int | bool | None) -> str:
        """One value for every row, as COPY's text format writes it."""
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value).translate(_COPY_ESCAPES)


def _is_constant(column: Column) -> TypeGuard[Constant]:
    return not (callable(column) or isinstance(column, np.ndarray | list | tuple))


def _column_name(model: type[models.Model], field: Any) -> str:
    """The table column of a model field; relations seen from the other side have none to write."""
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{field.name} is not a column of its table")
    return column


def _escape_all(values: Sequence[str]) -> list[str]:
    """Escape COPY's special characters; the common case (none anywhere) costs one scan of the joined text."""
    joined = "\0".join(values)
    if not any(char in joined for char in "\\\t\n\r"):
        return list(values)
    # Escaped all at once and cut again at the NULs (which no text value can hold: PostgreSQL refuses them):
    # str.translate one value at a time costs ~100 µs for a JSON document with an Arabic name in it, 30 s for the
    # half-million notices of a publication, where four replaces over the whole text take a fraction of a second.
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        joined = joined.replace(char, escaped)
    escaped_values = joined.split("\0")
    if len(escaped_values) != len(values):
        raise ValueError("a text value holds a NUL character, which PostgreSQL cannot store")
    return escaped_values
