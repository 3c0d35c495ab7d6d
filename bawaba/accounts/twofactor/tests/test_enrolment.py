"""A staff member without an authenticator enrols one: a QR code drawn on the page (and the key in text), one code
to prove it, then ten recovery codes shown once. Re-enrolment only through a reset."""

import re

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts.tests.helpers import translated_html
from bawaba.accounts.twofactor import codes
from bawaba.accounts.twofactor.tests.helpers import code_for, sign_in_without_second_factor
from bawaba.accounts.twofactor.views import SESSION_PENDING_KEY
from bawaba.core.models import AuditEvent
from bawaba.core.security import CONTENT_SECURITY_POLICY

SETUP = "/fr/accounts/two-factor/setup/"
RECOVERY = "/fr/accounts/two-factor/recovery-codes/"
STAFF_HOME = "/fr/staff/"


def pending_key(client) -> str:
    return client.session[SESSION_PENDING_KEY]


def test_the_page_draws_the_qr_code_itself_and_gives_the_key_in_groups_of_four(client, supervisor):
    sign_in_without_second_factor(client, supervisor)
    response = client.get(SETUP, {"next": STAFF_HOME})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    )  # unchanged: nothing inline to allow
    assert re.search(r'<svg [^>]*class="qr-code"', page)
    assert "<img" not in page and "style=" not in page and "<script" not in page.split("</header>")[1]
    key = codes.base32_key(pending_key(client))
    assert codes.grouped(key) in page and len(codes.grouped(key).split()) == 8
    assert "Bawaba: supervisor@example.ma" in page
    # The same key until she confirms it: reloading the page must not invalidate what she scanned.
    client.get(SETUP)
    assert codes.base32_key(pending_key(client)) == key
    assert not TOTPDevice.objects.exists()  # nothing is written before a code proves the key


def test_the_otpauth_address_names_bawaba_as_issuer(supervisor):
    uri = TOTPDevice(user=supervisor, key="00" * 20).config_url
    assert uri.startswith("otpauth://totp/Bawaba%3Asupervisor%40example.ma?")
    assert "issuer=Bawaba" in uri


def test_one_right_code_enrols_her_and_shows_ten_recovery_codes_once(client, supervisor):
    sign_in_without_second_factor(client, supervisor)
    client.get(SETUP)
    response = client.post(SETUP, {"code": code_for(pending_key(client)), "next": STAFF_HOME})
    assert response.status_code == 302
    assert response["Location"] == f"{RECOVERY}?next=%2Ffr%2Fstaff%2F"
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    page = client.get(response["Location"]).content.decode()
    stored = sorted(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True))
    assert len(stored) == 10 and len(set(stored)) == 10
    for token in stored:
        assert codes.grouped(token) in page
    assert translated_html("I have saved them, continue") in page
    assert f'href="{STAFF_HOME}"' in page
    assert client.get(RECOVERY)["Location"] == "/fr/start/"  # shown once
    assert client.get(STAFF_HOME).status_code == 200  # verified
    assert AuditEvent.objects.filter(action="second_factor.enrolled", actor=supervisor).exists()


def test_a_wrong_code_enrols_nothing(client, supervisor):
    sign_in_without_second_factor(client, supervisor)
    client.get(SETUP)
    right = code_for(pending_key(client))
    response = client.post(SETUP, {"code": f"{(int(right) + 3) % 1_000_000:06d}"})
    assert response.status_code == 200
    assert (
        translated_html("This code is not right. Check that your phone's clock is set automatically.")
        in response.content.decode()
    )
    assert not TOTPDevice.objects.exists()
    assert client.get(STAFF_HOME).status_code == 302


def test_the_enrolment_code_cannot_be_used_again_to_sign_in(client, supervisor):
    sign_in_without_second_factor(client, supervisor)
    client.get(SETUP)
    code = code_for(pending_key(client))
    client.post(SETUP, {"code": code})
    client.post("/fr/accounts/logout/")
    sign_in_without_second_factor(client, supervisor)
    assert client.post("/fr/accounts/two-factor/", {"code": code}).status_code == 200


def test_no_re_enrolment_once_she_has_an_authenticator(admin_client, central_admin):
    response = admin_client.get(SETUP, {"next": STAFF_HOME}, follow=True)
    assert response.redirect_chain[-1] == (STAFF_HOME, 302)
    before = TOTPDevice.objects.get(user=central_admin).key
    admin_client.post(SETUP, {"code": "123456"})
    assert TOTPDevice.objects.get(user=central_admin).key == before
    # Unverified (in another browser), she is sent to type her code instead.
    client = Client()
    sign_in_without_second_factor(client, central_admin)
    assert client.get(SETUP)["Location"].startswith("/fr/accounts/two-factor/?next=")
