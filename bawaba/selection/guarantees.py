"""The published guarantees of a selection result, checked independently of the engine that produced it.

Pure Python + NumPy, no Django: an observer can run it on a result she recomputed, and the run checks the
national result with it before anything is published (``docs/selection.md``, "What check_guarantees verifies").

Each violated guarantee is one :class:`Problem`: a code, how many cases, and the first few cases as named
integers (candidate and commune *indices* of the instance). No sentence is written here. The run stores the
problems as they are, and each page or command turns them into whole sentences in its reader's language
(``bawaba.selection.problems``), naming applications and communes by their ids. Two reasons for data rather
than ``gettext_lazy`` here: the stored problems of a run are read later by people of different languages (a
string translated when the run was computed would freeze one language), and this module must stay importable,
and testable, with no Django settings at all.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from bawaba.selection.engine import Instance, Result, rank_in_list

__all__ = ["MAX_EXAMPLES", "Problem", "check_guarantees"]

# Each problem carries at most this many examples: a broken national run must stay readable.
MAX_EXAMPLES = 5

Example = Mapping[str, int | str]


@dataclass(frozen=True)
class Problem:
    """One kind of violation: ``code`` names it (``kind`` or ``kind.detail``), ``count`` cases in all.

    ``examples`` are the first cases, each a mapping of named values: ``candidate`` and ``other`` are candidate
    indices, ``commune`` a commune index, lottery numbers 16 hexadecimal digits, everything else an integer.
    ``params`` are the values of the problem as a whole (a shape, a bound).
    """

    code: str
    count: int = 1
    examples: tuple[Example, ...] = ()
    params: Mapping[str, int | str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The guarantee it breaks: the code up to its first dot (``structure.shape`` is a ``structure``)."""
        return self.code.split(".")[0]

    def as_json(self) -> dict:
        """A plain dict for a JSON column; :meth:`from_json` reads it back."""
        return {
            "code": self.code,
            "count": self.count,
            "examples": [dict(example) for example in self.examples],
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "Problem":
        return cls(
            code=str(data["code"]),
            count=int(data.get("count", 1)),
            examples=tuple(dict(example) for example in data.get("examples", ())),
            params=dict(data.get("params", {})),
        )

    def __str__(self) -> str:
        """A plain, untranslated line for logs and tests; readers get sentences (bawaba.selection.problems)."""
        shown = "; ".join(
            ", ".join(f"{name} {value}" for name, value in example.items()) for example in self.examples
        )
        params = ", ".join(f"{name} {value}" for name, value in self.params.items())
        more = f" (and {self.count - len(self.examples)} more)" if self.count > len(self.examples) else ""
        return (
            f"{self.code}: {self.count}"
            + (f" [{params}]" if params else "")
            + (f", e.g. {shown}{more}" if shown else "")
        )


def _lottery(value: np.uint64 | int) -> str:
    return f"{int(value):016x}"


def _report(code: str, indices: np.ndarray, describe: Callable[[int], Example]) -> Problem:
    """One problem per kind of violation: how many, and the first few cases as named values."""
    return Problem(
        code=code,
        count=int(indices.size),
        examples=tuple(describe(int(i)) for i in indices[:MAX_EXAMPLES]),
    )


def _ranks_above(
    priority: np.ndarray,
    lottery: np.ndarray,
    index: np.ndarray,
    other_priority: np.ndarray,
    other_lottery: np.ndarray,
    other_index: np.ndarray,
) -> np.ndarray:
    """Whether the first candidate comes before the other in a commune's order, element-wise."""
    return (priority > other_priority) | (
        (priority == other_priority)
        & ((lottery < other_lottery) | ((lottery == other_lottery) & (index < other_index)))
    )


def _check_structure(instance: Instance, result: Result) -> list[Problem]:
    n, k = instance.preferences.shape
    m = instance.n_communes
    expected = {
        "assignment": (n,),
        "assigned_rank": (n,),
        "admitted_count": (m,),
        "cutoff_priority": (m,),
        "cutoff_lottery": (m,),
        "is_full": (m,),
        "waitlist_indptr": (m + 1,),
    }
    problems: list[Problem] = []
    for name, shape in expected.items():
        value = getattr(result, name)
        if value.shape != shape:
            problems.append(
                Problem(
                    "structure.shape",
                    params={"array": name, "shape": str(value.shape), "expected": str(shape)},
                )
            )
        elif name == "is_full" and value.dtype != np.bool_:
            problems.append(Problem("structure.bool", params={"array": name, "dtype": str(value.dtype)}))
        elif name != "is_full" and value.size and not np.issubdtype(value.dtype, np.integer):
            problems.append(Problem("structure.integers", params={"array": name, "dtype": str(value.dtype)}))
    if result.waitlist.ndim != 1 or (
        result.waitlist.size and not np.issubdtype(result.waitlist.dtype, np.integer)
    ):
        problems.append(Problem("structure.waitlist"))
    if problems:
        return problems

    assignment = result.assignment.astype(np.int64)
    rank = result.assigned_rank.astype(np.int64)
    if n and (assignment.min() < -1 or assignment.max() >= m):
        problems.append(Problem("structure.assignment", params={"communes": m}))
    if n and (rank.min() < -1 or rank.max() >= k):
        problems.append(Problem("structure.rank", params={"choices": k}))
    mismatch = np.flatnonzero((assignment < 0) != (rank < 0))
    if mismatch.size:
        problems.append(_report("structure.rank_without_commune", mismatch, lambda i: {"candidate": i}))
    indptr = result.waitlist_indptr.astype(np.int64)
    if indptr[0] != 0 or (np.diff(indptr) < 0).any() or indptr[-1] != result.waitlist.shape[0]:
        problems.append(Problem("structure.indptr"))
    if result.waitlist.size and (result.waitlist.min() < 0 or result.waitlist.max() >= n):
        problems.append(Problem("structure.waitlist_range", params={"candidates": n}))
    return problems


def check_guarantees(instance: Instance, result: Result) -> list[Problem]:
    """Every way ``result`` breaks the published rules for ``instance``; an empty list means none.

    One :class:`Problem` per kind of violation (its code below, then ``.detail`` for the structure's and the
    skipped checks'), with how many cases and the first few:

    * ``structure`` — arrays of the wrong shape or type, indices out of range (the other checks are skipped);
    * ``unlisted`` — a candidate admitted to a commune that is not her choice at the stated rank
      (the checks that need her priority there are skipped);
    * ``capacity`` — a commune admitted more candidates than it has places;
    * ``count`` — ``admitted_count`` or ``is_full`` disagrees with the assignment;
    * ``cutoff`` — ``cutoff_priority`` / ``cutoff_lottery`` are not those of the last admitted candidate;
    * ``stability`` — a blocking pair: a candidate and a commune she ranked above her assignment (or any
      commune she ranked, if she has none) that has a free place or admitted someone it ranks lower;
    * ``waitlist_membership`` — someone on a list who was not refused by that commune (she did not rank
      it, or ranked it below her assignment), or is on it twice;
    * ``waitlist_missing`` — someone refused by a commune who is not on its list;
    * ``waitlist_order`` — a list not in the commune's order;
    * ``waitlist_not_full`` — a commune with free places and a non-empty list;
    * ``waitlist_cutoff`` — someone on a list whom the commune ranks above its last admitted candidate.

    The waiting-list rules follow from stability: a commune refuses only when it is full, so a commune with
    free places refused nobody and has an empty list, and everyone it refused ranks below the last candidate
    it kept. A full commune's list may be empty (nobody was refused), and a commune with no place is full, so
    everybody who asked it is on its list. Everything is vectorised: this runs on the national result before
    publication. Candidate-optimality is not checked here (it needs the algorithm itself); the tests compare
    the engine with an independent implementation for that.
    """
    problems = _check_structure(instance, result)
    if problems:
        return problems
    preferences, priorities, lottery = instance.preferences, instance.priorities, instance.lottery
    capacity = instance.capacities
    n, k = preferences.shape
    m = instance.n_communes
    assignment = result.assignment.astype(np.int64)
    assigned_rank = result.assigned_rank.astype(np.int64)

    admitted = np.flatnonzero(assignment >= 0)
    commune = assignment[admitted]
    rank = assigned_rank[admitted]
    unlisted = admitted[preferences[admitted, rank] != commune]
    if unlisted.size:
        problems.append(
            _report(
                "unlisted",
                unlisted,
                lambda i: {
                    "candidate": i,
                    "commune": int(assignment[i]),
                    "choice": int(assigned_rank[i]) + 1,
                    "listed": int(preferences[i, assigned_rank[i]]),
                },
            )
        )
    count = np.bincount(commune, minlength=m).astype(np.int64)
    over = np.flatnonzero(count > capacity)
    if over.size:
        problems.append(
            _report(
                "capacity",
                over,
                lambda c: {"commune": c, "admitted": int(count[c]), "places": int(capacity[c])},
            )
        )
    wrong_count = np.flatnonzero((result.admitted_count != count) | (result.is_full != (count == capacity)))
    if wrong_count.size:
        problems.append(
            _report(
                "count",
                wrong_count,
                lambda c: {
                    "commune": c,
                    "admitted": int(count[c]),
                    "places": int(capacity[c]),
                    "reported": int(result.admitted_count[c]),
                    "full": int(bool(result.is_full[c])),
                },
            )
        )
    if unlisted.size:
        problems.append(Problem("unlisted.skipped"))
        return problems

    # The last admitted candidate of each commune, recomputed from the assignment alone.
    admitted_priority = priorities[admitted, rank]
    order = np.lexsort((admitted, lottery[admitted], ~admitted_priority, commune))
    has_last = count > 0
    last = order[np.cumsum(count[has_last]) - 1]
    last_priority = np.zeros(m, dtype=np.int64)
    last_lottery = np.zeros(m, dtype=np.uint64)
    last_index = np.full(m, -1, dtype=np.int64)
    last_priority[has_last] = admitted_priority[last]
    last_lottery[has_last] = lottery[admitted[last]]
    last_index[has_last] = admitted[last]

    wrong_cutoff = np.flatnonzero(
        (result.cutoff_priority != last_priority) | (result.cutoff_lottery != last_lottery)
    )
    if wrong_cutoff.size:
        problems.append(
            _report(
                "cutoff",
                wrong_cutoff,
                lambda c: {
                    "commune": c,
                    "priority": int(result.cutoff_priority[c]),
                    "lottery": _lottery(result.cutoff_lottery[c]),
                    "expected_priority": int(last_priority[c]),
                    "expected_lottery": _lottery(last_lottery[c]),
                },
            )
        )

    # Refused pairs: every listed choice above the assignment (all listed choices when unassigned). In
    # deferred acceptance these are exactly the communes she asked and that said no.
    reached = np.where(assigned_rank >= 0, assigned_rank, k)
    refused_mask = (np.arange(k)[None, :] < reached[:, None]) & (preferences >= 0)
    flat = np.flatnonzero(refused_mask.reshape(-1))
    who = flat // max(k, 1)
    where = preferences.reshape(-1)[flat].astype(np.int64)
    free = count[where] < capacity[where]
    beats = has_last[where] & _ranks_above(
        priorities.reshape(-1)[flat],
        lottery[who],
        who,
        last_priority[where],
        last_lottery[where],
        last_index[where],
    )
    blocking = np.flatnonzero(free | beats)
    if blocking.size:
        problems.append(
            _report(
                "stability",
                blocking,
                lambda j: (
                    {"candidate": int(who[j]), "commune": int(where[j]), "choice": int(flat[j] % k) + 1}
                    # Without "other": the commune has a free place; with it, it admitted someone it ranks lower.
                    | ({} if free[j] else {"other": int(last_index[where[j]])})
                ),
            )
        )
    problems.extend(
        _check_waitlists(
            instance, result, refused_mask, reached, count, has_last, last_priority, last_lottery, last_index
        )
    )
    return problems


def _check_waitlists(
    instance: Instance,
    result: Result,
    refused_mask: np.ndarray,
    reached: np.ndarray,
    count: np.ndarray,
    has_last: np.ndarray,
    last_priority: np.ndarray,
    last_lottery: np.ndarray,
    last_index: np.ndarray,
) -> list[Problem]:
    preferences, priorities, lottery = instance.preferences, instance.priorities, instance.lottery
    n, k = preferences.shape
    m = instance.n_communes
    problems = []
    indptr = result.waitlist_indptr.astype(np.int64)
    length = np.diff(indptr)
    waiting = result.waitlist.astype(np.int64)
    commune = np.repeat(np.arange(m, dtype=np.int64), length)
    rank = rank_in_list(preferences, waiting, commune)
    listed = rank >= 0
    refused = listed & (rank < reached[waiting])
    rank = np.maximum(rank, 0)  # where not listed, any column will do: those entries are masked below
    slot = waiting * k + rank
    seen = np.bincount(slot[refused], minlength=n * k)
    twice = np.flatnonzero(refused & (seen[slot] > 1))
    strangers = np.flatnonzero(~refused)
    if strangers.size or twice.size:
        problems.append(
            _report(
                "waitlist_membership",
                np.concatenate((strangers, twice)),
                lambda j: (
                    {"candidate": int(waiting[j]), "commune": int(commune[j])}
                    # "choice" when she listed it (below her assignment, or she is on the list twice).
                    | ({"choice": int(rank[j]) + 1, "twice": int(bool(refused[j]))} if listed[j] else {})
                ),
            )
        )
    missing = np.flatnonzero(refused_mask.reshape(-1) & (seen == 0))
    if missing.size:
        problems.append(
            _report(
                "waitlist_missing",
                missing,
                lambda j: {"candidate": j // k, "commune": int(preferences[j // k, j % k])},
            )
        )

    priority = np.where(refused, priorities.reshape(-1)[slot], 0)
    drawn = lottery[waiting]
    pair = np.flatnonzero((commune[1:] == commune[:-1]) & refused[1:] & refused[:-1])
    disorder = pair[
        ~_ranks_above(
            priority[pair], drawn[pair], waiting[pair], priority[pair + 1], drawn[pair + 1], waiting[pair + 1]
        )
    ]
    if disorder.size:
        problems.append(
            _report(
                "waitlist_order",
                disorder,
                lambda j: {
                    "commune": int(commune[j]),
                    "candidate": int(waiting[j]),
                    "other": int(waiting[j + 1]),
                },
            )
        )

    not_full = np.flatnonzero((length > 0) & (count < instance.capacities))
    if not_full.size:
        problems.append(
            _report(
                "waitlist_not_full",
                not_full,
                lambda c: {
                    "commune": c,
                    "admitted": int(count[c]),
                    "places": int(instance.capacities[c]),
                    "waiting": int(length[c]),
                },
            )
        )
    above = np.flatnonzero(
        refused
        & has_last[commune]
        & _ranks_above(
            priority, drawn, waiting, last_priority[commune], last_lottery[commune], last_index[commune]
        )
    )
    if above.size:
        problems.append(
            _report(
                "waitlist_cutoff",
                above,
                lambda j: {
                    "candidate": int(waiting[j]),
                    "commune": int(commune[j]),
                    "other": int(last_index[commune[j]]),
                },
            )
        )
    return problems
