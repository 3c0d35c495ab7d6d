"""The remote training's journey in a real browser (issue 12): the demo's preselection is published (its notices
written, the invitations held), the accounts are handed over to the e-learning platform (`export_moodle`, as
`make demo` does), the batch sender delivers the notices to the demo's SMTP sink; the demo candidate reads her
invitation in the demo mailbox, accepts her place on her dashboard and, after a progress import, reads her
progress in Arabic on a phone; a candidate on a waiting list is promoted after a decline and reads her own
invitation. Screenshots of each page are saved; axe-core checks every page (the `chromium` fixture)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.demo.services import CANDIDATE
from bawaba.notifications.models import Mailing
from bawaba.notifications.sender import MailingSender
from bawaba.selection.models import Promotion, SelectionCommuneResult, SelectionDecision
from bawaba.selection.services import decline_place, run_promotion_round
from bawaba.training.models import TrainingAccount, TrainingProgress
from bawaba.training.progress_csv import ProgressLine, write_progress_file
from bawaba.training.services.progress import import_progress
from tests.browser.test_selection_browser import sign_in

pytestmark = pytest.mark.browser

PASSWORD = re.compile(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}")


def _hand_over_and_send(campaign, tmp_path) -> None:
    """What `make demo` and its batch sender do: the file to the platform, then every queued message out."""
    call_command(
        "export_moodle",
        "--campaign",
        campaign.slug,
        "--output",
        str(tmp_path / "moodle.csv"),
        stdout=io.StringIO(),
    )
    MailingSender().send_until_idle()
    assert not Mailing.objects.filter(status=Mailing.Status.DRAFT).exists()


def _sign_in_as(page, user, live_server) -> None:
    """Her session in the page's browser (the demo's candidates but one have no password)."""
    if user.email == CANDIDATE.email:
        sign_in(page, CANDIDATE, "fr")
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _subject(message: str, language: str, campaign) -> str:
    title = campaign.title_ar if language == "ar" else campaign.title_fr
    return translated(message, language).replace("{campaign}", title)


def _read_invitation(page, language: str, email: str, subject: str) -> str:
    """Her messages in the demo mailbox (filtered by her address), then the invitation: its text."""
    page.goto(f"/{language}/demo/mailbox/")
    page.get_by_label(translated("Messages to", language), exact=True).fill(email)
    page.get_by_role("button", name=translated("Show", language), exact=True).click()
    page.get_by_role("link", name=subject, exact=True).click()
    body = page.locator(".mail-body")
    expect(body).to_be_visible()
    return body.inner_text()


def test_the_demo_candidate_reads_her_invitation_accepts_and_follows_her_progress(
    page, chromium, live_server, census_campaign, published_demo, demo_mailbox, screenshots, tmp_path
):
    decision = SelectionDecision.objects.select_related("application__user").get(
        run=published_demo, application__user__email=CANDIDATE.email
    )
    if decision.outcome != SelectionDecision.Outcome.ADMITTED:
        # At the browser tests' scale (0.002) the demo candidate stands on waiting lists of communes with no place
        # at all: the first candidate holding a place plays her part.
        decision = (
            SelectionDecision.objects.filter(run=published_demo, outcome=SelectionDecision.Outcome.ADMITTED)
            .select_related("application__user")
            .order_by("application_id")
            .first()
        )
    user = decision.application.user
    _hand_over_and_send(census_campaign, tmp_path)
    account = TrainingAccount.objects.get(application=decision.application)
    assert account.temporary_password == ""  # handed over: the password left the database

    # --- Her invitation, in French on a desktop: the platform's address, her username, a temporary password. ---
    text = _read_invitation(
        page,
        "fr",
        user.email,
        _subject("{campaign}: you are preselected for the remote training", "fr", census_campaign),
    )
    assert user.email in text and PASSWORD.search(text), text
    page.screenshot(path=screenshots / "training-invitation-fr.png", full_page=True)

    # --- She accepts her place on her dashboard. ----------------------------------------------------------------
    _sign_in_as(page, user, live_server)
    page.goto("/fr/me/")
    expect(page.get_by_role("heading", name=translated("Your training place", "fr"))).to_be_visible()
    page.screenshot(path=screenshots / "training-reply-fr.png", full_page=True)
    page.get_by_role("button", name=translated("Accept my place", "fr"), exact=True).click()
    expect(page.get_by_role("button", name=translated("Accept my place", "fr"), exact=True)).to_have_count(0)
    assert decision.application.training_reply.answer == "accepted"

    # --- The platform's completion report is imported; she reads her progress in Arabic on a phone. ------------
    report = write_progress_file(
        [
            ProgressLine(
                line=1,
                username=account.username,
                first_access=timezone.now() - dt.timedelta(days=2),
                completion_percent=40,
                grade=Decimal("12.50"),
                last_access=timezone.now() - dt.timedelta(hours=3),
            )
        ]
    )
    imported = import_progress(campaign=census_campaign, data=report, filename="report.csv", actor=None)
    assert imported.status == "applied", imported.errors
    assert TrainingProgress.objects.get(account=account).completion_percent == 40
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/ar/me/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name=translated("Your remote training", "ar"))).to_be_visible()
    expect(page.locator("progress.meter")).to_have_attribute("value", "40")
    assert _fits(page)
    page.screenshot(path=screenshots / "training-progress-ar-390.png", full_page=True)


def test_a_waiting_listed_candidate_is_promoted_after_a_decline_and_reads_her_invitation(
    page, chromium, live_server, census_campaign, published_demo, demo_mailbox, screenshots, tmp_path
):
    _hand_over_and_send(census_campaign, tmp_path)
    line = SelectionCommuneResult.objects.filter(
        run=published_demo, is_full=True, waitlist_length__gt=0
    ).first()
    leaving = (
        SelectionDecision.objects.filter(run=published_demo, commune_id=line.commune_id)
        .select_related("application__user", "application__campaign")
        .first()
    )
    decline_place(application=leaving.application, actor=leaving.application.user)
    promotion_round = run_promotion_round(campaign=census_campaign, actor=None)
    promoted = (
        Promotion.objects.filter(promotion_round=promotion_round, previous_commune__isnull=True)
        .select_related("application__user")
        .first()
    )
    assert promoted is not None
    _hand_over_and_send(census_campaign, tmp_path)

    user = promoted.application.user
    language = "ar"
    text = _read_invitation(
        page,
        language,
        user.email,
        _subject("{campaign}: a training place is offered to you", language, census_campaign),
    )
    assert user.email in text and PASSWORD.search(text), text
    assert _fits(page)
    page.screenshot(path=screenshots / "training-promoted-invitation-ar.png", full_page=True)

    # Her dashboard offers the place (the demo's other candidates have no password: a session of her own).
    client = Client()
    client.force_login(user)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    candidate = context.new_page()
    try:
        candidate.goto("/ar/me/")
        expect(
            candidate.get_by_role("button", name=translated("Accept my place", language), exact=True)
        ).to_be_visible()
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "training-promoted-dashboard-ar-390.png", full_page=True)
    finally:
        context.close()
