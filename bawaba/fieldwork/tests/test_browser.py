"""The in-person training in a real browser, on a phone-sized screen in Arabic: a supervisor records a day's
attendance (one row per agent, a checkbox each) and marks completion; the agent reads her training group on her
dashboard. Nothing overflows the 390 px screen; axe-core checks every page (the `chromium` fixture)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from bawaba.fieldwork.models import Attendance, GroupMember
from bawaba.fieldwork.services.assignment import assign_to_groups
from bawaba.fieldwork.services.groups import create_group
from bawaba.fieldwork.tests.conftest import plan, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(chromium, live_server, user, *, width: int = 390):
    client = Client()
    client.force_login(user)  # a staff session passes her second factor (the root conftest)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_supervisor_records_attendance_on_a_phone_and_the_agent_reads_her_group(
    chromium, live_server, site, province_supervisor, screenshots
):
    group = create_group(campaign=site.campaign, province=site.province, plan=plan(capacity=5), actor=None)
    agents = select(site, site.north, 3)
    assign_to_groups(campaign=site.campaign, actor=None)
    here = GroupMember.objects.get(application=agents[0])

    context, page = _signed_in_page(chromium, live_server, province_supervisor)
    try:
        page.goto(f"/ar/staff/fieldwork/{site.campaign.slug}/{site.province.code}/{group.pk}/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert _fits(page)
        page.screenshot(path=screenshots / "fieldwork-group-ar-390.png", full_page=True)
        page.locator(f"#present-{here.pk}").check()
        page.get_by_role("button", name="تسجيل الحضور").click()
        page.wait_for_load_state()
        assert _fits(page)
        page.locator(f"#member-{here.pk}").check()
        page.get_by_role("button", name="تسجيل", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=screenshots / "fieldwork-group-recorded-ar-390.png", full_page=True)
        page.goto(f"/fr/staff/fieldwork/{site.campaign.slug}/{site.province.code}/", wait_until="load")
        assert _fits(page)
    finally:
        context.close()
    assert dict(Attendance.objects.filter(day=group.starts_on).values_list("member_id", "present"))[here.pk]
    here.refresh_from_db()
    assert here.status == GroupMember.Status.COMPLETED

    # The province's groups and the form to set one up, in French on a desktop screen.
    context, page = _signed_in_page(chromium, live_server, province_supervisor, width=1280)
    try:
        page.goto(f"/fr/staff/fieldwork/{site.campaign.slug}/{site.province.code}/")
        expect(page.get_by_role("heading", name="Créer un groupe de formation")).to_be_visible()
        page.screenshot(path=screenshots / "fieldwork-province-fr-1280.png", full_page=True)
        page.goto(f"/fr/staff/fieldwork/{site.campaign.slug}/{site.province.code}/{group.pk}/")
        page.screenshot(path=screenshots / "fieldwork-group-fr-1280.png", full_page=True)
    finally:
        context.close()

    context, page = _signed_in_page(chromium, live_server, agents[0].user)
    try:
        page.goto("/ar/me/")
        expect(page.get_by_role("heading", name="تكوينك الحضوري")).to_be_visible()
        assert _fits(page)
        page.screenshot(path=screenshots / "fieldwork-dashboard-ar-390.png", full_page=True)
    finally:
        context.close()
