"""The staff pages (scoped per province: 404 outside, next to the allowed case), the attendance form, the exports
read back (CSV, and XLSX with openpyxl) against the page's figures, bad input answered with form errors, and her
training group on her dashboard."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.core.audit import AuditEvent
from bawaba.fieldwork.models import Attendance, GroupMember, TrainingGroup
from bawaba.fieldwork.services.assignment import assign_to_groups
from bawaba.fieldwork.services.attendance import set_status
from bawaba.fieldwork.services.groups import create_group
from bawaba.fieldwork.tests.conftest import NEXT_MONTH, plan, select

FORM = {
    "place_name": "Lycée Ibn Sina",
    "address": "Rue 12",
    "latitude": "35.1",
    "longitude": "-6.2",
    "starts_on": NEXT_MONTH.isoformat(),
    "ends_on": (NEXT_MONTH + dt.timedelta(days=4)).isoformat(),
    "daily_starts_at": "09:00",
    "daily_ends_at": "16:30",
    "trainer_name": "M. Tazi",
    "capacity": "25",
}


def url(site, province=None, rest=""):
    return f"/fr/staff/fieldwork/{site.campaign.slug}/{(province or site.province).code}/{rest}"


@pytest.fixture
def trained(site):
    """A group of the province with three agents assigned."""
    group = create_group(campaign=site.campaign, province=site.province, plan=plan(capacity=5), actor=None)
    agents = select(site, site.north, 3)
    assign_to_groups(campaign=site.campaign, actor=None)
    return group, agents


def test_a_supervisor_sets_up_a_group_in_her_province(client, province_supervisor, site):
    client.force_login(province_supervisor)
    response = client.post(url(site), FORM)
    assert response.status_code == 302
    group = TrainingGroup.objects.get()
    assert (group.province, group.capacity, group.created_by) == (site.province, 25, province_supervisor)
    assert AuditEvent.objects.filter(action="fieldwork.group_created").count() == 1
    page = client.get(f"/fr/staff/fieldwork/{site.campaign.slug}/")
    assertContains(page, site.province.name_fr)
    assertNotContains(page, site.other.name_fr)
    assertContains(client.get(url(site, rest=f"{group.pk}/")), "Lycée Ibn Sina")
    assertContains(client.get("/fr/staff/"), 'href="/fr/staff/fieldwork/"')


def test_another_province_is_404_for_every_page_and_action(client, province_supervisor, site, trained):
    group, _agents = trained
    other_group = create_group(campaign=site.campaign, province=site.other, plan=plan(), actor=None)
    client.force_login(province_supervisor)
    # Her own province answers.
    assert client.get(url(site)).status_code == 200
    assert client.get(url(site, rest=f"{group.pk}/")).status_code == 200
    assert client.get(url(site, rest="field-staff.csv")).status_code == 200
    # Another's does not, whatever the page or action.
    other = url(site, site.other)
    assert client.get(other).status_code == 404
    assert client.post(other, FORM).status_code == 404
    assert client.get(other + "field-staff.csv").status_code == 404
    assert client.get(other + "field-staff.xlsx").status_code == 404
    for rest in ("", "edit/"):
        assert client.get(other + f"{other_group.pk}/{rest}").status_code == 404
    for rest in ("edit/", "delete/", "attendance/", "status/"):
        assert client.post(other + f"{other_group.pk}/{rest}", FORM).status_code == 404
    # Nor does her own province open another province's group.
    assert client.get(url(site, rest=f"{other_group.pk}/")).status_code == 404
    assert client.post(url(site, rest=f"{other_group.pk}/delete/")).status_code == 404
    assert TrainingGroup.objects.filter(pk=other_group.pk).exists()
    other_group.refresh_from_db()
    assert other_group.place_name == "Centre de formation"


def test_a_candidate_gets_no_staff_page(client, site, trained):
    group, agents = trained
    client.force_login(agents[0].user)
    assert client.get("/fr/staff/fieldwork/").status_code in (403, 404)
    assert client.get(url(site, rest=f"{group.pk}/")).status_code in (403, 404)


def test_the_assign_page_shows_the_count_then_assigns_once_confirmed(client, province_supervisor, site):
    create_group(campaign=site.campaign, province=site.province, plan=plan(capacity=5), actor=None)
    select(site, site.north, 2)
    select(site, site.other_commune, 1)  # another province: not hers to assign
    client.force_login(province_supervisor)
    assign = f"/fr/staff/fieldwork/{site.campaign.slug}/assign/"
    page = client.get(assign)
    assert page.context["waiting"] == 2
    assert client.post(assign, {}).status_code == 200  # not confirmed: the form says so
    assert not GroupMember.objects.exists()
    assert client.post(assign, {"confirm": "on"}).status_code == 302
    assert GroupMember.objects.count() == 2
    assert client.get(assign).context["waiting"] == 0


def test_attendance_is_recorded_per_day_and_completion_marked(client, province_supervisor, site, trained):
    group, agents = trained
    members = {m.application_id: m for m in GroupMember.objects.filter(group=group)}
    here, away = members[agents[0].pk], members[agents[1].pk]
    client.force_login(province_supervisor)
    day = group.starts_on.isoformat()
    response = client.post(url(site, rest=f"{group.pk}/attendance/"), {"day": day, "present": [here.pk]})
    assert response.status_code == 302 and response["Location"].endswith(f"?day={day}")
    recorded = dict(Attendance.objects.filter(day=group.starts_on).values_list("member_id", "present"))
    assert recorded == {here.pk: True, away.pk: False, members[agents[2].pk].pk: False}
    # The same day again replaces what was recorded.
    client.post(url(site, rest=f"{group.pk}/attendance/"), {"day": day, "present": [here.pk, away.pk]})
    assert Attendance.objects.get(member=away, day=group.starts_on).present is True
    assert Attendance.objects.count() == 3
    page = client.get(url(site, rest=f"{group.pk}/"), {"day": day})
    assertContains(page, f'value="{here.pk}" checked')

    # A day outside the training is refused, nothing written.
    outside = (group.ends_on + dt.timedelta(days=1)).isoformat()
    client.post(url(site, rest=f"{group.pk}/attendance/"), {"day": outside, "present": [here.pk]})
    assert Attendance.objects.count() == 3

    response = client.post(
        url(site, rest=f"{group.pk}/status/"), {"status": "completed", "members": [here.pk]}
    )
    assert response.status_code == 302
    here.refresh_from_db()
    assert here.status == "completed"
    assert AuditEvent.objects.filter(action="fieldwork.members_marked").count() == 1


def test_a_group_cannot_shrink_below_its_members_nor_be_deleted_with_them(
    client, province_supervisor, site, trained
):
    group, _agents = trained
    client.force_login(province_supervisor)
    response = client.post(url(site, rest=f"{group.pk}/edit/"), FORM | {"capacity": "2"})
    assert response.status_code == 200 and response.context["form"].errors["capacity"]
    client.post(url(site, rest=f"{group.pk}/delete/"))
    assert TrainingGroup.objects.filter(pk=group.pk).exists()
    assert client.post(url(site, rest=f"{group.pk}/edit/"), FORM | {"capacity": "3"}).status_code == 302
    group.refresh_from_db()
    assert (group.capacity, group.place_name) == (3, "Lycée Ibn Sina")


def test_the_exports_read_back_equal_the_page_figures(client, province_supervisor, site, trained):
    group, agents = trained
    completed = GroupMember.objects.filter(application__in=agents[:2])
    set_status(
        group=group, member_ids=list(completed.values_list("pk", flat=True)), status="completed", actor=None
    )
    client.force_login(province_supervisor)

    lines = client.get(f"/fr/staff/fieldwork/{site.campaign.slug}/").context["lines"]
    figure = next(line["completed"] for line in lines if line["province"] == site.province)

    response = client.get(url(site, rest="field-staff.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = load_workbook(
        io.BytesIO(client.get(url(site, rest="field-staff.xlsx")).content), read_only=True
    )
    sheet_rows = [
        ["" if v is None else v for v in row] for row in workbook.active.iter_rows(values_only=True)
    ]

    assert figure == 2 == len(rows) - 1 == len(sheet_rows) - 1
    assert rows[0] == list(sheet_rows[0]) and rows[0][0] == "CIN"
    by_cin = {row[0]: row for row in rows[1:]}
    for sheet_row in sheet_rows[1:]:
        as_text = [v.date().isoformat() if isinstance(v, dt.datetime) else str(v) for v in sheet_row]
        assert as_text == by_cin[sheet_row[0]]
    first = by_cin[agents[0].cin]
    assert first[1:5] == [agents[0].last_name_ar, agents[0].first_name_ar, "Alaoui", "Amina"]
    assert first[6] == "1995-03-04" and first[8] == agents[0].user.email
    assert first[12:] == [group.starts_on.isoformat(), group.ends_on.isoformat(), "completed"]
    assert agents[2].cin not in by_cin  # convoked, not completed: not field staff


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_on": "2024-02-30"},
        {"ends_on": "99999-01-01"},
        {"starts_on": "31/13/2024"},
        {"daily_starts_at": "25:00"},
        {"daily_ends_at": "08:00"},
        {"ends_on": "2000-01-01"},
        {"capacity": "99999999999999999999"},
        {"capacity": "0"},
        {"capacity": "-1"},
        {"latitude": "nan"},
        {"latitude": "1e400"},
        {"latitude": "34.0", "longitude": ""},
        {"place_name": "Lycée\x00"},
        {"trainer_name": "x" * 5000},
        {"address": ""},
    ],
)
def test_bad_input_on_the_group_form_is_a_form_error(client, province_supervisor, site, changes):
    client.force_login(province_supervisor)
    response = client.post(url(site), FORM | changes)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TrainingGroup.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2024-02-30", "present": ["1"]},
        {"day": "\x00"},
        {"day": "x" * 5000},
        {"present": ["99999999999999999999999"]},
        {"present": ["abc"]},
    ],
)
def test_bad_attendance_or_status_input_is_refused_with_a_message(
    client, province_supervisor, site, trained, data
):
    group, _agents = trained
    client.force_login(province_supervisor)
    assert client.post(url(site, rest=f"{group.pk}/attendance/"), data).status_code == 302
    assert client.post(url(site, rest=f"{group.pk}/status/"), data | {"status": "x\x00"}).status_code == 302
    assert client.get(url(site, rest=f"{group.pk}/"), {"day": data.get("day", "\x00")}).status_code == 200
    assert not Attendance.objects.exists()
    assert not GroupMember.objects.exclude(status="convoked").exists()


def test_her_dashboard_shows_her_training_group_and_attendance(client, site, trained):
    group, agents = trained
    member = GroupMember.objects.get(application=agents[0])
    Attendance.objects.create(member=member, day=group.starts_on, present=True)
    client.force_login(agents[0].user)
    page = client.get("/fr/me/")
    assertContains(page, "Votre formation en présentiel")
    assertContains(page, "Centre de formation")
    assertContains(page, "Mme Bennani")
    assertContains(page, "1 sur 1 jour enregistré")
    arabic = client.get("/ar/me/")
    assertContains(arabic, "تكوينك الحضوري")
    assertContains(arabic, "Centre de formation")
    # An agent selected but in no group yet sees no training panel.
    waiting = select(site, site.south)[0]
    client.force_login(waiting.user)
    assertNotContains(client.get("/fr/me/"), "Votre formation en présentiel")


def test_her_personal_data_lists_her_training_and_attendance(client, site, trained):
    group, agents = trained
    member = GroupMember.objects.get(application=agents[0])
    Attendance.objects.create(member=member, day=group.starts_on, present=True)
    client.force_login(agents[0].user)
    page = client.get("/fr/me/data/")
    assertContains(page, "Formation en présentiel")
    assertContains(page, "Mme Bennani")
    assertContains(page, f"{group.starts_on.isoformat()} : présent")
    client.force_login(agents[1].user)
    assertNotContains(client.get("/fr/me/data/"), f"{group.starts_on.isoformat()} : présent")
