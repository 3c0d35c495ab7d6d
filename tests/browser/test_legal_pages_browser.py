"""The legal and help pages on a phone (390 px), in Arabic right to left and in French: reached from the footer,
nothing wider than the screen, the demonstration banner on top; the contact form sent as a person would."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FOOTER_LINKS = {
    "ar": ["مساعدة", "اتصل بنا", "المعطيات الشخصية", "الإشعار القانوني", "إمكانية الولوج"],
    "fr": ["Aide", "Contact", "Données personnelles", "Mentions légales", "Accessibilité"],
}


@pytest.fixture
def phone(page, settings):
    settings.BAWABA_DEMO_BANNER = True
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_every_legal_page_fits_a_phone_from_the_footer(phone, language, direction, screenshots):
    for label in FOOTER_LINKS[language]:
        phone.goto(f"/{language}/")
        phone.locator("footer").get_by_role("link", name=label, exact=True).click()
        expect(phone.locator("html")).to_have_attribute("lang", language)
        expect(phone.locator("html")).to_have_attribute("dir", direction)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        expect(phone.get_by_role("note")).to_be_visible()  # the demonstration banner
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{phone.url} is {width} px wide"
        slug = phone.url.rstrip("/").rsplit("/", 1)[-1]
        phone.screenshot(path=screenshots / f"legal-{slug}-{language}-390.png", full_page=True)


def test_a_visitor_sends_a_message_from_the_contact_page(phone):
    phone.goto("/fr/contact/")
    phone.get_by_label("Votre nom").fill("Amina Alaoui")
    phone.get_by_label("Votre adresse électronique").fill("amina@example.ma")
    phone.get_by_label("Objet").select_option(label="Un problème d’accessibilité")
    phone.get_by_label("Votre message").fill(
        "Le bouton de la dernière étape est caché par le clavier du téléphone."
    )
    phone.get_by_role("button", name="Envoyer mon message").click()

    expect(phone.get_by_role("heading", name="Message envoyé")).to_be_visible()
    from bawaba.pages.models import ContactMessage

    assert ContactMessage.objects.get().category == ContactMessage.Category.ACCESSIBILITY


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_a_candidate_reads_and_downloads_her_data_on_a_phone(phone, language, direction, screenshots):
    from bawaba.accounts.tests.factories import UserFactory
    from bawaba.accounts.tests.helpers import PASSWORD, translated
    from bawaba.campaigns.tests.factories import ApplicationFactory

    candidate = UserFactory(email="amina@example.ma")
    ApplicationFactory(
        user=candidate, cin="AB123456", education_field="Géographie et aménagement du territoire"
    )
    phone.goto(f"/{language}/accounts/login/")
    phone.get_by_label(translated("E-mail address", language), exact=True).fill(candidate.email)
    phone.get_by_label(translated("Password", language), exact=True).fill(PASSWORD)
    phone.get_by_role("button", name=translated("Sign in", language), exact=True).click()

    phone.get_by_role("link", name=translated("My personal data", language), exact=True).click()
    expect(phone.locator("html")).to_have_attribute("dir", direction)
    expect(phone.get_by_text("AB123456")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=screenshots / f"my-data-{language}-390.png", full_page=True)
    with phone.expect_download() as download:
        phone.get_by_role("link", name=translated("Download it as a file (JSON)", language)).click()
    assert download.value.suggested_filename == "bawaba-personal-data.json"
