"""The one pagination helper: keyset pages for big tables, numbered pages for short lists.

Keyset ("seek") pagination by id, newest first: each page is one indexed range read, however deep it is.

OFFSET pagination reads and throws away every row before the page, and its page count needs a COUNT(*) over the
whole filtered table: both grow with 500,000 applications. A keyset page instead asks for the rows just past the
last (or first) id shown, so page 1 and page 10,000 cost the same and no total is needed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, newest first, with the ids that the "older" and "newer" links carry."""

    rows: list[Model] = field(default_factory=list)
    older_after: int | None = None  # ?after= for the next (older) page, when there is one
    newer_before: int | None = None  # ?before= for the previous (newer) page, when there is one
    is_first: bool = True  # no cursor was given: this is the newest page


def keyset_page(
    queryset: QuerySet, *, size: int, after: int | None = None, before: int | None = None
) -> KeysetPage:
    """The page of `queryset` (ordered by -pk) just older than id `after`, or just newer than id `before`.

    One query per page: it asks for one row more than the page holds, to know whether a page lies beyond in the
    direction of travel. In the other direction there is one whenever a cursor was given (we came from it).
    """
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        newer_exists = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            older_after=rows[-1].pk if rows else None,
            newer_before=rows[0].pk if rows and newer_exists else None,
            is_first=False,
        )
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: size + 1])
    older_exists = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        older_after=rows[-1].pk if rows and older_exists else None,
        newer_before=rows[0].pk if rows and after is not None else None,
        is_first=after is None,
    )


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows match, counting no further than `limit` + 1: a bounded cost however many there are."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def numbered_page(items: QuerySet | Sequence, number: str | int | None, *, size: int) -> Page:
    """Page `number` of a short list (campaigns, runs, messages): OFFSET is fine there, and a page count helps.

    Whatever `number` is (missing, not a number, out of range), a page is returned: the first, or the last for a
    number past the end. The template core/includes/pagination.html shows its links.
    """
    return Paginator(items, size).get_page(number)
