"""Who is called, read from the data: each candidate's facts (place, reply, progress, documents) give her reason;
the figures per province are direct counts; a supervisor sees her provinces only."""

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from bawaba.accounts.models import Assignment
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.documents.models import Dossier
from bawaba.interviews.calling import CallRules, LeftOut
from bawaba.interviews.selectors import (
    call_lines,
    call_lines_of,
    call_rules,
    calls_in_province,
    calls_per_province,
)
from bawaba.interviews.services.rules import save_call_rules
from bawaba.selection.models import SelectionDecision
from bawaba.training.models import TrainingAccount, TrainingProgress, TrainingReply

RULES = CallRules(min_completion_percent=80, min_grade=Decimal("10"), documents_accepted=True)


def _admitted(run, count):
    return list(
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application", "commune")
        .order_by("application_id")[:count]
    )


def _progress(application, completion, grade):
    account = TrainingAccount.objects.get(application=application)
    TrainingProgress.objects.create(
        account=account, first_access=timezone.now(), completion_percent=completion, grade=grade
    )


def _accept_documents(decision):
    commune = decision.commune
    Dossier.objects.create(
        application=decision.application,
        campaign=decision.application.campaign,
        commune=commune,
        province_id=commune.province_id,
        region_id=commune.region_id,
        category=decision.application.category,
        status=Dossier.Status.ACCEPTED,
        invited_at=timezone.now(),
    )


@pytest.fixture
def facts(published_run):
    """Six admitted candidates, each with another story; everyone else admitted has not started."""
    called, low, no_grade, unfinished, no_documents, declined = _admitted(published_run, 6)
    for decision, completion, grade in [
        (called, 100, Decimal("15")),
        (low, 100, Decimal("9.99")),
        (no_grade, 100, None),
        (unfinished, 79, Decimal("18")),
        (no_documents, 100, Decimal("12")),
        (declined, 100, Decimal("16")),
    ]:
        _progress(decision.application, completion, grade)
    for decision in (called, low, no_grade, unfinished, declined):
        _accept_documents(decision)
    TrainingReply.objects.create(
        application=declined.application, answer=TrainingReply.Answer.DECLINED, answered_at=timezone.now()
    )
    return {
        "called": called,
        LeftOut.GRADE_TOO_LOW: low,
        LeftOut.NO_GRADE: no_grade,
        LeftOut.TRAINING_NOT_COMPLETED: unfinished,
        LeftOut.DOCUMENTS_NOT_ACCEPTED: no_documents,
        LeftOut.NO_PLACE: declined,
    }


def test_each_candidate_gets_the_reason_her_facts_give(census, facts):
    lines = {line.application_id: line for line in call_lines(census, RULES, province_ids=None)}
    assert lines[facts["called"].application_id].is_called
    for reason, decision in facts.items():
        if reason != "called":
            assert lines[decision.application_id].reason == reason
    others = set(lines) - {decision.application_id for decision in facts.values()}
    assert others and {lines[pk].reason for pk in others} == {LeftOut.TRAINING_NOT_STARTED}
    save_call_rules(campaign=census, rules=RULES, note="", actor=None)
    application = facts["called"].application
    assert call_lines_of([application])[application.pk] == (RULES, lines[application.pk])


def test_the_figures_per_province_are_direct_counts(census, facts):
    lines = list(call_lines(census, RULES, province_ids=None))
    per_province = calls_per_province(census, RULES, Scope(national=True))
    assert sum(entry.candidates for entry in per_province) == len(lines)
    expected = Counter((line.province_id, line.reason) for line in lines)
    for entry in per_province:
        assert entry.called == expected[(entry.province.pk, None)]
        for reason in LeftOut:
            assert entry.count(reason) == expected[(entry.province.pk, reason)]


def test_a_supervisor_sees_her_provinces_only(census, facts, supervisor):
    province = facts["called"].commune.province
    assignment = Assignment.objects.get(user=supervisor)
    assignment.provinces.add(province)
    scope = scope_of(supervisor, Assignment.Role.PROVINCIAL_SUPERVISOR)
    entries = calls_per_province(census, RULES, scope)
    assert [entry.province for entry in entries] == [province]
    assert calls_per_province(census, RULES, Scope()) == []


def test_a_province_lists_its_candidates_filtered_by_reason(census, facts):
    province = facts["called"].commune.province
    everyone = calls_in_province(census, RULES, province)
    called = calls_in_province(census, RULES, province, reason="called")
    assert facts["called"].application_id in {line.application_id for line in called}
    assert all(line.is_called for line in called)
    assert all(line.province_id == province.pk for line in everyone)
    not_started = calls_in_province(census, RULES, province, reason=LeftOut.TRAINING_NOT_STARTED)
    assert len(called) + len(not_started) <= len(everyone)


def test_saving_rules_makes_a_new_version_only_when_they_change(census, central_admin):
    first = save_call_rules(campaign=census, rules=RULES, note="first", actor=central_admin)
    again = save_call_rules(campaign=census, rules=RULES, note="same", actor=central_admin)
    changed = save_call_rules(
        campaign=census, rules=CallRules(min_completion_percent=50), note="lower", actor=central_admin
    )
    assert (first.version, again.pk, changed.version) == (1, first.pk, 2)
    assert call_rules(census) == CallRules(min_completion_percent=50)
