"""Province interviews and the final selection in a real browser (issue 14): the demo's supervisor of Kénitra sets
up a session and convokes the called candidates; the demo interviewer, on a tablet-sized screen, marks two of them
present and scores them on the grid; a training group is set up in Kénitra; the final run is computed and published;
a scored candidate reads her decision and her in-person training group on her dashboard in Arabic on a phone.
Screenshots of each page are saved; axe-core checks every page (the `chromium` fixture)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.campaigns.models import ApplicationChoice, CommuneNeed
from bawaba.demo.services import INTERVIEWER, SUPERVISED_PROVINCE_CODE, SUPERVISOR
from bawaba.fieldwork.models import GroupMember
from bawaba.fieldwork.services.groups import create_group
from bawaba.fieldwork.tests.conftest import plan as group_plan
from bawaba.interviews.calling import CallRules
from bawaba.interviews.defaults import DEFAULT_GRID
from bawaba.interviews.models import Convocation, InterviewScore, InterviewSession
from bawaba.interviews.services.rules import save_call_rules
from bawaba.selection import services
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Province
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser

EVERYONE = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
TOP = {criterion["key"]: len(criterion["levels"]) - 1 for criterion in DEFAULT_GRID["criteria"]}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_session_is_set_up_candidates_convoked_scored_on_a_tablet_and_she_reads_her_decision(
    page, chromium, live_server, census_campaign, published_demo, screenshots
):
    slug = census_campaign.slug
    save_call_rules(campaign=census_campaign, rules=EVERYONE, note="", actor=None)

    # --- The supervisor sets up a session in Kénitra and convokes the called candidates, in French. -------------
    sign_in(page, SUPERVISOR, "fr")
    page.goto(f"/fr/staff/interviews/{slug}/sessions/{SUPERVISED_PROVINCE_CODE}/")
    page.get_by_label(translated("Place", "fr"), exact=True).fill("Direction provinciale de Kénitra")
    page.get_by_label(translated("Address", "fr"), exact=True).fill("Avenue Mohammed V, Kénitra")
    page.get_by_label(translated("Day", "fr"), exact=True).fill(
        (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    )
    page.get_by_label(translated("Starts at", "fr"), exact=True).fill("09:00")
    page.get_by_label(translated("Ends at", "fr"), exact=True).fill("12:00")
    page.get_by_label(translated("Candidates per slot", "fr"), exact=True).fill("20")
    page.get_by_role("button", name=translated("Set up the session", "fr")).click()
    page.wait_for_load_state()
    session = InterviewSession.objects.get(campaign=census_campaign)
    page.goto(f"/fr/staff/interviews/{slug}/sessions/{SUPERVISED_PROVINCE_CODE}/")
    page.get_by_role("button", name=translated("Convoke the called candidates", "fr")).click()
    page.wait_for_load_state()
    convoked = list(Convocation.objects.filter(slot__session=session).order_by("pk"))
    assert len(convoked) >= 2
    page.screenshot(path=screenshots / "interviews-sessions-fr.png", full_page=True)

    # --- The interviewer scores two candidates on a tablet. -----------------------------------------------------
    tablet = chromium.new_context(base_url=live_server.url, viewport={"width": 820, "height": 1180})
    try:
        interviewer = tablet.new_page()
        sign_in(interviewer, INTERVIEWER, "fr")
        interviewer.goto("/fr/staff/interviews/scoring/")
        interviewer.locator(f"a[href$='/scoring/{session.pk}/']").first.click()
        interviewer.wait_for_load_state()
        assert _fits(interviewer)
        interviewer.screenshot(path=screenshots / "interviews-scoring-session-fr-tablet.png", full_page=True)
        for convocation in convoked[:2]:
            interviewer.locator(f"form[action$='/{convocation.pk}/presence/'] button[value='yes']").click()
            interviewer.wait_for_load_state()
            interviewer.locator(f"a[href$='/scoring/{session.pk}/{convocation.pk}/']").click()
            interviewer.wait_for_load_state()
            for key, level in TOP.items():
                interviewer.locator(f"input[name='level_{key}'][value='{level}']").check()
            interviewer.screenshot(path=screenshots / "interviews-score-fr-tablet.png", full_page=True)
            interviewer.get_by_role("button", name=translated("Record the score", "fr")).click()
            interviewer.wait_for_load_state()
        assert InterviewScore.objects.filter(convocation__in=convoked[:2]).count() == 2
    finally:
        tablet.close()

    # --- A training group in Kénitra; the final run is computed and published. -----------------------------------
    # Her first commune has field places enough for the two scored there, whoever else chose it.
    first = (
        ApplicationChoice.objects.filter(application_id=convoked[0].application_id).order_by("rank").first()
    )
    CommuneNeed.objects.update_or_create(
        campaign=census_campaign, commune_id=first.commune_id, stage=CommuneNeed.Stage.FIELD,
        defaults={"quantity": 2},
    )  # fmt: skip
    create_group(
        campaign=census_campaign,
        province=Province.objects.get(code=SUPERVISED_PROVINCE_CODE),
        plan=group_plan(place_name="Centre de formation de Kénitra", capacity=50),
        actor=None,
    )
    run = services.create_run(campaign=census_campaign, seed="tirage final", stage=SelectionRun.Stage.FIELD)
    run = services.compute_run(run_id=run.pk)
    services.publish_run(run=run, computation=run.computation)
    decision = SelectionDecision.objects.get(run=run, application_id=convoked[0].application_id)
    assert decision.outcome == SelectionDecision.Outcome.ADMITTED
    assert GroupMember.objects.filter(application_id=convoked[0].application_id).exists()
    unscored = SelectionDecision.objects.get(run=run, application_id=convoked[-1].application_id)
    if len(convoked) > 2:
        assert unscored.outcome == SelectionDecision.Outcome.INELIGIBLE

    # --- She reads her decision in Arabic, on a phone. ------------------------------------------------------------
    client = Client()
    client.force_login(convoked[0].application.user)
    phone = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    try:
        candidate = phone.new_page()
        candidate.goto("/ar/me/")
        expect(candidate.locator("html")).to_have_attribute("dir", "rtl")
        expect(candidate.get_by_role("heading", name=translated("The final selection", "ar"))).to_be_visible()
        expect(candidate.get_by_text(translated("Selected", "ar"), exact=True).first).to_be_visible()
        # Her training group, on the same page.
        expect(
            candidate.get_by_role("heading", name=translated("Your in-person training", "ar"))
        ).to_be_visible()
        expect(candidate.get_by_text("Centre de formation de Kénitra")).to_be_visible()
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "interviews-final-decision-ar-390.png", full_page=True)
        candidate.goto(f"/ar/campaigns/{slug}/selection/field/")
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "interviews-final-report-ar-390.png", full_page=True)
    finally:
        phone.close()
