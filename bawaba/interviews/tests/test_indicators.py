"""The interviews' indicators: the convoked, present and absent, each a count of the campaign's convocations made
here in Python by where the candidate lives and her category; the final selection's selected and reserve, counts of
the published field run's decisions. Every breakdown adds up."""

from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
    first_choices,
)
from bawaba.interviews.models import Convocation
from bawaba.selection.models import SelectionDecision, SelectionRun

Status = Convocation.Status
Outcome = SelectionDecision.Outcome


def test_convocations_count_the_live_ones_and_their_presence(every_stage):
    where = areas()
    convocations = list(Convocation.objects.filter(campaign=every_stage).select_related("application"))
    assert any(convocation.status == Status.WITHDRAWN for convocation in convocations)  # not counted
    for key, statuses in (
        ("interviews.convoked", {Status.CONVOKED, Status.CONFIRMED, Status.PRESENT, Status.ABSENT}),
        ("interviews.present", {Status.PRESENT}),
        ("interviews.absent", {Status.ABSENT}),
    ):
        rows = [
            {
                **where[convocation.application.residence_commune_id],
                "category": convocation.application.category,
            }
            for convocation in convocations
            if convocation.status in statuses
        ]
        assert_counts(key, every_stage, rows)


def test_the_final_selection_counts_the_published_field_runs_places_and_reserve(every_stage):
    where, first = areas(), first_choices()
    run = SelectionRun.objects.get(
        campaign=every_stage, stage=SelectionRun.Stage.FIELD, status=SelectionRun.Status.PUBLISHED
    )
    decisions = list(SelectionDecision.objects.filter(run=run).select_related("application"))
    selected = [
        {**where[decision.commune_id], "category": decision.application.category}
        for decision in decisions
        if decision.outcome == Outcome.ADMITTED
    ]
    reserve = [
        {**where[first.get(decision.application_id)], "category": decision.application.category}
        for decision in decisions
        if decision.outcome == Outcome.WAITLISTED
    ]
    assert_counts("interviews.final_selected", every_stage, selected)
    assert_counts("interviews.final_reserve", every_stage, reserve)
