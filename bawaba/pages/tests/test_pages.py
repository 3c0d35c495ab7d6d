"""The legal and help pages: public, in Arabic (right to left) and French, linked from every page's footer, naming
what the settings say; the favicon and the demonstration banner."""

import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db

PAGES = ["personal-data/", "legal-notice/", "accessibility/", "help/", "contact/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_each_page_is_public_in_arabic_and_french(client, path, language, direction):
    response = client.get(f"/{language}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ar", ["المعطيات ذات الطابع الشخصي", "09.08", "حقوقك"]),
        ("fr", ["loi n° 09-08", "Vos droits", "d’<strong>accès</strong>"]),
    ],
)
def test_the_personal_data_notice_is_written_in_the_page_language(client, language, words):
    html = client.get(f"/{language}/personal-data/").content.decode()
    for word in words:
        assert word in html


def test_every_page_links_to_the_legal_and_help_pages_in_its_footer(client):
    html = client.get("/fr/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for path in PAGES:
        assert f'href="/fr/{path}"' in footer
    assert 'href="/fr/me/data/"' not in footer  # a visitor has no data to download


def test_a_signed_in_person_finds_her_data_in_the_footer(alice_client):
    html = alice_client.get("/fr/").content.decode()
    assert 'href="/fr/me/data/"' in html[html.index('<footer class="site-footer">') :]


def test_the_cndp_declaration_comes_from_the_setting(client, settings):
    settings.BAWABA_CNDP_DECLARATION = "D-123/2025"
    settings.BAWABA_DEMO_BANNER = False
    html = client.get("/fr/personal-data/").content.decode()
    assert "D-123/2025" in html
    assert "fictif" not in html


def test_the_demonstration_labels_its_declaration_number_as_fictitious(client, settings):
    settings.BAWABA_CNDP_DECLARATION = "D-DEMO-0000/2024"
    settings.BAWABA_DEMO_BANNER = True
    html = client.get("/fr/personal-data/").content.decode()
    assert "D-DEMO-0000/2024" in html
    assert "Ce numéro est fictif : ce site est une démonstration." in html


def test_without_a_declaration_number_the_notice_says_it_will_come(client, settings):
    settings.BAWABA_CNDP_DECLARATION = ""
    html = client.get("/fr/personal-data/").content.decode()
    assert "sera indiqué ici avant l’ouverture de la plateforme" in html


def test_the_retention_period_comes_from_the_setting(client, settings):
    settings.BAWABA_RETENTION_MONTHS = 18
    assert "conservées 18 mois après" in client.get("/fr/personal-data/").content.decode()


def test_the_legal_notice_names_the_operator_host_and_publication_director(client, settings):
    settings.BAWABA_OPERATOR_NAME = "Haut-Commissariat au Plan"
    settings.BAWABA_HOST_NAME = "Hébergeur national, Rabat"
    settings.BAWABA_PUBLICATION_DIRECTOR = "Directrice de la publication"
    html = client.get("/fr/legal-notice/").content.decode()
    for value in ("Haut-Commissariat au Plan", "Hébergeur national, Rabat", "Directrice de la publication"):
        assert value in html


def test_check_deploy_warns_when_a_production_run_leaves_a_legal_setting_empty(settings):
    settings.BAWABA_LOCAL = False
    settings.BAWABA_CNDP_DECLARATION = ""
    warnings = [
        message for message in run_checks(include_deployment_checks=True) if message.id == "bawaba.pages.W001"
    ]
    assert any("BAWABA_CNDP_DECLARATION" in warning.msg for warning in warnings)
    settings.BAWABA_LOCAL = True
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "bawaba.pages.W001"]


@pytest.mark.parametrize(("language", "label"), [("ar", "عرض توضيحي"), ("fr", "Démonstration")])
def test_the_demonstration_banner_is_on_every_page_when_set(client, settings, language, label):
    settings.BAWABA_DEMO_BANNER = True
    html = client.get(f"/{language}/").content.decode()
    assert 'class="demo-banner" role="note"' in html
    # A word says what it is, not only a colour.
    assert f'<span class="demo-banner__label">{label}</span>' in html


def test_no_demonstration_banner_in_production(client, settings):
    settings.BAWABA_DEMO_BANNER = False
    assert "demo-banner" not in client.get("/fr/").content.decode()


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/fr/").content.decode()
    assert 'rel="icon" href="/static/core/favicon.svg" type="image/svg+xml"' in html
    assert client.get("/static/core/favicon.svg").status_code == 200
