"""The communes step's last question: any other commune of her province, nearest first, as a last resort."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bawaba.campaigns import services
from bawaba.campaigns.models import Application, CampaignRules
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.versions import offers_province_fallback, save_rules_version
from bawaba.campaigns.tests.conftest import at, fill_application
from bawaba.campaigns.tests.helpers import translated_html
from bawaba.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FIELD = "accepts_any_commune_in_province"
QUESTION = (
    "If none of my communes can take me, I accept any other commune of my province, nearest first, "
    "as a last resort."
)
REGISTRATION_CLOSED = "Registration for this campaign is closed: your application can no longer be changed."


def url(name: str, **kwargs) -> str:
    with translation.override("fr"):
        return reverse(f"campaigns:{name}", kwargs=kwargs)


def french(message: str) -> str:
    """A new message as the French page shows it: translated once the catalogue has it, in English until then."""
    with translation.override("fr"):
        return escape(gettext(message))


def answer(client, *, ticked: bool, slug: str = "rgph"):
    # An unticked checkbox is simply absent from what the browser posts.
    data = {"action": "province_fallback", **({FIELD: "on"} if ticked else {})}
    return client.post(url("communes", slug=slug), data)


def checkbox(response) -> str | None:
    """The question's <input>, as the page renders it (None if the page does not ask it)."""
    found = re.search(rf'<input type="checkbox" name="{FIELD}"[^>]*>', response.content.decode())
    return found.group(0) if found else None


def saved(application: Application) -> bool:
    return Application.objects.values_list(FIELD, flat=True).get(pk=application.pk)


def test_the_step_asks_the_question_unticked_by_default(alice_client, draft):
    page = alice_client.get(url("communes", slug="rgph"))
    assertContains(page, french(QUESTION))
    assert checkbox(page) is not None and "checked" not in checkbox(page)
    # Tied to its explanation for screen readers.
    assert f'aria-describedby="id_{FIELD}_helptext"' in checkbox(page)
    assertContains(page, f'id="id_{FIELD}_helptext"')


def test_ticking_saves_and_continues_to_the_review(alice_client, draft):
    response = answer(alice_client, ticked=True)
    assertRedirects(response, url("review", slug="rgph"), fetch_redirect_response=False)
    assert saved(draft) is True
    event = AuditEvent.objects.get(action="application.province_fallback_changed")
    assert event.data == {"accepts": True}
    # The step shows the saved answer, ticked, when she comes back.
    assert "checked" in checkbox(alice_client.get(url("communes", slug="rgph")))


def test_unticking_saves_false(alice_client, draft):
    services.set_province_fallback(application=draft, accepts=True)
    response = answer(alice_client, ticked=False)
    assertRedirects(response, url("review", slug="rgph"), fetch_redirect_response=False)
    assert saved(draft) is False


def test_the_same_answer_again_writes_nothing(alice_client, draft):
    services.set_province_fallback(application=draft, accepts=True)
    before = Application.objects.get(pk=draft.pk).updated_at
    answer(alice_client, ticked=True)
    assert Application.objects.get(pk=draft.pk).updated_at == before
    assert AuditEvent.objects.filter(action="application.province_fallback_changed").count() == 1


def test_the_review_and_the_summary_show_the_answer(alice_client, complete_draft):
    no = french("No, only the communes I chose")
    yes = french("Yes, if none of my communes can take me")
    review = alice_client.get(url("review", slug="rgph"))
    assertContains(review, no)
    services.set_province_fallback(application=complete_draft, accepts=True)
    assertContains(alice_client.get(url("review", slug="rgph")), yes)
    assertContains(alice_client.get(url("application", pk=complete_draft.pk)), yes)


def test_the_picker_still_works_beside_the_question(alice_client, draft, places):
    # The no-JavaScript "show" button of the cascade re-renders the page: the saved answer stays as it was.
    services.set_province_fallback(application=draft, accepts=True)
    response = alice_client.post(
        url("communes", slug="rgph"),
        {"action": "show_places", "region": places.region.pk, "province": places.province.pk},
    )
    assert response.status_code == 200
    assertContains(response, f'<option value="{places.communes[0].pk}">{places.communes[0].name_fr}</option>')
    assert "checked" in checkbox(response)
    assert saved(draft) is True


@pytest.fixture
def draft_2024(census_2024, alice, places):
    with time_machine.travel(at(2024, 2, 10)):
        return fill_application(services.start_application(campaign=census_2024, user=alice), places)


def test_one_second_before_the_deadline_the_answer_is_saved(alice_client, draft_2024):
    with time_machine.travel(at(2024, 2, 27, 23, 58, 59)):
        answer(alice_client, ticked=True, slug="rgph-2024")
    assert saved(draft_2024) is True


def test_after_the_deadline_the_answer_cannot_change(alice_client, draft_2024):
    with time_machine.travel(at(2024, 2, 27, 23, 59)):
        response = answer(alice_client, ticked=True, slug="rgph-2024")
        assertRedirects(
            response, url("communes", slug="rgph-2024") + "#province-fallback", fetch_redirect_response=False
        )
        with pytest.raises(services.RegistrationClosed):
            services.set_province_fallback(application=draft_2024, accepts=True)
        # The step itself is read-only now: it sends her to what she declared, which shows the answer.
        page = alice_client.get(url("communes", slug="rgph-2024"), follow=True)
    assert saved(draft_2024) is False
    assertContains(page, translated_html(REGISTRATION_CLOSED))
    assertContains(page, french("No, only the communes I chose"))
    assert checkbox(page) is None


def test_a_withdrawn_application_cannot_change_it(complete_draft):
    services.submit_application(application=complete_draft, base_url="http://testserver/")
    services.withdraw_application(application=complete_draft)
    with pytest.raises(services.ApplicationError):
        services.set_province_fallback(application=complete_draft, accepts=True)
    assert saved(complete_draft) is False


def test_another_candidate_cannot_change_it(client, complete_draft, bob, census):
    client.force_login(bob)
    # The step acts on the signed-in candidate's own application: Bob has none, so he is sent to apply.
    response = answer(client, ticked=True)
    assertRedirects(response, url("apply", slug="rgph"), fetch_redirect_response=False)
    assert saved(complete_draft) is False
    # With an application of his own, his answer changes his, never hers.
    bobs = services.start_application(campaign=census, user=bob)
    answer(client, ticked=True)
    assert saved(bobs) is True
    assert saved(complete_draft) is False


# --- Only where the campaign's selection rules use it ------------------------------------------------------

HEADING = "If none of your communes can take you"
SUMMARY_LINE = "Any other commune of my province, nearest first, as a last resort"
YES, NO = "Yes, if none of my communes can take me", "No, only the communes I chose"


def new_rules_version(campaign, *, fallback: bool) -> None:
    """The census rules with the fallback on or off, saved as the campaign's next version (as staff save them)."""
    rules = default_census_rules()
    rules["province_fallback"]["enabled"] = fallback
    save_rules_version(
        campaign=campaign, rules=rules, note=f"fallback {'on' if fallback else 'off'}", actor=None
    )


@pytest.fixture
def fallback_turned_off(census):
    """Version 1 offers the fallback, version 2 (the current one) turns it off."""
    new_rules_version(census, fallback=True)
    new_rules_version(census, fallback=False)
    return census


def test_a_campaign_without_rules_yet_offers_it_as_the_default_rules_do(census):
    assert default_census_rules()["province_fallback"]["enabled"] is True
    assert offers_province_fallback(census) is True


def test_the_question_is_asked_when_the_current_rules_use_the_fallback(alice_client, draft):
    new_rules_version(draft.campaign, fallback=True)
    page = alice_client.get(url("communes", slug="rgph"))
    assertContains(page, translated_html(HEADING))
    assertContains(page, translated_html(QUESTION))
    assert checkbox(page) is not None


def test_the_question_is_not_asked_when_a_new_rules_version_turns_the_fallback_off(
    alice_client, draft, fallback_turned_off
):
    page = alice_client.get(url("communes", slug="rgph"))
    assert checkbox(page) is None
    assertNotContains(page, translated_html(HEADING))
    assertNotContains(page, translated_html(QUESTION))
    assertNotContains(page, f"id_{FIELD}_helptext")
    # The button that continues to the review stays: it is the step's way on.
    assertContains(page, 'name="action" value="province_fallback"')


def test_a_forged_answer_is_ignored_when_the_fallback_is_off(alice_client, draft, fallback_turned_off):
    response = answer(alice_client, ticked=True)
    assertRedirects(response, url("review", slug="rgph"), fetch_redirect_response=False)
    assert saved(draft) is False
    assert not AuditEvent.objects.filter(action="application.province_fallback_changed").exists()


def test_the_service_refuses_a_yes_when_the_fallback_is_off(draft, fallback_turned_off):
    with pytest.raises(services.ApplicationError) as refused:
        services.set_province_fallback(application=draft, accepts=True)
    assert refused.value.field == FIELD
    assert saved(draft) is False
    services.set_province_fallback(application=draft, accepts=False)  # a no is always allowed


def test_the_review_and_the_summary_do_not_mention_it_when_the_fallback_is_off(alice_client, complete_draft):
    # Ticked while the rules offered it, then a new version turned it off: the pages promise nothing.
    services.set_province_fallback(application=complete_draft, accepts=True)
    new_rules_version(complete_draft.campaign, fallback=False)
    for page in (
        alice_client.get(url("review", slug="rgph")),
        alice_client.get(url("application", pk=complete_draft.pk)),
    ):
        assert page.status_code == 200
        for message in (SUMMARY_LINE, YES, NO):
            assertNotContains(page, translated_html(message))


def test_the_newest_version_decides_and_a_saved_answer_comes_back_with_it(alice_client, complete_draft):
    campaign = complete_draft.campaign
    new_rules_version(campaign, fallback=True)
    services.set_province_fallback(application=complete_draft, accepts=True)
    new_rules_version(campaign, fallback=False)
    assert checkbox(alice_client.get(url("communes", slug="rgph"))) is None

    new_rules_version(campaign, fallback=True)
    assert "checked" in checkbox(alice_client.get(url("communes", slug="rgph")))
    assertContains(alice_client.get(url("review", slug="rgph")), translated_html(YES))


def test_rules_a_run_could_not_read_do_not_promise_it(census):
    rules = default_census_rules()
    rules["province_fallback"]["enabled"] = "yes"  # written around the service, which would refuse it
    CampaignRules.objects.create(campaign=census, version=1, rules=rules, note="typed by hand")
    assert offers_province_fallback(census) is False
