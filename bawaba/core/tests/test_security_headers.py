"""Headers on every page (CSP, Permissions-Policy, no-store for signed-in users) and a deployment Django's
`check --deploy` finds nothing to warn about, with the environment docs/operations.md documents."""

import re
import secrets
from pathlib import Path

import pytest
from django.urls import reverse

from bawaba.core.security import CONTENT_SECURITY_POLICY
from bawaba.core.tests.test_settings import _run

ROOT = Path(__file__).resolve().parents[3]

# The production environment of docs/operations.md ('HTTPS'), as a deployment exports it.
DOCUMENTED_PRODUCTION = {
    "BAWABA_ENV": "production",
    "ALLOWED_HOSTS": "bawaba.example.ma",
    "CSRF_TRUSTED_ORIGINS": "https://bawaba.example.ma",
    "BEHIND_TLS_PROXY": "1",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    # What the legal pages name (bawaba.pages.checks warns about each one left empty).
    "BAWABA_OPERATOR_NAME": "Haut-Commissariat au Plan",
    "BAWABA_OPERATOR_ADDRESS": "Rabat",
    "BAWABA_DATA_CONTROLLER": "Haut-Commissariat au Plan",
    "BAWABA_HOST_NAME": "Hébergeur, Rabat",
    "BAWABA_PUBLICATION_DIRECTOR": "Directrice de la publication",
    "BAWABA_CNDP_DECLARATION": "D-123/2025",
    "BAWABA_CONTACT_EMAIL": "contact@bawaba.example.ma",
    # The links of the decision notices (bawaba.training.checks warns when it is not https://).
    "BAWABA_SITE_URL": "https://bawaba.example.ma",
}


def _check_deploy(tmp_path: Path, **environment: str):
    return _run(
        tmp_path,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        **environment,
    )


def test_the_documented_production_environment_passes_check_deploy_without_a_warning(tmp_path):
    result = _check_deploy(tmp_path, **DOCUMENTED_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_left_off(tmp_path):
    without_https = {k: v for k, v in DOCUMENTED_PRODUCTION.items() if not k.startswith("SECURE_")}
    result = _check_deploy(tmp_path, **without_https)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_every_page_sends_the_policy_headers(client, db):
    response = client.get(reverse("portal:home"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


@pytest.mark.parametrize("name", ["portal:start", "portal:home"])
def test_a_signed_in_users_pages_are_never_stored(alice_client, name):
    response = alice_client.get(reverse(name), follow=True)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_staff_pages_are_never_stored(admin_client):
    response = admin_client.get("/staff/", follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_page_without_its_own_caching_is_not_stored_either(client, db):
    assert "no-store" in client.get(reverse("portal:home"))["Cache-Control"]


def test_the_health_check_is_not_stored(client, db):
    # /healthz says never_cache itself; the middleware never loosens what a view chose.
    assert "no-store" in client.get("/healthz")["Cache-Control"]


# An inline <script> (one without src), a style="" attribute or an on...= handler: each would be refused by the
# policy. E-mail templates are exempt: mail clients need inline styles and never see the policy; so are the
# printed documents' (core/print/): WeasyPrint lays them out into a PDF, never served as a page.
INLINE = re.compile(r"<style\b|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


def test_no_page_template_has_inline_script_style_or_handlers():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "bawaba").rglob("templates/**/*.html")
        if "/email/" not in str(path) and "/templates/core/print/" not in str(path)
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
