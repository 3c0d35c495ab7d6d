"""Selection runs against the database: dry run, publication (atomic, once per stage, requested and carried out
by a worker), verification, commands."""

import datetime as dt
import io
import logging
import random

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation

from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns.models import Application, ApplicationChoice, CampaignRules, CommuneNeed
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.models import AuditEvent
from bawaba.selection import engine, guarantees
from bawaba.selection.guarantees import Problem
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.services import (
    SelectionError,
    compute_run,
    create_run,
    publish_run,
    request_publication,
    verify_run,
)
from bawaba.selection.tasks import publish_selection_run
from bawaba.selection.tests.conftest import RUN_SEED, computed
from bawaba.territory.models import Commune


def statuses(campaign) -> dict[str, int]:
    return dict(Application.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id")))


# ------------------------------------------------------------------------------------------------ dry run


def test_a_dry_run_writes_the_report_and_changes_nothing_a_candidate_sees(census, central_admin):
    before = statuses(census)
    run = computed(census, actor=central_admin)

    assert run.status == SelectionRun.Status.COMPUTED
    assert run.problems == []
    assert len(run.input_digest) == len(run.output_digest) == 64
    assert run.frozen_inputs
    totals = run.summary["totals"]
    assert totals["candidates"] == Application.objects.filter(campaign=census).exclude(status="draft").count()
    lines = SelectionCommuneResult.objects.filter(run=run)
    assert sum(lines.values_list("admitted", flat=True)) == totals["admitted"] > 0
    assert sum(lines.values_list("needs", flat=True)) == totals["needs"]
    for line in lines:
        assert line.admitted <= line.places
        assert line.is_full == (line.admitted == line.places)
    # Nothing visible: no decision rows, every status as before.
    assert not SelectionDecision.objects.filter(run=run).exists()
    assert statuses(census) == before
    assert AuditEvent.objects.filter(action="selection.run_computed", target_id=str(run.pk)).exists()


def test_capacities_are_needs_times_the_factor_rounded_up(census):
    rules = default_census_rules()
    rules["over_selection"] = {"factor": "1.5", "regions": {}}
    CampaignRules.objects.create(campaign=census, version=2, rules=rules)
    run = computed(census)
    for line in SelectionCommuneResult.objects.filter(run=run):
        assert line.places == -(-line.needs * 3 // 2)


def test_computing_twice_does_nothing_the_second_time(census):
    run = computed(census)
    again = compute_run(run_id=run.pk)
    assert again.output_digest == run.output_digest
    assert SelectionCommuneResult.objects.filter(run=run).count() == len(
        SelectionCommuneResult.objects.filter(run=run).values_list("commune_id", flat=True).distinct()
    )


def test_a_run_needs_a_seed_rules_and_needs(census):
    with pytest.raises(SelectionError):
        create_run(campaign=census, seed="   ")
    other = CampaignFactory()
    with pytest.raises(SelectionError):
        create_run(campaign=other, seed=RUN_SEED)  # no rules
    CampaignRules.objects.create(campaign=other, version=1, rules=default_census_rules())
    with pytest.raises(SelectionError):
        create_run(campaign=other, seed=RUN_SEED)  # no needs


def test_a_run_whose_guarantees_fail_is_refused_and_cannot_be_published(census, monkeypatch):
    over = Problem("capacity", count=1, examples=({"commune": 0, "admitted": 3, "places": 2},))
    monkeypatch.setattr(guarantees, "check_guarantees", lambda instance, result: [over])
    run = computed(census)
    assert run.status == SelectionRun.Status.REFUSED
    # Stored as data, the engine's commune index named by its id; each page words it in its reader's language.
    first_commune = int(Commune.objects.order_by("pk").values_list("pk", flat=True)[0])
    assert run.problems == [
        {
            "code": "capacity",
            "count": 1,
            "examples": [{"commune": first_commune, "admitted": 3, "places": 2}],
            "params": {},
        }
    ]
    with pytest.raises(SelectionError):
        publish_run(run=run)
    assert not SelectionDecision.objects.exists()


def test_a_failure_is_recorded_on_the_run(census, monkeypatch):
    def broken(instance):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(engine, "run_deferred_acceptance", broken)
    run = create_run(campaign=census, seed=RUN_SEED)
    with pytest.raises(RuntimeError):
        compute_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.FAILED
    assert "out of memory" in run.error


# --------------------------------------------------------------------------------------------- publishing


def test_publishing_writes_every_decision(computed_run, central_admin):
    campaign = computed_run.campaign
    before = statuses(campaign)
    run = publish_run(run=computed_run, actor=central_admin)

    assert (
        run.status == SelectionRun.Status.PUBLISHED and run.published_at and run.published_by == central_admin
    )
    decisions = SelectionDecision.objects.filter(run=run)
    totals = run.summary["totals"]
    assert decisions.count() == totals["candidates"]
    assert decisions.filter(outcome="admitted").count() == totals["admitted"]
    assert decisions.filter(outcome="waitlisted").count() == totals["waitlisted"]
    assert decisions.filter(outcome="ineligible").count() == sum(run.summary["ineligible"].values())
    # The decision is the candidate's status at the stage; her application itself is left as it was.
    assert statuses(campaign) == before
    for decision in decisions.filter(outcome="admitted")[:50]:
        assert decision.commune_id == decision.communes[decision.rank - 1]
        assert decision.score == sum(decision.score_points)
        assert decision.waitlist_places[decision.rank - 1] is None
    assert AuditEvent.objects.filter(action="selection.run_published", actor=central_admin).exists()


def test_a_crash_between_decisions_and_statuses_leaves_nothing_visible(computed_run, power_cut):
    campaign = computed_run.campaign
    before = statuses(campaign)

    # The database fails the run's published status, and only once the decisions are written (conftest).
    with pytest.raises(DatabaseError, match="power cut"):
        publish_run(run=computed_run)

    power_cut()
    computed_run.refresh_from_db()
    assert computed_run.status == SelectionRun.Status.COMPUTED
    assert computed_run.published_at is None
    assert not SelectionDecision.objects.exists()
    assert statuses(campaign) == before
    # And the run can still be published afterwards.
    assert publish_run(run=computed_run).is_published


def test_a_stage_is_published_once(published_run):
    campaign = published_run.campaign
    with pytest.raises(SelectionError):
        publish_run(run=published_run)
    with pytest.raises(SelectionError):
        create_run(campaign=campaign, seed="another seed")
    # Even past the services, the database refuses a second published run of the stage.
    other = SelectionRun.objects.create(
        campaign=campaign,
        rules_version=published_run.rules_version,
        seed="x",
        status=SelectionRun.Status.COMPUTED,
    )
    other.status, other.published_at = SelectionRun.Status.PUBLISHED, timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_publishing_waits_for_the_registration_deadline(computed_run):
    campaign = computed_run.campaign
    campaign.registration_closes_at = timezone.now() + dt.timedelta(hours=1)
    campaign.save()
    with pytest.raises(SelectionError):
        publish_run(run=computed_run)
    assert not SelectionDecision.objects.exists()


def test_a_run_launched_before_the_deadline_is_a_rehearsal_that_cannot_be_published(computed_run):
    campaign = computed_run.campaign
    SelectionRun.objects.filter(pk=computed_run.pk).update(
        created_at=campaign.registration_closes_at - dt.timedelta(seconds=1)
    )
    with pytest.raises(SelectionError):
        publish_run(run=computed_run)
    assert not SelectionDecision.objects.exists()


def test_publishing_refuses_decisions_for_an_application_gone_from_the_campaign(computed_run):
    application = Application.objects.filter(campaign=computed_run.campaign, status="submitted").first()
    Application.objects.filter(pk=application.pk).update(campaign=CampaignFactory())
    with pytest.raises(SelectionError):
        publish_run(run=computed_run)
    assert not SelectionDecision.objects.exists()


def test_publishing_refuses_a_run_whose_recorded_digest_does_not_match(computed_run):
    SelectionRun.objects.filter(pk=computed_run.pk).update(output_digest="0" * 64)
    with pytest.raises(SelectionError):
        publish_run(run=computed_run)
    assert not SelectionDecision.objects.exists()


def test_a_run_freezes_its_inputs_later_changes_do_not_move_it(computed_run):
    digest = computed_run.output_digest
    # Change the world after the dry run: rules, needs, an application.
    CampaignRules.objects.create(
        campaign=computed_run.campaign, version=2, rules=default_census_rules() | {"bonus": {}}
    )
    CommuneNeed.objects.filter(campaign=computed_run.campaign).update(quantity=1)
    run = publish_run(run=computed_run)
    assert run.output_digest == digest
    assert verify_run(run=run).ok


# ---------------------------------------------------------------------------- publication by a worker

DIGESTS_DIFFER = "Recomputing the run did not give the same digests; it is not published."


@pytest.fixture
def in_english():
    """Refusals are read in the active language (Arabic by default): these tests read the English source."""
    with translation.override("en"):
        yield


def published_events(run: SelectionRun) -> int:
    return AuditEvent.objects.filter(action="selection.run_published", target_id=str(run.pk)).count()


def test_a_requested_publication_is_carried_out_by_the_worker(
    computed_run, central_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as worker:
        run = request_publication(run=computed_run, actor=central_admin)

    # Requested: recorded and handed to the worker at commit, nothing published yet.
    assert len(worker) == 1
    run.refresh_from_db()
    assert run.is_publishing and run.is_in_progress
    assert run.status == SelectionRun.Status.COMPUTED
    assert run.publish_requested_by == central_admin
    assert not SelectionDecision.objects.exists()
    assert AuditEvent.objects.filter(
        action="selection.publication_requested", actor=central_admin, target_id=str(run.pk)
    ).exists()

    worker[0]()
    run.refresh_from_db()
    assert run.is_published and not run.is_in_progress
    assert run.published_by == central_admin
    assert SelectionDecision.objects.filter(run=run).count() == run.summary["totals"]["candidates"]
    assert (run.progress_step, run.progress_percent, run.publish_error) == ("done", 100, "")
    assert AuditEvent.objects.filter(action="selection.run_published", actor=central_admin).exists()


def test_a_second_request_is_refused_while_one_is_under_way_and_after_publication(
    computed_run, central_admin, django_capture_on_commit_callbacks, in_english
):
    other = computed(computed_run.campaign, seed="another public draw")
    with django_capture_on_commit_callbacks() as worker:
        request_publication(run=computed_run, actor=central_admin)
    with pytest.raises(SelectionError, match="The publication of this run is already requested."):
        request_publication(run=computed_run, actor=central_admin)
    with pytest.raises(SelectionError, match=f"The publication of run {computed_run.pk}, of the same stage"):
        request_publication(run=other, actor=central_admin)

    worker[0]()
    with pytest.raises(SelectionError, match="This run is already published."):
        request_publication(run=computed_run, actor=central_admin)
    with pytest.raises(SelectionError, match="A run of this stage is already published."):
        request_publication(run=other, actor=central_admin)
    assert AuditEvent.objects.filter(action="selection.publication_requested").count() == 1


def test_the_database_refuses_two_publications_under_way_for_a_stage(computed_run):
    # Two administrators asking for two runs at the same moment: whatever the services checked, one request wins.
    SelectionRun.objects.filter(pk=computed_run.pk).update(publish_requested_at=timezone.now())
    other = SelectionRun.objects.create(
        campaign=computed_run.campaign,
        rules_version=computed_run.rules_version,
        seed="x",
        status=SelectionRun.Status.COMPUTED,
    )
    other.publish_requested_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_a_request_is_refused_at_once_for_what_publishing_would_refuse(
    computed_run, central_admin, django_capture_on_commit_callbacks, in_english
):
    SelectionRun.objects.filter(pk=computed_run.pk).update(
        created_at=computed_run.campaign.registration_closes_at - dt.timedelta(seconds=1)
    )
    with (
        django_capture_on_commit_callbacks() as worker,
        pytest.raises(SelectionError, match="launched before registration closed"),
    ):
        request_publication(run=computed_run, actor=central_admin)
    assert worker == []
    computed_run.refresh_from_db()
    assert computed_run.publish_requested_at is None
    assert not AuditEvent.objects.filter(action="selection.publication_requested").exists()


def test_a_refused_publication_publishes_nothing_records_why_and_can_be_asked_again(
    computed_run, central_admin, django_capture_on_commit_callbacks, caplog
):
    campaign = computed_run.campaign
    before = statuses(campaign)
    digest = computed_run.output_digest
    with django_capture_on_commit_callbacks() as worker:
        request_publication(run=computed_run, actor=central_admin)
    # Between the request and the worker, the recorded digest no longer matches the recomputation.
    SelectionRun.objects.filter(pk=computed_run.pk).update(output_digest="0" * 64)
    with caplog.at_level(logging.ERROR, logger="bawaba.selection.services"), translation.override("fr"):
        worker[0]()

    run = SelectionRun.objects.get(pk=computed_run.pk)
    assert run.status == SelectionRun.Status.COMPUTED and not run.is_publishing
    assert run.publish_requested_at is None and run.publish_requested_by is None
    # Stored as written in the code (the page translates it for its reader), whatever the worker's language.
    assert run.publish_error == DIGESTS_DIFFER
    assert not SelectionDecision.objects.exists()
    assert statuses(campaign) == before
    assert AuditEvent.objects.filter(action="selection.publication_failed", target_id=str(run.pk)).exists()
    assert f"Publication of selection run {run.pk} failed" in caplog.text

    # A late delivery of the failed request does nothing.
    publish_selection_run.enqueue(run.pk, central_admin.pk)
    run.refresh_from_db()
    assert not run.is_published and run.publish_error == DIGESTS_DIFFER

    SelectionRun.objects.filter(pk=run.pk).update(output_digest=digest)
    with django_capture_on_commit_callbacks(execute=True):
        request_publication(run=run, actor=central_admin)
    run.refresh_from_db()
    assert run.is_published
    assert run.publish_error == ""
    assert SelectionDecision.objects.filter(run=run).count() == run.summary["totals"]["candidates"]


def test_a_crash_while_publishing_leaves_nothing_published_and_the_publication_can_be_asked_again(
    computed_run, central_admin, django_capture_on_commit_callbacks, power_cut, caplog
):
    with caplog.at_level(logging.ERROR, logger="bawaba.selection.services"):
        with django_capture_on_commit_callbacks(execute=True):
            request_publication(run=computed_run, actor=central_admin)

    run = SelectionRun.objects.get(pk=computed_run.pk)
    assert not run.is_published and not run.is_publishing
    # The driver's error, as the worker met it (IntegrityError on SQLite, InternalError on PostgreSQL).
    assert "Error: power cut" in run.publish_error
    assert not SelectionDecision.objects.exists()
    assert "power cut" in caplog.text

    power_cut()
    with django_capture_on_commit_callbacks(execute=True):
        request_publication(run=run, actor=central_admin)
    run.refresh_from_db()
    assert run.is_published and run.publish_error == ""


def test_the_task_delivered_twice_publishes_once(
    computed_run, central_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_publication(run=computed_run, actor=central_admin)
    run = SelectionRun.objects.get(pk=computed_run.pk)
    assert run.is_published

    publish_selection_run.enqueue(run.pk, central_admin.pk)

    again = SelectionRun.objects.get(pk=run.pk)
    assert again.is_published and again.published_at == run.published_at
    assert again.publish_error == ""
    assert published_events(run) == 1
    assert SelectionDecision.objects.filter(run=run).count() == run.summary["totals"]["candidates"]


def test_the_command_still_publishes_in_its_own_process(census):
    call_command(
        "run_selection", "--campaign", census.slug, "--seed", RUN_SEED, "--publish", stdout=io.StringIO()
    )
    run = SelectionRun.objects.get(campaign=census)
    assert run.is_published
    assert run.publish_requested_at is None  # no worker was asked


# -------------------------------------------------------------------------------------------- determinism

# The digests of the small fixed instance below. The suite runs on SQLite and on PostgreSQL (.ci/run), so these
# constants check that both engines give byte-identical inputs and output. They change only when the rules, the
# scoring or the engine's canonical layout change, and must then be updated on purpose.
FIXED_INPUT_DIGEST = "ff8aa698c8a95f4155615ea55ef548240f28d3744722f58c5c3326e8e6173d84"
FIXED_OUTPUT_DIGEST = "0ee4d32721a27137942d85565f8aab558919dfc78b1829fca69567e5417deb7a"


@pytest.fixture
def fixed_instance(territory):
    """300 applications with fixed ids and declared data drawn from a seeded generator, over real communes."""
    rng = random.Random(20240301)
    campaign = CampaignFactory(
        registration_opens_at=timezone.now() - dt.timedelta(days=30),
        registration_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    rules = default_census_rules()
    rules["eligibility"]["age_on"] = "2024-02-27"
    CampaignRules.objects.create(campaign=campaign, version=1, rules=rules)
    communes = list(
        Commune.objects.filter(province__code__in=["01.511", "01.571", "04.591"]).order_by("code")
    )
    for commune in communes:
        CommuneNeed.objects.create(
            campaign=campaign, commune=commune, stage="training", quantity=rng.randint(1, 4)
        )
    categories = list(Application.Category.values)
    levels = list(Application.EducationLevel.values)
    for number in range(300):
        application = Application.objects.create(
            id=50_000 + number * 7,
            campaign=campaign,
            user=UserFactory(),
            status=Application.Status.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(days=2),
            cin=f"ZZ{number:06d}",
            birth_date=dt.date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28)),
            category=rng.choice(categories),
            education_level=rng.choice(levels),
            survey_experience_count=rng.randint(0, 4),
            ict_skill=rng.randint(0, 3),
            languages=rng.sample(["ar", "fr", "shi", "tzm", "en"], rng.randint(1, 4)),
            residence_commune=rng.choice(communes),
            accepts_any_commune_in_province=rng.random() < 0.3,
        )
        for rank, commune in enumerate(rng.sample(communes, rng.randint(0, 5)), start=1):
            ApplicationChoice.objects.create(application=application, rank=rank, commune=commune)
    return campaign


def test_the_same_inputs_and_seed_give_the_same_digests_on_every_database_engine(fixed_instance):
    first = computed(fixed_instance, seed="graine publique")
    assert first.input_digest == FIXED_INPUT_DIGEST
    assert first.output_digest == FIXED_OUTPUT_DIGEST


def test_another_seed_gives_another_draw(fixed_instance):
    first = computed(fixed_instance, seed="graine publique")
    second = computed(fixed_instance, seed="another seed")
    assert first.input_digest != second.input_digest  # the lottery numbers are part of the input
