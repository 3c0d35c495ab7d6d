"""The application through the browser: steps, errors that keep what was typed, communes, deadline, access."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bawaba.accounts.tests.helpers import translated
from bawaba.campaigns import services, steps
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.conftest import at, fill_application, identity_post
from bawaba.campaigns.tests.factories import ApplicationFactory
from bawaba.campaigns.tests.helpers import date_and_time, day, translated_html
from bawaba.core.bidi import isolate

pytestmark = pytest.mark.django_db

CIN_ALREADY_USED = (
    "This CIN is already used in this campaign. If it is yours and you did not apply, contact the campaign's "
    "administration."
)
REGISTRATION_CLOSED = "Registration for this campaign is closed: your application can no longer be changed."


def url(name: str, **kwargs) -> str:
    with translation.override("fr"):
        return reverse(f"campaigns:{name}", kwargs=kwargs)


def step_url(step: str, slug: str = "rgph") -> str:
    if step in (steps.COMMUNES, steps.REVIEW):
        return url(step, slug=slug)
    return url("step", slug=slug, step=step)


def _saved(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- Sign-in and access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/fr/me/", "/fr/me/applications/1/", "/fr/campaigns/rgph/apply/", "/fr/campaigns/rgph/apply/identity/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, census, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=")


def test_a_candidate_cannot_read_another_candidates_application(client, complete_draft, bob):
    client.force_login(bob)
    assert client.get(url("application", pk=complete_draft.pk)).status_code == 404
    assert client.get(url("application", pk=complete_draft.pk + 1000)).status_code == 404  # same answer


def test_a_candidate_cannot_change_submit_or_withdraw_another_candidates_application(
    client, complete_draft, bob
):
    client.force_login(bob)
    before = _saved(complete_draft)
    # The steps act on the signed-in candidate's own application: Bob has none, so nothing of Alice's moves.
    response = client.post(step_url(steps.SITUATION), {"category": "student", "education_level": "bac_3"})
    assertRedirects(response, url("apply", slug="rgph"), fetch_redirect_response=False)
    assert client.post(url("submit", slug="rgph")).status_code == 404
    assert client.post(url("withdraw", slug="rgph")).status_code == 404
    after = _saved(complete_draft)
    assert (after.category, after.status, after.updated_at) == (
        before.category,
        before.status,
        before.updated_at,
    )


# --- The whole way, from the campaign page to the dashboard -----------------------------------------------------


def test_a_candidate_applies_from_the_campaign_page_to_her_dashboard(
    alice_client, census, places, mailoutbox, django_capture_on_commit_callbacks
):
    page = alice_client.get(url("detail", slug="rgph"))
    assertContains(page, translated_html("Start my application"))

    response = alice_client.post(url("apply", slug="rgph"))
    assertRedirects(response, step_url(steps.IDENTITY))
    application = Application.objects.get(user__email="alice@example.ma")

    response = alice_client.post(step_url(steps.IDENTITY), identity_post(places))
    assertRedirects(response, step_url(steps.SITUATION))
    application = _saved(application)
    assert application.cin == "AB123456"  # "ab 123456" as typed
    assert application.phone == "+212612345678"  # "06 12 34 56 78" as typed

    response = alice_client.post(
        step_url(steps.SITUATION),
        {"category": "graduate", "education_level": "bac_3", "education_field": "Géographie"},
    )
    assertRedirects(response, step_url(steps.EXPERIENCE))
    response = alice_client.post(
        step_url(steps.EXPERIENCE),
        {"survey_experience_count": "2", "survey_experience_detail": "RGPH 2014; ENE 2019"},
    )
    assertRedirects(response, step_url(steps.SKILLS))
    response = alice_client.post(step_url(steps.SKILLS), {"ict_skill": "2", "languages": ["shi", "ar", "fr"]})
    assertRedirects(response, step_url(steps.COMMUNES))

    for commune in places.communes[:2]:
        response = alice_client.post(
            step_url(steps.COMMUNES),
            {
                "region": places.region.pk,
                "province": places.province.pk,
                "commune": commune.pk,
                "action": "add",
            },
        )
        assertRedirects(response, step_url(steps.COMMUNES) + "#choices", fetch_redirect_response=False)

    review = alice_client.get(step_url(steps.REVIEW))
    assertContains(review, translated_html("Submit my application"))
    assertContains(review, "AB123456")
    assertContains(review, places.communes[1].name_fr)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url("submit", slug="rgph"), follow=True)
    assertRedirects(response, "/fr/me/")
    assertContains(
        response,
        translated_html(
            "Your application was submitted. We sent a confirmation to %(email)s.",
            email=isolate("alice@example.ma"),
        ),
    )
    application = _saved(application)
    assert application.status == Application.Status.SUBMITTED
    assert application.languages == ["ar", "shi", "fr"]
    assert application.survey_experience_count == 2
    assert [c.commune_id for c in application.choices.order_by("rank")] == [c.pk for c in places.communes[:2]]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.ma"]

    # Back on the campaign page, she is told it is done; "apply" takes her to the review.
    assertContains(
        alice_client.get(url("detail", slug="rgph")), translated_html("Your application is submitted.")
    )
    assertRedirects(alice_client.get(url("apply", slug="rgph")), step_url(steps.REVIEW))


def test_coming_back_resumes_at_the_first_step_left_to_fill_in(alice_client, draft, places):
    assertRedirects(alice_client.get(url("apply", slug="rgph")), step_url(steps.IDENTITY))
    alice_client.post(step_url(steps.IDENTITY), identity_post(places))
    assertRedirects(alice_client.get(url("apply", slug="rgph")), step_url(steps.SITUATION))


def test_each_step_shows_what_was_saved(alice_client, complete_draft):
    page = alice_client.get(step_url(steps.IDENTITY))
    assertContains(page, 'value="AB123456"')
    assertContains(page, 'value="+212612345678"')
    assertContains(page, 'value="1995"')
    assertContains(page, translated_html("Step %(number)s of %(total)s", number=1, total=6))
    page = alice_client.get(step_url(steps.SKILLS))
    assert re.search(r'value="shi"[^>]*checked', page.content.decode())


# --- Errors: one message each, in words, and nothing typed is lost ----------------------------------------------


def test_identity_errors_are_shown_with_everything_typed_kept(alice_client, draft, places):
    typed = identity_post(
        places,
        cin="12-34",
        first_name_ar="Amina",
        birth_date_day="31",
        birth_date_month="2",
        birth_date_year="1995",
        phone="05 22 12 34 56",
        last_name_latin="Alaoui Idrissi",
    )
    response = alice_client.post(step_url(steps.IDENTITY), typed)
    assert response.status_code == 200
    assertContains(response, translated_html("There is a problem"))
    assertContains(
        response,
        translated_html(
            "Enter the CIN as on your card: one or two letters then up to %(digits)s digits, "
            "for example AB123456.",
            digits=7,
        ),
    )
    assertContains(response, translated_html("Write this name in Arabic letters."))
    assertContains(response, translated_html("Enter a real date, for example 15 3 1995."))
    assertContains(
        response,
        translated_html("Enter a Moroccan mobile number starting with 06 or 07, for example 06 12 34 56 78."),
    )
    for value in ("12-34", "Amina", "31", "05 22 12 34 56", "Alaoui Idrissi", "العلوي"):
        assertContains(response, f'value="{value}"')
    assertContains(response, 'aria-invalid="true"')
    assertContains(response, 'aria-describedby="id_cin_helptext id_cin_error"')
    assert _saved(draft).cin is None


def test_a_birth_date_outside_the_age_limits_is_refused(alice_client, draft, places, census):
    closing_year = census.registration_closes_at.year
    response = alice_client.post(
        step_url(steps.IDENTITY), identity_post(places, birth_date_year=str(closing_year - 10))
    )
    closing_day = timezone.localdate(census.registration_closes_at)  # born 15 March: 10 from that day on
    assertContains(
        response,
        translated_html(
            "Candidates must be between %(min)s and %(max)s years old on %(date)s; you would be %(age)s.",
            min=18,
            max=65,
            date=day(closing_day),
            age=10 if (closing_day.month, closing_day.day) >= (3, 15) else 9,
        ),
    )
    assert _saved(draft).birth_date is None


def test_a_cin_used_by_another_candidate_is_refused_with_a_clear_message(
    alice_client, census, draft, places, bob
):
    ApplicationFactory(campaign=census, user=bob, cin="AB123456")
    response = alice_client.post(step_url(steps.IDENTITY), identity_post(places, cin="ab-123456"))
    assert response.status_code == 200
    assertContains(response, translated_html(CIN_ALREADY_USED))
    assertContains(response, 'id="id_cin_error"')
    assertContains(response, 'value="ab-123456"')
    assertContains(response, 'value="Amina"')
    assert _saved(draft).cin is None


def test_situation_errors_are_explained(alice_client, draft):
    response = alice_client.post(step_url(steps.SITUATION), {"education_field": "Droit"})
    assertContains(response, translated_html("Choose one of the answers."), count=2)  # at each field
    # In the summary, each error after its field's name, linking to the field.
    for field, label in (("category", "Your situation"), ("education_level", "Highest education level")):
        message = translated("Choose one of the answers.")
        named = translated(
            "%(label)s: %(message)s", context="error summary: a field's label, then its error"
        ) % {
            "label": translated(label),
            "message": message[0].lower() + message[1:],
        }
        assertContains(response, f'<a href="#id_{field}_0">{escape(named)}</a>')
    assertContains(response, 'value="Droit"')
    response = alice_client.post(
        step_url(steps.SITUATION), {"category": "graduate", "education_level": "baccalaureate"}
    )
    assertContains(
        response,
        translated_html(
            "A holder of a post-baccalaureate diploma has studied beyond the baccalaureate: check your level."
        ),
    )
    assertContains(response, translated_html("Enter the field of your highest diploma or of your studies."))
    assert re.search(r'value="graduate"[^>]*checked', response.content.decode())


def test_experience_needs_the_surveys_named(alice_client, draft):
    response = alice_client.post(step_url(steps.EXPERIENCE), {"survey_experience_count": "two"})
    assertContains(response, translated_html("Enter a whole number, 0 if none."))
    assertContains(response, 'value="two"')
    response = alice_client.post(step_url(steps.EXPERIENCE), {"survey_experience_count": "2"})
    assertContains(response, translated_html("Say which surveys you took part in."))


def test_skills_need_at_least_one_language(alice_client, draft):
    response = alice_client.post(step_url(steps.SKILLS), {"ict_skill": "3"})
    assertContains(response, translated_html("Tick at least one language."))
    assert re.search(r'value="3"[^>]*checked', response.content.decode())


# --- Region -> province -> commune, with and without JavaScript -------------------------------------------------


def test_without_javascript_the_show_button_fills_the_next_list_and_keeps_what_was_typed(
    alice_client, draft, places
):
    typed = identity_post(places, province="", residence_commune="", action="show_places", phone="06 1")
    response = alice_client.post(step_url(steps.IDENTITY), typed)
    assert response.status_code == 200
    assertContains(response, f'<option value="{places.province.pk}">{places.province.name_fr}</option>')
    assertContains(response, 'value="06 1"')  # kept as typed, not yet checked
    assertNotContains(response, translated_html("There is a problem"))  # not submitted yet: no errors
    assertNotContains(response, f'<option value="{places.communes[0].pk}"')

    typed["province"] = str(places.province.pk)
    response = alice_client.post(step_url(steps.IDENTITY), typed)
    assertContains(response, f'<option value="{places.communes[0].pk}">{places.communes[0].name_fr}</option>')
    assertContains(response, f'<option value="{places.province.pk}" selected>')
    assert _saved(draft).phone == ""  # "show" never saves


def test_a_commune_outside_the_chosen_province_is_refused(alice_client, draft, places):
    response = alice_client.post(
        step_url(steps.IDENTITY), identity_post(places, residence_commune=str(places.elsewhere.pk))
    )
    assertContains(
        response,
        translated_html("Choose from the list. If you changed the region or the province, choose again."),
    )
    assert _saved(draft).residence_commune_id is None


def test_the_htmx_partials_return_the_next_options(alice_client, places):
    response = alice_client.get(
        url("province_options"), {"region": places.region.pk, "reset": "id_commune"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f'<option value="{places.province.pk}">{places.province.name_fr}</option>' in html
    assert '<select id="id_commune" hx-swap-oob="innerHTML">' in html  # the communes list is emptied
    response = alice_client.get(
        url("commune_options"), {"province": places.province.pk}, HTTP_HX_REQUEST="true"
    )
    assertContains(response, f'<option value="{places.communes[0].pk}">{places.communes[0].name_fr}</option>')
    assertContains(
        alice_client.get(url("province_options"), {"region": "x", "reset": '"><script>'}),
        translated_html("Choose a region first"),
    )
    assertNotContains(alice_client.get(url("province_options"), {"reset": '"><script>'}), "<script>")


def test_the_picker_selects_carry_their_htmx_requests(alice_client, draft):
    page = alice_client.get(step_url(steps.IDENTITY)).content.decode()
    assert f'hx-get="{url("province_options")}"' in page
    assert 'hx-target="#id_province"' in page
    assert f'hx-get="{url("commune_options")}"' in page
    assert 'hx-target="#id_residence_commune"' in page
    assert "htmx" in page and "<script" in page


# --- The communes step ------------------------------------------------------------------------------------------


def _post_commune(client, action: str, commune, places=None):
    data = {"action": action, "commune": commune.pk}
    if places is not None:
        data.update(region=places.region.pk, province=places.province.pk)
    return client.post(step_url(steps.COMMUNES), data)


def test_communes_are_added_reordered_and_removed_on_the_page(alice_client, draft, places):
    a, b, c = places.communes[:3]
    for commune in (a, b, c):
        _post_commune(alice_client, "add", commune, places)
    _post_commune(alice_client, "up", c)
    _post_commune(alice_client, "down", a)
    _post_commune(alice_client, "remove", b)
    assert [ch.commune_id for ch in draft.choices.order_by("rank")] == [c.pk, a.pk]
    page = alice_client.get(step_url(steps.COMMUNES)).content.decode()
    assert page.index(c.name_fr) < page.index(a.name_fr)
    assert translated_html("Your communes (%(chosen)s of %(maximum)s)", chosen=2, maximum=3) in page


def test_the_communes_step_refuses_a_duplicate_and_keeps_the_picker(alice_client, draft, places):
    _post_commune(alice_client, "add", places.communes[0], places)
    response = _post_commune(alice_client, "add", places.communes[0], places)
    assert response.status_code == 200
    assertContains(response, translated_html("This commune is already in your list."))
    assertContains(response, f'<option value="{places.communes[0].pk}" selected>')
    assert draft.choices.count() == 1


def test_at_the_maximum_the_page_says_so_instead_of_offering_more(alice_client, draft, places):
    services.set_choices(application=draft, commune_ids=[c.pk for c in places.communes[:3]])
    page = alice_client.get(step_url(steps.COMMUNES))
    assertContains(
        page,
        translated_html(
            "You have chosen %(maximum)s communes, the most this campaign allows. "
            "To choose another one, remove one first.",
            maximum=3,
        ),
    )
    assertNotContains(page, translated_html("Add this commune to my list"))
    response = _post_commune(alice_client, "add", places.communes[3], places)
    assertContains(
        response,
        translated_html(
            "You have already chosen %(maximum)s communes, the most this campaign allows. Remove one first.",
            maximum=3,
        ),
    )
    assert draft.choices.count() == 3


def test_choosing_a_commune_to_add_is_required(alice_client, draft, places):
    response = alice_client.post(
        step_url(steps.COMMUNES),
        {"action": "add", "region": places.region.pk, "province": places.province.pk},
    )
    assertContains(response, translated_html("Choose the commune to add."))


# --- The deadline and after -------------------------------------------------------------------------------------


@pytest.fixture
def draft_2024(census_2024, alice, places):
    with time_machine.travel(at(2024, 2, 10)):
        return fill_application(services.start_application(campaign=census_2024, user=alice), places)


def test_a_step_posted_one_second_before_the_deadline_is_saved(alice_client, draft_2024):
    with time_machine.travel(at(2024, 2, 27, 23, 58, 59)):
        response = alice_client.post(
            step_url(steps.SITUATION, "rgph-2024"),
            {"category": "student", "education_level": "bac_2", "education_field": "Économie"},
        )
    assertRedirects(response, step_url(steps.EXPERIENCE, "rgph-2024"), fetch_redirect_response=False)
    assert _saved(draft_2024).category == "student"


def test_a_step_posted_at_the_deadline_is_refused_and_comes_back_with_what_was_typed(
    alice_client, draft_2024
):
    with time_machine.travel(at(2024, 2, 27, 23, 59)):
        response = alice_client.post(
            step_url(steps.SITUATION, "rgph-2024"),
            {"category": "student", "education_level": "bac_2", "education_field": "Sociologie"},
        )
    assert response.status_code == 200
    assertContains(response, translated_html(REGISTRATION_CLOSED))
    assertContains(response, 'value="Sociologie"')
    assert _saved(draft_2024).category == "graduate"


def test_after_the_deadline_the_steps_turn_read_only(alice_client, draft_2024):
    with time_machine.travel(at(2024, 2, 28, 8)):
        response = alice_client.get(step_url(steps.SITUATION, "rgph-2024"))
        assertRedirects(response, url("application", pk=draft_2024.pk), fetch_redirect_response=False)
        page = alice_client.get(response["Location"])
        assert alice_client.get(step_url(steps.REVIEW, "rgph-2024")).status_code == 302
    assertContains(
        page,
        translated_html(
            "Registration closed on %(date)s at %(time)s: your application can no longer be changed.",
            **date_and_time(draft_2024.campaign.registration_closes_at),
        ),
    )
    assertNotContains(page, translated_html("Change my application"))


def test_a_submission_at_the_deadline_is_refused_with_a_message(alice_client, draft_2024):
    with time_machine.travel(at(2024, 2, 27, 23, 59)):
        response = alice_client.post(url("submit", slug="rgph-2024"), follow=True)
    assertContains(response, translated_html(REGISTRATION_CLOSED))
    assert _saved(draft_2024).status == Application.Status.DRAFT


def test_an_incomplete_application_is_sent_back_to_the_review(alice_client, draft, places):
    alice_client.post(step_url(steps.IDENTITY), identity_post(places))
    response = alice_client.post(url("submit", slug="rgph"), follow=True)
    assertRedirects(response, step_url(steps.REVIEW))
    assertContains(
        response, translated_html("Your application is not complete yet: fill in the steps marked below.")
    )
    assertContains(response, translated_html("Still to fill in before you can submit"))
    assertNotContains(response, translated_html("Submit my application"))


# --- Withdrawal -------------------------------------------------------------------------------------------------


def test_a_candidate_withdraws_after_confirming_and_may_apply_again(alice_client, complete_draft):
    services.submit_application(application=complete_draft, base_url="https://x")
    page = alice_client.get(url("withdraw", slug="rgph"))
    assertContains(page, translated_html("Yes, withdraw my application"))
    assertContains(
        page,
        translated_html(
            "You can apply again until %(date)s at %(time)s; after that, withdrawing is final.",
            **date_and_time(complete_draft.campaign.registration_closes_at),
        ),
    )
    response = alice_client.post(url("withdraw", slug="rgph"), follow=True)
    assertContains(response, translated_html("Your application was withdrawn."))
    assertContains(response, translated_html("Apply again"))
    assert _saved(complete_draft).status == Application.Status.WITHDRAWN

    response = alice_client.post(url("apply", slug="rgph"))
    assertRedirects(response, step_url(steps.REVIEW), fetch_redirect_response=False)
    assert _saved(complete_draft).status == Application.Status.DRAFT


def test_withdrawal_is_asked_only_of_a_submitted_application(alice_client, complete_draft):
    assertRedirects(alice_client.get(url("withdraw", slug="rgph")), "/fr/me/")
    response = alice_client.post(url("withdraw", slug="rgph"), follow=True)
    assertContains(response, translated_html("Only a submitted application can be withdrawn."))
