"""A central administrator sets up a campaign in a real browser (Arabic and French): from the staff home she opens
the campaigns (the demo's census and competition are there), creates one with its calendar, then imports its needs
from a CSV file: a file with a faulty line imports nothing and names the line; the corrected file shows its preview
by region, and applying it sets the needs. The form and the preview hold on a phone (390 px) too.

She signs in with the demo's administrator account, as `make demo` prints it.
"""

import datetime as dt
import re

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import pass_second_factor
from bawaba.campaigns.models import Campaign, CampaignStage, CommuneNeed
from bawaba.campaigns.tests.helpers import day
from bawaba.demo.competition import demo_competition
from bawaba.demo.services import ADMIN
from bawaba.territory.models import Commune

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def sign_in(page, language: str) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(ADMIN.email)
    page.get_by_label(translated("Password", language), exact=True).fill(ADMIN.password)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    pass_second_factor(
        page, ADMIN.authenticator_key, language
    )  # the demo's authenticator, as make demo prints it


def fits_a_phone(page) -> bool:
    """Nothing wider than the screen: wide tables scroll inside their own box, the page itself never sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_administrator_creates_a_campaign_and_imports_its_needs(
    page, live_server, census_campaign, language, screenshots
):
    def t(message: str, **params) -> str:
        return translated(message, language, **params)

    def field(message: str, **params) -> str:
        # Model fields' labels are their verbose names with a capital.
        return capfirst(t(message, **params))

    sign_in(page, language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    page.get_by_role("main").get_by_role("link", name=t("Campaigns (set-up)"), exact=True).click()
    main = page.get_by_role("main")
    for campaign in (census_campaign, demo_competition()):
        expect(
            main.get_by_role(
                "link", name=campaign.title_ar if language == "ar" else campaign.title_fr, exact=True
            )
        ).to_be_visible()

    main.get_by_role("link", name=t("New campaign"), exact=True).click()
    administration = census_campaign.administration
    page.get_by_label(field("administration"), exact=True).select_option(str(administration.pk))
    page.get_by_label(field("short name"), exact=True).fill(f"rgph-2034-{language}")
    page.get_by_label(field("kind"), exact=True).select_option("census")
    page.get_by_label(field("title (Arabic)"), exact=True).fill("الإحصاء العام للسكان والسكنى 2034")
    page.get_by_label(field("title (French)"), exact=True).fill("Recensement général de la population 2034")
    page.get_by_label(t("Registration opens at"), exact=True).fill("2034-02-07T08:00")
    page.get_by_label(t("Registration closes at"), exact=True).fill("2034-02-27T23:59")
    page.get_by_label(field("maximum number of commune choices"), exact=True).fill("5")
    preselection = t("Automatic preselection")
    # A preselection before registration closes: the page says so, nothing is created.
    page.get_by_label(t("%(stage)s: first day", stage=preselection), exact=True).fill("2034-02-20")
    page.get_by_role("button", name=t("Create the campaign"), exact=True).click()
    # In the summary the message follows the field's name, its first letter in lower case: compared regardless.
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(
            re.escape(
                t(
                    "%(stage)s cannot start before the day registration closes (%(day)s).",
                    stage=preselection,
                    day=day(dt.date(2034, 2, 27), language),
                )
            ),
            re.IGNORECASE,
        )
    )
    assert not Campaign.objects.filter(slug=f"rgph-2034-{language}").exists()
    page.set_viewport_size(PHONE)
    assert fits_a_phone(page)
    page.screenshot(path=screenshots / f"campaign-form-error-{language}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label(t("%(stage)s: first day", stage=preselection), exact=True).fill("2034-03-01")
    page.get_by_label(t("%(stage)s: last day", stage=preselection), exact=True).fill("2034-03-10")
    page.get_by_label(t("%(stage)s: first day", stage=t("Interview at province level")), exact=True).fill(
        "2034-05-15"
    )
    page.get_by_role("button", name=t("Create the campaign"), exact=True).click()
    expect(page.get_by_text(t("The campaign is created."))).to_be_visible()
    campaign = Campaign.objects.get(slug=f"rgph-2034-{language}")
    assert set(campaign.stages.values_list("kind", flat=True)) == {
        CampaignStage.Kind.REGISTRATION,
        CampaignStage.Kind.PRESELECTION,
        CampaignStage.Kind.INTERVIEW,
    }
    # The categories admitted come from the rules (the census defaults, none saved yet), with a link to them.
    expect(
        page.get_by_text(t("The campaign has no selection rules yet: the census defaults apply."))
    ).to_be_visible()
    expect(page.get_by_role("link", name=t("Change them on the rules page"))).to_be_visible()
    page.screenshot(path=screenshots / f"campaign-created-{language}.png", full_page=True)

    page.get_by_role("main").get_by_role("link", name=t("Needs per commune"), exact=True).click()
    first, second, third = Commune.objects.order_by("code")[:3]
    upload = page.get_by_label(t("File of needs (CSV)"), exact=True)
    faulty = f"commune_code;stage;need\n{first.code};training;12\n{second.code};training;-4\n"
    upload.set_input_files(files=[{"name": "besoins.csv", "mimeType": "text/csv", "buffer": faulty.encode()}])
    page.get_by_role("button", name=t("Check the file"), exact=True).click()
    problem = t(
        "Line %(line)s: the need is %(value)s; it must be at least 1 (leave out a commune that needs nobody).",
        line=3,
        value="-4",
    )
    expect(page.get_by_text(problem)).to_be_visible()
    assert not CommuneNeed.objects.filter(campaign=campaign).exists()
    page.screenshot(path=screenshots / f"needs-faulty-file-{language}.png", full_page=True)

    fixed = faulty.replace(";-4", ";4") + f"{third.code};field;7\n"
    upload = page.get_by_label(t("File of needs (CSV)"), exact=True)
    upload.set_input_files(files=[{"name": "besoins.csv", "mimeType": "text/csv", "buffer": fixed.encode()}])
    page.get_by_role("button", name=t("Check the file"), exact=True).click()
    expect(page.get_by_role("heading", name=t("What applying the file changes"))).to_be_visible()
    national = page.locator("tfoot tr")
    expect(national).to_contain_text(t("Whole country"))
    expect(national).to_contain_text("16")
    page.set_viewport_size(PHONE)
    assert fits_a_phone(page)
    page.screenshot(path=screenshots / f"needs-preview-{language}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not CommuneNeed.objects.filter(campaign=campaign).exists()

    page.get_by_role("button", name=t("Apply the file"), exact=True).click()
    expect(
        page.get_by_text(
            t(
                "The needs are replaced. Added: %(added)s; changed: %(changed)s; removed: %(removed)s.",
                added=3,
                changed=0,
                removed=0,
            )
        )
    ).to_be_visible()
    assert dict(CommuneNeed.objects.filter(campaign=campaign).values_list("commune__code", "quantity")) == {
        first.code: 12,
        second.code: 4,
        third.code: 7,
    }
    page.screenshot(path=screenshots / f"needs-applied-{language}.png", full_page=True)
