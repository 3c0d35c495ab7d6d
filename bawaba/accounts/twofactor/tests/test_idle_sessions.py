"""Staff sessions end after BAWABA_STAFF_IDLE_MINUTES without a request; candidates' do not. The clock is moved,
never waited for."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from bawaba.accounts.tests.helpers import translated

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
STAFF_HOME = "/fr/staff/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_staff_session_ends_after_the_idle_limit_with_a_message(clock, central_admin, settings):
    settings.BAWABA_STAFF_IDLE_MINUTES = 30
    browser = signed_in(central_admin)
    clock.shift(dt.timedelta(minutes=29))
    assert browser.get(STAFF_HOME).status_code == 200
    clock.shift(dt.timedelta(minutes=29))  # 58 minutes after sign-in, 29 after her last request: still in
    assert browser.get(STAFF_HOME).status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = browser.get("/fr/staff/outbox/?status=failed")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/fr/staff/outbox/%3Fstatus%3Dfailed"
    assert "_auth_user_id" not in browser.session
    page = browser.get(response["Location"]).content.decode()
    message = translated(
        "You were signed out after %(minutes)d minute without activity. Please sign in again.",
        plural="You were signed out after %(minutes)d minutes without activity. Please sign in again.",
        count=30,
    ) % {"minutes": 30}
    assert message in page


def test_the_limit_is_a_setting(clock, supervisor, settings):
    settings.BAWABA_STAFF_IDLE_MINUTES = 5
    browser = signed_in(supervisor)
    clock.shift(dt.timedelta(minutes=6))
    assert browser.get(STAFF_HOME).status_code == 302
    assert "_auth_user_id" not in browser.session


def test_a_polled_fragment_loads_the_sign_in_page_whole(clock, central_admin):
    browser = signed_in(central_admin)
    clock.shift(dt.timedelta(hours=1))
    response = browser.get(STAFF_HOME, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/fr/accounts/login/"


def test_a_candidate_s_session_is_not_cut(clock, candidate):
    browser = signed_in(candidate)
    clock.shift(dt.timedelta(hours=5))
    assert browser.get("/fr/me/").status_code == 200
