"""The staff rules page warns when rounding up the places gives small communes a whole extra place."""

import datetime as dt
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.accounts.tests.helpers import translated_html
from bawaba.campaigns.models import Campaign, CampaignRules, CommuneNeed
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.parser import parse_rules
from bawaba.campaigns.rules.rounding import EXAMPLES, rounding_warning
from bawaba.campaigns.rules.versions import rules_for_run
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.territory.models import Commune, Province, Region


def _parsed(factor: str, regions: dict | None = None):
    rules = default_census_rules()
    rules["over_selection"] = {"factor": factor, "regions": regions or {}}
    return parse_rules(
        rules_for_run(rules, Campaign(registration_closes_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    )


@pytest.mark.parametrize(
    ("need", "factor", "warned"),
    [
        (1, "1.01", True),  # 1.01 -> 2 places: a whole extra place where the factor asks for 0.01
        (99, "1.01", True),  # 99.99 -> 100
        (100, "1.01", False),  # exactly 101: the factor asks for one extra place and gets it
        (150, "1.01", False),  # 151.5 -> 152: the factor asks for more than one already
        (1, "1", False),  # no over-selection: nothing to round
        (1, "2", False),  # the factor asks for one whole place
        (3, "1.5", False),  # 4.5 -> 5: the factor asks for 1.5
        (1, "1.5", True),  # 1.5 -> 2: asks for half a place, gets one
    ],
)
def test_a_commune_is_listed_when_rounding_gives_a_place_the_factor_does_not_ask_for(need, factor, warned):
    warning = rounding_warning([("Commune", "01", need)], _parsed(factor))
    assert (warning is not None) == warned


def test_counts_every_commune_lists_the_smallest_and_uses_each_region_factor():
    rows = [(f"C{need:03d}", "01", need) for need in range(1, 12)] + [("Big", "01", 500), ("Other", "02", 1)]
    warning = rounding_warning(rows, _parsed("1.01", {"02": "1"}))
    assert warning is not None
    assert warning.count == 11  # needs 1..11 in region 01; region 02 has no over-selection
    assert len(warning.examples) == EXAMPLES
    assert [(c.name, c.needs, c.places) for c in warning.examples[:2]] == [("C001", 1, 2), ("C002", 2, 3)]
    assert warning.places == sum(need + 1 for need in range(1, 12)) + 505 + 1
    assert warning.exact == Fraction(101, 100) * (sum(range(1, 12)) + 500) + 1


@pytest.fixture
def campaign_with_needs(db):
    region = Region.objects.create(code="09", name_fr="Souss-Massa", name_ar="سوس ماسة")
    province = Province.objects.create(
        code="09.001", name_fr="Agadir", name_ar="أكادير", region=region, kind=Province.Kind.values[0]
    )
    campaign = CampaignFactory(slug="rgph-rounding")
    CampaignRules.objects.create(campaign=campaign, version=1, rules=default_census_rules(), note="defaults")
    for index, (fr, ar, need) in enumerate(
        [("Tamri", "تامري", 1), ("Aourir", "أورير", 2), ("Agadir", "أكادير", 400)]
    ):
        commune = Commune.objects.create(
            code=f"09.001.{index:02d}",
            name_fr=fr,
            name_ar=ar,
            province=province,
            region=region,
            kind=Commune.Kind.values[0],
        )
        CommuneNeed.objects.create(
            campaign=campaign, commune=commune, stage=CommuneNeed.Stage.TRAINING, quantity=need
        )
    return campaign


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_rules_page_says_how_many_communes_and_names_some(admin_client, campaign_with_needs, language):
    with translation.override(language):
        url = reverse("selection_staff:rules", args=[campaign_with_needs.slug])
    response = admin_client.get(url)
    assertContains(response, 'id="rounding-warning"')
    assertContains(
        response,
        translated_html(
            "Rounding up gives %(communes)s commune a whole extra place where the over-selection factor asks "
            "for less than one.",
            language,
            plural="Rounding up gives %(communes)s communes a whole extra place where the over-selection factor "
            "asks for less than one.",
            count=2,
            communes=2,
        ),
    )
    assertContains(response, "تامري" if language == "ar" else "Tamri")
    assertNotContains(response, ">Agadir: " if language == "fr" else ">أكادير: ")


def test_no_warning_without_over_selection(admin_client, campaign_with_needs):
    rules = default_census_rules()
    rules["over_selection"]["factor"] = "1"
    CampaignRules.objects.create(
        campaign=campaign_with_needs, version=2, rules=rules, note="no over-selection"
    )
    with translation.override("fr"):
        url = reverse("selection_staff:rules", args=[campaign_with_needs.slug])
    assertNotContains(admin_client.get(url), 'id="rounding-warning"')
