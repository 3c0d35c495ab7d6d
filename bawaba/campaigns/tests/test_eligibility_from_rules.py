"""Who may apply comes from the campaign's current selection rules: the steps, the review page, the submission and
the campaign page say the same, in the candidate's language."""

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.campaigns import services, steps
from bawaba.campaigns.models import Application
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.versions import save_rules_version
from bawaba.campaigns.tests.helpers import translated_html
from bawaba.core import lists

pytestmark = pytest.mark.django_db


def _url(name: str, language: str = "fr", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"campaigns:{name}", kwargs=kwargs)


def _save(campaign, **eligibility) -> None:
    rules = default_census_rules()
    rules["eligibility"].update(eligibility)
    admitted = rules["eligibility"]["categories"]
    rules["score"]["category"] = {
        code: points for code, points in rules["score"]["category"].items() if code in admitted
    }
    save_rules_version(campaign=campaign, rules=rules, note="test", actor=None)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_situation_the_rules_do_not_admit_is_refused_on_its_step_with_the_reason(
    alice_client, census, draft, language
):
    _save(census, categories=["graduate", "student"])
    response = alice_client.post(
        _url("step", language, slug=census.slug, step=steps.SITUATION),
        {"category": "private_employee", "education_level": "bac_3", "education_field": "Économie"},
    )
    with translation.override(language):
        # The reader's own list: "A، B وC" in Arabic, "A et B" in French.
        admitted = lists.and_list(
            (Application.Category.GRADUATE.label, Application.Category.STUDENT.label), language
        )
    assertContains(
        response,
        translated_html(
            "This campaign does not admit candidates in this situation; it admits: %(categories)s.",
            language,
            categories=admitted,
        ),
    )
    assert Application.objects.get(pk=draft.pk).category == ""


def test_a_level_below_the_minimum_of_her_category_is_refused(alice_client, census, draft):
    _save(census, min_education_by_category={"student": "bac_2"})
    response = alice_client.post(
        _url("step", slug=census.slug, step=steps.SITUATION),
        {"category": "student", "education_level": "baccalaureate", "education_field": "Sciences"},
    )
    with translation.override("fr"):
        level = str(Application.EducationLevel.BAC_2.label)
    assertContains(
        response,
        translated_html(
            "In this situation, this campaign requires at least this education level: %(level)s.", level=level
        ),
    )
    # Another category keeps the general minimum (the baccalaureate).
    response = alice_client.post(
        _url("step", slug=census.slug, step=steps.SITUATION),
        {"category": "civil_servant", "education_level": "baccalaureate", "education_field": "Sciences"},
    )
    assert response.status_code == 302


def test_the_age_limits_of_the_rules_are_those_of_the_identity_step(alice_client, census, draft):
    _save(census, min_age=30, max_age=40)
    response = alice_client.get(_url("step", slug=census.slug, step=steps.IDENTITY))
    assertContains(response, "30")
    assertContains(response, "40")


def test_the_review_page_says_why_before_she_submits_and_the_submission_is_refused(
    alice_client, census, complete_draft
):
    # The rules changed after she answered: she no longer meets them.
    _save(census, categories=["student"])
    response = alice_client.get(_url("review", slug=census.slug))
    assertContains(response, translated_html("Under the campaign's rules, your answers make you ineligible"))
    assertContains(response, 'id="ineligible"')
    assertNotContains(response, _url("submit", slug=census.slug))
    with pytest.raises(services.ApplicationError) as refused:
        services.submit_application(application=complete_draft, base_url="http://testserver")
    assert refused.value.field == "category"


def test_an_eligible_candidate_sees_no_warning(alice_client, census, complete_draft):
    response = alice_client.get(_url("review", slug=census.slug))
    assertNotContains(response, 'id="ineligible"')
    assertContains(response, _url("submit", slug=census.slug))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_campaign_page_shows_the_rules_eligibility(client, census, language):
    _save(
        census,
        min_age=21,
        max_age=45,
        age_on="2026-06-30",
        categories=["graduate"],
        min_education_by_category={"graduate": "bac_3"},
    )
    response = client.get(_url("detail", language, slug=census.slug))
    with translation.override(language):
        graduate = str(Application.Category.GRADUATE.label)
        level = str(Application.EducationLevel.BAC_3.label)
        student = str(Application.Category.STUDENT.label)
    assertContains(response, graduate)
    assertNotContains(response, f"<li>{student}</li>")
    assertContains(
        response,
        translated_html("%(category)s: %(level)s or higher.", language, category=graduate, level=level),
    )
    assertContains(response, "21")
    assertContains(response, "45")


def test_the_situation_step_says_what_the_rules_ask_before_she_answers(alice_client, census, draft):
    _save(census, categories=["graduate", "student"], min_education_by_category={"student": "bac_2"})
    response = alice_client.get(_url("step", slug=census.slug, step=steps.SITUATION))
    with translation.override("fr"):
        graduate, student = str(Application.Category.GRADUATE.label), str(Application.Category.STUDENT.label)
        bac, bac_2 = (
            str(Application.EducationLevel.BACCALAUREATE.label),
            str(Application.EducationLevel.BAC_2.label),
        )
    assertContains(
        response,
        translated_html(
            "This campaign admits only these situations: %(categories)s.",
            categories=f"{graduate} et {student}",
        ),
    )
    assertContains(
        response,
        translated_html(
            "This campaign requires at least this level: %(level)s, except in these situations: %(exceptions)s.",
            level=bac,
            exceptions=f"{student}: {bac_2}",
        ),
    )
