"""The demo ends with a published preselection: a share of candidates accepts the province fallback, and the
demo can still be replaced once its preselection is published."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from bawaba.campaigns.models import Application
from bawaba.demo import generator
from bawaba.demo.generator import PROVINCE_FALLBACK_SHARE, generate_candidates, scaled_total
from bawaba.demo.selectors import demo_campaign, demo_data_digest, demo_preselection_published
from bawaba.demo.services import CANDIDATE
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.services import compute_run, create_run, publish_run

SCALE = 0.004
SEED = 5


@pytest.fixture(scope="module")
def candidates(package_territory):
    return generate_candidates(territory=package_territory, scale=SCALE, seed=SEED)


def test_the_share_who_accept_the_fallback_is_exact(candidates):
    ticked = candidates.accepts_province_fallback
    assert ticked.dtype == np.bool_
    assert int(ticked.sum()) == scaled_total(len(candidates), PROVINCE_FALLBACK_SHARE) > 0
    assert 0 < ticked.sum() < len(candidates)


def test_the_same_seed_ticks_the_same_candidates_and_another_seed_others(candidates, package_territory):
    again = generate_candidates(territory=package_territory, scale=SCALE, seed=SEED)
    assert np.array_equal(again.accepts_province_fallback, candidates.accepts_province_fallback)
    other = generate_candidates(territory=package_territory, scale=SCALE, seed=SEED + 1)
    assert not np.array_equal(other.accepts_province_fallback, candidates.accepts_province_fallback)
    assert other.accepts_province_fallback.sum() == candidates.accepts_province_fallback.sum()


def test_the_fallback_leaves_every_other_column_as_it_was(monkeypatch, candidates, package_territory):
    # Its draws come from a stream of their own: nobody ticking it changes nothing else.
    monkeypatch.setattr(generator, "PROVINCE_FALLBACK_SHARE", 0.0)
    without = generate_candidates(territory=package_territory, scale=SCALE, seed=SEED)
    assert not without.accepts_province_fallback.any()
    for name, values in candidates.arrays().items():
        if name != "accepts_province_fallback":
            assert values.tobytes() == without.arrays()[name].tobytes(), name


def generate(**options) -> None:
    call_command("generate_demo", stdout=io.StringIO(), **{"scale": 0.002, "seed": SEED, **options})


@pytest.mark.django_db
def test_the_generated_applications_carry_the_answer(territory):
    generate()
    campaign = demo_campaign()
    applications = Application.objects.filter(campaign=campaign)
    ticked = applications.filter(accepts_any_commune_in_province=True).count()
    assert ticked == scaled_total(applications.count(), PROVINCE_FALLBACK_SHARE) > 0
    # The digest covers it: one answer changed is another data set.
    digest = demo_data_digest(campaign=campaign)
    first = applications.order_by("pk").first()
    applications.filter(pk=first.pk).update(
        accepts_any_commune_in_province=not first.accepts_any_commune_in_province
    )
    assert demo_data_digest(campaign=campaign) != digest


@pytest.mark.django_db
def test_the_demo_candidate_gets_a_decision_and_the_demo_can_be_replaced_after_publication(territory):
    generate()
    campaign = demo_campaign()
    generated = demo_data_digest(campaign=campaign)
    assert not demo_preselection_published()
    run = publish_run(run=compute_run(run_id=create_run(campaign=campaign, seed="demo").pk))
    assert demo_preselection_published()
    # Her dashboard has something to explain: the demo candidate's application was decided on.
    assert SelectionDecision.objects.filter(run=run, application__user__email=CANDIDATE.email).exists()

    generate(replace=True)  # the published run does not hold the campaign back
    assert not SelectionRun.objects.exists()
    assert not demo_preselection_published()
    assert demo_data_digest(campaign=demo_campaign()) == generated


@pytest.mark.django_db
def test_the_demo_candidate_reads_her_decision_published_today_and_the_training_next_week(territory, client):
    import datetime as dt

    from django.utils import timezone

    from bawaba.accounts.models import User
    from bawaba.campaigns.tests.helpers import day, translated

    generate()
    publish_run(run=compute_run(run_id=create_run(campaign=demo_campaign(), seed="demo").pk))
    client.force_login(User.objects.get(email=CANDIDATE.email))

    page = client.get("/fr/me/").content.decode()

    today = timezone.localdate()
    assert translated("Decision published on", "fr") in page
    assert day(today) in page  # the publication, as the preselection stage ends: today
    training = translated(
        "The remote training starts on %(date)s.", "fr", date=day(today + dt.timedelta(days=7))
    )
    assert training in page
