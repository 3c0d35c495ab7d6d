"""Waiting-list promotion in a real browser: the central administrator runs a round after a decline (French, then
the page in Arabic at phone width); a promoted candidate reads "promoted in round 1" on her dashboard; the public
report shows the communes the round changed (Arabic, right-to-left). Screenshots of each page are saved."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import pass_second_factor
from bawaba.demo.services import ADMIN
from bawaba.selection.models import (
    Promotion,
    PromotionRound,
    SelectionCommuneResult,
    SelectionDecision,
    SelectionRun,
)
from bawaba.selection.services import decline_place
from tests.browser.test_selection_browser import SEED, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def declined(census_campaign):
    """The national demo's preselection published, and a candidate of a full commune with a waiting list who
    declines her place."""
    call_command(
        "run_selection", "--campaign", census_campaign.slug, "--seed", SEED, "--publish", stdout=io.StringIO()
    )
    run = SelectionRun.objects.get(campaign=census_campaign, status=SelectionRun.Status.PUBLISHED)
    line = SelectionCommuneResult.objects.filter(run=run, is_full=True, waitlist_length__gt=0).first()
    decision = (
        SelectionDecision.objects.filter(run=run, commune_id=line.commune_id)
        .select_related("application__user", "application__campaign")
        .first()
    )
    decline_place(application=decision.application, actor=decision.application.user)
    return run


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_administrator_runs_a_round_and_the_promoted_candidate_reads_it(
    page, chromium, live_server, census_campaign, declined, screenshots
):
    def t(message: str, **params) -> str:
        return translated(message, "fr", **params)

    sign_in(page, ADMIN, "fr")
    pass_second_factor(page, ADMIN.authenticator_key, "fr")
    page.goto(f"/fr/staff/selection/{census_campaign.slug}/promotion/")
    expect(page.get_by_text(t("No promotion round yet."))).to_be_visible()
    page.get_by_role("button", name=t("Run a promotion round"), exact=True).click()
    promotion_round = PromotionRound.objects.get(run=declined)
    expect(
        page.get_by_text(
            t(
                "Round %(number)s is done: %(promotions)s candidates promoted.",
                number=1,
                promotions=promotion_round.summary["promotions"],
            )
        )
    ).to_be_visible()
    page.screenshot(path=screenshots / "selection-promotion-staff-fr.png", full_page=True)

    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/ar/staff/selection/{census_campaign.slug}/promotion/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert _fits(page), width
    page.screenshot(path=screenshots / "selection-promotion-staff-ar-390.png", full_page=True)

    # A promoted candidate (the demo's other candidates have no password: a session of her own).
    promoted = Promotion.objects.filter(promotion_round=promotion_round).select_related("application__user")[
        0
    ]
    client = Client()
    client.force_login(promoted.application.user)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    candidate = context.new_page()
    try:
        candidate.goto("/ar/me/")
        expect(candidate.get_by_text(translated("Your preselection result", "ar"))).to_be_visible()
        expect(candidate.locator(".explanation .message").first).to_be_visible()
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "selection-promoted-candidate-ar.png", full_page=True)
        candidate.locator(".explanation").first.screenshot(
            path=screenshots / "selection-promoted-candidate-explanation-ar.png"
        )
    finally:
        context.close()

    page.goto(f"/ar/campaigns/{census_campaign.slug}/selection/preselection/")
    expect(page.get_by_role("heading", name=translated("Waiting-list promotion", "ar"))).to_be_visible()
    assert _fits(page)
    page.screenshot(path=screenshots / "selection-promotion-report-ar.png", full_page=True)
    page.locator('section[aria-labelledby="promotion-title"]').screenshot(
        path=screenshots / "selection-promotion-report-section-ar.png"
    )
