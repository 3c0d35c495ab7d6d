"""A candidate's whole journey in a real browser, in Arabic and in French: register, confirm from the e-mail a real
SMTP server received by choosing her password (which signs her in), fill every step (errors first, then corrected), submit, see the dashboard.

The SMTP server is the project's sink (aiosmtpd), started by the test; Django sends to it with its SMTP backend.
Screenshots of the key moments go to test-artifacts/screenshots/.
"""

import datetime as dt
import email
import email.policy
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from bawaba.campaigns.models import Application, Campaign, CampaignStage
from bawaba.campaigns.tests.factories import AdministrationFactory, CampaignFactory
from bawaba.campaigns.tests.helpers import translated
from bawaba.core import lists
from bawaba.core.bidi import isolate
from bawaba.core.templatetags.form_tags import after_label
from bawaba.notifications.smtp_sink import start_sink
from bawaba.territory.models import Commune, Province

pytestmark = pytest.mark.browser

PASSWORD = "saffron minaret ledger 42"
TOO_SHORT = "Zq7kp"
SUMMARY_ENTRY = "error summary: a field's label, then its error"
CONFIRM_LINK = re.compile(r"http://[^\s/]+/(?:ar|fr)/accounts/confirm/[^/\s]+/")


@pytest.fixture
def smtp_sink(tmp_path, settings):
    """A real SMTP server on a free port, keeping each message as an .eml file; Django sends to it."""
    mailbox = tmp_path / "mailbox"
    controller = start_sink(directory=mailbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


@pytest.fixture
def open_campaign(transactional_db) -> Campaign:
    """The territory, and a census campaign whose registration is open now, up to three communes."""
    call_command("load_territory", "--no-centroids", verbosity=0)
    now = timezone.now()
    campaign = CampaignFactory(
        administration=AdministrationFactory(
            code="hcp", name_ar="المندوبية السامية للتخطيط", name_fr="Haut-Commissariat au Plan"
        ),
        slug="rgph-journey",
        kind=Campaign.Kind.CENSUS,
        title_ar="الإحصاء العام للسكان والسكنى",
        title_fr="Recensement général de la population et de l'habitat",
        registration_opens_at=now - dt.timedelta(days=5),
        registration_closes_at=now + dt.timedelta(days=10),
        max_commune_choices=3,
    )
    today = timezone.localdate(now)
    first = today + dt.timedelta(days=13)
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, today - dt.timedelta(days=5), today + dt.timedelta(days=10)),
        (Kind.PRESELECTION, first, None),
        (Kind.REMOTE_TRAINING, first + dt.timedelta(days=14), first + dt.timedelta(days=106)),
        (Kind.INTERVIEW, first + dt.timedelta(days=75), None),
        (Kind.FIELD_TRAINING, first + dt.timedelta(days=122), first + dt.timedelta(days=183)),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return campaign


def _messages(mailbox: Path) -> list:
    if not mailbox.is_dir():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(mailbox.glob("*.eml"))
    ]


def _subject(message) -> str:
    # A long non-ASCII subject is folded before its first encoded word ("Subject:" CRLF SP "=?utf-8?b?..."):
    # the parser keeps that folding space, a mail client trims it.
    return str(message["Subject"]).strip()


def _wait_for_message(mailbox: Path, *, to: str, subject: str, timeout: float = 10.0):
    """The message with this subject the sink received for `to` (the outbox sends at commit: allow a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in _messages(mailbox) if m["To"] == to and _subject(m) == subject]
        if found:
            assert len(found) == 1, f"{len(found)} messages {subject!r} to {to}"
            return found[0]
        if time.monotonic() > deadline:
            seen = [(m["To"], m["Subject"]) for m in _messages(mailbox)]
            raise AssertionError(f"no message {subject!r} to {to} in the sink; it holds {seen}")
        time.sleep(0.1)


def _path(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def _pick_place(
    page, *, region_label: str, province_label: str, commune_label: str, commune: Commune
) -> None:
    """Region, then province, then commune, each list filled by HTMX from the choice before it."""
    page.get_by_label(region_label, exact=True).select_option(str(commune.region_id))
    province = page.get_by_label(province_label, exact=True)
    expect(province.locator(f'option[value="{commune.province_id}"]')).to_have_count(1)
    province.select_option(str(commune.province_id))
    select = page.get_by_label(commune_label, exact=True)
    expect(select.locator(f'option[value="{commune.pk}"]')).to_have_count(1)
    select.select_option(str(commune.pk))


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_candidate_registers_applies_and_sees_her_dashboard(
    page, live_server, open_campaign, smtp_sink, screenshots, language
):
    def t(message: str, **params) -> str:
        return translated(message, language, **params)

    def after_field(label: str, message: str) -> str:
        """A field's error as the error summary shows it: after the field's name (core/includes/error_summary.html)."""
        return translated("%(label)s: %(message)s", language, context=SUMMARY_ENTRY) % {
            "label": label,
            "message": after_label(message),
        }

    address = f"amina.{language}@example.ma"
    province = (
        Province.objects.annotate(n=Count("communes"))
        .filter(n__gte=3)
        .select_related("region")
        .order_by("code")[0]
    )
    communes = list(Commune.objects.filter(province=province).select_related("region").order_by("code")[:3])
    with translation.override(language):
        chosen_names = [c.name for c in communes[1:3]]
        campaign_title = open_campaign.title

    # --- Register: her address only; the password is chosen on the page the e-mailed link opens. ---------------
    page.goto(_path(language, "accounts:register"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    page.get_by_label(t("E-mail address"), exact=True).fill(address)
    page.get_by_role("button", name=t("Create my account"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your e-mail"))

    # --- The confirmation e-mail, as the real SMTP server received it, in the candidate's language. -------------
    confirmation = _wait_for_message(smtp_sink, to=address, subject=t("Confirm your Bawaba account"))
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert t("To choose your password and activate your Bawaba account, open this link:") in body
    link = CONFIRM_LINK.search(body).group(0)
    assert link.startswith(f"{live_server.url}/{language}/accounts/confirm/")  # built from the request

    # --- The link's page: opening it (as a mail scanner would) activates nothing; a too-short password first. ---
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Confirm your account"))
    page.get_by_label(t("Password"), exact=True).fill(TOO_SHORT)
    page.get_by_label(t("Password confirmation"), exact=True).fill(TOO_SHORT)
    page.get_by_role("button", name=t("Confirm my account"), exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name=t("There is a problem"))).to_be_visible()
    # The length rule's message, in the page's language (Arabic included: see bawaba.accounts.validators).
    too_short = {
        "ar": "كلمة المرور هذه قصيرة جدا. يجب أن تتكون من 10 حروف على الأقل.",
        "fr": "Ce mot de passe est trop court. Il doit contenir au moins 10 caractères.",
    }[language]
    expect(summary).to_contain_text(after_field(t("Password"), too_short))
    expect(page.locator("#id_password1_error")).to_contain_text(too_short)
    page.screenshot(path=screenshots / f"journey-{language}-confirm-errors.png", full_page=True)

    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Password confirmation"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Confirm my account"), exact=True).click()
    # Confirmed and signed in at once: her dashboard.
    expect(page.get_by_text(t("Your account is confirmed and you are signed in."))).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=t("My applications"))).to_be_visible()

    page.goto(_path(language, "campaigns:apply", slug=open_campaign.slug))
    page.get_by_role("button", name=t("Start my application"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/identity/$"))

    # --- Identity: an invalid CIN and phone first. ---------------------------------------------------------------
    cin = page.get_by_label(t("National ID card number (CIN)"), exact=True)
    phone = page.get_by_label(t("Mobile phone number"), exact=True)
    cin.fill("12-34")
    page.get_by_label(t("First name in Arabic script"), exact=True).fill("أمينة")
    page.get_by_label(t("Last name in Arabic script"), exact=True).fill("العلوي")
    page.get_by_label(t("First name in Latin script"), exact=True).fill("Amina")
    page.get_by_label(t("Last name in Latin script"), exact=True).fill("Alaoui")
    page.get_by_label(t("Day"), exact=True).fill("15")
    page.get_by_label(t("Month"), exact=True).fill("3")
    page.get_by_label(t("Year"), exact=True).fill("1995")
    page.get_by_label(t("Female"), exact=True).check()
    phone.fill("05 22 12 34 56")
    _pick_place(
        page,
        region_label=t("Region of residence"),
        province_label=t("Province or prefecture of residence"),
        commune_label=t("Commune of residence"),
        commune=communes[0],
    )
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name=t("There is a problem"))).to_be_visible()
    cin_error = t(
        "Enter the CIN as on your card: one or two letters then up to %(digits)s digits, for example AB123456.",
        digits=7,
    )
    phone_error = t("Enter a Moroccan mobile number starting with 06 or 07, for example 06 12 34 56 78.")
    expect(summary).to_contain_text(after_field(t("National ID card number (CIN)"), cin_error))
    expect(summary).to_contain_text(after_field(t("Mobile phone number"), phone_error))
    expect(page.locator("#id_cin_error")).to_contain_text(cin_error)
    expect(page.locator("#id_phone_error")).to_contain_text(phone_error)
    expect(cin).to_have_attribute("aria-invalid", "true")
    # Everything typed is kept, the wrong values too, so that she corrects rather than retypes.
    expect(cin).to_have_value("12-34")
    expect(phone).to_have_value("05 22 12 34 56")
    expect(page.get_by_label(t("First name in Arabic script"), exact=True)).to_have_value("أمينة")
    expect(page.get_by_label(t("Last name in Arabic script"), exact=True)).to_have_value("العلوي")
    expect(page.get_by_label(t("First name in Latin script"), exact=True)).to_have_value("Amina")
    expect(page.get_by_label(t("Last name in Latin script"), exact=True)).to_have_value("Alaoui")
    expect(page.get_by_label(t("Year"), exact=True)).to_have_value("1995")
    expect(page.get_by_label(t("Female"), exact=True)).to_be_checked()
    expect(page.get_by_label(t("Commune of residence"), exact=True)).to_have_value(str(communes[0].pk))
    page.screenshot(path=screenshots / f"journey-{language}-identity-errors.png", full_page=True)

    cin.fill("ab 123456")
    phone.fill("06 12 34 56 78")
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    # --- Situation, experience, skills. ------------------------------------------------------------------------
    expect(page).to_have_url(re.compile(r"/apply/situation/$"))
    page.get_by_label(t("Holder of a post-baccalaureate diploma"), exact=True).check()
    page.get_by_label(t("Baccalaureate + 3 years (licence)"), exact=True).check()
    page.get_by_label(t("Field of study"), exact=True).fill("Géographie")
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/apply/experience/$"))
    page.get_by_label(t("How many statistical field surveys have you taken part in?"), exact=True).fill("2")
    page.get_by_label(t("Which surveys, with their year and your role"), exact=True).fill(
        "RGPH 2014; ENE 2019"
    )
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/apply/skills/$"))
    page.get_by_label(t("Good (office software, forms on a tablet)"), exact=True).check()
    page.get_by_label(t("Arabic"), exact=True).check()
    page.get_by_label(t("French"), exact=True).check()
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()

    # --- Communes: region -> province -> commune, twice. -------------------------------------------------------
    expect(page).to_have_url(re.compile(r"/apply/communes/$"))
    for commune in communes[1:3]:
        _pick_place(
            page,
            region_label=t("Region"),
            province_label=t("Province or prefecture"),
            commune_label=t("Commune"),
            commune=commune,
        )
        page.get_by_role("button", name=t("Add this commune to my list"), exact=True).click()
        expect(page.locator(".choice-list__name").last).to_have_text(
            chosen_names[communes.index(commune) - 1]
        )
    expect(page.locator(".choice-list__name")).to_have_text(chosen_names)
    page.screenshot(path=screenshots / f"journey-{language}-communes.png", full_page=True)

    # --- Review and submit. ------------------------------------------------------------------------------------
    page.get_by_role("button", name=t("Save and continue"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/apply/review/$"))
    expect(page.locator("main")).to_contain_text("AB123456")
    for name in chosen_names:
        expect(page.locator("main")).to_contain_text(name)
    page.get_by_role("button", name=t("Submit my application"), exact=True).click()

    # --- The dashboard: submitted, and the "application received" e-mail in the sink. ---------------------------
    expect(page).to_have_url(re.compile(rf"{re.escape(_path(language, 'portal:dashboard'))}$"))
    expect(
        page.get_by_text(
            t("Your application was submitted. We sent a confirmation to %(email)s.", email=isolate(address))
        )
    ).to_be_visible()
    card = page.locator("article.application-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", level=2)).to_have_text(campaign_title)
    expect(card.locator(".badge")).to_have_text(t("Submitted"))
    expect(card).to_contain_text(lists.comma_list(chosen_names, language))  # "أ، ب" in Arabic
    page.screenshot(path=screenshots / f"journey-{language}-dashboard.png", full_page=True)

    application = Application.objects.get(user__email=address)
    assert application.status == Application.Status.SUBMITTED
    assert (application.cin, application.phone) == ("AB123456", "+212612345678")
    assert [c.commune_id for c in application.choices.order_by("rank")] == [c.pk for c in communes[1:3]]

    received = _wait_for_message(
        smtp_sink,
        to=address,
        subject=t("Application received: %(campaign_title)s", campaign_title=campaign_title),
    )
    assert received.get_body(preferencelist=("plain",)).get_content().strip()
