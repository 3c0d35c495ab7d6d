"""Arabic typography in a real browser: the shipped Arabic face is the one used, and on the staff application
detail the CIN, the Latin name, the e-mail and the phone stay next to their labels in both directions."""

import re

import pytest
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.tests.helpers import PASSWORD, translated
from bawaba.accounts.twofactor.tests.helpers import authenticator_for, pass_second_factor
from bawaba.campaigns.tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

LABELS = ("National ID card number (CIN)", "Name (Latin script)", "E-mail", "Mobile phone", "Name (Arabic)")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_latin_values_sit_next_to_their_labels_and_arabic_is_set_in_the_shipped_face(
    page, live_server, transactional_db, language, screenshots
):
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma")
    authenticator_for(admin)
    application = ApplicationFactory(
        user=UserFactory(email="amina.alaoui@example.ma"), cin="AB123456", phone="+212612345678"
    )
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(admin.email)
    page.get_by_label(translated("Password", language), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/two-factor/"))
    pass_second_factor(page, admin, language)
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/")
    page.goto(f"/{language}/staff/applications/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("AB123456")

    rtl = language == "ar"
    for label in LABELS:
        term = page.locator("dt", has_text=re.compile(rf"^{re.escape(translated(label, language))}$"))
        cell = term.locator("xpath=following-sibling::dd[1]")
        value = cell.locator("bdi")
        term_box, cell_box, value_box = term.bounding_box(), cell.bounding_box(), value.bounding_box()

        # The start edge: the right in Arabic, the left in French.
        def start(box):
            return box["x"] + box["width"] if rtl else box["x"]

        def end(box):
            return box["x"] if rtl else box["x"] + box["width"]

        forward = -1 if rtl else 1
        # The value's text starts at the start of its cell, whatever the direction of the value itself (a CIN is
        # Latin, an Arabic name is Arabic): never pushed to the far edge, a page's width from its label.
        assert abs(start(value_box) - start(cell_box)) < 2, (label, language, "value inside its cell")
        # And the cell is beside its label (the summary list's two columns), or under it on a narrow screen.
        beside = 0 <= (start(cell_box) - end(term_box)) * forward <= 24
        under = abs(start(cell_box) - start(term_box)) < 2
        assert beside or under, (label, language, term_box, cell_box)
    page.screenshot(path=screenshots / f"staff-application-detail-{language}.png", full_page=True)

    # Arabic letters are drawn with the face the site ships (typography.css), loaded from the site itself.
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Noto Naskh Arabic' && f.status === 'loaded')"
        ".map(f => f.weight)"
    )
    assert "400" in loaded
    assert page.evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"', 'بوابة')")
