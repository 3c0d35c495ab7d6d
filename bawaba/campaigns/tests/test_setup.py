"""A campaign set up by a central administrator: created and changed with its calendar, checked, audited."""

import datetime as dt

import pytest
from django.utils import translation

from bawaba.campaigns.models import Campaign, CampaignStage
from bawaba.campaigns.setup import (
    CampaignSetupError,
    StageDates,
    calendar_problems,
    create_campaign,
    update_campaign,
)
from bawaba.campaigns.tests.conftest import at
from bawaba.campaigns.tests.factories import AdministrationFactory, CampaignFactory
from bawaba.core.models import AuditEvent

Kind = CampaignStage.Kind
D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fields(**overrides) -> dict:
    values = {
        "administration": AdministrationFactory(code="hcp"),
        "slug": "rgph-2034",
        "kind": Campaign.Kind.CENSUS,
        "title_ar": "الإحصاء العام 2034",
        "title_fr": "Recensement 2034",
        "title_en": "",
        "summary_ar": "",
        "summary_fr": "Recrutement des agents.",
        "summary_en": "",
        "registration_opens_at": at(2034, 2, 7, 8),
        "registration_closes_at": at(2034, 2, 27, 23, 59),
        "max_commune_choices": 5,
        "is_published": False,
    }
    return values | overrides


CALENDAR = {
    Kind.PRESELECTION: StageDates(D(2034, 3, 1), D(2034, 3, 10)),
    Kind.REMOTE_TRAINING: StageDates(D(2034, 3, 15), D(2034, 6, 15)),
    Kind.INTERVIEW: StageDates(D(2034, 5, 15), None),
    Kind.FIELD_TRAINING: StageDates(None, None),
}


def test_creates_the_campaign_its_registration_stage_and_its_stages(db, central_admin):
    campaign = create_campaign(fields=fields(), stages=CALENDAR, actor=central_admin)

    assert campaign.slug == "rgph-2034" and campaign.title_fr == "Recensement 2034"
    stages = {s.kind: (s.starts_on, s.ends_on) for s in campaign.stages.all()}
    assert stages == {
        # The registration stage is the window's days, never typed in.
        Kind.REGISTRATION: (D(2034, 2, 7), D(2034, 2, 27)),
        Kind.PRESELECTION: (D(2034, 3, 1), D(2034, 3, 10)),
        Kind.REMOTE_TRAINING: (D(2034, 3, 15), D(2034, 6, 15)),
        Kind.INTERVIEW: (D(2034, 5, 15), None),
    }
    event = AuditEvent.objects.get(action="campaigns.campaign_created")
    assert event.actor == central_admin and event.target_id == str(campaign.pk)
    assert event.data["slug"] == "rgph-2034" and event.data["stages"]["interview"] == ["2034-05-15", None]


def test_updating_changes_fields_and_stages_and_audits_what_changed(db, central_admin):
    campaign = create_campaign(fields=fields(), stages=CALENDAR, actor=central_admin)
    later = {
        **CALENDAR,
        Kind.INTERVIEW: StageDates(None, None),
        Kind.FIELD_TRAINING: StageDates(D(2034, 7, 1), None),
    }

    update_campaign(
        campaign=campaign,
        fields=fields(administration=campaign.administration, title_fr="Recensement général 2034"),
        stages=later,
        actor=central_admin,
    )

    campaign.refresh_from_db()
    assert campaign.title_fr == "Recensement général 2034"
    kinds = set(campaign.stages.values_list("kind", flat=True))
    assert kinds == {Kind.REGISTRATION, Kind.PRESELECTION, Kind.REMOTE_TRAINING, Kind.FIELD_TRAINING}
    event = AuditEvent.objects.get(action="campaigns.campaign_updated")
    assert event.data["title_fr"] == ["Recensement 2034", "Recensement général 2034"]
    assert set(event.data) == {"title_fr", "stages"}


def test_saving_unchanged_writes_no_audit_row(db, central_admin):
    campaign = create_campaign(fields=fields(), stages=CALENDAR, actor=central_admin)
    update_campaign(
        campaign=campaign,
        fields=fields(administration=campaign.administration),
        stages=CALENDAR,
        actor=central_admin,
    )
    assert not AuditEvent.objects.filter(action="campaigns.campaign_updated").exists()


def test_an_existing_campaign_gets_its_registration_stage_in_step_with_its_window(db, central_admin):
    campaign = CampaignFactory(
        registration_opens_at=at(2034, 1, 1), registration_closes_at=at(2034, 1, 20, 18)
    )
    CampaignStage.objects.create(campaign=campaign, kind=Kind.REGISTRATION, starts_on=D(2033, 12, 1))
    update_campaign(
        campaign=campaign,
        fields=fields(
            administration=campaign.administration,
            slug=campaign.slug,
            registration_opens_at=at(2034, 1, 2, 9),
            registration_closes_at=at(2034, 1, 31, 18),
        ),
        stages={},
        actor=central_admin,
    )
    stage = campaign.stages.get()
    assert (stage.kind, stage.starts_on, stage.ends_on) == (Kind.REGISTRATION, D(2034, 1, 2), D(2034, 1, 31))


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        (
            {Kind.PRESELECTION: StageDates(D(2034, 3, 10), D(2034, 3, 1))},
            [("preselection_ends_on", "before its first day")],
        ),
        (
            {Kind.PRESELECTION: StageDates(None, D(2034, 3, 1))},
            [("preselection_starts_on", "first day of this stage too")],
        ),
        (
            {Kind.PRESELECTION: StageDates(D(2034, 2, 20), None)},
            [("preselection_starts_on", "before the day registration closes")],
        ),
        (
            {
                Kind.PRESELECTION: StageDates(D(2034, 3, 10), None),
                Kind.INTERVIEW: StageDates(D(2034, 3, 5), None),
            },
            [("interview_starts_on", "cannot start before Automatic preselection")],
        ),
        # Stages may overlap (the interviews start during the remote training), in their order.
        (
            {
                Kind.REMOTE_TRAINING: StageDates(D(2034, 3, 1), D(2034, 6, 1)),
                Kind.INTERVIEW: StageDates(D(2034, 5, 1), None),
            },
            [],
        ),
        # The day registration closes is allowed: its last hours are before the stage's day begins.
        ({Kind.PRESELECTION: StageDates(D(2034, 2, 27), D(2034, 2, 27))}, []),
    ],
)
def test_calendar_rules(stages, expected):
    problems = calendar_problems(opens_at=at(2034, 2, 7), closes_at=at(2034, 2, 27, 23, 59), stages=stages)
    assert len(problems) == len(expected)
    for problem, (field, words) in zip(problems, expected, strict=True):
        assert problem.field == field and words in problem.message


def test_registration_must_close_after_it_opens():
    (problem,) = calendar_problems(opens_at=at(2034, 2, 7), closes_at=at(2034, 2, 7), stages={})
    assert problem.field == "registration_closes_at"


def test_the_service_refuses_a_broken_calendar_whoever_calls_it(db, central_admin):
    with pytest.raises(CampaignSetupError) as caught:
        create_campaign(
            fields=fields(),
            stages={Kind.PRESELECTION: StageDates(D(2034, 3, 10), D(2034, 3, 1))},
            actor=central_admin,
        )
    assert [problem.field for problem in caught.value.problems] == ["preselection_ends_on"]
    assert not Campaign.objects.exists() and not AuditEvent.objects.exists()


def test_a_short_name_taken_meanwhile_is_a_message(db, central_admin):
    CampaignFactory(slug="rgph-2034")
    with pytest.raises(CampaignSetupError) as caught:
        create_campaign(fields=fields(), stages={}, actor=central_admin)
    assert [problem.field for problem in caught.value.problems] == ["slug"]
