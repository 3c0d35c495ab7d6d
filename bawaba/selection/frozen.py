"""A run's inputs frozen as bytes, so that the run can be replayed and audited long after the data changed.

Pure Python + NumPy, no Django. :func:`freeze` writes one compressed ``.npz`` archive (stored in a database
``BinaryField``); :func:`thaw` reads it back. Nothing in the archive needs pickle: strings are NumPy unicode
arrays and the rules are one JSON string, so :func:`thaw` loads with ``allow_pickle=False`` and a tampered
archive cannot run code. The round trip is exact: same arrays, same dtypes, same ``prepare`` output and
``digest_instance``.
"""

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from bawaba.selection.scoring import STAGES, Candidates, Territory

__all__ = ["FORMAT_VERSION", "FrozenInputs", "freeze", "thaw"]

# Bumped whenever the archive layout changes; thaw() refuses versions it does not know. Version 2 added the stage
# and the candidates' stage scores (the final selection); a version 1 archive is a preselection's, without them.
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
# Added by version 2: absent from a version 1 archive, where they take their preselection values.
_SINCE_VERSION_2 = ("stage", "candidates.stage_score")

_CANDIDATE_FIELDS = tuple(field.name for field in fields(Candidates))
# Text columns with a handful of distinct values are stored as codes into their sorted values: a unicode array
# takes 4 bytes per character of its longest value (80 bytes a row for the category), and compressing 488,321
# rows of that took seconds.
_CODED_FIELDS = ("category", "education_level")
_TERRITORY_FIELDS = tuple(field.name for field in fields(Territory))


def _json_copy(rules: Mapping) -> dict:
    """A deep copy made of plain JSON values, exactly what :func:`thaw` will give back."""
    return json.loads(json.dumps(rules, sort_keys=True, allow_nan=False))


@dataclass(frozen=True, eq=False)
class FrozenInputs:
    """Everything :func:`~bawaba.selection.scoring.prepare` reads for one run.

    ``rules`` is stored as plain JSON values (tuples become lists), so that a thawed copy equals it.
    ``needs`` is copied to a read-only (m,) int64 array.
    """

    candidates: Candidates
    territory: Territory
    needs: np.ndarray
    rules: dict
    seed: str
    education_order: tuple[str, ...]
    # The run's stage (SelectionRun.Stage's value): what prepare() makes of the stage scores.
    stage: str = "preselection"

    def __post_init__(self) -> None:
        if not isinstance(self.candidates, Candidates):
            raise ValueError(f"candidates must be Candidates, got {type(self.candidates).__name__}.")
        if not isinstance(self.territory, Territory):
            raise ValueError(f"territory must be a Territory, got {type(self.territory).__name__}.")
        needs = np.asarray(self.needs)
        m = self.territory.n_communes
        if needs.shape != (m,) or (needs.size and not np.issubdtype(needs.dtype, np.integer)):
            raise ValueError(f"needs must be ({m},) integers, got {needs.dtype} {needs.shape}.")
        needs = np.array(needs, dtype=np.int64, copy=True)
        needs.setflags(write=False)
        if not isinstance(self.rules, Mapping):
            raise ValueError("rules must be a dict.")
        if not isinstance(self.seed, str):
            raise ValueError("seed must be a string.")
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {self.stage!r}.")
        if isinstance(self.education_order, str) or not all(
            isinstance(level, str) for level in self.education_order
        ):
            raise ValueError("education_order must be a sequence of level codes.")
        object.__setattr__(self, "needs", needs)
        object.__setattr__(self, "rules", _json_copy(self.rules))
        object.__setattr__(self, "education_order", tuple(self.education_order))


def _unicode(values: Sequence[str]) -> np.ndarray:
    # An empty list would become float64; "<U1" keeps the archive pickle-free and the type honest.
    return np.array(list(values), dtype=str) if len(values) else np.zeros(0, dtype="<U1")


def freeze(inputs: FrozenInputs) -> bytes:
    """The inputs as a compressed ``.npz`` archive (bytes)."""
    arrays: dict[str, np.ndarray] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "needs": inputs.needs,
        "rules": np.array(json.dumps(inputs.rules, sort_keys=True, allow_nan=False)),
        # UTF-8 bytes, not a unicode array: NumPy strips trailing NUL characters from unicode strings.
        "seed": np.frombuffer(inputs.seed.encode("utf-8"), dtype=np.uint8),
        "education_order": _unicode(inputs.education_order),
        "stage": np.array(inputs.stage),
    }
    for name in _CANDIDATE_FIELDS:
        column = getattr(inputs.candidates, name)
        if name in _CODED_FIELDS:
            values, codes = np.unique(column, return_inverse=True)
            arrays[f"candidates.{name}.values"] = values if values.size else np.zeros(0, dtype="<U1")
            arrays[f"candidates.{name}.codes"] = codes.astype(np.int16)
        else:
            arrays[f"candidates.{name}"] = column
    for name in _TERRITORY_FIELDS:
        arrays[f"territory.{name}"] = getattr(inputs.territory, name)
    # Nothing here may need pickle: thaw() loads with allow_pickle=False.
    if any(array.dtype.hasobject for array in arrays.values()):
        raise ValueError("Frozen selection inputs cannot hold Python objects.")
    # np.savez_compressed's archive, written at the fastest deflate level: the default level took seconds at
    # national scale for an archive hardly smaller.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def thaw(data: bytes) -> FrozenInputs:
    """The inputs :func:`freeze` stored; ``ValueError`` for an unknown format version or a broken archive."""
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"Not a frozen selection input: {error}") from error
    with archive:
        names = set(archive.files)
        if "format_version" not in names:
            raise ValueError("Not a frozen selection input: no format version.")
        version = archive["format_version"]
        if (
            version.shape != ()
            or not np.issubdtype(version.dtype, np.integer)
            or int(version) not in _READABLE_VERSIONS
        ):
            raise ValueError(
                f"Unknown frozen input format version {version.tolist()!r}; expected {FORMAT_VERSION}."
            )
        expected = {"needs", "rules", "seed", "education_order", "stage"}
        expected |= {f"candidates.{name}" for name in _CANDIDATE_FIELDS if name not in _CODED_FIELDS}
        expected |= {f"candidates.{name}.{part}" for name in _CODED_FIELDS for part in ("values", "codes")}
        expected |= {f"territory.{name}" for name in _TERRITORY_FIELDS}
        if int(version) == 1:
            expected -= set(_SINCE_VERSION_2)
        missing = sorted(expected - names)
        if missing:
            raise ValueError(f"Frozen selection input is missing {', '.join(missing)}.")
        return FrozenInputs(
            candidates=Candidates(
                **{
                    name: _candidate_column(archive, name)
                    for name in _CANDIDATE_FIELDS
                    if f"candidates.{name}" in names or name in _CODED_FIELDS
                }
            ),
            territory=Territory(**{name: archive[f"territory.{name}"] for name in _TERRITORY_FIELDS}),
            needs=archive["needs"],
            rules=json.loads(str(archive["rules"])),
            seed=archive["seed"].astype(np.uint8).tobytes().decode("utf-8"),
            education_order=tuple(archive["education_order"].tolist()),
            stage=str(archive["stage"]) if "stage" in names else "preselection",
        )


def _candidate_column(archive, name: str) -> np.ndarray:
    if name in _CODED_FIELDS:
        return archive[f"candidates.{name}.values"][archive[f"candidates.{name}.codes"]]
    return archive[f"candidates.{name}"]
