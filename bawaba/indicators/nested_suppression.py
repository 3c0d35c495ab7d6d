"""Small-cell suppression of nested lists published together, and its auditors (pure Python, no Django).

Why this rule: docs/decisions/0029-small-cell-suppression.md (the rule for one table) and its hierarchical
sequel, docs/decisions/0033-open-data-nested-suppression.md.

What is published
=================

An indicator's open data (bawaba.indicators.opendata) is a set of **lists**, each a total and the counts that add
up to it: the nation's regions, each region's provinces, each province's communes, and the nation's categories,
days or kinds. They are published together, so they share totals: a province's count is a count of its region's
list *and* the total of its own list of communes. The lists form a tree: every count is a child in one list at
most, the total of one list at most, except the root (the nation), which is the total of several lists (its regions,
its categories, its days).

What a reader knows
===================

Every published count; that each list adds up to its total; that counts are not negative; and, since zeros are
always published (decision 0029), that **a suppressed count is at least 1**. The last point matters: a list whose
published total leaves 2 for two suppressed counts gives both away (1 and 1). The auditors below assume all of it.

The rule
========

**Primary suppression**: every count with ``0 < count < threshold``.

A suppressed count is safe when it can move by one, up or down, with every published figure unchanged and every
suppressed count still at least 1. Moving a count changes its list, which another count must balance: a sibling
(in the other direction) or the list's total (in the same direction, then balanced in the list above). Moving a
count *down* is balanced below it too, in its own list, by a suppressed child that can go down, and so on to the
bottom: it needs a chain of suppressed counts of at least 2 down to a leaf. Call a count **chainable** when it is at
least 2 and is a leaf or has a chainable child (computed bottom-up from the true figures). A suppressed chainable
count can always be made to go down (its chain suppressed), a count of 1 never.

**Complementary suppression** keeps two conditions true in every list that holds a suppressed entry:

(A) at least two suppressed entries (one alone would be the total minus the others);
(D) a suppressed chainable child, if the list has a chainable child; if it has none (all its counts are 1 or
    lead down only to 1s), its total is suppressed instead, so that its counts can move together with it.

The lists are visited from the top down; whenever a count is suppressed, the two lists it belongs to (the one it
is a child of, the one it is the total of) are visited again, until none needs anything: counts are only ever
added, so this ends. When (D) asks for a child, it is the cheapest chainable one, and when (A) asks for one, the
cheapest non-zero one; cheapest meaning the smallest sum of the counts it takes to suppress it with the chain it
then needs below, then the first in the list's order (deterministic). Zeros are never suppressed. (D) may suppress
a total, and that may climb to the root: an indicator of 10 counted in 10 communes, one each, suppresses its
national total too, or the reader would know every suppressed commune is exactly 1.

Why it is enough (the docs' decision has the proof): a suppressed count that is chainable goes down with its chain,
balanced in its list by another suppressed entry (A) going up, or by its total going down, and so on upwards; a
count that is not chainable goes up, balanced by a suppressed chainable sibling going down (D), or by its total
going up (D's other case), and so on upwards, where a suppressed root can always go up (every list under it has a
suppressed child (A) that can). The tests check every result with an exact auditor that knows nothing of this
bookkeeping: :func:`feasible_ranges` (linear programming with fractions).

Linked indicators
=================

Some indicators are sums of others (the documents' "examined" is "accepted" plus "rejected"): a reader adds their
published figures. :func:`link_patterns` suppresses every member of such a group wherever one is suppressed. Each
member being safe on its own, a suppressed count of one of the summands moves with its own chain, and every sum
that contains it moves with it: the relation still holds and no published figure changes.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# The exact simplex of the one-table module: the same solver audits both.
from bawaba.indicators import suppression
from bawaba.indicators.suppression import _optimum, _phase_one

Cell = Hashable
NestedList = tuple[Cell, tuple[Cell, ...]]  # (total, children)


class NestingError(ValueError):
    """The lists do not nest as a tree, or their counts do not add up."""


@dataclass(frozen=True)
class NestedResult:
    """What is published: every cell's count, or ``None`` where suppressed; and why each was suppressed."""

    values: Mapping[Cell, int]
    lists: tuple[NestedList, ...]
    primary: frozenset[Cell]
    complementary: frozenset[Cell]
    threshold: int

    @property
    def hidden(self) -> frozenset[Cell]:
        return self.primary | self.complementary

    def published(self) -> dict[Cell, int | None]:
        hidden = self.hidden
        return {cell: None if cell in hidden else value for cell, value in self.values.items()}


# --------------------------------------------------------------------------------------------------------------
# Validation and structure


def _count(value: object, where: object) -> int:
    try:
        return suppression._count(value, repr(where))  # the tables' rule, refused as a nesting error here
    except ValueError as error:
        raise NestingError(str(error)) from None


def _threshold(threshold: object) -> int:
    try:
        return suppression._threshold(threshold)
    except ValueError as error:
        raise NestingError(str(error)) from None


@dataclass(frozen=True)
class _Tree:
    values: dict[Cell, int]
    lists: tuple[NestedList, ...]
    parent_list: dict[Cell, int]  # the list a cell is a child of
    own_lists: dict[Cell, tuple[int, ...]]  # the lists a cell is the total of (several for the root only)
    order: tuple[int, ...]  # the lists from the top down
    rank: dict[Cell, int]  # each cell's place in the input, for ties

    def chainable(self) -> dict[Cell, bool]:
        """Bottom-up: at least 2, and a leaf or with a chainable child in every list it totals."""
        result: dict[Cell, bool] = {}
        for index in reversed(self.order):
            for child in self.lists[index][1]:
                if child not in self.own_lists:
                    result[child] = self.values[child] >= 2
        for index in reversed(self.order):
            total = self.lists[index][0]
            if total in result:
                continue
            result[total] = self.values[total] >= 2 and all(
                any(result[child] for child in self.lists[own][1]) for own in self.own_lists[total]
            )
        return result


def _tree(values: Mapping[Cell, object], lists: Iterable[tuple[Cell, Sequence[Cell]]]) -> _Tree:
    counts = {cell: _count(value, cell) for cell, value in values.items()}
    nested: list[NestedList] = []
    parent_list: dict[Cell, int] = {}
    own_lists: dict[Cell, list[int]] = defaultdict(list)
    for index, (total, children) in enumerate(lists):
        children = tuple(children)
        for cell in (total, *children):
            if cell not in counts:
                raise NestingError(f"The list of {total!r} names {cell!r}, which has no count.")
        if len(set(children)) != len(children) or total in children:
            raise NestingError(f"The list of {total!r} names a cell twice.")
        for child in children:
            if child in parent_list:
                raise NestingError(f"{child!r} is a child in two lists.")
            parent_list[child] = index
        if sum(counts[child] for child in children) != counts[total]:
            raise NestingError(f"The counts of the list of {total!r} do not add up to its total.")
        own_lists[total].append(index)
        nested.append((total, children))
    for total, indices in own_lists.items():
        if len(indices) > 1 and total in parent_list:
            raise NestingError(f"{total!r} is the total of several lists but not the root.")
    # From the top down: a list after the list its total is a child of (this also refuses a cycle).
    depth: dict[Cell, int] = {}

    def depth_of(cell: Cell, seen: frozenset = frozenset()) -> int:
        if cell in depth:
            return depth[cell]
        if cell in seen:
            raise NestingError(f"The lists loop through {cell!r}.")
        above = parent_list.get(cell)
        depth[cell] = 0 if above is None else depth_of(nested[above][0], seen | {cell}) + 1
        return depth[cell]

    order = tuple(sorted(range(len(nested)), key=lambda index: (depth_of(nested[index][0]), index)))
    rank = {cell: position for position, cell in enumerate(counts)}
    return _Tree(
        values=counts,
        lists=tuple(nested),
        parent_list=parent_list,
        own_lists={total: tuple(indices) for total, indices in own_lists.items()},
        order=order,
        rank=rank,
    )


# --------------------------------------------------------------------------------------------------------------
# Suppression


def suppress_nested(
    values: Mapping[Cell, object], lists: Iterable[tuple[Cell, Sequence[Cell]]], *, threshold: int
) -> NestedResult:
    """Suppress the small counts of nested lists published together, and enough others (module docstring).

    ``values``: every cell's count; ``lists``: ``(total, children)`` pairs forming a tree (see the docstring).
    Raises :class:`NestingError` on counts that are not whole and non-negative, lists that do not nest or do not
    add up, or a threshold below 1.
    """
    minimum = _threshold(threshold)
    tree = _tree(values, lists)
    chainable = tree.chainable()
    primary = {cell for cell, value in tree.values.items() if 0 < value < minimum}
    hidden = set(primary)
    complementary: set[Cell] = set()
    queue = deque(tree.order)
    queued = set(tree.order)

    def own_children(cell: Cell) -> list[Cell]:
        return [child for index in tree.own_lists.get(cell, ()) for child in tree.lists[index][1]]

    def chain_cost(cell: Cell) -> int:
        """What suppressing `cell` costs below it: the cheapest chain its own lists then need."""
        cost = 0
        for index in tree.own_lists.get(cell, ()):
            children = tree.lists[index][1]
            wanted = [child for child in children if chainable[child]] if chainable[cell] else []
            if wanted and any(child in hidden for child in wanted):
                continue
            if not wanted:
                if any(child in hidden for child in children):
                    continue
                wanted = [child for child in children if tree.values[child] > 0]
            cost += min(tree.values[child] + chain_cost(child) for child in wanted)
        return cost

    def cheapest(candidates: list[Cell]) -> Cell:
        return min(candidates, key=lambda cell: (tree.values[cell] + chain_cost(cell), tree.rank[cell]))

    def suppress(cell: Cell) -> None:
        hidden.add(cell)
        complementary.add(cell)
        touched = [tree.parent_list[cell]] if cell in tree.parent_list else []
        for index in (*touched, *tree.own_lists.get(cell, ())):
            if index not in queued:
                queue.append(index)
                queued.add(index)

    while queue:
        index = queue.popleft()
        queued.discard(index)
        total, children = tree.lists[index]
        if total not in hidden and not any(child in hidden for child in children):
            continue
        # (D) a suppressed chainable child, or else the total.
        if not any(child in hidden and chainable[child] for child in children):
            candidates = [child for child in children if chainable[child] and child not in hidden]
            if candidates:
                suppress(cheapest(candidates))
            elif total not in hidden:
                suppress(total)
        # (A) at least two suppressed entries.
        if int(total in hidden) + sum(child in hidden for child in children) == 1:
            candidates = [child for child in children if tree.values[child] > 0 and child not in hidden]
            suppress(cheapest(candidates) if candidates else total)
    return NestedResult(
        values=dict(tree.values),
        lists=tree.lists,
        primary=frozenset(primary),
        complementary=frozenset(complementary),
        threshold=minimum,
    )


def link_patterns(
    hidden: Mapping[str, Iterable[Cell]], groups: Iterable[Iterable[str]]
) -> dict[str, set[Cell]]:
    """Suppress every member of a group of linked indicators wherever one of them is suppressed.

    ``hidden``: the suppressed cells of each indicator (cells named alike across indicators, e.g. a commune's
    code); ``groups``: sets of indicators whose figures are sums of each other's. Members absent from ``hidden``
    are ignored. Returns the suppressed cells of every indicator of ``hidden``.
    """
    result = {key: set(cells) for key, cells in hidden.items()}
    for group in groups:
        members = [key for key in group if key in result]
        union = set().union(*(result[key] for key in members)) if members else set()
        for key in members:
            result[key] = set(union)
    return result


# --------------------------------------------------------------------------------------------------------------
# The auditors: what a reader can work out from the published figures alone

Equation = Mapping[Cell, int]  # sum of coefficient * cell = 0


def list_equations(lists: Iterable[tuple[Cell, Sequence[Cell]]]) -> list[Equation]:
    """Each list as an equation: its children minus its total is zero."""
    equations: list[Equation] = []
    for total, children in lists:
        equation: dict[Cell, int] = defaultdict(int)
        for child in children:
            equation[child] += 1
        equation[total] -= 1
        equations.append(dict(equation))
    return equations


def feasible_ranges(
    published: Mapping[Cell, int | None],
    equations: Iterable[Equation],
    *,
    lower: Mapping[Cell, int] | None = None,
) -> dict[Cell, tuple[Fraction, Fraction | None]]:
    """For every suppressed cell (``None``), the least and greatest value a reader can infer (``None``: no upper
    bound), from the published counts, the equations, and each suppressed cell's lower bound (``lower``; 0 when
    absent: give 1 for the cells a reader knows are not zero). Exact: fractions and the simplex method.
    """
    bounds = dict(lower or {})
    unknowns = sorted((cell for cell, value in published.items() if value is None), key=repr)
    column = {cell: c for c, cell in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        known = Fraction(0)
        for cell, coefficient in equation.items():
            value = published[cell]
            if value is None:
                row[column[cell]] += coefficient
                known += coefficient * bounds.get(cell, 0)  # x = lower + y, y >= 0
            else:
                known += coefficient * value
        if any(row):
            matrix.append(row)
            rhs.append(-known)
        elif known != 0:
            raise NestingError("The published figures do not add up.")
    if not unknowns:
        return {}
    feasible = _phase_one(matrix, rhs, len(unknowns))
    ranges: dict[Cell, tuple[Fraction, Fraction | None]] = {}
    for c, cell in enumerate(unknowns):
        low = _optimum(feasible, c, maximise=False)
        high = _optimum(feasible, c, maximise=True)
        if low is None:  # pragma: no cover - y is bounded below by zero
            raise AssertionError("A minimum cannot be unbounded.")
        shift = bounds.get(cell, 0)
        ranges[cell] = (low + shift, None if high is None else high + shift)
    return ranges


def disclosed_cells(
    published: Mapping[Cell, int | None],
    equations: Iterable[Equation],
    *,
    lower: Mapping[Cell, int] | None = None,
) -> frozenset[Cell]:
    """The suppressed cells a reader can work out exactly (their feasible range is one value)."""
    return frozenset(
        cell
        for cell, (low, high) in feasible_ranges(published, equations, lower=lower).items()
        if low == high
    )


def pinned_cells(result: NestedResult) -> frozenset[Cell]:
    """The suppressed cells of a result that cannot move by one, read as a network (fast; no linear programme).

    With the root published, the lists of one indicator are a network: a vertex per list and one for "outside",
    a cell an edge from the list it is a child of to the list it totals (a leaf's to "outside"), a list's equation
    the conservation of flow at its vertex, each partition of the root a network of its own. A suppressed cell can
    go up when the rest of the suppressed network leads back from its head to its tail (every suppressed cell can
    go up; one can go down if it is above its lower bound), and down when it is above its lower bound and the rest
    leads from its tail to its head. The lower bound is 1 for a suppressed non-zero count (a reader knows zeros
    are published). For a result whose root is suppressed, use :func:`feasible_ranges`.
    """
    published = result.published()
    roots = [total for total, _ in result.lists if total not in {c for _, cs in result.lists for c in cs}]
    if any(published[root] is None for root in roots):
        raise NestingError("The network reading needs a published root: use feasible_ranges.")
    outside = -1
    parent = {child: index for index, (_, children) in enumerate(result.lists) for child in children}
    own = {total: index for index, (total, _) in enumerate(result.lists) if total not in roots}
    hidden = sorted(result.hidden, key=repr)

    def ends(cell: Cell) -> tuple[int, int]:
        return parent[cell], own.get(cell, outside)

    # Every suppressed cell can go up (an arc from its tail to its head); one above its lower bound down too.
    arcs: dict[int, list[tuple[int, Cell]]] = defaultdict(list)
    for cell in hidden:
        tail, head = ends(cell)
        arcs[tail].append((head, cell))
        if result.values[cell] >= 2:
            arcs[head].append((tail, cell))

    def reaches(start: int, goal: int, without: Cell) -> bool:
        seen = {start}
        stack = [start]
        while stack:
            vertex = stack.pop()
            if vertex == goal:
                return True
            for neighbour, cell in arcs[vertex]:
                if cell != without and neighbour not in seen:
                    seen.add(neighbour)
                    stack.append(neighbour)
        return False

    pinned = set()
    for cell in hidden:
        tail, head = ends(cell)
        up = reaches(head, tail, cell)
        down = result.values[cell] >= 2 and reaches(tail, head, cell)
        if not (up or down):
            pinned.add(cell)
    return frozenset(pinned)
