"""The header (issue 11): the Kingdom of Morocco and the operator beside the wordmark; one row on a desktop even
for a central administrator, whose staff pages sit behind one "Staff pages" menu; on a phone the navigation folds
behind a "Menu" button that says whether it is open; without JavaScript the navigation simply stays open."""

import re

import pytest
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import PASSWORD, translated
from bawaba.accounts.twofactor.tests.helpers import authenticator_for, pass_second_factor

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 720}
DESKTOP = {"width": 1366, "height": 900}


def sign_in_as_central_admin(page, language: str) -> None:
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma", full_name="Nadia Alaoui")
    authenticator_for(admin)
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(admin.email)
    page.get_by_label(translated("Password", language), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    pass_second_factor(page, admin, language)
    expect(page).to_have_url(re.compile(rf"/{language}/staff/$"))
    page.wait_for_load_state("load")  # the stylesheet applied, before anything is measured


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_central_administrators_header_is_one_row_on_a_desktop(page, language):
    page.set_viewport_size(DESKTOP)
    sign_in_as_central_admin(page, language)

    header = page.locator(".site-header")
    expect(header).to_contain_text(translated("Kingdom of Morocco", language))
    expect(header).to_contain_text(translated("High Commission for Planning", language))
    expect(page.locator(".menu-toggle")).to_be_hidden()
    # One row: the wordmark, the navigation's items and the languages share one line.
    tops = page.evaluate(
        """() => [".site-name", ".site-nav > ul > li", ".lang-switch li"].flatMap(
             (selector) => [...document.querySelectorAll(selector)].map((element) => element.getBoundingClientRect()))
           .map((box) => Math.round(box.top + box.height / 2))"""
    )
    assert max(tops) - min(tops) <= 4, tops

    navigation = page.get_by_role("navigation", name=translated("Main navigation", language))
    outbox = navigation.get_by_role("link", name=translated("E-mail outbox", language), exact=True)
    expect(outbox).to_be_hidden()
    navigation.get_by_text(translated("Staff pages", language), exact=True).click()
    outbox.click()
    expect(page).to_have_url(re.compile(rf"/{language}/staff/outbox/$"))
    # The menu's name is marked while one of its pages is open.
    expect(page.locator(".nav-group--current")).to_have_count(1)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_on_a_phone_the_navigation_folds_behind_the_menu_button(page, language):
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/")
    toggle = page.get_by_role("button", name=translated("Menu", language), exact=True)
    navigation = page.get_by_role(
        "navigation", name=translated("Main navigation", language), include_hidden=True
    )
    sign_in_link = navigation.get_by_role("link", name=translated("Sign in", language), exact=True)

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sign_in_link).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sign_in_link).to_be_visible()
    toggle.click()
    expect(sign_in_link).to_be_hidden()


def test_without_javascript_the_navigation_stays_open(chromium, live_server, transactional_db):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/fr/")
    expect(page.get_by_role("button", name=translated("Menu", "fr"), exact=True)).to_have_count(0)
    navigation = page.get_by_role("navigation", name=translated("Main navigation", "fr"))
    expect(navigation.get_by_role("link", name=translated("Sign in", "fr"), exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()
