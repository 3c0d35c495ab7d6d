"""Small-cell suppression of published tables of counts, and its auditor (pure Python, no Django).

Why this rule: docs/decisions/0029-small-cell-suppression.md.

Open data publishes aggregates (candidates by area and category, outcomes by area, ...). A cell that counts only a
few people can identify them: it is **suppressed** (published as ``None``, shown as a dash with a footnote).

The tables
==========

* A **table** (two dimensions): ``rows`` x ``columns`` counts, e.g. the provinces of a region by candidate category,
  published with every row total, every column total and the grand total.
* A **list** (one dimension): counts, e.g. the candidates of one commune by category, published with their total.

The totals are computed from the counts (they are the true totals: the published ones must add up).

Positions
---------

A table's entries are named by their place in the *extended* table, the counts plus a total column and a total
row: ``(i, j)`` with ``i < rows`` and ``j < columns`` is a count, ``(i, columns)`` the total of row ``i``,
``(rows, j)`` the total of column ``j`` and ``(rows, columns)`` the grand total. A list's entries are named by
their index, ``len(counts)`` naming the total.

The rule
========

**Primary suppression.** Every entry, totals included, with ``0 < count < threshold`` (the administrator's
threshold, 5 by default). A small *total* is suppressed like a cell; every non-zero count of that row or column is
then below the threshold too (a count is at most its total), so the whole row or column is suppressed with it,
consistently.

**Zeros are published.** A zero counts nobody: it cannot single out a person. Statistical offices publish them
(Eurostat's and the UK Office for National Statistics' disclosure-control guidance protect small *non-zero* cells;
tau-ARGUS, the tool of the European Statistical System, treats an empty cell as safe). Suppressing them would also
mark every empty combination of a sparse table (a rural commune without any candidate of a category) and hide more
than it protects. What a zero can reveal is a *group* attribute ("nobody of that commune is in that category"),
which is not the disclosure this rule guards against. Zeros are never chosen as complements either: a suppressed
zero pins its neighbours through non-negativity (see the auditor) and protects nothing.

**Complementary (secondary) suppression.** A suppressed entry must not be recoverable from what is published: the
other entries and the totals. One suppressed cell alone in its row is recovered by subtraction, but "at least two
suppressed cells in every row and column" is not enough in general (a suppressed cell can still be the difference
of two sums). The exact test is linear algebra: the published relations (each row's counts add up to its total,
each column's to its total, the totals to the grand total) restricted to the suppressed unknowns form a linear
system ``A x = b``; a suppressed entry ``k`` is derivable exactly when the unit vector ``e_k`` lies in the row space
of ``A`` (then some combination of the relations gives ``x_k`` alone). :func:`derivable_entries` computes it with
exact rational arithmetic (the reduced row echelon form of ``A``: ``k`` is derivable iff its pivot row is ``e_k``).

While some suppressed entry is derivable, the first one in reading order is protected by suppressing more entries,
chosen greedily so as to lose as little as possible. The relations of a table with its totals are those of a
bipartite graph (the rows and the total row on one side, the columns and the total column on the other, an entry
joining its row and its column; with the totals' signs flipped, every relation says that the entries at a vertex
add up to zero), so the unknowns that can move together are exactly the cycles of suppressed entries: an entry on
such a cycle is not derivable, an entry on none is. The greedy step adds the cheapest cycle through the exposed
entry (Dijkstra's shortest path between its row and its column over the entries already suppressed, free, and the
published non-zero ones), cheapest meaning, in this order: the fewest totals given up, the smallest sum of the
counts given up, the fewest entries given up; equal paths are settled by the fixed order in which the search
visits rows and columns (deterministic: the same table always gives the same result). A list is the graph of two
vertices joined by all its entries: the complement of a lone suppressed count is the smallest other non-zero count
(the total only when there is none). A complement always exists: a non-zero count lies on the cycle of itself, its
row total, the grand total and its column total, all non-zero.

The auditor
===========

:func:`feasible_intervals` reads only what a result publishes, as a reader would, and computes, for every
suppressed entry, the smallest and the largest value it can take given every published count and total and that
counts are not negative (two linear programmes per entry, solved exactly with fractions by the simplex method with
Bland's rule; no SciPy). An interval of width zero would mean the entry is disclosed. Every suppressed entry being
non-zero, a cycle through it moves it by one either way, so the interval of a protected entry is at least
``[v - 1, v + 1]``. The tests check every result with this auditor, independently of the greedy's own bookkeeping.

Hierarchical tables (communes within provinces within regions, published together) add relations that are not a
graph's; they are not handled here yet.
"""

from __future__ import annotations

import heapq
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DEFAULT_THRESHOLD = 5

Position = tuple[int, int]
Equation = tuple[tuple[Position, int], ...]


# --------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SuppressedTable:
    """A table as published: ``None`` where an entry is suppressed. Positions: see the module's docstring."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    primary: frozenset[Position]
    complementary: frozenset[Position]
    threshold: int

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.row_totals), len(self.column_totals)

    def published(self) -> dict[Position, int | None]:
        """Every entry of the extended table by position, ``None`` where suppressed."""
        rows, columns = self.shape
        entries: dict[Position, int | None] = {}
        for i in range(rows):
            for j in range(columns):
                entries[(i, j)] = self.cells[i][j]
            entries[(i, columns)] = self.row_totals[i]
        for j in range(columns):
            entries[(rows, j)] = self.column_totals[j]
        entries[(rows, columns)] = self.grand_total
        return entries

    def reason(self, position: Position) -> str | None:
        """``"primary"`` (a small count), ``"complementary"`` (hides another) or ``None`` (published)."""
        if position in self.primary:
            return "primary"
        if position in self.complementary:
            return "complementary"
        return None


@dataclass(frozen=True)
class SuppressedList:
    """A list of counts as published: ``None`` where suppressed; index ``len(counts)`` names the total."""

    counts: tuple[int | None, ...]
    total: int | None
    primary: frozenset[int]
    complementary: frozenset[int]
    threshold: int

    def published(self) -> dict[int, int | None]:
        entries: dict[int, int | None] = dict(enumerate(self.counts))
        entries[len(self.counts)] = self.total
        return entries

    def reason(self, index: int) -> str | None:
        if index in self.primary:
            return "primary"
        if index in self.complementary:
            return "complementary"
        return None


# --------------------------------------------------------------------------------------------------------------
# Validation


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{where}: a count must be a whole number, not {value!r}.")
    number = int(value)
    if number < 0:
        raise ValueError(f"{where}: a count cannot be negative ({number}).")
    return number


def _threshold(threshold: object) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral):
        raise ValueError(f"The threshold must be a whole number, not {threshold!r}.")
    if threshold < 1:
        raise ValueError(f"The threshold must be at least 1 (1 suppresses nothing), not {threshold}.")
    return int(threshold)


def _is_sequence(value: object) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | Mapping)


def _rows(table: Iterable[Iterable[object]]) -> list[list[int]]:
    rows: list[list[int]] = []
    for i, row in enumerate(table):
        if not _is_sequence(row):
            raise ValueError(f"Row {i + 1}: a row must be a sequence of counts, not {row!r}.")
        rows.append([_count(value, f"Row {i + 1}, column {j + 1}") for j, value in enumerate(row)])
    if rows and any(len(row) != len(rows[0]) for row in rows):
        lengths = sorted({len(row) for row in rows})
        raise ValueError(f"Every row must have the same number of columns (found {lengths}).")
    return rows


# --------------------------------------------------------------------------------------------------------------
# The relations between the entries


@dataclass(frozen=True)
class _Layout:
    """Entries (with their values), the relations they obey, and their graph (each entry joins two vertices)."""

    values: dict[Position, int]
    totals: frozenset[Position]
    grand: Position
    equations: tuple[Equation, ...]
    ends: dict[Position, tuple[int, int]]
    vertices: int


def _table_equations(rows: int, columns: int) -> tuple[Equation, ...]:
    equations: list[Equation] = []
    for i in range(rows + 1):  # the total row too: the column totals add up to the grand total
        equations.append(tuple([((i, j), 1) for j in range(columns)] + [((i, columns), -1)]))
    for j in range(columns + 1):  # the total column too: the row totals add up to the grand total
        equations.append(tuple([((i, j), 1) for i in range(rows)] + [((rows, j), -1)]))
    return tuple(equations)


def _table_layout(counts: list[list[int]], columns: int) -> _Layout:
    rows = len(counts)
    values: dict[Position, int] = {}
    for i in range(rows):
        for j in range(columns):
            values[(i, j)] = counts[i][j]
        values[(i, columns)] = sum(counts[i])
    for j in range(columns):
        values[(rows, j)] = sum(counts[i][j] for i in range(rows))
    values[(rows, columns)] = sum(values[(i, columns)] for i in range(rows))
    totals = frozenset(p for p in values if p[0] == rows or p[1] == columns)
    # Vertices: the rows 0..rows (the last one the total row), then the columns 0..columns.
    ends = {(i, j): (i, rows + 1 + j) for (i, j) in values}
    return _Layout(
        values=values,
        totals=totals,
        grand=(rows, columns),
        equations=_table_equations(rows, columns),
        ends=ends,
        vertices=rows + columns + 2,
    )


def _list_equations(length: int) -> tuple[Equation, ...]:
    return (tuple([((0, j), 1) for j in range(length)] + [((0, length), -1)]),)


def _list_layout(counts: list[int]) -> _Layout:
    length = len(counts)
    values: dict[Position, int] = {(0, j): count for j, count in enumerate(counts)}
    values[(0, length)] = sum(counts)
    return _Layout(
        values=values,
        totals=frozenset({(0, length)}),
        grand=(0, length),
        equations=_list_equations(length),
        ends={position: (0, 1) for position in values},
        vertices=2,
    )


# --------------------------------------------------------------------------------------------------------------
# Exact linear algebra


def _rref(matrix: list[list[Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """The reduced row echelon form of ``matrix`` (rows of ``width`` fractions) and its pivot columns."""
    rows = [row[:] for row in matrix]
    pivots: list[int] = []
    r = 0
    for c in range(width):
        if r == len(rows):
            break
        found = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if found is None:
            continue
        rows[r], rows[found] = rows[found], rows[r]
        pivot = rows[r][c]
        rows[r] = [value / pivot for value in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    return rows[:r], pivots


def _derivable(equations: Sequence[Equation], unknowns: Sequence[Position]) -> set[Position]:
    """The unknowns fixed by the relations once every other entry is known (``e_k`` in the row space)."""
    if not unknowns:
        return set()
    column = {position: c for c, position in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for position, coefficient in equation:
            if position in column:
                row[column[position]] += coefficient
        if any(row):
            matrix.append(row)
    reduced, pivots = _rref(matrix, len(unknowns))
    derivable: set[Position] = set()
    for row, c in zip(reduced, pivots, strict=True):
        if all(value == 0 for k, value in enumerate(row) if k != c):
            derivable.add(unknowns[c])
    return derivable


# --------------------------------------------------------------------------------------------------------------
# Suppression


def _cheapest_cycle(layout: _Layout, suppressed: set[Position], exposed: Position) -> list[Position]:
    """The published entries to suppress so that ``exposed`` lies on a cycle of suppressed entries."""
    adjacency: list[list[tuple[int, Position]]] = [[] for _ in range(layout.vertices)]
    for position in sorted(layout.values):
        if position == exposed or (position not in suppressed and layout.values[position] == 0):
            continue
        a, b = layout.ends[position]
        adjacency[a].append((b, position))
        adjacency[b].append((a, position))

    def cost(position: Position) -> tuple[int, int, int, int]:
        if position in suppressed:
            return (0, 0, 0, 0)
        return (
            int(position == layout.grand),
            int(position in layout.totals),
            layout.values[position],
            1,
        )

    source, target = layout.ends[exposed]
    best: dict[int, tuple[int, int, int, int]] = {source: (0, 0, 0, 0)}
    came_by: dict[int, tuple[int, Position]] = {}
    queue: list[tuple[tuple[int, int, int, int], int]] = [((0, 0, 0, 0), source)]
    done: set[int] = set()
    while queue:
        distance, vertex = heapq.heappop(queue)
        if vertex in done:
            continue
        done.add(vertex)
        if vertex == target:
            break
        for neighbour, position in adjacency[vertex]:
            step = cost(position)
            candidate = (
                distance[0] + step[0],
                distance[1] + step[1],
                distance[2] + step[2],
                distance[3] + step[3],
            )
            if neighbour not in best or candidate < best[neighbour]:
                best[neighbour] = candidate
                came_by[neighbour] = (vertex, position)
                heapq.heappush(queue, (candidate, neighbour))
    if target not in done:  # pragma: no cover - a non-zero entry always lies on a cycle (module docstring)
        raise AssertionError(f"No complement can protect {exposed}.")
    path: list[Position] = []
    vertex = target
    while vertex != source:
        vertex, position = came_by[vertex]
        if position not in suppressed:
            path.append(position)
    return path


def _suppress(layout: _Layout, threshold: int) -> tuple[set[Position], set[Position]]:
    primary = {position for position, value in layout.values.items() if 0 < value < threshold}
    suppressed = set(primary)
    complementary: set[Position] = set()
    while True:
        exposed = _derivable(layout.equations, sorted(suppressed))
        if not exposed:
            return primary, complementary
        added = _cheapest_cycle(layout, suppressed, min(exposed))
        suppressed.update(added)
        complementary.update(added)


def suppress_table(
    table: Iterable[Iterable[object]], *, threshold: int = DEFAULT_THRESHOLD, columns: int | None = None
) -> SuppressedTable:
    """Suppress the small cells of a table of counts (rows x columns) and of its totals.

    ``columns`` gives the width of a table without rows (otherwise read from the rows). Raises ``ValueError`` on
    a negative or non-whole count, ragged rows or a threshold below 1.
    """
    minimum = _threshold(threshold)
    counts = _rows(table)
    width = len(counts[0]) if counts else (columns or 0)
    if counts and columns is not None and columns != width:
        raise ValueError(f"The rows have {width} columns, not {columns}.")
    layout = _table_layout(counts, width)
    primary, complementary = _suppress(layout, minimum)
    hidden = primary | complementary

    def shown(position: Position) -> int | None:
        return None if position in hidden else layout.values[position]

    rows = len(counts)
    return SuppressedTable(
        cells=tuple(tuple(shown((i, j)) for j in range(width)) for i in range(rows)),
        row_totals=tuple(shown((i, width)) for i in range(rows)),
        column_totals=tuple(shown((rows, j)) for j in range(width)),
        grand_total=shown((rows, width)),
        primary=frozenset(primary),
        complementary=frozenset(complementary),
        threshold=minimum,
    )


def suppress_list(counts: Iterable[object], *, threshold: int = DEFAULT_THRESHOLD) -> SuppressedList:
    """Suppress the small counts of a list of counts and of its total (same rule as a table)."""
    minimum = _threshold(threshold)
    if not _is_sequence(counts):
        raise ValueError(f"Counts must be a sequence of whole numbers, not {counts!r}.")
    values = [_count(value, f"Count {j + 1}") for j, value in enumerate(counts)]
    layout = _list_layout(values)
    primary, complementary = _suppress(layout, minimum)
    hidden = {j for _, j in primary | complementary}
    length = len(values)
    return SuppressedList(
        counts=tuple(None if j in hidden else values[j] for j in range(length)),
        total=None if length in hidden else layout.values[(0, length)],
        primary=frozenset(j for _, j in primary),
        complementary=frozenset(j for _, j in complementary),
        threshold=minimum,
    )


def suppress(table: Iterable[Any], *, threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable | SuppressedList:
    """Suppress a list of counts (:func:`suppress_list`) or a table, a sequence of rows (:func:`suppress_table`).

    An empty sequence is an empty list (total 0, nothing suppressed).
    """
    if not _is_sequence(table):
        raise ValueError(f"A table must be a sequence of counts or of rows, not {table!r}.")
    items = list(table)
    if all(_is_sequence(item) for item in items) and items:
        return suppress_table(items, threshold=threshold)
    if any(_is_sequence(item) for item in items):
        raise ValueError("A table must be either a list of counts or a list of rows, not a mix of both.")
    return suppress_list(items, threshold=threshold)


# --------------------------------------------------------------------------------------------------------------
# The auditor: what a reader can deduce from the published figures alone


def _published_system(
    result: SuppressedTable | SuppressedList,
) -> tuple[tuple[Equation, ...], dict[Position, int | None]]:
    if isinstance(result, SuppressedTable):
        rows, columns = result.shape
        return _table_equations(rows, columns), result.published()
    length = len(result.counts)
    return _list_equations(length), {(0, j): value for j, value in result.published().items()}


def _key(result: SuppressedTable | SuppressedList, position: Position) -> Any:
    return position if isinstance(result, SuppressedTable) else position[1]


def derivable_entries(result: SuppressedTable | SuppressedList) -> frozenset[Any]:
    """The suppressed entries a reader could compute exactly from the published ones (linear algebra only)."""
    equations, published = _published_system(result)
    unknowns = sorted(position for position, value in published.items() if value is None)
    return frozenset(_key(result, position) for position in _derivable(equations, unknowns))


def feasible_intervals(
    result: SuppressedTable | SuppressedList,
) -> dict[Any, tuple[Fraction, Fraction | None]]:
    """For every suppressed entry, the least and the greatest value (``None``: unbounded) a reader can infer.

    Reads only the published figures; counts are known to be non-negative. Exact (fractions, the simplex method).
    """
    equations, published = _published_system(result)
    unknowns = sorted(position for position, value in published.items() if value is None)
    column = {position: c for c, position in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        known = Fraction(0)
        for position, coefficient in equation:
            value = published[position]
            if value is None:
                row[column[position]] += coefficient
            else:
                known += coefficient * value
        if any(row):
            matrix.append(row)
            rhs.append(-known)
        elif known != 0:
            raise ValueError("The published figures do not add up.")
    feasible = _phase_one(matrix, rhs, len(unknowns))
    intervals: dict[Any, tuple[Fraction, Fraction | None]] = {}
    for c, position in enumerate(unknowns):
        low = _optimum(feasible, c, maximise=False)
        high = _optimum(feasible, c, maximise=True)
        if low is None:  # pragma: no cover - counts are bounded below by zero
            raise AssertionError("A minimum cannot be unbounded.")
        intervals[_key(result, position)] = (low, high)
    return intervals


def disclosed_entries(result: SuppressedTable | SuppressedList) -> frozenset[Any]:
    """The suppressed entries whose feasible interval is a single value: disclosed despite the suppression."""
    return frozenset(key for key, (low, high) in feasible_intervals(result).items() if low == high)


@dataclass
class _Tableau:
    rows: list[list[Fraction]]  # each: coefficients of the variables, then the right-hand side
    basis: list[int]
    width: int  # number of variables


def _pivot(tableau: _Tableau, r: int, c: int) -> None:
    rows = tableau.rows
    pivot = rows[r][c]
    rows[r] = [value / pivot for value in rows[r]]
    for i in range(len(rows)):
        if i != r and rows[i][c] != 0:
            factor = rows[i][c]
            rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
    tableau.basis[r] = c


def _simplex(tableau: _Tableau, cost: list[Fraction]) -> bool:
    """Minimise ``cost`` from the tableau's feasible basis (Bland's rule: no cycling). False when unbounded."""
    while True:
        entering = None
        for c in range(tableau.width):
            if c in tableau.basis:
                continue
            reduced = cost[c] - sum(
                (cost[b] * row[c] for b, row in zip(tableau.basis, tableau.rows, strict=True)), Fraction(0)
            )
            if reduced < 0:
                entering = c
                break
        if entering is None:
            return True
        leaving = None
        best: tuple[Fraction, int] | None = None
        for r, row in enumerate(tableau.rows):
            if row[entering] > 0:
                candidate = (row[-1] / row[entering], tableau.basis[r])
                if best is None or candidate < best:
                    best, leaving = candidate, r
        if leaving is None:
            return False
        _pivot(tableau, leaving, entering)


def _phase_one(matrix: list[list[Fraction]], rhs: list[Fraction], width: int) -> _Tableau:
    """A feasible basis of ``matrix x = rhs, x >= 0`` (artificial variables driven out, redundant rows dropped)."""
    count = len(matrix)
    rows: list[list[Fraction]] = []
    for r, (row, value) in enumerate(zip(matrix, rhs, strict=True)):
        sign = -1 if value < 0 else 1
        artificial = [Fraction(int(k == r)) for k in range(count)]
        rows.append([sign * v for v in row] + artificial + [sign * value])
    tableau = _Tableau(rows=rows, basis=[width + r for r in range(count)], width=width + count)
    cost = [Fraction(0)] * width + [Fraction(1)] * count
    _simplex(tableau, cost)
    if any(row[-1] != 0 for row, b in zip(tableau.rows, tableau.basis, strict=True) if b >= width):
        raise ValueError("The published figures admit no table of non-negative counts.")
    kept: list[int] = []
    for r in range(len(tableau.rows)):
        if tableau.basis[r] >= width:
            c = next((c for c in range(width) if tableau.rows[r][c] != 0), None)
            if c is None:
                continue  # a redundant relation
            _pivot(tableau, r, c)
        kept.append(r)
    return _Tableau(
        rows=[tableau.rows[r][:width] + [tableau.rows[r][-1]] for r in kept],
        basis=[tableau.basis[r] for r in kept],
        width=width,
    )


def _optimum(feasible: _Tableau, variable: int, *, maximise: bool) -> Fraction | None:
    tableau = _Tableau(rows=[row[:] for row in feasible.rows], basis=feasible.basis[:], width=feasible.width)
    cost = [Fraction(0)] * feasible.width
    cost[variable] = Fraction(-1 if maximise else 1)
    if not _simplex(tableau, cost):
        return None
    for row, b in zip(tableau.rows, tableau.basis, strict=True):
        if b == variable:
            return row[-1]
    return Fraction(0)
