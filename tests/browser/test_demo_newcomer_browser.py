"""A newcomer tries the demo with nothing but what `make demo` prints: she opens the open competition's address,
creates an account, confirms it from the demo mailbox choosing her password, applies and submits; in Arabic and in French, on a phone
(390 px) and on a desktop. Screenshots of each moment at both widths go to test-artifacts/screenshots/.

The demo is what `make demo-data` builds (generate_demo at a small scale, its competition open today); the e-mails
go through a real SMTP server into the folder the demo mailbox page reads, as under `make demo`.
"""

import io
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.helpers import translated
from bawaba.core.bidi import isolate
from bawaba.demo.competition import POSTS, demo_competition
from bawaba.territory.models import Commune

pytestmark = pytest.mark.browser

PASSWORD = "cedar lantern harbour 58"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture
def printed(demo_data, live_server) -> dict[str, str]:
    """The addresses `make demo` prints (demo_guide), for this live server."""
    url = urlsplit(live_server.url)
    out = io.StringIO()
    call_command("demo_guide", "--host", url.hostname, "--port", str(url.port), stdout=out)
    text = out.getvalue()
    found = {
        "competition": re.search(r"Open competition:\s+(\S+)", text),
        "mailbox": re.search(r"Demo mailbox:\s+(\S+)", text),
    }
    return {name: match.group(1) for name, match in found.items() if match}


def shoot(page, screenshots, name: str) -> None:
    """The page as a phone and as a desktop show it, then back to the width the journey runs at."""
    size = page.viewport_size
    for label, viewport in (("390", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=screenshots / f"demo-newcomer-{name}-{label}.png", full_page=True)
    page.set_viewport_size(size)


def pick(page, t, *, commune: Commune, region: str, province: str, label: str) -> None:
    """Region, then province, then commune: each list filled by HTMX from the choice before it."""
    page.get_by_label(t(region), exact=True).select_option(str(commune.region_id))
    provinces = page.get_by_label(t(province), exact=True)
    expect(provinces.locator(f'option[value="{commune.province_id}"]')).to_have_count(1)
    provinces.select_option(str(commune.province_id))
    communes = page.get_by_label(t(label), exact=True)
    expect(communes.locator(f'option[value="{commune.pk}"]')).to_have_count(1)
    communes.select_option(str(commune.pk))


def open_mail(page, mailbox_url: str, subject: str, *, timeout: float = 15.0) -> None:
    """The demo mailbox page, reloaded until the message is there (the outbox sends at commit), then the message."""
    deadline = time.monotonic() + timeout
    page.goto(mailbox_url)
    link = page.get_by_role("link", name=subject, exact=True)
    while not link.count():
        assert time.monotonic() < deadline, f"no message {subject!r} in the demo mailbox"
        time.sleep(0.25)
        page.reload()
    expect(link).to_have_count(1)
    link.click()


@pytest.mark.parametrize(("language", "viewport"), [("ar", PHONE), ("fr", DESKTOP)])
def test_a_newcomer_registers_confirms_applies_and_submits_to_the_open_competition(
    page, printed, demo_mailbox, screenshots, language, viewport
):
    def t(message: str, **params) -> str:
        return translated(message, language, **params)

    competition = demo_competition()
    title = competition.title_ar if language == "ar" else competition.title_fr
    address = f"newcomer.{language}@example.ma"
    posts = list(Commune.objects.filter(code__in=[code for code, _ in POSTS]).order_by("code"))
    page.set_viewport_size(viewport)

    # --- The address printed by `make demo`, in her language. ---------------------------------------------------
    assert printed["competition"].endswith(f"/fr/campaigns/{competition.slug}/")
    page.goto(printed["competition"].replace("/fr/", f"/{language}/", 1))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".badge").first).to_have_text(t("Registration open"))
    shoot(page, screenshots, f"{language}-competition")

    # --- Create an account. -------------------------------------------------------------------------------------
    page.locator("main").get_by_role("link", name=t("Create an account"), exact=True).click()
    page.get_by_label(t("E-mail address"), exact=True).fill(address)
    page.get_by_role("button", name=t("Create my account"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your e-mail"))

    # --- Confirm it from the demo mailbox, whose address `make demo` printed too, choosing her password. --------
    open_mail(page, printed["mailbox"].replace("/fr/", f"/{language}/", 1), t("Confirm your Bawaba account"))
    expect(page.locator(".mail-body")).to_contain_text("/accounts/confirm/")
    shoot(page, screenshots, f"{language}-mail")
    page.locator(".mail-body a").filter(has_text="/accounts/confirm/").click()
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Password confirmation"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Confirm my account"), exact=True).click()
    expect(page.get_by_text(t("Your account is confirmed and you are signed in."))).to_be_visible()

    # --- Signed in already: back to the competition, start. -----------------------------------------------------
    page.goto(printed["competition"].replace("/fr/", f"/{language}/", 1))
    page.get_by_role("button", name=t("Start my application"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/identity/$"))

    # --- Identity, situation, experience, skills. ---------------------------------------------------------------
    page.get_by_label(t("National ID card number (CIN)"), exact=True).fill("BK 654321")
    page.get_by_label(t("First name in Arabic script"), exact=True).fill("سلمى")
    page.get_by_label(t("Last name in Arabic script"), exact=True).fill("بناني")
    page.get_by_label(t("First name in Latin script"), exact=True).fill("Salma")
    page.get_by_label(t("Last name in Latin script"), exact=True).fill("Bennani")
    page.get_by_label(t("Day"), exact=True).fill("9")
    page.get_by_label(t("Month"), exact=True).fill("11")
    page.get_by_label(t("Year"), exact=True).fill("1994")
    page.get_by_label(t("Female"), exact=True).check()
    page.get_by_label(t("Mobile phone number"), exact=True).fill("06 61 23 45 67")
    pick(
        page,
        t,
        commune=posts[0],
        region="Region of residence",
        province="Province or prefecture of residence",
        label="Commune of residence",
    )
    shoot(page, screenshots, f"{language}-identity")
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/apply/situation/$"))
    page.get_by_label(t("Holder of a post-baccalaureate diploma"), exact=True).check()
    page.get_by_label(t("Baccalaureate + 5 years (master, engineer)"), exact=True).check()
    page.get_by_label(t("Field of study"), exact=True).fill("Droit public")
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/apply/experience/$"))
    page.get_by_label(t("How many statistical field surveys have you taken part in?"), exact=True).fill("0")
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/apply/skills/$"))
    page.get_by_label(t("Advanced (data entry, troubleshooting)"), exact=True).check()
    page.get_by_label(t("Arabic"), exact=True).check()
    page.get_by_label(t("French"), exact=True).check()
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    # --- Her three cities, in her order: Marrakech, Rabat, Fès. --------------------------------------------------
    expect(page).to_have_url(re.compile(r"/apply/communes/$"))
    order = [posts[2], posts[1], posts[0]]  # posts in code order: Fès (03), Rabat (04), Marrakech (07)
    for commune in order:
        pick(page, t, commune=commune, region="Region", province="Province or prefecture", label="Commune")
        page.get_by_role("button", name=t("Add this commune to my list"), exact=True).click()
        expect(page.locator(".choice-list__name")).to_have_count(order.index(commune) + 1)
        # Adding reloads the page: the next region must be picked once HTMX listens again, not before.
        page.wait_for_load_state("load")
    names = [c.name_ar if language == "ar" else c.name_fr for c in order]
    expect(page.locator(".choice-list__name")).to_have_text(names)
    # National posts: the competition does not offer "any other commune of my province".
    expect(page.locator('input[name="accepts_any_commune_in_province"]')).to_have_count(0)
    shoot(page, screenshots, f"{language}-communes")

    # --- Review and submit. --------------------------------------------------------------------------------------
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/review/$"))
    expect(page.locator("main")).to_contain_text("BK654321")
    shoot(page, screenshots, f"{language}-review")
    page.get_by_role("button", name=t("Submit my application"), exact=True).click()

    expect(
        page.get_by_text(
            t("Your application was submitted. We sent a confirmation to %(email)s.", email=isolate(address))
        )
    ).to_be_visible()
    card = page.locator("article.application-card")
    expect(card.get_by_role("heading", level=2)).to_have_text(title)
    expect(card.locator(".badge")).to_have_text(t("Submitted"))
    shoot(page, screenshots, f"{language}-dashboard")

    application = Application.objects.get(user__email=address, campaign=competition)
    assert application.status == Application.Status.SUBMITTED
    assert [c.commune_id for c in application.choices.order_by("rank")] == [c.pk for c in order]
    # And the "application received" e-mail is in the demo mailbox.
    open_mail(
        page,
        printed["mailbox"].replace("/fr/", f"/{language}/", 1),
        t("Application received: %(campaign_title)s", campaign_title=title),
    )
