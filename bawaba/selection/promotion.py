"""Waiting-list promotion rounds: after a run is published, the places given up go down the waiting lists.

Pure Python + NumPy, no Django, beside ``engine.py`` whose deferred acceptance it reuses. A round takes the
published run's instance and every candidate released so far (she declined her place, withdrew, or had not
started the training by the deadline) and re-runs candidate-proposing deferred acceptance with the released
candidates' lists emptied. Their rows stay where they are, so the row order (the last tie-break) and every other
candidate's index are unchanged, and they hold nothing and stand on no list.

Why a re-run rather than walking each vacancy down its list by hand: removing candidates from the proposing side
of deferred acceptance leaves every remaining candidate with a commune at least as good (the comparative statics
of Gale and Shapley's algorithm; Crawford 1991), so the re-run promotes and never demotes; it is stable for the
remaining candidates, as every result of the engine is; chains (a promoted candidate's place going in turn to the
next on its list) are followed by construction; and the round's result is the engine's, with its digest, so that
``verify_selection`` recomputes it exactly as it recomputes the run. ``tests/test_promotion.py`` checks these
properties on random instances and sequences of releases rather than taking them on trust.

A round's inputs are the run's output digest and the sorted application ids of everyone released up to it; its
output is the engine's result over the whole instance, digested with ``engine.digest_result``.

Waiting lists only shrink from round to round, in the same order: a candidate stands on the list of every commune
she ranked above the one she holds (all of them if she holds none), her commune only ever gets better, the
released stand on none, and a commune's order (priority, lottery, row) never changes. So a place on a list now is
the place on the run's list less the candidates ahead of her who have left it since (``departures``,
``places_now``): a round records who left each list, as places on the run's list, instead of renumbering every
candidate behind them (docs/decisions, "waiting-list departures").
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

import numpy as np

from bawaba.selection import engine

__all__ = [
    "Promotion",
    "departures",
    "digest_round_inputs",
    "freeze_instance",
    "on_lists",
    "places_now",
    "promote",
    "thaw_instance",
    "without",
]

# Bumped whenever the byte layout of digest_round_inputs() changes.
_INPUTS_MAGIC = b"bawaba.selection.promotion.inputs.v1\x00"
# Bumped whenever the layout of freeze_instance()'s archive changes; thaw_instance() refuses others.
_INSTANCE_FORMAT = 1
_INSTANCE_ARRAYS = ("preferences", "priorities", "lottery", "capacities", "application_id", "commune_id")


def without(instance: engine.Instance, released: np.ndarray) -> engine.Instance:
    """The instance with the released candidates' lists emptied: they ask no commune and so hold no place."""
    preferences = np.array(instance.preferences, copy=True)
    preferences[np.asarray(released, dtype=np.int64)] = -1
    return engine.Instance(
        preferences=preferences,
        priorities=instance.priorities,
        lottery=instance.lottery,
        capacities=instance.capacities,
    )


@dataclass(frozen=True)
class Promotion:
    """A round's outcome against the assignment before it (the run's, or the previous round's).

    * ``result``: the engine's result of the instance without every released candidate.
    * ``released``: sorted candidate indices released up to and including this round.
    * ``promoted``: candidates whose commune changed (all of them for the better), sorted.
    * ``from_waiting``: the promoted who held no place before; the others moved up from a place they held, which
      went in turn to someone else or stayed empty (the chains).
    * ``places_released``: places held before the round by candidates released in it.
    """

    result: engine.Result
    released: np.ndarray
    promoted: np.ndarray
    from_waiting: np.ndarray
    places_released: int

    @property
    def moved_up(self) -> np.ndarray:
        return np.setdiff1d(self.promoted, self.from_waiting, assume_unique=True)


def promote(instance: engine.Instance, released: np.ndarray, before: engine.Result) -> Promotion:
    """The round that releases ``released`` (every candidate released so far, as indices) from ``instance``.

    ``before`` is the assignment the round starts from: the run's result for the first round, the previous
    round's after it (whose released candidates must all be in ``released``).
    """
    released = np.unique(np.asarray(released, dtype=np.int64))
    n = instance.n_candidates
    if released.size and (released[0] < 0 or released[-1] >= n):
        raise ValueError(f"released candidates must be indices in [0, {n}).")
    result = engine.run_deferred_acceptance(without(instance, released))
    newly_released = np.zeros(n, dtype=bool)
    newly_released[released] = True
    newly_released &= before.assignment >= 0
    changed = (result.assignment != before.assignment) & (result.assignment >= 0)
    return Promotion(
        result=result,
        released=released,
        promoted=np.flatnonzero(changed),
        from_waiting=np.flatnonzero(changed & (before.assignment < 0)),
        places_released=int(newly_released.sum()),
    )


def on_lists(instance: engine.Instance, result: engine.Result, released: np.ndarray) -> np.ndarray:
    """(n, k) bool: whether each candidate stands on the waiting list of each of her choices in ``result``.

    She does for every choice ranked above the commune she holds (every choice if she holds none), unless she was
    released: the same pairs as ``result``'s waiting lists, without building them.
    """
    preferences = instance.preferences
    n, k = preferences.shape
    reached = np.where(result.assigned_rank >= 0, result.assigned_rank, k).astype(np.int64)
    member = (np.arange(k, dtype=np.int64)[None, :] < reached[:, None]) & (preferences >= 0)
    member[np.asarray(released, dtype=np.int64)] = False
    return member


def departures(
    instance: engine.Instance,
    run_places: np.ndarray,
    before_on_lists: np.ndarray,
    after_on_lists: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Who left a waiting list in a round: (commune, place on the run's list) of each, sorted by commune then place.

    ``run_places`` is ``engine.waitlist_positions`` of the run's result; ``before_on_lists`` and ``after_on_lists``
    are ``on_lists`` before and after the round. Lists only shrink, so everyone who leaves one stood on the run's.
    """
    left = before_on_lists & ~after_on_lists
    commune = instance.preferences[left].astype(np.int64)
    place = run_places[left].astype(np.int64)
    if (place <= 0).any():
        raise ValueError("a candidate left a waiting list she was not on at the run.")
    order = np.lexsort((place, commune))
    return commune[order], place[order]


def places_now(run_places: np.ndarray, departed: np.ndarray) -> np.ndarray:
    """Places on one commune's list now, from places on the run's list and the sorted run places of those who left
    it since (every round's, in any number of sorted pieces joined): each less the departed ahead of her."""
    run_places = np.asarray(run_places, dtype=np.int64)
    departed = np.sort(np.asarray(departed, dtype=np.int64))
    return run_places - np.searchsorted(departed, run_places, side="left")


def digest_round_inputs(run_output_digest: str, released_application_ids: np.ndarray) -> str:
    """Hex sha256 of a round's inputs: magic, the run's output digest (64 ASCII hex digits), the number of
    released candidates as <u8, then their application ids sorted, as <i8."""
    if len(run_output_digest) != 64:
        raise ValueError("the run's output digest must be 64 hexadecimal digits.")
    ids = np.unique(np.asarray(released_application_ids, dtype=np.int64))
    hasher = hashlib.sha256(_INPUTS_MAGIC)
    hasher.update(run_output_digest.encode("ascii"))
    hasher.update(np.array([ids.shape[0]], dtype="<u8").tobytes())
    hasher.update(ids.astype("<i8").tobytes())
    return hasher.hexdigest()


def freeze_instance(instance: engine.Instance, application_id: np.ndarray, commune_id: np.ndarray) -> bytes:
    """The engine's instance of a published run with its rows' application ids and its communes' ids, as a
    deflated ``.npz`` archive: a round starts from it instead of recomputing the run from its frozen inputs.

    Whoever thaws it checks ``engine.digest_instance`` against the run's input digest; the ids are the run's
    (``verify_selection``, which recomputes the run from its frozen inputs, compares every decision they name).
    """
    arrays = {
        "format": np.array(_INSTANCE_FORMAT, dtype=np.int64),
        "preferences": instance.preferences,
        "priorities": instance.priorities,
        "lottery": instance.lottery,
        "capacities": instance.capacities,
        "application_id": np.asarray(application_id, dtype=np.int64),
        "commune_id": np.asarray(commune_id, dtype=np.int64),
    }
    buffer = io.BytesIO()
    # The fastest deflate level: a few seconds less than the default for an archive hardly larger (frozen.py).
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def thaw_instance(data: bytes) -> tuple[engine.Instance, np.ndarray, np.ndarray]:
    """(instance, application ids, commune ids) of :func:`freeze_instance`; ``ValueError`` if it is not one."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            if "format" not in archive.files or int(archive["format"]) != _INSTANCE_FORMAT:
                raise ValueError("unknown format")
            arrays = {name: archive[name] for name in _INSTANCE_ARRAYS}
    except (OSError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"Not a frozen instance: {error}") from error
    instance = engine.Instance(
        preferences=arrays["preferences"],
        priorities=arrays["priorities"],
        lottery=arrays["lottery"],
        capacities=arrays["capacities"],
    )
    if arrays["application_id"].shape != (instance.n_candidates,) or arrays["commune_id"].shape != (
        instance.n_communes,
    ):
        raise ValueError("Not a frozen instance: its ids do not match its rows.")
    return instance, arrays["application_id"], arrays["commune_id"]
