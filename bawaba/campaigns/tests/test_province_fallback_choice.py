"""The communes step's last question: any other commune of her province, nearest first, as a last resort."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertRedirects

from bawaba.campaigns import services
from bawaba.campaigns.models import Application
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
