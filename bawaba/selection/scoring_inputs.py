"""The declared data of a run's candidates and the territory, as validated read-only NumPy arrays.

Pure Python + NumPy, no Django: what :func:`bawaba.selection.scoring.prepare` reads. The services fill these
from the database (`inputs.py`); the frozen archive of a run (`frozen.py`) stores exactly these arrays.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["ABSENT", "NOT_ASSESSED", "Candidates", "Territory"]

# A stage score that is not a measure: she was not interviewed (not called, not convoked or not scored), or she was
# convoked and absent. Neither is ever selected at that stage.
NOT_ASSESSED = -1
ABSENT = -2


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, order="C", copy=True)
    out.setflags(write=False)
    return out


def as_integers(name: str, value: object, *, ndim: int, dtype: type[np.integer]) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array, got shape {array.shape}.")
    if array.size == 0:
        return array.astype(dtype)
    # bool is not an integer dtype for NumPy, which is what we want: True is not a commune.
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}.")
    info = np.iinfo(dtype)
    if int(array.min()) < info.min or int(array.max()) > info.max:
        raise ValueError(f"{name} must fit in {np.dtype(dtype).name}, found {array.min()}..{array.max()}.")
    return array.astype(dtype)


def _strings(name: str, value: object, *, length: int | None = None) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-dimensional array, got shape {array.shape}.")
    if array.size == 0:
        array = array.astype("<U1")
    if array.dtype.kind != "U":
        raise ValueError(f"{name} must be a NumPy unicode (str) array, got dtype {array.dtype}.")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} must have {length} entries, got {array.shape[0]}.")
    return array


def _floats(name: str, value: object, *, length: int) -> np.ndarray:
    array = np.asarray(value)
    if array.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},), got {array.shape}.")
    if array.size and not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}.")
    return array.astype(np.float64)


def check_length(name: str, array: np.ndarray, length: int) -> None:
    if array.shape[0] != length:
        raise ValueError(f"{name} must have {length} entries, got {array.shape[0]}.")


def check_index(name: str, array: np.ndarray, size: int, *, allow_missing: bool = False) -> None:
    """Entries must be indices into an array of ``size`` (or -1 when ``allow_missing``)."""
    if array.size == 0:
        return
    low, high = int(array.min()), int(array.max())
    floor = -1 if allow_missing else 0
    if low < floor or high >= size:
        allowed = f"[0, {size}) or -1" if allow_missing else f"[0, {size})"
        raise ValueError(f"{name} must hold indices in {allowed}, found {low}..{high}.")


def _check_strictly_ascending(name: str, array: np.ndarray) -> None:
    if array.size > 1 and not bool((array[1:] > array[:-1]).all()):
        row = int(np.flatnonzero(array[1:] <= array[:-1])[0]) + 1
        raise ValueError(
            f"{name} must be strictly ascending; entry {row} is {array[row]} after {array[row - 1]}."
        )


def _check_unique(name: str, array: np.ndarray) -> None:
    if np.unique(array).size != array.size:
        raise ValueError(f"{name} must not repeat a code.")


@dataclass(frozen=True, eq=False)
class Territory:
    """The m communes of the country; a commune's index is its position in these arrays.

    ``commune_id`` (m,) int64 database ids, strictly ascending; ``commune_code`` (m,) str public HCP codes;
    ``province_index`` (m,) int32 into ``province_code`` (p,) str; ``region_index`` (m,) int32 into
    ``region_code`` (r,) str; ``latitude`` / ``longitude`` (m,) float64 centroids, NaN when unknown.
    Arrays are copied, converted and made read-only; malformed input raises ``ValueError``.
    """

    commune_id: np.ndarray
    commune_code: np.ndarray
    province_index: np.ndarray
    province_code: np.ndarray
    region_index: np.ndarray
    region_code: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray

    def __post_init__(self) -> None:
        commune_id = as_integers("commune_id", self.commune_id, ndim=1, dtype=np.int64)
        m = commune_id.shape[0]
        commune_code = _strings("commune_code", self.commune_code, length=m)
        province_code = _strings("province_code", self.province_code)
        region_code = _strings("region_code", self.region_code)
        province_index = as_integers("province_index", self.province_index, ndim=1, dtype=np.int32)
        region_index = as_integers("region_index", self.region_index, ndim=1, dtype=np.int32)
        check_length("province_index", province_index, m)
        check_length("region_index", region_index, m)
        check_index("province_index", province_index, province_code.shape[0])
        check_index("region_index", region_index, region_code.shape[0])
        _check_strictly_ascending("commune_id", commune_id)
        _check_unique("commune_code", commune_code)
        _check_unique("province_code", province_code)
        _check_unique("region_code", region_code)
        latitude = _floats("latitude", self.latitude, length=m)
        longitude = _floats("longitude", self.longitude, length=m)
        for name, value in (
            ("commune_id", commune_id),
            ("commune_code", commune_code),
            ("province_index", province_index),
            ("province_code", province_code),
            ("region_index", region_index),
            ("region_code", region_code),
            ("latitude", latitude),
            ("longitude", longitude),
        ):
            object.__setattr__(self, name, _frozen(value))

    @property
    def n_communes(self) -> int:
        return int(self.commune_id.shape[0])


@dataclass(frozen=True, eq=False)
class Candidates:
    """The n submitted applications of a run, ordered by ``application_id`` (strictly ascending).

    ``birth_date`` (n,) datetime64[D], NaT when missing; ``category`` and ``education_level`` (n,) str, ""
    when missing; ``survey_count`` (n,) int16 >= 0; ``ict_skill`` (n,) int8 in 0..3; ``language_count``
    (n,) int8 >= 0; ``residence`` (n,) int32 commune index or -1; ``choices`` (n, k) int32 commune indices,
    best first, -1 pads the end of a row (no holes, no repeats); ``accepts_province_fallback`` (n,) bool;
    ``stage_score`` (n,) int64, what a later stage measured of her (the final selection: her interview score, then
    her training grade, as one number, higher is better; ``NOT_ASSESSED`` (-1) where she was not interviewed,
    ``ABSENT`` (-2) where she was convoked and did not come), zeros when not given (the preselection reads none).
    Arrays are copied, converted and made read-only; malformed input raises ``ValueError``. Commune indices
    are checked against the territory by :func:`prepare`.
    """

    application_id: np.ndarray
    birth_date: np.ndarray
    category: np.ndarray
    education_level: np.ndarray
    survey_count: np.ndarray
    ict_skill: np.ndarray
    language_count: np.ndarray
    residence: np.ndarray
    choices: np.ndarray
    accepts_province_fallback: np.ndarray
    stage_score: np.ndarray | None = None

    def __post_init__(self) -> None:
        application_id = as_integers("application_id", self.application_id, ndim=1, dtype=np.int64)
        n = application_id.shape[0]
        _check_strictly_ascending("application_id", application_id)

        birth_date = np.asarray(self.birth_date)
        if birth_date.size == 0 and birth_date.dtype.kind != "M":
            birth_date = birth_date.astype("datetime64[D]")
        if birth_date.dtype != np.dtype("datetime64[D]"):
            raise ValueError(f"birth_date must have dtype datetime64[D], got {birth_date.dtype}.")
        if birth_date.shape != (n,):
            raise ValueError(f"birth_date must have shape ({n},), got {birth_date.shape}.")
        category = _strings("category", self.category, length=n)
        education_level = _strings("education_level", self.education_level, length=n)
        survey_count = as_integers("survey_count", self.survey_count, ndim=1, dtype=np.int16)
        ict_skill = as_integers("ict_skill", self.ict_skill, ndim=1, dtype=np.int8)
        language_count = as_integers("language_count", self.language_count, ndim=1, dtype=np.int8)
        residence = as_integers("residence", self.residence, ndim=1, dtype=np.int32)
        for name, value in (
            ("survey_count", survey_count),
            ("ict_skill", ict_skill),
            ("language_count", language_count),
            ("residence", residence),
        ):
            check_length(name, value, n)
        if survey_count.size and int(survey_count.min()) < 0:
            raise ValueError("survey_count must be >= 0.")
        if ict_skill.size and (int(ict_skill.min()) < 0 or int(ict_skill.max()) > 3):
            raise ValueError(f"ict_skill must lie in 0..3, found {ict_skill.min()}..{ict_skill.max()}.")
        if language_count.size and int(language_count.min()) < 0:
            raise ValueError("language_count must be >= 0.")
        if residence.size and int(residence.min()) < -1:
            raise ValueError("residence must be a commune index or -1.")

        choices = as_integers("choices", self.choices, ndim=2, dtype=np.int32)
        if choices.shape[0] != n:
            raise ValueError(f"choices must have one row per candidate ({n}), got shape {choices.shape}.")
        if choices.size and int(choices.min()) < -1:
            raise ValueError("choices must hold commune indices or -1.")
        listed = choices >= 0
        holes = listed[:, 1:] & ~listed[:, :-1]
        if holes.any():
            row = int(np.flatnonzero(holes.any(axis=1))[0])
            raise ValueError(f"choices row {row} has a commune after a -1: {choices[row].tolist()}.")
        ordered = np.sort(choices, axis=1)
        repeats = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        if repeats.any():
            row = int(np.flatnonzero(repeats.any(axis=1))[0])
            raise ValueError(f"choices row {row} lists a commune twice: {choices[row].tolist()}.")

        accepts = np.asarray(self.accepts_province_fallback)
        if accepts.size == 0:
            accepts = accepts.astype(np.bool_)
        if accepts.dtype != np.bool_ or accepts.shape != (n,):
            raise ValueError(
                f"accepts_province_fallback must be a ({n},) bool array, got {accepts.dtype} {accepts.shape}."
            )
        if self.stage_score is None:
            stage_score = np.zeros(n, dtype=np.int64)
        else:
            stage_score = as_integers("stage_score", self.stage_score, ndim=1, dtype=np.int64)
            check_length("stage_score", stage_score, n)
            if stage_score.size and int(stage_score.min()) < ABSENT:
                raise ValueError(f"stage_score must be >= {ABSENT}, found {int(stage_score.min())}.")
        for name, value in (
            ("application_id", application_id),
            ("birth_date", birth_date),
            ("category", category),
            ("education_level", education_level),
            ("survey_count", survey_count),
            ("ict_skill", ict_skill),
            ("language_count", language_count),
            ("residence", residence),
            ("choices", choices),
            ("accepts_province_fallback", accepts),
            ("stage_score", stage_score),
        ):
            object.__setattr__(self, name, _frozen(value))

    @property
    def n_candidates(self) -> int:
        return int(self.application_id.shape[0])
