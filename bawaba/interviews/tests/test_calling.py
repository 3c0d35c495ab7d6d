"""Who is called to the interviews: the rules' checks and the one reason a candidate is left out."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bawaba.interviews.calling import (
    DEFAULT_CALL_RULES,
    CallRules,
    CallRulesError,
    CandidateFacts,
    LeftOut,
    left_out_reason,
    read_call_rules,
)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def facts(**changes) -> CandidateFacts:
    values = {
        "holds_place": True,
        "training_started": True,
        "completion_percent": 100,
        "grade": Decimal("14.50"),
        "documents_accepted": True,
    }
    return CandidateFacts(**(values | changes))


RULES = CallRules(min_completion_percent=80, min_grade=Decimal("12"), documents_accepted=True)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"holds_place": False, "training_started": False, "completion_percent": 0}, LeftOut.NO_PLACE),
        ({"training_started": False, "completion_percent": 0, "grade": None}, LeftOut.TRAINING_NOT_STARTED),
        ({"completion_percent": 79}, LeftOut.TRAINING_NOT_COMPLETED),
        ({"completion_percent": 80}, None),
        ({"grade": None}, LeftOut.NO_GRADE),
        ({"grade": Decimal("11.99")}, LeftOut.GRADE_TOO_LOW),
        ({"grade": Decimal("12.00")}, None),
        ({"documents_accepted": False}, LeftOut.DOCUMENTS_NOT_ACCEPTED),
        ({"completion_percent": 10, "documents_accepted": False}, LeftOut.TRAINING_NOT_COMPLETED),
    ],
)
def test_the_first_rule_missed_is_the_reason(changes, reason):
    assert left_out_reason(RULES, facts(**changes)) == reason


def test_rules_that_ask_nothing_call_everyone_holding_a_place():
    lenient = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
    nothing_done = facts(training_started=False, completion_percent=0, grade=None, documents_accepted=False)
    assert left_out_reason(lenient, nothing_done) is None
    assert left_out_reason(lenient, facts(holds_place=False)) == LeftOut.NO_PLACE


def test_every_reason_has_a_label_in_french():
    with translation.override("fr"):
        assert all(str(reason.label) for reason in LeftOut)
        assert str(LeftOut.GRADE_TOO_LOW.label) != "Training grade below the minimum"


def test_a_rules_document_reads_back_to_the_same_rules():
    assert read_call_rules(RULES.as_document()) == RULES
    assert read_call_rules({}) == DEFAULT_CALL_RULES


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "an object"),
        ({"min_completion": 10}, "Unknown rule"),
        ({"min_completion_percent": 101}, "0 to 100"),
        ({"min_completion_percent": -1}, "0 to 100"),
        ({"min_completion_percent": True}, "0 to 100"),
        ({"min_completion_percent": "80"}, "0 to 100"),
        ({"min_grade": "douze"}, "minimum grade"),
        ({"min_grade": "NaN"}, "minimum grade"),
        ({"min_grade": "Infinity"}, "minimum grade"),
        ({"min_grade": "1e400"}, "minimum grade"),
        ({"min_grade": "12.345"}, "two decimals"),
        ({"min_grade": -1}, "minimum grade"),
        ({"min_grade": True}, "minimum grade"),
        ({"min_grade": "12\x00"}, "minimum grade"),
        ({"documents_accepted": "yes"}, "true or false"),
    ],
)
def test_faulty_rules_are_refused_with_what_is_wrong(document, message):
    with pytest.raises(CallRulesError, match=message):
        read_call_rules(document)


grades = st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=2))


@given(
    st.builds(
        CallRules,
        min_completion_percent=st.integers(0, 100),
        min_grade=grades,
        documents_accepted=st.booleans(),
    ),
    st.builds(
        CandidateFacts,
        holds_place=st.booleans(),
        training_started=st.booleans(),
        completion_percent=st.integers(0, 100),
        grade=grades,
        documents_accepted=st.booleans(),
    ),
)
def test_a_called_candidate_meets_every_rule(rules, candidate):
    reason = left_out_reason(rules, candidate)
    meets_every_rule = (
        candidate.holds_place
        and (rules.min_completion_percent == 0 or candidate.training_started)
        and candidate.completion_percent >= rules.min_completion_percent
        and (rules.min_grade is None or (candidate.grade is not None and candidate.grade >= rules.min_grade))
        and (not rules.documents_accepted or candidate.documents_accepted)
    )
    assert (reason is None) == meets_every_rule
