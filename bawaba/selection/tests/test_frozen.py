"""Tests of a run's frozen inputs: the bytes round trip exactly, and nothing in them needs pickle.

No database and no Django: run with
``.venv/bin/python -m pytest bawaba/selection/tests/test_frozen.py -p no:django -o addopts=""``.
"""

import dataclasses
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.selection.engine import digest_instance
from bawaba.selection.frozen import FORMAT_VERSION, FrozenInputs, freeze, thaw
from bawaba.selection.scoring import Candidates, Territory, prepare
from bawaba.selection.tests.test_scoring import (
    EDUCATION,
    NEEDS,
    TERRITORY,
    base_rules,
    make_candidates,
    make_territory,
    scenarios,
)

ROWS = [
    {"choices": (0, 9), "residence": 0, "accepts_province_fallback": True, "survey_count": 2},
    {"choices": (7,), "birth_date": None, "category": "", "education_level": ""},
    {"choices": (1, 2, 3), "residence": 10, "ict_skill": 3, "language_count": 5},
    {"choices": (), "category": "student", "education_level": "doctorate"},
]


def inputs(**changes: object) -> FrozenInputs:
    values = {
        "candidates": make_candidates(ROWS, ids=[11, 12, 500, 10**12]),
        "territory": TERRITORY,
        "needs": NEEDS,
        "rules": base_rules(),
        "seed": "tirage public du 1er mars 2024",
        "education_order": EDUCATION,
    }
    return FrozenInputs(**{**values, **changes})


def assert_same_arrays(first: object, second: object) -> None:
    for field in dataclasses.fields(first):
        a, b = getattr(first, field.name), getattr(second, field.name)
        assert a.dtype == b.dtype, field.name
        assert a.shape == b.shape, field.name
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fM"), field.name
        if a.dtype.kind == "M":
            assert np.array_equal(np.isnat(a), np.isnat(b)), field.name


def assert_round_trip(original: FrozenInputs) -> FrozenInputs:
    data = freeze(original)
    assert isinstance(data, bytes)
    back = thaw(data)
    assert_same_arrays(original.candidates, back.candidates)
    assert_same_arrays(original.territory, back.territory)
    assert back.needs.dtype == np.int64
    assert back.needs.tolist() == original.needs.tolist()
    assert back.rules == original.rules
    assert back.seed == original.seed
    assert back.education_order == original.education_order
    return back


def prepared_from(frozen: FrozenInputs):
    return prepare(
        frozen.candidates,
        frozen.territory,
        frozen.needs,
        frozen.rules,
        seed=frozen.seed,
        education_order=frozen.education_order,
    )


def test_round_trip_reproduces_every_array_and_the_instance_digest() -> None:
    original = inputs()
    back = assert_round_trip(original)
    first, second = prepared_from(original), prepared_from(back)
    assert digest_instance(first.instance) == digest_instance(second.instance)
    assert first.eligible_rows.tolist() == second.eligible_rows.tolist() == [0, 2]
    assert first.ineligibility.tolist() == second.ineligibility.tolist()
    assert first.score_parts.tolist() == second.score_parts.tolist()
    assert first.declared_count.tolist() == second.declared_count.tolist()


def test_round_trip_keeps_missing_values_and_unicode() -> None:
    territory = make_territory([(0, float("nan"), -8.0), (0, 30.0, float("nan"))], [0])
    territory = dataclasses.replace(
        territory,
        commune_code=np.array(["001.01.01", "é-ت"]),
        province_code=np.array(["الرباط"]),
    )
    candidates = make_candidates(
        [{"birth_date": None, "category": "", "education_level": "", "residence": -1, "choices": ()}]
    )
    original = inputs(
        candidates=candidates,
        territory=territory,
        needs=np.array([0, 3]),
        seed="tirage ١ — \x00 trailing\x00",
        education_order=("مستوى", "bac"),
        rules={**base_rules(), "note": "é"},
    )
    back = assert_round_trip(original)
    assert np.isnat(back.candidates.birth_date).tolist() == [True]
    assert back.territory.commune_code.tolist() == ["001.01.01", "é-ت"]
    assert back.seed.endswith("\x00")


def test_round_trip_of_an_empty_run() -> None:
    original = inputs(candidates=make_candidates([]), education_order=())
    back = assert_round_trip(original)
    assert back.candidates.n_candidates == 0
    assert back.education_order == ()


def test_rules_are_kept_as_plain_json() -> None:
    rules = base_rules()
    rules["eligibility"]["categories"] = tuple(rules["eligibility"]["categories"])
    original = inputs(rules=rules)
    assert original.rules["eligibility"]["categories"] == list(rules["eligibility"]["categories"])
    rules["bonus"]["residence_commune"] = 99  # the caller's dict is copied, not shared
    assert original.rules["bonus"]["residence_commune"] == 20
    assert thaw(freeze(original)).rules == original.rules


def test_rules_are_stored_as_sorted_json() -> None:
    with np.load(io.BytesIO(freeze(inputs())), allow_pickle=False) as archive:
        text = str(archive["rules"])
        assert archive["rules"].shape == ()
        assert int(archive["format_version"]) == FORMAT_VERSION
        assert all(archive[name].dtype.kind != "O" for name in archive.files)
    assert text == json.dumps(base_rules(), sort_keys=True)


def rewrite(data: bytes, **changes: np.ndarray) -> bytes:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays.update(changes)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def test_rejects_an_unknown_format_version() -> None:
    data = rewrite(freeze(inputs()), format_version=np.array(FORMAT_VERSION + 1))
    with pytest.raises(
        ValueError,
        match=f"Unknown frozen input format version {FORMAT_VERSION + 1}; expected {FORMAT_VERSION}",
    ):
        thaw(data)


def test_rejects_an_archive_without_a_version_or_a_field() -> None:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, needs=np.zeros(3))
    with pytest.raises(ValueError, match="no format version"):
        thaw(buffer.getvalue())
    buffer = io.BytesIO()
    np.savez_compressed(buffer, format_version=np.array(FORMAT_VERSION), needs=np.zeros(3))
    with pytest.raises(
        ValueError, match="is missing candidates.accepts_province_fallback, candidates.application_id,"
    ):
        thaw(buffer.getvalue())


@pytest.mark.parametrize("data", [b"", b"not an archive", b"PK\x03\x04broken"])
def test_rejects_bytes_that_are_not_an_archive(data: bytes) -> None:
    with pytest.raises(ValueError, match="Not a frozen selection input"):
        thaw(data)


def test_never_unpickles() -> None:
    data = rewrite(freeze(inputs()), seed=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        thaw(data)


def test_thawed_arrays_are_validated_again() -> None:
    data = rewrite(freeze(inputs()), **{"candidates.application_id": np.array([5, 4, 3, 2])})
    with pytest.raises(ValueError, match="application_id must be strictly ascending"):
        thaw(data)


def test_frozen_inputs_reject_malformed_fields() -> None:
    with pytest.raises(ValueError, match="needs must be \\(11,\\) integers"):
        inputs(needs=np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="needs must be \\(11,\\) integers"):
        inputs(needs=np.zeros(11))
    with pytest.raises(ValueError, match="seed must be a string"):
        inputs(seed=2024)
    with pytest.raises(ValueError, match="education_order must be a sequence of level codes"):
        inputs(education_order="bac")
    with pytest.raises(ValueError, match="candidates must be Candidates"):
        inputs(candidates={"application_id": []})
    with pytest.raises(ValueError, match="territory must be a Territory"):
        inputs(territory=None)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        inputs(rules={**base_rules(), "x": float("nan")})


def test_needs_are_a_read_only_copy() -> None:
    needs = NEEDS.copy()
    frozen = inputs(needs=needs)
    needs[0] = 1000
    assert frozen.needs[0] == NEEDS[0]
    with pytest.raises(ValueError, match="read-only"):
        frozen.needs[0] = 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_round_trip_reproduces_prepare(scenario: tuple, seed: str) -> None:
    candidates, territory, needs, rules = scenario
    assert isinstance(candidates, Candidates) and isinstance(territory, Territory)
    original = FrozenInputs(candidates, territory, needs, rules, seed, EDUCATION)
    back = assert_round_trip(original)
    first, second = prepared_from(original), prepared_from(back)
    assert digest_instance(first.instance) == digest_instance(second.instance)
    for name in ("ineligibility", "score_parts", "score", "eligible_rows", "declared_count"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
