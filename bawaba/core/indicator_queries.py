"""Counting rows by an indicator's breakdown (bawaba.core.contributions.Indicator): one GROUP BY per call.

Each app's indicators name, for each dimension, the path from its rows to the value ("residence_commune__code",
"category"...); the day is a date-time path truncated to the day in Morocco's time. Missing values count under ""
so that every breakdown adds up to the total.

Indicators that one scan can count together (the e-mails sent, waiting and failed) share it while figures are
computed together (`reading_together`, which the summary refresh opens): the first of them reads for all
(`read_once`), the others take their part. Outside it, each reads on its own, so that a figure is never stale.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Aggregate, Count, QuerySet
from django.db.models.functions import TruncDate

from bawaba.core.dates import MOROCCO

T = TypeVar("T")
_shared_reads: ContextVar[dict[Hashable, Any] | None] = ContextVar("indicator_shared_reads", default=None)


@contextmanager
def reading_together() -> Iterator[None]:
    """Within: indicators computed one after the other may share a read (`read_once`); forgotten at the end."""
    token = _shared_reads.set({})
    try:
        yield
    finally:
        _shared_reads.reset(token)


def read_once(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, done once per `key` within `reading_together` (the others get the first's result); every time
    outside it."""
    reads = _shared_reads.get()
    if reads is None:
        return read()
    if key not in reads:
        reads[key] = read()
    return reads[key]


def grouped_figures(
    rows: QuerySet, paths: Mapping[str, str], by: tuple[str, ...], total: Aggregate | None = None
) -> dict[tuple[str, ...], int]:
    """{tuple of the `by` dimensions' values: aggregate (a count of rows unless `total` says otherwise)}."""
    total = total if total is not None else Count("pk")
    if not by:
        value = rows.aggregate(figure=total)["figure"]
        return {(): int(value or 0)}
    columns = []
    for position, dimension in enumerate(by):
        path = paths[dimension]
        if dimension == "day":
            rows = rows.annotate(**{f"_by{position}": TruncDate(path, tzinfo=MOROCCO)})
            columns.append(f"_by{position}")
        else:
            columns.append(path)
    figures: dict[tuple[str, ...], int] = {}
    for *values, figure in rows.values_list(*columns).annotate(figure=total).order_by():
        key = tuple(
            "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
            for value in values
        )
        figures[key] = figures.get(key, 0) + int(figure or 0)
    return figures
