"""The demo's second campaign: a ministry's competition open for registration now, with its posts and rules."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from bawaba.campaigns import schedule
from bawaba.campaigns.models import Campaign, CommuneNeed
from bawaba.campaigns.rules.versions import campaign_rules, check_rules, offers_province_fallback
from bawaba.demo.competition import MAX_AGE, MIN_AGE, POSTS, competition_rules, demo_competition
from bawaba.demo.selectors import demo_campaign


@pytest.fixture
def competition(territory) -> Campaign:
    call_command("generate_demo", "--scale", "0.001", "--seed", "3", stdout=io.StringIO())
    return demo_competition()


def test_it_is_another_administrations_competition_open_now(competition):
    assert competition.kind == Campaign.Kind.COMPETITION and competition.is_published
    assert competition.administration != demo_campaign().administration
    assert schedule.registration_state(competition, now=timezone.now()) == schedule.OPEN
    assert competition.title_ar and competition.title_fr and competition.summary_ar and competition.summary_fr
    statuses = [
        e.status for e in schedule.timeline(competition, competition.stages.all(), now=timezone.now())
    ]
    assert statuses == [schedule.CURRENT, schedule.UPCOMING, schedule.UPCOMING]


def test_forty_posts_in_three_regions(competition):
    needs = CommuneNeed.objects.filter(campaign=competition)
    assert needs.aggregate(total=Sum("quantity"))["total"] == 40
    assert needs.values("commune__region").distinct().count() == 3
    assert sorted(needs.values_list("commune__code", flat=True)) == sorted(code for code, _ in POSTS)
    assert competition.max_commune_choices == len(POSTS)


def test_its_rules_are_valid_and_are_the_competitions_eligibility(competition):
    check_rules(
        campaign=competition, rules=competition.rules_versions.get().rules
    )  # raises if a run could not
    rules = campaign_rules(competition)  # what the application form checks, as the run will
    assert (rules.min_age, rules.max_age) == (MIN_AGE, MAX_AGE)
    assert competition_rules()["eligibility"]["min_education"] == "bac_3"
    assert not offers_province_fallback(competition)  # national posts: no "any commune of my province"


def test_its_page_invites_newcomers_in_both_languages(client, competition):
    french = client.get(f"/fr/campaigns/{competition.slug}/")
    arabic = client.get(f"/ar/campaigns/{competition.slug}/")
    assert french.status_code == arabic.status_code == 200
    assert competition.title_fr in french.content.decode().replace("&#x27;", "'")
    assert competition.title_ar in arabic.content.decode()
