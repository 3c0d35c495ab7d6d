"""A central administrator follows a mailing in a real browser (Arabic and French): its progress, the servers'
answers, and a pause; the pages fit a phone (320 and 390 px) and pass axe-core (the `chromium` fixture)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import authenticator_for, pass_second_factor
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.tests.mailing_helpers import create
from tests.browser.test_staff_home_browser import sign_in

pytestmark = pytest.mark.browser


def _mailing_under_way() -> Mailing:
    mailing = create(12, label="Avis de présélection / إشعار الانتقاء الأولي")
    messages = list(mailing.messages.order_by("id"))
    now = timezone.now()
    for message in messages[:7]:
        message.status, message.sent_at = MailingMessage.Status.SENT, now - dt.timedelta(seconds=20)
    messages[7].status, messages[7].attempts = MailingMessage.Status.FAILED, 1
    messages[
        7
    ].last_error = (
        "550 5.1.1 <person7@example.ma>: Recipient address rejected: User unknown in virtual mailbox table"
    )
    MailingMessage.objects.bulk_update(messages, ["status", "sent_at", "attempts", "last_error"])
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
    return mailing


def _fits(page, width: int) -> bool:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_central_administrator_follows_and_pauses_a_mailing(
    page, live_server, transactional_db, language, screenshots
):
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma")
    authenticator_for(admin)
    mailing = _mailing_under_way()
    sign_in(page, admin.email, language)
    pass_second_factor(page, admin, language)

    page.get_by_role("main").get_by_role("link", name=translated("Mailings", language), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/mailings/")
    expect(page.get_by_role("heading", name=translated("Mailings", language), level=1)).to_be_visible()
    page.screenshot(path=screenshots / f"mailings-{language}.png", full_page=True)
    for width in (390, 320):
        assert _fits(page, width), f"the mailings page is wider than {width} px"
        page.screenshot(path=screenshots / f"mailings-{language}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=mailing.label).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/mailings/{mailing.pk}/")
    expect(page.get_by_text("550 5.1.1 <person7@example.ma>")).to_be_visible()
    page.get_by_role("button", name=translated("Pause", language)).click()
    expect(page.locator(".messages")).to_contain_text(
        translated(
            "The mailing is paused: the senders finish the batches in flight and take no more.", language
        )
    )
    expect(page.get_by_role("button", name=translated("Resume", language))).to_be_visible()
    page.screenshot(path=screenshots / f"mailing-{language}.png", full_page=True)
    for width in (390, 320):
        assert _fits(page, width), f"the mailing page is wider than {width} px"
        page.screenshot(path=screenshots / f"mailing-{language}-{width}.png", full_page=True)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.PAUSED
