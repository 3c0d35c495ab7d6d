"""Selection engine: candidate-proposing deferred acceptance with commune capacities.

Pure Python + NumPy, no Django. The services build an :class:`Instance` from the database, call
:func:`run_deferred_acceptance`, check the :class:`Result` with ``guarantees.check_guarantees`` and publish it
together with :func:`digest_instance` and :func:`digest_result`. ``docs/selection.md`` explains the
algorithm and its guarantees.

The rule, in one sentence: every candidate is placed in the best commune, by her own ranking, that she can
have without taking a place from someone that commune ranks higher. A commune ranks the candidates who listed
it by priority at that commune (higher first), then by lottery number (lower first), then by candidate index
(lower first).
"""

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Instance",
    "Result",
    "canonical_bytes",
    "digest_instance",
    "digest_result",
    "lottery_numbers",
    "rank_in_list",
    "run_deferred_acceptance",
    "waitlist_position",
    "waitlist_positions",
]

# Bumped whenever the byte layout of canonical_bytes() changes, so that old and new digests never collide.
_INSTANCE_MAGIC = b"bawaba.selection.instance.v1\x00"
_RESULT_MAGIC = b"bawaba.selection.result.v1\x00"

_INT32_MAX = int(np.iinfo(np.int32).max)
_INT16_MAX = int(np.iinfo(np.int16).max)


# --------------------------------------------------------------------------------------------------- input


def _integer_array(name: str, value: object, *, ndim: int) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array, got shape {array.shape}.")
    # bool is not an integer dtype for NumPy, which is what we want: True is not a commune.
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}.")
    return array


def _frozen(array: np.ndarray, dtype: type[np.generic]) -> np.ndarray:
    """A private, read-only, C-ordered copy: an Instance or Result cannot change after it is built."""
    out = np.array(array, dtype=dtype, order="C", copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Instance:
    """The input of one selection run; the arrays are copied, converted and made read-only.

    * ``preferences`` (n, k) int32: commune index of each candidate's choice, best first; ``-1`` pads
      unused ranks at the end of a row (no holes, no commune twice in a row).
    * ``priorities`` (n, k) int64: the candidate's priority at the commune of that choice (a score that
      may include a bonus specific to the commune, e.g. residence); higher is better. Values at padded
      ranks are ignored and stored as 0.
    * ``lottery`` (n,) uint64: the public tie-break, lower wins (see :func:`lottery_numbers`).
    * ``capacities`` (m,) int64: places per commune, ``>= 0``.
    """

    preferences: np.ndarray
    priorities: np.ndarray
    lottery: np.ndarray
    capacities: np.ndarray

    def __post_init__(self) -> None:
        preferences = _integer_array("preferences", self.preferences, ndim=2)
        priorities = _integer_array("priorities", self.priorities, ndim=2)
        lottery = _integer_array("lottery", self.lottery, ndim=1)
        capacities = _integer_array("capacities", self.capacities, ndim=1)
        n, k = preferences.shape
        m = capacities.shape[0]
        if priorities.shape != preferences.shape:
            raise ValueError(
                f"priorities must have the shape of preferences {preferences.shape}, got {priorities.shape}."
            )
        if lottery.shape != (n,):
            raise ValueError(f"lottery must have one number per candidate ({n}), got shape {lottery.shape}.")
        if n > _INT32_MAX or m > _INT32_MAX:
            raise ValueError("At most 2**31 - 1 candidates and communes are supported.")
        if k > _INT16_MAX:
            raise ValueError(f"At most {_INT16_MAX} choices per candidate are supported, got {k}.")

        if preferences.size:
            low, high = int(preferences.min()), int(preferences.max())
            if low < -1 or high >= m:
                raise ValueError(
                    f"preferences must be commune indices in [0, {m}) or -1, found {low}..{high}."
                )
        if capacities.size and int(capacities.min()) < 0:
            bad = int(np.flatnonzero(capacities < 0)[0])
            raise ValueError(f"capacities must be >= 0; commune {bad} has {int(capacities[bad])}.")
        if capacities.size and int(capacities.max()) > np.iinfo(np.int64).max:
            raise ValueError("capacities must fit in int64.")
        if lottery.size and (int(lottery.min()) < 0 or int(lottery.max()) > int(np.iinfo(np.uint64).max)):
            raise ValueError("lottery numbers must lie in [0, 2**64).")
        if priorities.size and (
            int(priorities.min()) < np.iinfo(np.int64).min or int(priorities.max()) > np.iinfo(np.int64).max
        ):
            raise ValueError("priorities must fit in int64.")

        listed = preferences >= 0
        # A -1 followed by a commune would make "rank" ambiguous; the services pack choices to the left.
        holes = listed[:, 1:] & ~listed[:, :-1]
        if holes.any():
            row = int(np.flatnonzero(holes.any(axis=1))[0])
            raise ValueError(f"preferences row {row} has a commune after a -1: {preferences[row].tolist()}.")
        ordered = np.sort(preferences, axis=1)
        duplicates = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        if duplicates.any():
            row = int(np.flatnonzero(duplicates.any(axis=1))[0])
            raise ValueError(f"preferences row {row} lists a commune twice: {preferences[row].tolist()}.")

        # Padded priorities are meaningless; zeroing them keeps equal instances byte-identical.
        priorities = np.where(listed, priorities.astype(np.int64, copy=False), 0)
        object.__setattr__(self, "preferences", _frozen(preferences, np.int32))
        object.__setattr__(self, "priorities", _frozen(priorities, np.int64))
        object.__setattr__(self, "lottery", _frozen(lottery, np.uint64))
        object.__setattr__(self, "capacities", _frozen(capacities, np.int64))

    @property
    def n_candidates(self) -> int:
        return int(self.preferences.shape[0])

    @property
    def n_communes(self) -> int:
        return int(self.capacities.shape[0])

    @property
    def n_choices(self) -> np.ndarray:
        """Number of communes each candidate listed, (n,) int64."""
        count = np.zeros(self.n_candidates, dtype=np.int64)
        # Column by column: k is small, and this is several times faster than a reduction along axis 1.
        for column in self.preferences.T:
            count += column >= 0
        return count


def lottery_numbers(seed: str, application_ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """The public lottery: first 8 bytes, big-endian, of ``sha256(seed ":" application_id)``, as uint64.

    Anyone holding the published seed can recompute a candidate's number with three lines of any language:
    ``sha256(seed.encode("utf-8") + b":" + str(application_id).encode("ascii"))``.
    """
    ids = np.asarray(application_ids)
    if ids.ndim != 1:
        raise ValueError(f"application_ids must be one-dimensional, got shape {ids.shape}.")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"application_ids must be integers, got dtype {ids.dtype}.")
    prefix = seed.encode("utf-8") + b":"
    # One hash per candidate is unavoidable; joining the 8-byte prefixes keeps the loop to the hashing.
    packed = b"".join(
        hashlib.sha256(prefix + str(application_id).encode("ascii")).digest()[:8]
        for application_id in ids.tolist()
    )
    return np.frombuffer(packed, dtype=">u8").astype(np.uint64)


# -------------------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Result:
    """The outcome of one run; arrays are read-only.

    * ``assignment`` (n,) int32: the commune each candidate is admitted to, or -1.
    * ``assigned_rank`` (n,) int16: the 0-based rank of that commune in her list, or -1.
    * ``admitted_count`` (m,) int64.
    * ``cutoff_priority`` (m,) int64 and ``cutoff_lottery`` (m,) uint64: priority and lottery number of the
      last admitted candidate (the lowest in the commune's order), 0 where nobody was admitted. It is a real
      cutoff only where ``is_full``: a commune with free places admitted everybody who asked.
    * ``is_full`` (m,) bool: ``admitted_count == capacity`` (a commune with no place is full).
    * ``waitlist_indptr`` (m + 1,) int64 and ``waitlist`` int32: the waiting lists in CSR form;
      ``waitlist[waitlist_indptr[c]:waitlist_indptr[c + 1]]`` are the candidates refused by commune ``c``
      (those who listed it above their assignment, or who were not admitted anywhere), in its order.
    * ``rounds``: number of proposal rounds; an artefact of the vectorised algorithm, not part of the digest.
    """

    assignment: np.ndarray
    assigned_rank: np.ndarray
    admitted_count: np.ndarray
    cutoff_priority: np.ndarray
    cutoff_lottery: np.ndarray
    is_full: np.ndarray
    waitlist_indptr: np.ndarray
    waitlist: np.ndarray
    rounds: int

    def __post_init__(self) -> None:
        for name in (
            "assignment",
            "assigned_rank",
            "admitted_count",
            "cutoff_priority",
            "cutoff_lottery",
            "is_full",
            "waitlist_indptr",
            "waitlist",
        ):
            value = np.asarray(getattr(self, name))
            if value.flags.writeable:
                value = value.copy()
                value.setflags(write=False)
            object.__setattr__(self, name, value)


# ----------------------------------------------------------------------------------------- commune orders


@dataclass(frozen=True)
class _PairOrder:
    """Every (candidate, choice) pair, laid out commune after commune, each commune in its own order.

    ``position[i, r]`` is the place of pair (i, r) in that layout, -1 for padding and in an extra last
    column, so that ``position.flat[slot[p] + 1]`` is the place of the next choice of the pair at ``p`` (or
    -1 if she has none). ``start[c]`` is where commune c's block begins. Comparing two positions inside one
    block compares the candidates by the commune's order, so the rounds only ever sort integers.
    """

    position: np.ndarray  # (n, k + 1) int32
    slot: np.ndarray  # (V,) int64: flat index of each pair in `position`
    candidate: np.ndarray  # (V,) int32
    rank: np.ndarray  # (V,) int16
    commune: np.ndarray  # (V,) int32
    start: np.ndarray  # (m + 1,) int64


def _lottery_rank(lottery: np.ndarray) -> np.ndarray:
    """Rank of each candidate by (lottery ASC, index ASC), as int64; exact even when numbers repeat."""
    n = lottery.shape[0]
    order = np.argsort(lottery)
    drawn = lottery[order]
    if n > 1 and bool((drawn[1:] == drawn[:-1]).any()):
        # Equal numbers (not expected from sha256, but possible in hand-made inputs): a stable sort puts the
        # lower index first, which is the documented tie-break.
        order = np.argsort(lottery, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def _descending_priority(priorities: np.ndarray, listed: np.ndarray) -> tuple[np.ndarray, int]:
    """Non-negative int64 that grows as priority falls, and its bit width (values at pads are arbitrary).

    Subtracting from the maximum keeps the exact values when their span is small (the usual case: scores
    with many ties); otherwise the priorities are replaced by their dense rank, which keeps the order.
    """
    if priorities.size == 0:
        return np.zeros(priorities.shape, dtype=np.int64), 0
    # Padded entries hold 0, so they can only widen the span: still exact, and no masked copy is needed.
    high, low = int(priorities.max()), int(priorities.min())
    span = high - low
    if span < 2**40:
        return high - priorities, span.bit_length()
    distinct, inverse = np.unique(priorities[listed], return_inverse=True)
    descending = np.zeros(priorities.shape, dtype=np.int64)
    descending[listed] = (distinct.size - 1) - inverse.reshape(-1)
    return descending, (distinct.size - 1).bit_length()


def _pair_order(instance: Instance) -> _PairOrder:
    """Sort all pairs once by (commune, priority DESC, lottery ASC, candidate index ASC).

    The four keys are packed into one int64 per pair (commune | descending priority | lottery rank | rank)
    so that a plain ``np.sort`` does the work: NumPy's SIMD sort is several times faster than ``argsort`` or
    ``lexsort``, and the pair is decoded back from the low bits. The packing is exact; when the bits do not
    fit (beyond any realistic size) :func:`_pair_order_lexsort` gives the same order more slowly.
    """
    preferences = instance.preferences
    n, k = preferences.shape
    m = instance.n_communes
    listed = preferences >= 0
    descending, priority_bits = _descending_priority(instance.priorities, listed)
    lottery_rank = _lottery_rank(instance.lottery)
    commune_bits = m.bit_length()  # padding sorts last as commune m
    lottery_bits = max(n - 1, 0).bit_length()
    rank_bits = max(k - 1, 0).bit_length()
    if commune_bits + priority_bits + lottery_bits + rank_bits > 63:
        return _pair_order_lexsort(instance, descending, lottery_rank)

    # Only listed pairs are keyed: padding would sort last anyway, and skipping it spares the sort the empty
    # ranks (most of the province fallback's width, for most candidates).
    flat = np.flatnonzero(listed.reshape(-1))
    row = flat // k
    key = preferences.reshape(-1)[flat].astype(np.int64)
    key <<= priority_bits
    key |= descending.reshape(-1)[flat]
    key <<= lottery_bits
    key |= lottery_rank[row]
    key <<= rank_bits
    key |= flat - row * k
    key.sort()

    rank = (key & ((1 << rank_bits) - 1)).astype(np.int16)
    key >>= rank_bits
    by_lottery = np.empty(n, dtype=np.int32)
    by_lottery[lottery_rank] = np.arange(n, dtype=np.int32)
    candidate = by_lottery[key & ((1 << lottery_bits) - 1)]
    commune = (key >> (lottery_bits + priority_bits)).astype(np.int32)
    return _finish_pair_order(candidate, rank, commune, n, k, m)


def _pair_order_lexsort(instance: Instance, descending: np.ndarray, lottery_rank: np.ndarray) -> _PairOrder:
    """The same order as :func:`_pair_order`, with ``np.lexsort`` (slower, no width limit)."""
    preferences = instance.preferences
    n, k = preferences.shape
    flat = np.flatnonzero(preferences.reshape(-1) >= 0)
    candidate = (flat // max(k, 1)).astype(np.int32)
    rank = (flat % max(k, 1)).astype(np.int16)
    commune = preferences.reshape(-1)[flat]
    order = np.lexsort((lottery_rank[candidate], descending.reshape(-1)[flat], commune))
    return _finish_pair_order(candidate[order], rank[order], commune[order], n, k, instance.n_communes)


def _finish_pair_order(
    candidate: np.ndarray, rank: np.ndarray, commune: np.ndarray, n: int, k: int, m: int
) -> _PairOrder:
    position = np.full(n * (k + 1), -1, dtype=np.int32)
    slot = candidate.astype(np.int64) * (k + 1) + rank
    position[slot] = np.arange(candidate.shape[0], dtype=np.int32)
    # `commune` is sorted, so each block's start is a binary search away.
    start = np.searchsorted(commune, np.arange(m + 1)).astype(np.int64)
    return _PairOrder(position.reshape(n, k + 1), slot, candidate, rank, commune, start)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each (s, l), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(total, dtype=np.int64)


# ----------------------------------------------------------------------------------------------- algorithm


def run_deferred_acceptance(instance: Instance) -> Result:
    """Candidate-proposing deferred acceptance (Gale–Shapley, college admissions) with capacities.

    Each round, every candidate who holds no place and has communes left asks the next commune on her list.
    Each commune keeps the best of (the candidates it holds + the new askers) up to its capacity, in its
    order (priority DESC, lottery ASC, index ASC), and refuses the rest; refused candidates ask their next
    choice in the following round. When nobody is left asking, the places held are final. The result is
    the candidate-optimal stable matching: no candidate can have a commune she prefers without taking the
    place of someone that commune ranks higher, and she gets the best commune any stable outcome gives her.
    """
    m = instance.n_communes
    capacity = instance.capacities
    pairs = _pair_order(instance)
    start = pairs.start
    block = np.diff(start)
    # A commune can never hold more candidates than listed it, which bounds memory by the number of pairs
    # even when a capacity is huge.
    slots = np.minimum(capacity, block)
    slot_start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(slots, out=slot_start[1:])
    held = np.zeros(int(slot_start[-1]), dtype=np.int32)  # positions, sorted within each commune's slots
    held_count = np.zeros(m, dtype=np.int64)
    # The worst position a commune still accepts: all of its block while it has room, then the position of
    # its last held candidate. A proposal beyond it is refused without touching the commune.
    accept_upto = start[1:] - 1
    accept_upto[capacity == 0] = -1

    next_position = pairs.position.reshape(-1)
    # Round 1: everybody asks her first choice. Those pairs are found in commune order straight from the
    # layout, which saves gathering and sorting half a million proposals.
    asked = np.flatnonzero(pairs.rank == 0)
    rounds = 0
    while asked.size:
        rounds += 1
        commune = pairs.commune[asked]
        passes = asked <= accept_upto[commune]
        refused = [asked[~passes]]
        asked = asked[passes]
        if asked.size:
            new = np.bincount(commune[passes], minlength=m)
            touched = np.flatnonzero(new)
            # Only the communes that got an acceptable proposal are re-sorted: their held positions and the
            # new ones, as one integer sort (positions already encode the commune's order).
            before = held_count[touched]
            merged = np.concatenate((held[_ranges(slot_start[touched], before)], asked))
            merged.sort()
            size = before + new[touched]
            offset = np.cumsum(size) - size
            keep = np.minimum(size, slots[touched])
            held[_ranges(slot_start[touched], keep)] = merged[_ranges(offset, keep)]
            held_count[touched] = keep
            full = keep == capacity[touched]
            last = held[slot_start[touched] + np.maximum(keep, 1) - 1]
            accept_upto[touched] = np.where(full, last, start[touched + 1] - 1)
            refused.append(merged[_ranges(offset + keep, size - keep)])
        # Each refused candidate asks her next choice in the next round, if she has one.
        asked = next_position[pairs.slot[np.concatenate(refused)] + 1]
        asked = asked[asked >= 0].astype(np.int64)

    return _build_result(instance, pairs, held, slot_start, held_count, rounds)


def _build_result(
    instance: Instance,
    pairs: _PairOrder,
    held: np.ndarray,
    slot_start: np.ndarray,
    held_count: np.ndarray,
    rounds: int,
) -> Result:
    n = instance.n_candidates
    m = instance.n_communes
    admitted = held[_ranges(slot_start[:-1], held_count)]
    who = pairs.candidate[admitted]
    assignment = np.full(n, -1, dtype=np.int32)
    assignment[who] = pairs.commune[admitted]
    assigned_rank = np.full(n, -1, dtype=np.int16)
    assigned_rank[who] = pairs.rank[admitted]

    cutoff_priority = np.zeros(m, dtype=np.int64)
    cutoff_lottery = np.zeros(m, dtype=np.uint64)
    some = np.flatnonzero(held_count > 0)
    last = held[slot_start[some] + held_count[some] - 1]
    last_candidate = pairs.candidate[last]
    cutoff_priority[some] = instance.priorities[last_candidate, pairs.rank[last]]
    cutoff_lottery[some] = instance.lottery[last_candidate]

    # A candidate asked every commune she listed above her final one (all of them if she has none) and was
    # refused by each: exactly the waiting lists. The pair layout is already in each commune's order.
    reached = np.where(assigned_rank >= 0, assigned_rank, np.iinfo(np.int16).max)
    refused = pairs.rank < reached[pairs.candidate]
    waitlist = pairs.candidate[refused]
    waitlist_indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs.commune[refused], minlength=m), out=waitlist_indptr[1:])

    return Result(
        assignment=assignment,
        assigned_rank=assigned_rank,
        admitted_count=held_count.copy(),
        cutoff_priority=cutoff_priority,
        cutoff_lottery=cutoff_lottery,
        is_full=held_count == instance.capacities,
        waitlist_indptr=waitlist_indptr,
        waitlist=waitlist.astype(np.int32),
        rounds=rounds,
    )


# ------------------------------------------------------------------------------------------- waiting lists


def rank_in_list(preferences: np.ndarray, candidate: np.ndarray, commune: np.ndarray) -> np.ndarray:
    """0-based rank of ``commune[j]`` in the list of ``candidate[j]``, or -1 where she did not list it."""
    # np.take gathers whole rows several times faster than fancy indexing does at this size.
    rows = np.take(preferences, candidate, axis=0)
    commune = commune.astype(preferences.dtype)
    rank = np.full(candidate.shape[0], -1, dtype=np.int64)
    # A commune appears at most once per row, so at most one column adds its (rank + 1). Column by column
    # is much faster than any/argmax along axis 1.
    for r in range(preferences.shape[1]):
        rank += (rows[:, r] == commune) * (r + 1)
    return rank


def waitlist_position(result: Result, candidate: int, commune: int) -> int | None:
    """1-based place of ``candidate`` on ``commune``'s waiting list, or None if she is not on it."""
    begin, end = result.waitlist_indptr[commune], result.waitlist_indptr[commune + 1]
    found = np.flatnonzero(result.waitlist[begin:end] == candidate)
    return int(found[0]) + 1 if found.size else None


def waitlist_positions(instance: Instance, result: Result) -> np.ndarray:
    """Every candidate's 1-based place on the waiting list of each of her choices, (n, k) int32, -1 if not on it.

    A candidate is on the list of every commune she ranked above her assignment; she is on no list of a
    commune she ranked below it (she would not take that place).
    """
    n, k = instance.preferences.shape
    indptr = result.waitlist_indptr
    lengths = np.diff(indptr)
    commune = np.repeat(np.arange(instance.n_communes, dtype=np.int64), lengths)
    candidate = result.waitlist.astype(np.int64)
    place = np.arange(result.waitlist.shape[0], dtype=np.int64) - np.repeat(indptr[:-1], lengths) + 1
    rank = rank_in_list(instance.preferences, candidate, commune)
    out = np.full((n, k), -1, dtype=np.int32)
    out[candidate, rank] = place
    return out


# ---------------------------------------------------------------------------------------------- digests


def _instance_chunks(instance: Instance) -> Iterator[bytes]:
    n, k = instance.preferences.shape
    yield _INSTANCE_MAGIC
    yield np.array([n, k, instance.n_communes], dtype="<u8").tobytes()
    yield instance.preferences.astype("<i4").tobytes()
    yield instance.priorities.astype("<i8").tobytes()
    yield instance.lottery.astype("<u8").tobytes()
    yield instance.capacities.astype("<i8").tobytes()


def _result_chunks(result: Result) -> Iterator[bytes]:
    # `rounds` is left out on purpose: it depends on how the algorithm is run, not on its outcome, so any
    # correct implementation (sequential, vectorised, another language) reproduces the same digest.
    yield _RESULT_MAGIC
    yield np.array([result.assignment.shape[0], result.admitted_count.shape[0]], dtype="<u8").tobytes()
    yield result.assignment.astype("<i4").tobytes()
    yield result.assigned_rank.astype("<i2").tobytes()
    yield result.admitted_count.astype("<i8").tobytes()
    yield result.cutoff_priority.astype("<i8").tobytes()
    yield result.cutoff_lottery.astype("<u8").tobytes()
    yield result.is_full.astype("u1").tobytes()
    yield result.waitlist_indptr.astype("<i8").tobytes()
    yield result.waitlist.astype("<i4").tobytes()


def _chunks(value: Instance | Result) -> Iterator[bytes]:
    if isinstance(value, Instance):
        return _instance_chunks(value)
    if isinstance(value, Result):
        return _result_chunks(value)
    raise TypeError(f"canonical_bytes() takes an Instance or a Result, not {type(value).__name__}.")


def canonical_bytes(value: Instance | Result) -> bytes:
    """The byte form that digests are computed over; identical on every machine for equal inputs.

    Instance: magic ``bawaba.selection.instance.v1\\0``, then n, k, m as little-endian uint64, then
    preferences (<i4), priorities (<i8, 0 at padded ranks), lottery (<u8), capacities (<i8), all row-major.
    Result: magic ``bawaba.selection.result.v1\\0``, then n, m as <u8, then assignment (<i4),
    assigned_rank (<i2), admitted_count (<i8), cutoff_priority (<i8), cutoff_lottery (<u8), is_full (u1),
    waitlist_indptr (<i8), waitlist (<i4). ``rounds`` is not included.
    """
    return b"".join(_chunks(value))


def _digest(value: Instance | Result) -> str:
    hasher = hashlib.sha256()
    for chunk in _chunks(value):
        hasher.update(chunk)
    return hasher.hexdigest()


def digest_instance(instance: Instance) -> str:
    """Hex sha256 of :func:`canonical_bytes` of the instance."""
    return _digest(instance)


def digest_result(result: Result) -> str:
    """Hex sha256 of :func:`canonical_bytes` of the result."""
    return _digest(result)
