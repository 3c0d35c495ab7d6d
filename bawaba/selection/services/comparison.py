"""What a run recorded and published, read set-based and compared with its recomputation, field by field.

Half a million decisions cannot be compared one model instance at a time (reading them through the ORM alone
takes tens of seconds), so they are read as columns: on PostgreSQL one aggregate query returns every integer
column packed as int8s and each text or binary column as one byte string, all in the same row order (the
aggregates of one query see the rows in one order); SQLite's driver returns rows fast enough. NumPy then puts
them in application order and compares each column with the recomputed one; when a whole column is
byte-identical (the usual case) nothing more is done, and only the differing rows are looked at one by one.
"""

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import psycopg
from django.db import connection, connections

from bawaba.selection.models import REPORT_FIELDS, SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.services.computation import OUTCOMES, DecisionColumns, score_parts_bytes

# Each kind of difference shows at most this many examples.
MAX_EXAMPLES = 5
# Rows compared at a time when a column differs somewhere: bounds the memory of the byte-wise comparison.
_CHUNK = 65_536

# The decision fields compared, in the order they are reported. The three of `choice_table` are the commune of
# each choice, her priority there and her place on its waiting list (SelectionDecision.CHOICE_DTYPE).
DECISION_FIELDS = (
    "outcome",
    "ineligibility",
    "score",
    "score_parts",
    "commune",
    "rank",
    "lottery",
    "declared_count",
    "choice_communes",
    "choice_priorities",
    "choice_places",
)
# Columns of the packed integer read, in this order.
_INTEGER_COLUMNS = (
    "application",
    "outcome",
    "ineligibility",
    "score",
    "commune",
    "rank",
    "declared_count",
    "lottery_length",
    "score_parts_length",
    "choice_table_length",
)
_COLUMN = {name: index for index, name in enumerate(_INTEGER_COLUMNS)}


@dataclass(frozen=True)
class Difference:
    """Values that differ between what is recorded and the recomputation.

    `subject` is "decision" (`key` an application id), "report line" (a commune id) or "report" (the run's
    summary and seed; `key` a path such as totals.admitted); `field` names the field ("missing" and "extra" for a
    row on one side only). `examples` are (key, recorded, recomputed), the first few of `count`.
    """

    subject: str
    field: str
    count: int
    examples: tuple[tuple[int | str, str, str], ...]


def _difference(subject: str, field: str, keys: np.ndarray, recorded, recomputed) -> Difference:
    """`count` differing rows named by `keys`; `recorded(i)` and `recomputed(i)` give the i-th one's values."""
    return Difference(
        subject,
        field,
        int(keys.shape[0]),
        tuple((int(keys[i]), recorded(i), recomputed(i)) for i in range(min(MAX_EXAMPLES, keys.shape[0]))),
    )


# -------------------------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class StoredDecisions:
    """A run's decisions as columns, in the order the database returned them (any order: a parallel scan
    interleaves); each byte string holds the rows' values end to end in that same order."""

    # (rows, len(_INTEGER_COLUMNS)) int64; commune and rank -1 where NULL, outcome -1 when unknown.
    integers: np.ndarray
    lottery: bytes
    score_parts: bytes
    choice_tables: bytes

    def column(self, name: str) -> np.ndarray:
        return self.integers[:, _COLUMN[name]]


def read_decisions(run: SelectionRun) -> StoredDecisions:
    """Every decision of the run, set-based (see the module's docstring)."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        return _read_packed(run.pk, connection.connection)
    return _read_rows(run.pk)


@contextmanager
def decisions_read_aside(run: SelectionRun) -> Iterator[Callable[[], StoredDecisions]]:
    """Start reading the run's decisions now, on a second connection, while the caller recomputes the run; yields
    the function that returns them.

    On PostgreSQL the server builds the aggregate while Python recomputes, one core each (the driver releases the
    GIL while it waits). Inside a transaction (another connection could not see its rows) and on SQLite, the read
    is simply done when asked.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield lambda: read_decisions(run)
        return
    second = connections.create_connection(connection.alias)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selection-verify")
    try:
        second.ensure_connection()
        # The worker thread uses the driver's connection only: Django's connection objects belong to one thread.
        reading = pool.submit(_read_packed, run.pk, second.connection)
        yield reading.result
    finally:
        pool.shutdown(wait=True)
        second.close()


def _read_packed(run_id: int, raw_connection: psycopg.Connection) -> StoredDecisions:
    quote = connection.ops.quote_name
    whens = " ".join(f"WHEN %s THEN {index}" for index in range(len(OUTCOMES)))
    outcome = f"CASE {quote('outcome')} {whens} ELSE -1 END"
    columns = (
        quote("application_id"),
        outcome,
        quote("ineligibility"),
        quote("score"),
        f"COALESCE({quote('commune_id')}, -1)",
        f"COALESCE({quote('rank')}, -1)",
        quote("declared_count"),
        f"octet_length({quote('lottery')})",
        f"octet_length({quote('score_parts')})",
        f"octet_length({quote('choice_table')})",
    )
    packed = " || ".join(f"int8send(({column})::bigint)" for column in columns)
    sql = (
        f"SELECT string_agg({packed}, ''::bytea), "  # noqa: S608 - our own SQL and column names
        f"string_agg(convert_to({quote('lottery')}, 'UTF8'), ''::bytea), "
        f"string_agg(convert_to({quote('score_parts')}, 'UTF8'), ''::bytea), "
        f"string_agg({quote('choice_table')}, ''::bytea) "
        f"FROM {quote(SelectionDecision._meta.db_table)} WHERE {quote('run_id')} = %s"
    )
    # The driver's own cursor, asked for a binary result (see inputs.fetch_integers).
    with psycopg.Cursor(raw_connection) as cursor:
        cursor.execute(sql, [*OUTCOMES, run_id], binary=True)
        row = cursor.fetchone() or (None, None, None, None)  # an aggregate always returns its one row
        integers, lottery, parts, tables = (bytes(value or b"") for value in row)
    integers_array = np.frombuffer(integers, dtype=">i8").astype(np.int64)
    return StoredDecisions(integers_array.reshape(-1, len(_INTEGER_COLUMNS)), lottery, parts, tables)


def _read_rows(run_id: int) -> StoredDecisions:
    quote = connection.ops.quote_name
    names = ("application_id", "outcome", "ineligibility", "score", "commune_id", "rank", "declared_count")
    sql = (
        f"SELECT {', '.join(quote(name) for name in names)}, {quote('lottery')}, {quote('score_parts')}, "  # noqa: S608
        f"{quote('choice_table')} FROM {quote(SelectionDecision._meta.db_table)} WHERE {quote('run_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id])
        rows = cursor.fetchall()
    code = {outcome: index for index, outcome in enumerate(OUTCOMES)}
    lotteries = [row[7].encode("utf-8") for row in rows]
    parts = [row[8].encode("utf-8") for row in rows]
    tables = [bytes(row[9]) for row in rows]
    integers = np.array(
        [
            (
                row[0],
                code.get(row[1], -1),
                row[2],
                row[3],
                -1 if row[4] is None else row[4],
                -1 if row[5] is None else row[5],
                row[6],
                len(lottery),
                len(part),
                len(table),
            )
            for row, lottery, part, table in zip(rows, lotteries, parts, tables, strict=True)
        ],
        dtype=np.int64,
    )
    return StoredDecisions(
        integers.reshape(-1, len(_INTEGER_COLUMNS)), b"".join(lotteries), b"".join(parts), b"".join(tables)
    )


def compare_decisions(expected: DecisionColumns, stored: StoredDecisions) -> tuple[list[Difference], int]:
    """Every field of every decision, recorded against recomputed: the differences ([] when all of them agree)
    and how many decisions differ in some way (missing, extra, or a field).

    The recomputed side is laid out in the stored rows' order, so that each column is compared whole: one
    comparison of two byte strings when they are equal (the usual case), the differing rows found from the
    differing bytes otherwise.
    """
    differences = []
    expected_ids, stored_ids = expected.application_id, stored.column("application")
    n = expected_ids.shape[0]
    position = np.searchsorted(expected_ids, stored_ids)
    found = (
        (position < n) & (expected_ids[np.minimum(position, max(n - 1, 0))] == stored_ids)
        if n
        else position < 0
    )
    present = np.zeros(n, dtype=bool)
    present[position[found]] = True
    if (~present).any():
        missing = expected_ids[~present]
        differences.append(_difference("decision", "missing", missing, lambda i: "", lambda i: ""))
    if (~found).any():
        extra = stored_ids[~found]
        differences.append(_difference("decision", "extra", np.sort(extra), lambda i: "", lambda i: ""))
    # From here on, the rows on both sides, in the stored order: e[j] and s[j] are the same application.
    e, s = position[found], np.flatnonzero(found)
    ids = stored_ids[s]
    changed = np.zeros(ids.shape[0], dtype=bool)  # the rows with a field that differs

    outcome_names = np.array([*OUTCOMES, "?"])
    admitted = expected.admitted[e]
    integer_fields = {
        "outcome": (expected.outcome[e], lambda values: outcome_names[values]),
        "ineligibility": (expected.ineligibility[e], None),
        "score": (expected.score[e], None),
        "commune": (np.where(admitted, expected.commune[e], -1), _none_below_zero),
        "rank": (np.where(admitted, expected.rank[e], -1), _none_below_zero),
        "declared_count": (expected.declared_count[e], None),
    }
    for name, (recomputed, shown) in integer_fields.items():
        recorded = stored.column(name)[s]
        differ = _by_id(np.flatnonzero(recorded != recomputed), ids)
        changed[differ] = True
        if differ.size:
            show = shown or (lambda values: values)
            differences.append(
                _difference(
                    "decision",
                    name,
                    ids[differ],
                    lambda i, d=differ, r=recorded, f=show: str(f(r[d[i : i + 1]])[0]),
                    lambda i, d=differ, c=recomputed, f=show: str(f(c[d[i : i + 1]])[0]),
                )
            )

    # The three byte columns: the stored side as read (only its matched rows), the recomputed in that order.
    lottery = expected.lottery[e].astype("S16")
    lottery_length = np.where(expected.lottery[e] != "", 16, 0).astype(np.int64)
    parts, parts_length = score_parts_bytes(expected.score_parts[e])
    size = SelectionDecision.CHOICE_DTYPE.itemsize
    columns = (
        (
            "lottery",
            (lottery[lottery_length > 0].tobytes(), lottery_length),
            "lottery_length",
            stored.lottery,
        ),
        ("score_parts", (parts, parts_length), "score_parts_length", stored.score_parts),
        (
            "choice_table",
            (expected.choice_table_bytes(e), expected.choice_count[e] * size),
            "choice_table_length",
            stored.choice_tables,
        ),
    )
    for name, (recomputed_data, recomputed_length), length_column, data in columns:
        stored_side = _matched(data, stored.column(length_column), s)
        recomputed_side = (recomputed_data, _starts(recomputed_length), recomputed_length)
        differ = _by_id(_differing_rows(stored_side, recomputed_side), ids)
        changed[differ] = True
        if not differ.size:
            continue
        if name == "choice_table":
            differences.extend(_choice_differences(ids, differ, stored_side, recomputed_side))
        else:
            differences.append(
                _difference(
                    "decision",
                    name,
                    ids[differ],
                    lambda i, d=differ, r=stored_side: _segment(r, int(d[i])).decode("utf-8", "replace"),
                    lambda i, d=differ, c=recomputed_side: _segment(c, int(d[i])).decode("utf-8", "replace"),
                )
            )
    differences.sort(key=lambda d: ("missing", "extra", *DECISION_FIELDS).index(d.field))
    return differences, int(changed.sum()) + int((~present).sum()) + int((~found).sum())


def _by_id(rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The rows in application order: the examples shown are the same on every engine, whatever its row order."""
    return rows[np.argsort(ids[rows], kind="stable")]


def _none_below_zero(values: np.ndarray) -> np.ndarray:
    return np.where(values < 0, "—", values.astype(str))


Segments = tuple[bytes, np.ndarray, np.ndarray]  # all the bytes, then each row's start and length


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64) if lengths.size else lengths


def _matched(data: bytes, lengths: np.ndarray, rows: np.ndarray) -> Segments:
    """The segments of these rows (all of them, end to end, when no row is left out)."""
    return data, _starts(lengths)[rows], lengths[rows]


def _segment(segments: Segments, j: int) -> bytes:
    data, start, length = segments
    return data[int(start[j]) : int(start[j]) + int(length[j])]


def _differing_rows(recorded: Segments, recomputed: Segments) -> np.ndarray:
    """The rows whose bytes differ between the two sides (both in the same row order)."""
    recorded_data, recorded_start, recorded_length = recorded
    recomputed_data, recomputed_start, recomputed_length = recomputed
    differ = recorded_length != recomputed_length
    contiguous = recorded_start.size == 0 or (
        recorded_start[0] == 0 and np.array_equal(recorded_start[1:], np.cumsum(recorded_length)[:-1])
    )
    if contiguous and not differ.any() and len(recorded_data) == len(recomputed_data):
        # Both sides hold the same rows end to end with the same lengths: equal bytes, equal rows; otherwise
        # each differing byte belongs to the row whose segment holds it.
        if recorded_data == recomputed_data:
            return np.zeros(0, dtype=np.int64)
        unequal = np.flatnonzero(
            np.frombuffer(recorded_data, dtype=np.uint8) != np.frombuffer(recomputed_data, dtype=np.uint8)
        )
        return np.unique(np.searchsorted(recomputed_start, unequal, side="right") - 1)
    # Rows left out or of other lengths (an altered run): the rows of equal length are compared a chunk at a time.
    same_length = np.flatnonzero(~differ)
    recorded_bytes = np.frombuffer(recorded_data, dtype=np.uint8)
    recomputed_bytes = np.frombuffer(recomputed_data, dtype=np.uint8)
    for begin in range(0, same_length.shape[0], _CHUNK):
        rows = same_length[begin : begin + _CHUNK]
        length = recorded_length[rows]
        owner = np.repeat(np.arange(rows.shape[0]), length)
        unequal = (
            recorded_bytes[_ranges(recorded_start[rows], length)]
            != recomputed_bytes[_ranges(recomputed_start[rows], length)]
        )
        differ[rows[np.unique(owner[unequal])]] = True
    return np.flatnonzero(differ)


def _choice_differences(
    ids: np.ndarray, differ: np.ndarray, recorded: Segments, recomputed: Segments
) -> Iterator[Difference]:
    """Which of the list's communes, priorities and waiting-list places differ, for each differing row."""
    columns = {"choice_communes": "commune", "choice_priorities": "priority", "choice_places": "place"}
    found: dict[str, list[tuple[int, str, str]]] = {name: [] for name in columns}
    size = SelectionDecision.CHOICE_DTYPE.itemsize
    for j in differ.tolist():
        old, new = _segment(recorded, j), _segment(recomputed, j)
        if len(old) != len(new) or len(old) % size:
            # Another number of communes, or bytes that are no list at all: her list itself differs.
            found["choice_communes"].append(
                (int(ids[j]), _choice_text(old, "commune"), _choice_text(new, "commune"))
            )
            continue
        old_table = np.frombuffer(old, dtype=SelectionDecision.CHOICE_DTYPE)
        new_table = np.frombuffer(new, dtype=SelectionDecision.CHOICE_DTYPE)
        for name, column in columns.items():
            if not np.array_equal(old_table[column], new_table[column]):
                found[name].append((int(ids[j]), _choice_text(old, column), _choice_text(new, column)))
    for name, rows in found.items():
        if rows:
            # Examples by application id, as every other field's.
            rows.sort()
            yield Difference("decision", name, len(rows), tuple(rows[:MAX_EXAMPLES]))


def _choice_text(data: bytes, column: str) -> str:
    size = SelectionDecision.CHOICE_DTYPE.itemsize
    if len(data) % size:
        return data.hex()
    values = np.frombuffer(data, dtype=SelectionDecision.CHOICE_DTYPE)[column].tolist()
    return ", ".join(str(value) for value in values)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each (s, l), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(total, dtype=np.int64)


# ----------------------------------------------------------------------------------------------- report


def compare_report(
    run: SelectionRun, expected_lines: dict[int, dict], expected_summary: dict, seed: str
) -> list[Difference]:
    """Every line of the run's public report (one per commune) and its totals, recorded against recomputed."""
    differences = []
    stored = {
        row["commune_id"]: row
        for row in SelectionCommuneResult.objects.filter(run=run).values("commune_id", *REPORT_FIELDS)
    }
    missing = sorted(set(expected_lines) - set(stored))
    extra = sorted(set(stored) - set(expected_lines))
    for name, communes in (("missing", missing), ("extra", extra)):
        if communes:
            differences.append(
                Difference(
                    "report line", name, len(communes), tuple((c, "", "") for c in communes[:MAX_EXAMPLES])
                )
            )
    for name in REPORT_FIELDS:
        differ = [
            (commune, _shown(stored[commune][name]), _shown(line[name]))
            for commune, line in sorted(expected_lines.items())
            if commune in stored and stored[commune][name] != line[name]
        ]
        if differ:
            differences.append(Difference("report line", name, len(differ), tuple(differ[:MAX_EXAMPLES])))
    recorded_summary = dict(_flat(run.summary or {}))
    recomputed_summary = dict(_flat(expected_summary))
    if run.seed != seed:
        recorded_summary["seed (run)"], recomputed_summary["seed (run)"] = run.seed, seed
    totals: list[tuple[int | str, str, str]] = [
        (path, _shown(recorded_summary.get(path)), _shown(recomputed_summary.get(path)))
        for path in sorted(set(recorded_summary) | set(recomputed_summary))
        if recorded_summary.get(path, _ABSENT) != recomputed_summary.get(path, _ABSENT)
    ]
    if totals:
        differences.append(Difference("report", "summary", len(totals), tuple(totals[:MAX_EXAMPLES])))
    return differences


_ABSENT = object()


def _flat(value, path: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _flat(item, f"{path}.{key}" if path else str(key))
    else:
        yield path, json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def _shown(value) -> str:
    return "—" if value is None else str(value)
