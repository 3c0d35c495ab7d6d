"""A whole application with the keyboard alone, in a real browser (Arabic and French): each field is reached with
Tab in reading order and shows where the focus is; text is typed, a radio button is chosen with Space and the
arrow keys, a box is ticked with Space, a list is set with the arrow keys (the HTMX cascade follows), and Enter on
each step's button saves it, up to the submission.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from bawaba.campaigns import services
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.helpers import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What she answers, by field name: a value to type, the value of a radio button, the values of the boxes to tick;
# a list (select) takes the option after the empty one.
IDENTITY = {
    "cin": "AB123456",
    "first_name_ar": "أمينة",
    "last_name_ar": "العلوي",
    "first_name_latin": "Amina",
    "last_name_latin": "Alaoui",
    "birth_date_day": "15",
    "birth_date_month": "3",
    "birth_date_year": "1995",
    "sex": Application.Sex.choices[0][0],
    "phone": "06 12 34 56 78",
    "region": None,
    "province": None,
    "residence_commune": None,
}
SITUATION = {"category": "graduate", "education_level": "bac_3", "education_field": "Géographie"}
EXPERIENCE = {"survey_experience_count": "2", "survey_experience_detail": "RGPH 2014; ENE 2019"}
SKILLS = {"ict_skill": "2", "languages": {"ar", "fr"}}
COMMUNE = {"region": None, "province": None, "commune": None}

_FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    type: element.type || "",
    name: element.name || "",
    value: element.value || "",
    text: (element.textContent || "").trim(),
    outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""

# After a list changes, the next list of its form is filled by HTMX before she moves on to it.
_NEXT_LIST_FILLED = """(name) => {
  const lists = [...document.activeElement.form.querySelectorAll("select")];
  const next = lists[lists.findIndex((list) => list.name === name) + 1];
  return !next || next.querySelector('option:not([value=""])') !== null;
}"""


def _fill_with_keyboard(page, answers: dict, button: str) -> list[str]:
    """Tab from where the focus is to `button`, answering each field of `answers` on the way, then press Enter.

    Returns the names of the fields reached, in order.
    """
    keyboard = page.keyboard
    reached: list[str] = []
    for _ in range(150):
        keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        assert focused["outlined"], f"no visible focus on {focused}"
        if focused["tag"] == "button" and focused["text"] == button:
            keyboard.press("Enter")
            return reached
        name = focused["name"]
        if name not in answers or (name in reached and focused["type"] != "checkbox"):
            continue
        reached.append(name)
        wanted = answers[name]
        if focused["type"] == "radio":
            keyboard.press("Space")
            for _ in range(10):
                if page.evaluate(_FOCUSED)["value"] == wanted:
                    break
                keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.checked && document.activeElement.value") == wanted
        elif focused["type"] == "checkbox":
            if focused["value"] in wanted:
                keyboard.press("Space")
        elif focused["tag"] == "select":
            keyboard.press("ArrowDown")
            page.wait_for_function(_NEXT_LIST_FILLED, arg=name)
        else:
            keyboard.type(wanted)
    raise AssertionError(f"the button {button!r} was never reached with Tab (fields reached: {reached})")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_candidate_applies_with_the_keyboard_alone(chromium, live_server, census, alice, places, language):
    def t(message: str) -> str:
        return translated(message, language)

    services.start_application(campaign=census, user=alice)
    client = Client()
    client.force_login(alice)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"/{language}/campaigns/{census.slug}/apply/identity/")
        reached = _fill_with_keyboard(page, IDENTITY, t("Save and continue"))
        assert reached == list(IDENTITY)  # the reading order of the form

        expect(page).to_have_url(re.compile(r"/apply/situation/$"))
        assert _fill_with_keyboard(page, SITUATION, t("Save and continue")) == list(SITUATION)
        expect(page).to_have_url(re.compile(r"/apply/experience/$"))
        assert _fill_with_keyboard(page, EXPERIENCE, t("Save and continue")) == list(EXPERIENCE)
        expect(page).to_have_url(re.compile(r"/apply/skills/$"))
        _fill_with_keyboard(page, SKILLS, t("Save and continue"))

        expect(page).to_have_url(re.compile(r"/apply/communes/$"))
        assert _fill_with_keyboard(page, COMMUNE, t("Add this commune to my list")) == list(COMMUNE)
        expect(page.locator(".choice-list__name")).to_have_count(1)
        _fill_with_keyboard(page, {}, t("Save and continue"))

        expect(page).to_have_url(re.compile(r"/apply/review/$"))
        _fill_with_keyboard(page, {}, t("Submit my application"))
        expect(page).not_to_have_url(re.compile(r"/apply/"))
        application = Application.objects.get(user=alice, campaign=census)
        assert application.status == Application.Status.SUBMITTED
        assert (application.cin, application.languages) == ("AB123456", ["ar", "fr"])
    finally:
        context.close()
