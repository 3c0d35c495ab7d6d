"""Reading a run's inputs from the database into the arrays of bawaba.selection.scoring, column by column.

Rows are read as tuples (no model instances) and turned into NumPy arrays; every order is explicit (applications
by id, choices by application then rank, communes by id), so SQLite and PostgreSQL give byte-identical inputs.

On PostgreSQL, `read_all` reads everything from one snapshot of the database (a candidate withdrawing in the
middle changes nothing read), and a second connection on the same snapshot reads the two million choices while
the first reads the applications (see `one_snapshot` for SQLite).
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import psycopg
from django.db import connection, connections, transaction
from django.db.models import Case, F, Func, IntegerField, Max, Min, When
from django.db.models.functions import Coalesce

from bawaba.campaigns.models import Application, ApplicationChoice, Campaign, CommuneNeed
from bawaba.selection import stage_scores
from bawaba.selection.scoring import Candidates, Territory
from bawaba.territory.models import Commune

# Applications that take part in a selection: the submitted ones (not drafts, not withdrawn).
SELECTABLE_STATUSES = (Application.Status.SUBMITTED,)


# Days since 1970-01-01 of a missing birth date (read as NaT).
MISSING_DAY = -(2**31)


class DaysSinceEpoch(Func):
    """A date column as whole days since 1970-01-01, computed by the database."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)


class JsonArrayLength(Func):
    """Length of a JSON array column, computed by the database (no JSON decoding in Python)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSON_ARRAY_LENGTH", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


def read_territory() -> Territory:
    rows = list(
        Commune.objects.order_by("id").values_list(
            "id", "code", "province__code", "region__code", "latitude", "longitude"
        )
    )
    commune_id, code, province, region, latitude, longitude = zip(*rows, strict=True) if rows else ([],) * 6
    province_code, province_index = np.unique(np.array(province, dtype=str), return_inverse=True)
    region_code, region_index = np.unique(np.array(region, dtype=str), return_inverse=True)
    return Territory(
        commune_id=np.array(commune_id, dtype=np.int64),
        commune_code=np.array(code, dtype=str),
        province_index=province_index.astype(np.int32),
        province_code=province_code,
        region_index=region_index.astype(np.int32),
        region_code=region_code,
        latitude=np.array([np.nan if v is None else v for v in latitude], dtype=np.float64),
        longitude=np.array([np.nan if v is None else v for v in longitude], dtype=np.float64),
    )


def read_needs(
    campaign: Campaign, territory: Territory, *, stage: str = CommuneNeed.Stage.TRAINING
) -> np.ndarray:
    needs = np.zeros(territory.commune_id.shape[0], dtype=np.int64)
    rows = list(
        CommuneNeed.objects.filter(campaign=campaign, stage=stage).values_list("commune_id", "quantity")
    )
    if rows:
        ids, quantities = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
        needs[_commune_index(territory, ids)] = quantities
    return needs


# The needs a run of each stage fills.
NEEDS_OF_STAGE = {"preselection": CommuneNeed.Stage.TRAINING, "field": CommuneNeed.Stage.FIELD}


def read_all(campaign: Campaign, *, stage: str = "preselection") -> tuple[Territory, Candidates, np.ndarray]:
    """The territory, the campaign's selectable candidates (with their scores at this stage, if it has any) and the
    stage's needs, all from one snapshot."""
    with one_snapshot() as second_reader:
        territory = read_territory()
        needs = read_needs(campaign, territory, stage=NEEDS_OF_STAGE[stage])
        candidates = read_candidates(
            campaign,
            territory,
            second_reader=second_reader,
            scores_of=lambda ids: stage_scores.read(campaign, stage, ids),
        )
    return territory, candidates, needs


def read_candidates(
    campaign: Campaign,
    territory: Territory,
    *,
    second_reader: "SecondReader | None" = None,
    scores_of: Callable[[np.ndarray], np.ndarray | None] | None = None,
) -> Candidates:
    """The submitted applications of the campaign, by id, with their choices; the choices are read by
    `second_reader` (at the same time, on the same snapshot) when there is one. `scores_of(application ids)`: their
    stage scores (bawaba.selection.stage_scores), read while the second reader still reads the choices."""
    choices = _choices_queryset(campaign)
    pending = second_reader.fetch_integers(choices, columns=3, order=(0, 2)) if second_reader else None
    table = fetch_integers(_applications_queryset(campaign), columns=9)
    scores = scores_of(table[:, 0].copy()) if scores_of is not None else None
    flat_choices = pending.result() if pending else fetch_integers(choices, columns=3, order=(0, 2))
    ids, birth, category, education, surveys, ict, languages, residence, fallback = table.T
    categories, levels = list(Application.Category.values), list(Application.EducationLevel.values)
    residence_index = np.full(ids.shape[0], -1, dtype=np.int32)
    known = residence >= 0
    residence_index[known] = _commune_index(territory, residence[known])
    birth_date = birth.astype("datetime64[D]")
    birth_date[birth == MISSING_DAY] = np.datetime64("NaT")
    return Candidates(
        application_id=ids.copy(),
        birth_date=birth_date,
        category=_decode(category, categories),
        education_level=_decode(education, levels),
        survey_count=np.minimum(surveys, np.iinfo(np.int16).max).astype(np.int16),
        ict_skill=ict.astype(np.int8),
        language_count=np.minimum(languages, 127).astype(np.int8),
        residence=residence_index,
        choices=_choice_table(territory, ids, flat_choices[:, :2]),
        accepts_province_fallback=fallback.astype(bool),
        stage_score=scores,
    )


def _applications_queryset(campaign: Campaign):
    categories = list(Application.Category.values)
    levels = list(Application.EducationLevel.values)
    return (
        Application.objects.filter(campaign=campaign, status__in=SELECTABLE_STATUSES)
        .order_by()
        .annotate(
            birth_days=Coalesce(DaysSinceEpoch("birth_date"), MISSING_DAY),
            category_code=_code(F("category"), categories),
            education_code=_code(F("education_level"), levels),
            language_count=Coalesce(JsonArrayLength("languages"), 0),
            residence=Coalesce(F("residence_commune_id"), -1),
            fallback=Case(When(accepts_any_commune_in_province=True, then=1), default=0),
        )
        .values_list(
            "id",
            "birth_days",
            "category_code",
            "education_code",
            "survey_experience_count",
            "ict_skill",
            "language_count",
            "residence",
            "fallback",
        )
    )


def _choices_queryset(campaign: Campaign):
    """The choices of every application whose id lies between the campaign's first and last.

    A range, not a join with the selectable applications: joining made PostgreSQL hash half a million
    applications first, which doubled the time of this, the largest read. The pairs of applications that are not
    selectable (drafts, withdrawn, another campaign's) are dropped by `_choice_table`.
    """
    bounds = Application.objects.filter(campaign=campaign).aggregate(first=Min("id"), last=Max("id"))
    first, last = (bounds["first"], bounds["last"]) if bounds["first"] is not None else (1, 0)
    return (
        ApplicationChoice.objects.filter(application_id__gte=first, application_id__lte=last)
        .order_by()
        .values_list("application_id", "commune_id", "rank")
    )


def _code(field: F, values: list[str]) -> Case:
    """A text column as the index of its value in `values` (-1 for anything else), computed by the database."""
    return Case(*(When(**{field.name: value}, then=index) for index, value in enumerate(values)), default=-1)


def _decode(codes: np.ndarray, values: list[str]) -> np.ndarray:
    table = np.array([*values, ""], dtype=str)  # -1 picks the last entry: ""
    return table[codes]


def fetch_integers(queryset, *, columns: int, order: tuple[int, ...] = (0,)) -> np.ndarray:
    """A values_list queryset of integer (non-NULL) columns as an (n, columns) int64 array, sorted on the
    columns at the positions in `order` (which must identify a row: the order is then the same everywhere).

    On PostgreSQL the database packs the whole result into one bytea of big-endian int8s, which NumPy reads in
    one step: two million rows never become Python objects one by one (fetching them row by row takes
    seconds). SQLite's driver returns tuples fast enough. The sort is NumPy's, not the database's: two million
    rows sorted by PostgreSQL spill to disk under the default work_mem.
    """
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        return _unpack(_fetch_packed(connection.connection, queryset, columns), columns, order)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _sorted(np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, columns), order)


def _fetch_packed(raw_connection: psycopg.Connection, queryset, columns: int) -> bytes:
    """The queryset's rows as one bytea of big-endian int8s, row after row (PostgreSQL)."""
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(f"c{i}" for i in range(columns))
    packed = " || ".join(f"int8send(c{i}::bigint)" for i in range(columns))
    # A plain (server-binding) cursor of the driver, asked for a binary result: in text, the bytea would travel
    # as hex and be decoded (a second, here, for 52 MB). Django's own cursors bind on the client side, which
    # cannot return binary results.
    with psycopg.Cursor(raw_connection) as cursor:
        cursor.execute(
            f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS q ({names})",  # noqa: S608 - our own SQL and column names
            params,
            binary=True,
        )
        row = cursor.fetchone()
    # string_agg over no rows is NULL: an empty list.
    return bytes(row[0] or b"") if row else b""


def _unpack(data: bytes, columns: int, order: tuple[int, ...]) -> np.ndarray:
    return _sorted(np.frombuffer(data, dtype=">i8").astype(np.int64).reshape(-1, columns), order)


def _sorted(table: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    # lexsort's last key is the primary one.
    return table[np.lexsort([table[:, i] for i in reversed(order)])] if table.shape[0] else table


class SecondReader:
    """A second PostgreSQL connection reading, on a worker thread, from a snapshot exported by the first.

    The worker uses the driver's connection only (Django's connection objects belong to one thread); the driver
    releases the GIL while it waits for the server, so both queries run at once, one server process each.
    """

    def __init__(self, snapshot: str) -> None:
        self._wrapper = connections.create_connection(connection.alias)
        try:
            self._wrapper.ensure_connection()
            self._wrapper.set_autocommit(True)
            raw = self._wrapper.connection
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            raw.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
        except Exception:
            self._wrapper.close()
            raise
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selection-read")

    def fetch_integers(
        self, queryset, *, columns: int, order: tuple[int, ...] = (0,)
    ) -> "Future[np.ndarray]":
        """`fetch_integers` of the queryset on this connection, started now; its result when asked."""
        return self._pool.submit(
            lambda: _unpack(_fetch_packed(self._wrapper.connection, queryset, columns), columns, order)
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._wrapper.connection.execute("COMMIT")
        self._wrapper.close()


@contextmanager
def one_snapshot() -> Iterator[SecondReader | None]:
    """On PostgreSQL, a read-only transaction whose one snapshot every read inside it sees, and a second
    connection on that same snapshot.

    None (and no transaction of its own) when the caller's transaction is already open: its snapshot is the
    caller's business, and another connection could not see its uncommitted rows. None on SQLite too, whose
    transactions here take the write lock at BEGIN (IMMEDIATE): holding it for the whole read would stop every
    writer of the site. After registration closes, only a withdrawal changes what a run reads, and the
    applications are read before their choices, whose extra rows `_choice_table` drops.
    """
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield None
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Before any other statement of the transaction; then pg_export_snapshot exports the transaction's
            # snapshot, which every later statement here uses too.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        reader = SecondReader(snapshot)
        try:
            yield reader
        finally:
            reader.close()


def _choice_table(territory: Territory, application_id: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """The (n, k) table of commune indices, best first, -1 padded, from (application id, commune id) pairs
    sorted by application and rank; pairs of applications not in `application_id` are left out."""
    n = application_id.shape[0]
    row = np.searchsorted(application_id, flat[:, 0])
    known = (row < n) & (application_id[np.minimum(row, max(n - 1, 0))] == flat[:, 0]) if n else row < 0
    flat, row = flat[known], row[known]
    if not flat.shape[0]:
        return np.full((n, 1), -1, dtype=np.int32)
    # The rank of each pair within its application: its position minus the position of the application's first.
    starts = np.flatnonzero(np.r_[True, flat[1:, 0] != flat[:-1, 0]])
    lengths = np.diff(np.r_[starts, flat.shape[0]])
    column = np.arange(flat.shape[0]) - np.repeat(starts, lengths)
    table = np.full((n, int(lengths.max())), -1, dtype=np.int32)
    table[row, column] = _commune_index(territory, flat[:, 1])
    return table


def _commune_index(territory: Territory, ids: np.ndarray) -> np.ndarray:
    index = np.searchsorted(territory.commune_id, ids)
    if ids.size and (
        index.max() >= territory.commune_id.shape[0] or (territory.commune_id[index] != ids).any()
    ):
        raise ValueError("a commune id is not in the territory read for this run")
    return index.astype(np.int32)
