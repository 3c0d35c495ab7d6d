"""The identity step of the application with the keyboard alone, in a real browser: each field is reached with Tab
in reading order, shows where the focus is, is filled by typing (lists with the arrow keys, the HTMX cascade follows),
and Enter on the button saves the step.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from bawaba.campaigns import services
from bawaba.campaigns.tests.helpers import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = {
    "cin": "AB123456",
    "first_name_ar": "أمينة",
    "last_name_ar": "العلوي",
    "first_name_latin": "Amina",
    "last_name_latin": "Alaoui",
    "phone": "06 12 34 56 78",
}
BIRTH_DATE = ["15", "3", "1995"]  # day, month, year, in the order of the three boxes

_FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    type: element.type || "",
    name: element.name || "",
    text: (element.textContent || "").trim(),
    outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_identity_step_is_filled_and_saved_with_the_keyboard_alone(
    chromium, live_server, census, alice, places, language
):
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
        page.goto(f"/{language}/campaigns/rgph/apply/identity/")
        keyboard = page.keyboard
        reached: list[str] = []
        date_parts = iter(BIRTH_DATE)
        for _ in range(80):
            keyboard.press("Tab")
            focused = page.evaluate(_FOCUSED)
            assert focused["outlined"], f"no visible focus on {focused}"
            name = focused["name"]
            if name in TYPED:
                keyboard.type(TYPED[name])
            elif name.startswith("birth_date"):
                keyboard.type(next(date_parts))
            elif name == "sex" and "sex" not in reached:
                keyboard.press("Space")
            elif name in ("region", "province"):
                following = "province" if name == "region" else "residence_commune"
                keyboard.press("ArrowDown")
                # The next list is filled by HTMX from this choice before she moves on to it.
                expect(
                    page.locator(f'select[name="{following}"] option:not([value=""])').first
                ).to_be_attached()
            elif name == "residence_commune":
                keyboard.press("ArrowDown")
            elif focused["tag"] == "button" and focused["text"] == translated("Save and continue", language):
                reached.append("submit")
                break
            if name:
                reached.append(name)
        assert reached[-1] == "submit", reached
        # The header (the language switcher's form) comes first; the step's form starts at the CIN.
        fields = [name for name in dict.fromkeys(reached) if name != "submit"]
        fields = fields[fields.index("cin") :]
        assert fields[:5] == ["cin", "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin"]
        assert {"sex", "phone", "region", "province", "residence_commune"} <= set(fields)
        assert len([name for name in reached if name.startswith("birth_date")]) == 3

        keyboard.press("Enter")
        expect(page).not_to_have_url(re.compile(r"/apply/identity/$"))
        expect(page.get_by_role("alert")).to_have_count(0)
    finally:
        context.close()
