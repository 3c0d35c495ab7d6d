"""No page is wider than the narrowest phone's screen, 320 px, in Arabic or in French (issue 11, "Done when").

The walk opens the main public, candidate and staff pages of the demo at 320 px. The measuring is the browser
tests' own (tests/accessibility.py): every page any browser test loads is measured, its width printed, and a page
that scrolls sideways fails the test with the elements that stick out; axe-core checks each page too.
"""

import pytest
from django.core.mail import send_mail

from bawaba.accounts.models import User
from bawaba.campaigns import steps
from bawaba.campaigns.models import Application
from bawaba.demo.competition import COMPETITION_SLUG
from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG
from bawaba.demo.services import ADMIN, CANDIDATE, COORDINATOR
from bawaba.indicators.refresh import refresh_summary
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 720}
LANGUAGES = ("ar", "fr")


def walk(page, audit, paths: list[str]) -> None:
    """Each page in each language, checked and measured before the next one loads."""
    page.set_viewport_size(NARROWEST)
    for language in LANGUAGES:
        for path in paths:
            checks = len(audit.widths)
            response = page.goto(f"/{language}{path}")
            assert response is not None and response.status < 400, (
                path,
                language,
                response and response.status,
            )
            audit.wait_until_checked(page, after=checks)


def test_public_pages_fit_a_320_px_screen(page, chromium, published_demo, demo_mailbox):
    # A message in the demo mailbox, whose list was the widest page of the site (issue 11).
    send_mail("Confirmez votre compte Bawaba", "…", None, ["a.very.long.address.for.a.candidate@example.ma"])
    walk(
        page,
        chromium.audit,
        [
            "/",
            "/campaigns/",
            f"/campaigns/{DEMO_CAMPAIGN_SLUG}/",
            f"/campaigns/{COMPETITION_SLUG}/",
            f"/campaigns/{DEMO_CAMPAIGN_SLUG}/selection/{published_demo.stage}/",
            "/personal-data/",
            "/legal-notice/",
            "/accessibility/",
            "/help/",
            "/contact/",
            "/accounts/login/",
            "/accounts/register/",
            "/accounts/password/reset/",
            "/demo/mailbox/",
        ],
    )


def test_candidate_pages_fit_a_320_px_screen(page, chromium, published_demo):
    sign_in(page, CANDIDATE, "fr")
    page.goto(f"/fr/campaigns/{COMPETITION_SLUG}/apply/")
    start = page.get_by_role("main").locator("form button[type=submit]")
    if start.count():
        start.first.click()
        page.wait_for_load_state()
    census = Application.objects.filter(
        user__email=CANDIDATE.email, campaign__slug=DEMO_CAMPAIGN_SLUG
    ).first()
    walk(
        page,
        chromium.audit,
        [
            "/me/",
            *([f"/me/applications/{census.pk}/"] if census else []),
            *(f"/campaigns/{COMPETITION_SLUG}/apply/{step.slug}/" for step in steps.STEPS[:-1]),
            f"/campaigns/{COMPETITION_SLUG}/apply/review/",
            "/me/data/",
            "/accounts/password/change/",
        ],
    )


def test_staff_pages_fit_a_320_px_screen(page, chromium, published_demo):
    refresh_summary(published_demo.campaign)  # the indicators' dashboard with its tables and charts
    sign_in(page, ADMIN, "fr")
    coordinator = User.objects.get(email=COORDINATOR.email)
    application = Application.objects.filter(campaign__slug=DEMO_CAMPAIGN_SLUG).order_by("pk").first()
    walk(
        page,
        chromium.audit,
        [
            "/staff/",
            "/staff/design/",
            "/staff/applications/",
            f"/staff/applications/{application.pk}/",
            "/staff/registrations/",
            "/staff/campaigns/",
            f"/staff/campaigns/{DEMO_CAMPAIGN_SLUG}/",
            f"/staff/campaigns/{DEMO_CAMPAIGN_SLUG}/edit/",
            f"/staff/campaigns/{DEMO_CAMPAIGN_SLUG}/needs/",
            "/staff/selection/",
            f"/staff/selection/{DEMO_CAMPAIGN_SLUG}/rules/",
            f"/staff/selection/{DEMO_CAMPAIGN_SLUG}/runs/",
            f"/staff/selection/runs/{published_demo.pk}/",
            f"/campaigns/selection/runs/{published_demo.pk}/report/",
            "/staff/accounts/",
            "/staff/accounts/new/",
            "/staff/accounts/import/",
            f"/staff/accounts/{coordinator.pk}/",
            "/staff/outbox/",
            "/staff/contact-messages/",
            "/staff/indicators/",
            f"/staff/indicators/{DEMO_CAMPAIGN_SLUG}/",
            f"/staff/indicators/{DEMO_CAMPAIGN_SLUG}/?province=04.281",
        ],
    )
