"""Counting rows by an indicator's breakdown (bawaba.core.contributions.Indicator): one GROUP BY per call.

Each app's indicators name, for each dimension, the path from its rows to the value ("residence_commune__code",
"category"...); the day is a date-time path truncated to the day in Morocco's time. Missing values count under ""
so that every breakdown adds up to the total.
"""

from collections.abc import Mapping

from django.db.models import Aggregate, Count, QuerySet
from django.db.models.functions import TruncDate

from bawaba.core.dates import MOROCCO


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
