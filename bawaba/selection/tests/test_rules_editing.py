"""Editing a campaign's selection rules: every save is a new version, invalid input is refused and kept."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.campaigns.models import Application, CampaignRules
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.versions import save_rules_version
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.models import AuditEvent
from bawaba.selection.scoring import RulesError
from bawaba.selection.staff.forms import initial_from_rules
from bawaba.territory.models import Region

Category = Application.Category


@pytest.fixture
def campaign(db):
    campaign = CampaignFactory(slug="rgph-test")
    CampaignRules.objects.create(
        campaign=campaign, version=1, rules=default_census_rules(), note="Default census rules"
    )
    return campaign


@pytest.fixture
def regions(db) -> list[Region]:
    return [
        Region.objects.create(code="06", name_fr="Casablanca-Settat", name_ar="الدار البيضاء سطات"),
        Region.objects.create(code="09", name_fr="Souss-Massa", name_ar="سوس ماسة"),
    ]


def _url(campaign, name: str = "rules") -> str:
    with translation.override("en"):
        return reverse(f"selection_staff:{name}", args=[campaign.slug])


def _form_data(**changes) -> dict:
    """What the form sends when nothing is touched on the default rules, with `changes` applied."""
    data = {
        key: value
        for key, value in initial_from_rules(default_census_rules()).items()
        if value is not None and value is not False
    }
    data["note"] = "Bonus for the residence commune raised to 25"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _latest(campaign) -> CampaignRules:
    return CampaignRules.objects.filter(campaign=campaign).order_by("-version").first()


class TestPage:
    def test_shows_the_current_version_and_the_history(self, admin_client, campaign):
        response = admin_client.get(_url(campaign))
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "Current rules (version 1)" in page
        assert "Default census rules" in page
        assert "From 18 to 65 years old" in page
        assert "The day registration closes" in page

    def test_a_campaign_without_rules_starts_from_the_defaults(self, admin_client):
        campaign = CampaignFactory()
        response = admin_client.get(_url(campaign))
        assert response.status_code == 200
        assert response.context["form"]["bonus_commune"].value() == 20

    def test_an_old_version_has_its_own_page(self, admin_client, campaign, central_admin):
        save_rules_version(
            campaign=campaign,
            rules=default_census_rules() | {"bonus": {"residence_commune": 3, "residence_province": 1}},
            note="smaller bonus",
            actor=central_admin,
        )
        with translation.override("en"):
            url = reverse("selection_staff:rules_version", args=[campaign.slug, 1])
        response = admin_client.get(url)
        assert response.status_code == 200
        shown = response.context["shown"]
        assert (shown.residence_commune_bonus, shown.residence_province_bonus) == (20, 8)

    def test_region_names_are_shown_on_the_form(self, admin_client, campaign, regions):
        page = admin_client.get(_url(campaign)).content.decode()
        assert "Casablanca-Settat" in page
        assert 'name="region_06"' in page


class TestSaving:
    def test_saves_a_new_version_with_an_audit_event(self, admin_client, campaign, central_admin):
        response = admin_client.post(_url(campaign), _form_data(bonus_commune=25))
        assert response.status_code == 302
        assert response["Location"] == _url(campaign)
        saved = _latest(campaign)
        assert saved.version == 2
        assert saved.rules["bonus"]["residence_commune"] == 25
        assert saved.note == "Bonus for the residence commune raised to 25"
        assert saved.created_by == central_admin
        event = AuditEvent.objects.get(action="selection.rules_saved")
        assert event.actor == central_admin
        assert event.target_id == str(saved.pk)
        assert event.data["version"] == 2
        # The first version is exactly as it was.
        assert CampaignRules.objects.get(campaign=campaign, version=1).rules == default_census_rules()

    def test_the_saved_rules_are_the_default_ones_when_nothing_is_touched(self, admin_client, campaign):
        admin_client.post(_url(campaign), _form_data())
        assert _latest(campaign).rules == default_census_rules()

    def test_the_success_message_names_the_version(self, admin_client, campaign):
        response = admin_client.post(_url(campaign), _form_data(), follow=True)
        assert "Version 2 of the rules is saved." in response.content.decode()

    def test_keeps_the_day_ages_are_counted_on(self, admin_client, campaign, central_admin):
        rules = default_census_rules()
        rules["eligibility"]["age_on"] = "2024-03-01"
        save_rules_version(campaign=campaign, rules=rules, note="ages on 1 March", actor=central_admin)
        admin_client.post(_url(campaign), _form_data())
        assert _latest(campaign).version == 3
        assert _latest(campaign).rules["eligibility"]["age_on"] == "2024-03-01"

    def test_a_category_left_out_loses_its_points(self, admin_client, campaign):
        admitted = [Category.GRADUATE, Category.STUDENT]
        admin_client.post(_url(campaign), _form_data(categories=admitted))
        rules = _latest(campaign).rules
        assert rules["eligibility"]["categories"] == ["graduate", "student"]
        assert rules["score"]["category"] == {"graduate": 30, "student": 20}

    def test_region_overrides_are_saved_by_region_code(self, admin_client, campaign, regions):
        admin_client.post(_url(campaign), _form_data(factor="1.05", region_06="1.5", region_09=""))
        over_selection = _latest(campaign).rules["over_selection"]
        assert over_selection == {"factor": "1.05", "regions": {"06": "1.5"}}

    def test_fallback_can_be_switched_off(self, admin_client, campaign):
        data = _form_data(fallback_max_communes=3)
        data.pop("fallback_enabled")
        admin_client.post(_url(campaign), data)
        assert _latest(campaign).rules["province_fallback"] == {"enabled": False, "max_communes": 3}


class TestInvalidInput:
    @pytest.mark.parametrize(
        ("changes", "message", "kept"),
        [
            (
                {"factor": "0.5"},
                "The over-selection factor is at least 1 (no over-selection).",
                'value="0.5"',
            ),
            ({"factor": "3.5"}, "The over-selection factor is at most 3.", 'value="3.5"'),
            (
                {"min_age": "40", "max_age": "30"},
                "The maximum age (30) is below the minimum age (40).",
                'name="min_age" value="40"',
            ),
            ({"bonus_province": "-3"}, "Points cannot be negative.", 'value="-3"'),
            ({"category_graduate": "-1"}, "Points cannot be negative.", 'value="-1"'),
            ({"note": ""}, "Say what changed in this version.", 'value="12"'),
            ({"categories": []}, "Admit at least one category.", 'value="12"'),
            ({"fallback_max_communes": "101"}, "Add at most 100 communes.", 'value="101"'),
        ],
    )
    def test_is_refused_with_a_message_and_kept(self, admin_client, campaign, changes, message, kept):
        response = admin_client.post(_url(campaign), _form_data(bonus_commune="12", **changes))
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert message in page
        assert kept in page
        assert 'value="12"' in page  # what was typed elsewhere is still there
        assert _latest(campaign).version == 1
        assert CampaignRules.objects.get(campaign=campaign, version=1).rules == default_census_rules()
        assert not AuditEvent.objects.filter(action="selection.rules_saved").exists()

    def test_what_the_selection_refuses_is_shown_and_nothing_saved(self, admin_client):
        # A version saved outside this page (admin, a script) with a day the selection cannot read: the form
        # keeps it, and the selection's own check refuses the result.
        campaign = CampaignFactory()
        rules = default_census_rules()
        rules["eligibility"]["age_on"] = "1 March 2024"
        CampaignRules.objects.create(campaign=campaign, version=1, rules=rules, note="typed by hand")
        response = admin_client.post(_url(campaign), _form_data(note="kept note"))
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "The selection refused these rules; nothing was saved:" in page
        assert "eligibility.age_on must be a date written YYYY-MM-DD" in page
        assert 'value="kept note"' in page
        assert _latest(campaign).version == 1

    def test_the_note_is_kept_when_another_field_is_wrong(self, admin_client, campaign):
        response = admin_client.post(_url(campaign), _form_data(factor="0.5", note="a careful note"))
        assert 'value="a careful note"' in response.content.decode()


class TestService:
    def test_versions_follow_each_other(self, campaign, central_admin):
        second = save_rules_version(
            campaign=campaign, rules=default_census_rules(), note="a", actor=central_admin
        )
        third = save_rules_version(campaign=campaign, rules=default_census_rules(), note="b", actor=None)
        assert (second.version, third.version) == (2, 3)
        assert third.created_by is None

    def test_refuses_rules_the_selection_cannot_read(self, campaign, central_admin):
        rules = default_census_rules()
        rules["over_selection"]["factor"] = "0.5"
        rules["score"]["ict_skill"]["7"] = 3
        with pytest.raises(RulesError) as refused:
            save_rules_version(campaign=campaign, rules=rules, note="bad", actor=central_admin)
        assert len(refused.value.problems) == 2
        assert _latest(campaign).version == 1

    def test_refuses_an_empty_note(self, campaign, central_admin):
        with pytest.raises(RulesError):
            save_rules_version(
                campaign=campaign, rules=default_census_rules(), note="  ", actor=central_admin
            )
        assert _latest(campaign).version == 1

    def test_the_first_version_of_a_campaign_is_1(self, central_admin):
        campaign = CampaignFactory()
        saved = save_rules_version(
            campaign=campaign, rules=default_census_rules(), note="first", actor=central_admin
        )
        assert saved.version == 1


class TestWhoMay:
    @pytest.mark.parametrize("persona", ["supervisor", "candidate"])
    def test_others_signed_in_get_not_found(self, client, request, campaign, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(_url(campaign)).status_code == 404
        assert client.post(_url(campaign), _form_data()).status_code == 404
        assert _latest(campaign).version == 1

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, campaign):
        response = client.post(_url(campaign), _form_data())
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/?next=")
        assert _latest(campaign).version == 1

    def test_an_unknown_campaign_is_not_found(self, admin_client):
        with translation.override("en"):
            assert admin_client.get(reverse("selection_staff:rules", args=["nope"])).status_code == 404


class TestCategoryMinimum:
    def test_a_category_minimum_is_saved_shown_and_read_by_the_form(self, admin_client, campaign):
        response = admin_client.post(
            _url(campaign), _form_data(min_education_student="bac_2", note="Students need bac+2")
        )
        assert response.status_code == 302
        saved = _latest(campaign).rules["eligibility"]
        assert saved["min_education_by_category"] == {"student": "bac_2"}
        page = admin_client.get(_url(campaign)).content.decode()
        assert '<option value="bac_2" selected>' in page

    def test_the_general_minimum_adds_nothing_to_the_document(self, admin_client, campaign):
        admin_client.post(_url(campaign), _form_data(min_education_student="", note="Nothing new"))
        assert "min_education_by_category" not in _latest(campaign).rules["eligibility"]
