"""The final selection's preparation (stage "field"): who is eligible and at what priority, from the stage scores.

Property tests over random candidates: a candidate without an interview score (not interviewed, or absent) is
never in the instance, whatever else she declared; everyone else is, with her stage score as her priority at every
commune of her list and no residence bonus; the preselection ignores the stage scores altogether.
"""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.selection import engine
from bawaba.selection.frozen import FrozenInputs, freeze, thaw
from bawaba.selection.scoring import ABSENT_FROM_INTERVIEW, NOT_INTERVIEWED, Ineligibility, prepare
from bawaba.selection.scoring_inputs import ABSENT, NOT_ASSESSED
from bawaba.selection.tests.test_scoring import (
    EDUCATION,
    NEEDS,
    SEED,
    TERRITORY,
    base_rules,
    make_candidates,
)

COMMUNES = TERRITORY.n_communes

candidate_rows = st.lists(
    st.fixed_dictionaries(
        {
            "choices": st.lists(st.integers(0, COMMUNES - 1), min_size=1, max_size=3, unique=True).map(tuple),
            "residence": st.integers(-1, COMMUNES - 1),
            "survey_count": st.integers(0, 5),
            "birth_date": st.sampled_from(["1990-01-01", "2015-01-01"]),  # the second is too young
        }
    ),
    min_size=1,
    max_size=25,
)
stage_score_values = st.one_of(st.just(NOT_ASSESSED), st.just(ABSENT), st.integers(0, 10_000 * 1_000_000))


def field(rows, scores, stage="field"):
    candidates = dataclasses.replace(make_candidates(rows), stage_score=np.array(scores, dtype=np.int64))
    return candidates, prepare(
        candidates, TERRITORY, NEEDS, base_rules(), seed=SEED, education_order=EDUCATION, stage=stage
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), rows=candidate_rows)
def test_only_the_interviewed_are_selectable_at_their_interview_priority(data, rows):
    scores = data.draw(st.lists(stage_score_values, min_size=len(rows), max_size=len(rows)))
    candidates, prepared = field(rows, scores)
    reason = prepared.ineligibility
    scores = np.array(scores)
    declared_fine = field(rows, [0] * len(rows), stage="preselection")[1].ineligibility
    # Her declared data's reason first; then the interview's.
    assert (reason[declared_fine != 0] == declared_fine[declared_fine != 0]).all()
    fine = declared_fine == Ineligibility.ELIGIBLE
    assert (reason[fine & (scores == NOT_ASSESSED)] == NOT_INTERVIEWED).all()
    assert (reason[fine & (scores == ABSENT)] == ABSENT_FROM_INTERVIEW).all()
    assert (reason[fine & (scores >= 0)] == Ineligibility.ELIGIBLE).all()
    # Nobody without a score is in the instance, so nobody without one is ever admitted.
    assert (scores[prepared.eligible_rows] >= 0).all()
    instance = prepared.instance
    listed = instance.preferences >= 0
    expected = np.broadcast_to(scores[prepared.eligible_rows][:, None], listed.shape)
    assert (instance.priorities[listed] == expected[listed]).all()
    result = engine.run_deferred_acceptance(instance)
    assert (result.admitted_count <= instance.capacities).all()


@settings(max_examples=30, deadline=None)
@given(data=st.data(), rows=candidate_rows)
def test_the_preselection_ignores_stage_scores(data, rows):
    scores = data.draw(st.lists(stage_score_values, min_size=len(rows), max_size=len(rows)))
    with_scores = field(rows, scores, stage="preselection")[1]
    without = field(rows, [0] * len(rows), stage="preselection")[1]
    assert engine.digest_instance(with_scores.instance) == engine.digest_instance(without.instance)


def test_the_stage_and_its_scores_survive_freezing():
    candidates, _prepared = field([{"choices": (0,)}, {"choices": (2,)}], [5, ABSENT])
    inputs = FrozenInputs(
        candidates=candidates,
        territory=TERRITORY,
        needs=NEEDS,
        rules=base_rules(),
        seed=SEED,
        education_order=EDUCATION,
        stage="field",
    )
    thawed = thaw(freeze(inputs))
    assert thawed.stage == "field"
    assert thawed.candidates.stage_score.tolist() == [5, ABSENT]


def test_an_archive_of_the_first_format_thaws_as_a_preselection():
    """Runs frozen before the final selection existed stay verifiable: no stage, no stage scores."""
    import io

    candidates, _prepared = field([{"choices": (0,)}], [0], stage="preselection")
    data = freeze(
        FrozenInputs(
            candidates=candidates,
            territory=TERRITORY,
            needs=NEEDS,
            rules=base_rules(),
            seed=SEED,
            education_order=EDUCATION,
        )
    )
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {
            name: archive[name] for name in archive.files if name not in {"stage", "candidates.stage_score"}
        }
    arrays["format_version"] = np.array(1)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    thawed = thaw(buffer.getvalue())
    assert thawed.stage == "preselection"
    assert thawed.candidates.stage_score.tolist() == [0]
