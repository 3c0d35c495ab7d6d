"""The calendar a candidate sees: registration to the second, stages by Moroccan day, what comes next."""

import datetime as dt

import pytest

from bawaba.campaigns import schedule
from bawaba.campaigns.models import Application, Campaign, CampaignStage
from bawaba.campaigns.tests.conftest import at

Kind = CampaignStage.Kind


def _census_2024() -> tuple[Campaign, list[CampaignStage]]:
    campaign = Campaign(
        slug="rgph-2024",
        registration_opens_at=at(2024, 2, 7),
        registration_closes_at=at(2024, 2, 27, 23, 59),
    )
    stages = [
        CampaignStage(kind=Kind.FIELD_TRAINING, starts_on=dt.date(2024, 7, 1), ends_on=dt.date(2024, 8, 31)),
        CampaignStage(kind=Kind.REGISTRATION, starts_on=dt.date(2024, 2, 7), ends_on=dt.date(2024, 2, 27)),
        CampaignStage(kind=Kind.PRESELECTION, starts_on=dt.date(2024, 3, 1)),
        CampaignStage(
            kind=Kind.REMOTE_TRAINING, starts_on=dt.date(2024, 3, 15), ends_on=dt.date(2024, 6, 15)
        ),
        CampaignStage(kind=Kind.INTERVIEW, starts_on=dt.date(2024, 5, 15)),
    ]
    return campaign, stages


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (at(2024, 2, 6, 23, 59, 59), schedule.UPCOMING),
        (at(2024, 2, 7), schedule.OPEN),
        (at(2024, 2, 27, 23, 58, 59), schedule.OPEN),
        (at(2024, 2, 27, 23, 59), schedule.CLOSED),  # closed at the deadline itself
        (at(2024, 2, 27, 23, 59, 1), schedule.CLOSED),
    ],
)
def test_registration_opens_and_closes_to_the_second(now, state):
    campaign, _stages = _census_2024()
    assert schedule.registration_state(campaign, now=now) == state


def test_registration_closes_at_the_moroccan_instant_whatever_the_clock_zone():
    campaign, _stages = _census_2024()
    # 23:59 in Casablanca (UTC+1 in February 2024) is 22:59 UTC.
    just_before = dt.datetime(2024, 2, 27, 22, 58, 59, tzinfo=dt.UTC)
    assert schedule.registration_state(campaign, now=just_before) == schedule.OPEN
    assert schedule.registration_state(campaign, now=just_before + dt.timedelta(seconds=1)) == schedule.CLOSED


def test_the_timeline_orders_stages_and_marks_them_on_the_day():
    campaign, stages = _census_2024()
    entries = schedule.timeline(campaign, stages, now=at(2024, 5, 20, 10))
    assert [(entry.kind, entry.status) for entry in entries] == [
        (Kind.REGISTRATION, schedule.DONE),
        (Kind.PRESELECTION, schedule.DONE),
        (Kind.REMOTE_TRAINING, schedule.CURRENT),
        (Kind.INTERVIEW, schedule.CURRENT),  # open-ended: current until the next stage starts
        (Kind.FIELD_TRAINING, schedule.UPCOMING),
    ]


def test_a_stage_without_an_end_lasts_until_the_day_before_the_next_one():
    campaign, stages = _census_2024()
    statuses = {e.kind: e.status for e in schedule.timeline(campaign, stages, now=at(2024, 3, 14, 12))}
    assert statuses[Kind.PRESELECTION] == schedule.CURRENT
    statuses = {e.kind: e.status for e in schedule.timeline(campaign, stages, now=at(2024, 3, 15, 0, 0, 1))}
    assert statuses[Kind.PRESELECTION] == schedule.DONE
    assert statuses[Kind.REMOTE_TRAINING] == schedule.CURRENT


def test_a_campaign_without_stages_still_shows_its_registration():
    campaign, _stages = _census_2024()
    entries = schedule.timeline(campaign, [], now=at(2024, 2, 10))
    assert [(e.kind, e.status) for e in entries] == [(Kind.REGISTRATION, schedule.CURRENT)]
    assert entries[0].closes_at == campaign.registration_closes_at


def _actions(status: str, now: dt.datetime) -> list[tuple[str, object]]:
    campaign, stages = _census_2024()
    application = Application(campaign=campaign, status=status)
    entries = schedule.timeline(campaign, stages, now=now)
    return [(action.code, action.when) for action in schedule.next_actions(application, entries, now=now)]


def test_a_draft_is_told_to_submit_before_the_deadline():
    assert _actions("draft", at(2024, 2, 20)) == [(schedule.COMPLETE_BEFORE, at(2024, 2, 27, 23, 59))]
    assert _actions("draft", at(2024, 2, 28)) == [(schedule.NOT_SUBMITTED_IN_TIME, at(2024, 2, 27, 23, 59))]


def test_a_submitted_application_can_change_until_the_deadline_then_waits_for_the_preselection():
    assert _actions("submitted", at(2024, 2, 20)) == [
        (schedule.CHANGE_UNTIL, at(2024, 2, 27, 23, 59)),
        (schedule.WAIT_FOR_STAGE, dt.date(2024, 3, 1)),
    ]
    assert _actions("submitted", at(2024, 2, 28)) == [(schedule.WAIT_FOR_STAGE, dt.date(2024, 3, 1))]
    assert _actions("submitted", at(2024, 9, 1)) == [(schedule.NOTHING_SCHEDULED, None)]


def test_a_withdrawn_candidate_may_apply_again_only_while_registration_is_open():
    assert _actions("withdrawn", at(2024, 2, 20)) == [
        (schedule.WITHDRAWN_CAN_REAPPLY, at(2024, 2, 27, 23, 59))
    ]
    assert _actions("withdrawn", at(2024, 3, 2)) == [(schedule.WITHDRAWN, None)]


def test_age_limits_apply_on_the_moroccan_day_registration_closes():
    campaign = Campaign(
        registration_opens_at=at(2024, 2, 7),
        # 00:30 on 28 February in Casablanca is still 27 February in UTC: the Moroccan day counts.
        registration_closes_at=at(2024, 2, 28, 0, 30),
    )
    assert schedule.age_reference_date(campaign) == dt.date(2024, 2, 28)
