"""Importing the e-learning platform's completion report (the format: bawaba.training.progress_csv).

A report is imported whole or refused whole: a faulty line (malformed, or a username no training account of the
campaign has) refuses the file, and the refusal is recorded with every faulty line (the first thousand) and
nothing else changes. An accepted report upserts each candidate's TrainingProgress set-based, in one transaction:
a row changes only where the report says something new, so that importing the same file twice changes nothing
(its second import counts 0 changes, and no row is written). Candidates the report leaves out keep their progress.
"""

import hashlib
import io
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils.formats import number_format
from django.utils.translation import gettext

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.training.models import ProgressImport, TrainingAccount, TrainingProgress
from bawaba.training.progress_csv import (
    COLUMN_NAMES,
    PROBLEM_SENTENCES,
    ProgressLine,
    ProgressProblem,
    parse_progress_file,
)

# A refused import keeps this many faulty lines (each with all its problems).
KEPT_FAULTY_LINES = 1_000
FILENAME_MAX_LENGTH: int = ProgressImport._meta.get_field("filename").max_length or 0
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_VALUE_COLUMNS = ("first_access", "completion_percent", "grade", "last_access")


def _clean_filename(name: str) -> str:
    # The browser's name of the file, only shown back: no control character (PostgreSQL refuses NUL), bounded.
    return "".join(ch for ch in name if unicodedata.category(ch) != "Cc").strip()[:FILENAME_MAX_LENGTH]


def _json_safe(params: Mapping[str, object]) -> dict[str, object]:
    return {key: value if isinstance(value, int | str) else str(value) for key, value in params.items()}


def faulty_lines(problems: Iterable[ProgressProblem]) -> list[dict[str, Any]]:
    """The problems grouped per line, in the order of the file (the file's own problems first), as stored:
    [{"line": 12, "errors": [{"code": "bad_date", "params": {…}}, …]}, …]."""
    by_line: dict[int | None, list[dict[str, Any]]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(
            {"code": problem.code, "params": _json_safe(problem.params)}
        )
    ordered = sorted(by_line.items(), key=lambda item: -1 if item[0] is None else item[0])
    return [{"line": line, "errors": errors} for line, errors in ordered]


def describe(error: Mapping[str, Any], line: int | None) -> str:
    """A stored problem as a sentence in the active language (numbers written the reader's way)."""
    values: dict[str, object] = {}
    for key, value in dict(error.get("params") or {}).items():
        if key == "column":
            value = gettext(COLUMN_NAMES.get(str(value), str(value)))
        elif isinstance(value, int):
            value = number_format(value, force_grouping=key == "maximum")
        values[key] = value
    values["line"] = number_format(line) if line is not None else ""
    sentence = PROBLEM_SENTENCES.get(str(error.get("code")), "")
    return gettext(sentence) % values if sentence else str(error.get("code"))


@contextmanager
def _timed(timings: dict[str, float] | None, label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    if timings is not None:
        timings[label] = timings.get(label, 0.0) + time.perf_counter() - started


def import_progress(
    *, campaign: Campaign, data: bytes, filename: str, actor: Any, timings: dict[str, float] | None = None
) -> ProgressImport:
    """Import the report, or record its refusal with its faulty lines; one transaction, audited. `timings`, if
    given, receives the seconds of each phase (the benchmark's)."""
    with _timed(timings, "parse"):
        digest = hashlib.sha256(data).hexdigest()
        report = parse_progress_file(data, max_bytes=settings.BAWABA_PROGRESS_MAX_BYTES)
    with transaction.atomic():
        # One import of a campaign at a time: two at once would each count the other's rows as changes.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        with _timed(timings, "usernames"):
            accounts = TrainingAccount.objects.filter(campaign=campaign).values_list("username", "pk")
            account_ids = {username.lower(): pk for username, pk in accounts}
        problems = list(report.problems)
        unknown = [line for line in report.lines if line.username not in account_ids]
        problems += [
            ProgressProblem("unknown_username", line.line, {"value": line.username}) for line in unknown
        ]
        progress_import = ProgressImport.objects.create(
            campaign=campaign,
            status=ProgressImport.Status.REFUSED if problems else ProgressImport.Status.APPLIED,
            filename=_clean_filename(filename),
            file_digest=digest,
            line_count=report.line_count,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit = {"campaign": campaign.slug, "file": progress_import.filename, "sha256": digest}
        if problems:
            lines = faulty_lines(problems)
            progress_import.errors = lines[:KEPT_FAULTY_LINES]
            progress_import.save(update_fields=["errors"])
            record_event(
                actor=actor,
                action="training.progress_refused",
                target=progress_import,
                data={**audit, "lines": report.line_count, "faulty_lines": len(lines)},
            )
            return progress_import
        with _timed(timings, "upsert"):
            changed = _upsert(report.lines, account_ids, progress_import, timings)
        progress_import.changed_count = changed
        progress_import.save(update_fields=["changed_count"])
        record_event(
            actor=actor,
            action="training.progress_imported",
            target=progress_import,
            data={**audit, "lines": report.line_count, "changed": changed},
        )
    return progress_import


def _upsert(
    lines: Sequence[ProgressLine],
    account_ids: Mapping[str, int],
    progress_import: ProgressImport,
    timings: dict[str, float] | None = None,
) -> int:
    """Insert or update each line's progress where it differs; the number of rows inserted or changed."""
    meta = TrainingProgress._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ["account_id", *_VALUE_COLUMNS, "progress_import_id"]
    differs = " OR ".join(
        f"{table}.{quote(name)} {'IS DISTINCT FROM' if connection.vendor == 'postgresql' else 'IS NOT'} "
        f"excluded.{quote(name)}"
        for name in _VALUE_COLUMNS
    )
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in columns[1:])
    conflict = f"ON CONFLICT ({quote('account_id')}) DO UPDATE SET {updates} WHERE {differs}"
    if connection.vendor == "postgresql":
        return _upsert_postgresql(lines, account_ids, progress_import.pk, table, columns, conflict, timings)
    fields = [cast(Field, meta.get_field(name)) for name in _VALUE_COLUMNS]
    rows = [
        (
            account_ids[line.username],
            *(field.get_db_prep_save(getattr(line, field.name), connection) for field in fields),
            progress_import.pk,
        )
        for line in lines
    ]
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES ({placeholders}) {conflict}"  # noqa: S608 - identifiers from model metadata
    connection.ensure_connection()
    # The DB-API connection directly: one executemany, whose rowcount sums the rows each statement changed.
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, rows)
        return max(cursor.rowcount, 0)
    finally:
        cursor.close()


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, Decimal | int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _upsert_postgresql(
    lines: Sequence[ProgressLine],
    account_ids: Mapping[str, int],
    import_id: int,
    table: str,
    columns: list[str],
    conflict: str,
    timings: dict[str, float] | None,
) -> int:
    """COPY the report into a temporary table, then one INSERT … ON CONFLICT DO UPDATE … WHERE it differs."""
    incoming = "training_progress_incoming"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {incoming}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} (account_id bigint NOT NULL, first_access timestamptz, "
            "completion_percent smallint NOT NULL, grade numeric(6, 2), last_access timestamptz) ON COMMIT DROP"
        )
        with _timed(timings, "copy"):
            buffer = io.StringIO()
            for line in lines:
                buffer.write(
                    f"{account_ids[line.username]}\t{_copy_text(line.first_access)}\t{line.completion_percent}\t"
                    f"{_copy_text(line.grade)}\t{_copy_text(line.last_access)}\n"
                )
            with cursor.cursor.copy(f"COPY {incoming} FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        with _timed(timings, "insert_on_conflict"):
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - identifiers from model metadata
                f"SELECT account_id, {', '.join(_VALUE_COLUMNS)}, %s FROM {incoming} {conflict}",
                [import_id],
            )
            changed = cursor.rowcount
        cursor.execute(f"DROP TABLE {incoming}")
    return max(changed, 0)
