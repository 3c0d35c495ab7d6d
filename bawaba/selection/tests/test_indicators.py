"""The selection's indicators: each equals a count of the published preselection's decisions made here in Python,
by area and category, and adds up; before the publication they are zero."""

from bawaba.core.contributions import registry
from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
    first_choices,
)
from bawaba.selection.models import Promotion, SelectionDecision, SelectionRun

Outcome = SelectionDecision.Outcome
KEYS = ("selection.preselected", "selection.waiting", "selection.promoted")


def preselection_decisions(campaign):
    run = SelectionRun.objects.get(
        campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
    )
    return list(SelectionDecision.objects.filter(run=run).select_related("application"))


def test_the_preselected_are_those_holding_a_place_by_the_commune_of_their_place(every_stage):
    where = areas()
    decisions = preselection_decisions(every_stage)
    rows = [
        {**where[decision.commune_id], "category": decision.application.category}
        for decision in decisions
        if decision.outcome == Outcome.ADMITTED
    ]
    assert_counts("selection.preselected", every_stage, rows)
    # Declined places are held no more (and the promoted hold theirs).
    assert any(decision.outcome == Outcome.RELEASED for decision in decisions)


def test_the_waiting_count_once_each_in_the_commune_they_ranked_first(every_stage):
    where, first = areas(), first_choices()
    rows = [
        {**where[first.get(decision.application_id)], "category": decision.application.category}
        for decision in preselection_decisions(every_stage)
        if decision.outcome == Outcome.WAITLISTED
    ]
    assert_counts("selection.waiting", every_stage, rows)


def test_the_promoted_are_those_given_a_place_from_a_waiting_list(every_stage):
    where = areas()
    promotions = list(
        Promotion.objects.filter(
            promotion_round__run__campaign=every_stage,
            promotion_round__run__stage=SelectionRun.Stage.PRESELECTION,
        ).select_related("application")
    )
    rows = [
        {**where[promotion.commune_id], "category": promotion.application.category}
        for promotion in promotions
        if promotion.previous_commune_id is None
    ]
    assert_counts("selection.promoted", every_stage, rows)
    # Moves to a commune ranked higher happened too, and are not counted.
    assert len(rows) < len(promotions)


def test_before_the_publication_every_figure_is_zero(census):
    for key in KEYS:
        indicator = registry.indicator(key)
        assert indicator.compute(census, ()) == {(): 0}
        assert indicator.compute(census, ("commune", "category")) == {}
