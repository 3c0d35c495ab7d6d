"""The axe-core check of the browser tests (tests/accessibility.py) finds a violation, and passes a correct page."""

import pytest

from tests.accessibility import Audit

pytestmark = pytest.mark.browser

PAGE = '<!doctype html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>{}</main></body></html>'


def _audit(chromium_session, body: str) -> Audit:
    # Checked once, by hand: a watched context would also check on load, at a moment the test does not choose.
    audit = Audit()
    context = chromium_session.new_context()
    page = context.new_page()
    page.set_content(PAGE.format(body))
    audit.check(page)
    context.close()
    return audit


def test_an_image_without_a_text_alternative_fails_with_the_rule_and_the_element(chromium_session):
    audit = _audit(chromium_session, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logo">')

    with pytest.raises(AssertionError) as failure:
        audit.assert_clean()
    assert "image-alt [critical]" in str(failure.value) and "#logo" in str(failure.value)


def test_the_same_image_with_its_text_alternative_passes(chromium_session):
    audit = _audit(chromium_session, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo">')

    assert audit.reports and not audit.reports[-1].violations
    audit.assert_clean()


def test_a_page_wider_than_the_window_fails_naming_what_sticks_out(chromium_session):
    audit = _audit(chromium_session, '<div id="wide" style="inline-size: 2000px">Large</div>')

    with pytest.raises(AssertionError) as failure:
        audit.assert_clean()
    assert "wider than the window" in str(failure.value) and "div#wide" in str(failure.value)


def test_a_wide_table_in_its_own_scrolling_box_does_not_widen_the_page(chromium_session):
    audit = _audit(
        chromium_session,
        '<div role="region" aria-label="Tableau" tabindex="0" style="overflow-x: auto">'
        '<table><tr><td style="min-inline-size: 2000px; display: block">Large</td></tr></table></div>',
    )

    assert audit.widths and not audit.widths[-1].too_wide
    audit.assert_clean()
