"""Staff see the applications of their area only: a supervisor her provinces, a coordinator her region.

An application lies in a province when the candidate lives there or chose one of its communes. Outside her area an
application is 404 exactly like a missing one, and neither the list, a search nor the export shows it.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.campaigns.models import ApplicationChoice
from bawaba.core.models import AuditEvent
from bawaba.territory.models import Commune, Province, Region

Role = Assignment.Role


@pytest.fixture(autouse=True, params=["probed", "union"])
def _both_query_forms(request, monkeypatch):
    """Every test runs with both ways of testing a scope (a probe per row for a large scope, a UNION of ids for a
    small one): they must return the same applications."""
    threshold = 0 if request.param == "probed" else 10**12
    monkeypatch.setattr("bawaba.campaigns.access.LARGE_SCOPE_POPULATION", threshold)


def _place(region: Region, code: str) -> tuple[Province, Commune]:
    province = Province.objects.create(
        code=code, name_fr=f"P{code}", name_ar=f"إقليم {code}", region=region, kind="province"
    )
    commune = Commune.objects.create(
        code=f"{code}.01", name_fr=f"C{code}", name_ar="جماعة", province=province, region=region, kind="rural"
    )
    return province, commune


@pytest.fixture
def area(db, make_application):
    """Two regions; provinces A and B in the first, C in the second; one application per way of lying in A."""
    north = Region.objects.create(code="91", name_fr="Nord", name_ar="الشمال")
    south = Region.objects.create(code="92", name_fr="Sud", name_ar="الجنوب")
    province_a, commune_a = _place(north, "91.001")
    province_b, commune_b = _place(north, "91.002")
    province_c, commune_c = _place(south, "92.001")
    lives_in_a = make_application(residence_commune=commune_a, cin="A1")
    chose_a = make_application(residence_commune=commune_c, cin="C1")
    ApplicationChoice.objects.create(application=chose_a, rank=1, commune=commune_a)
    lives_in_b = make_application(residence_commune=commune_b, cin="B1")
    lives_in_c = make_application(residence_commune=commune_c, cin="C2")
    return {
        "regions": (north, south),
        "provinces": (province_a, province_b, province_c),
        "applications": {
            "lives_in_a": lives_in_a,
            "chose_a": chose_a,
            "lives_in_b": lives_in_b,
            "c": lives_in_c,
        },
    }


def _listed(client, **params) -> set[int]:
    response = client.get(reverse("staff:applications"), params)
    assert response.status_code == 200
    return {application.pk for application in response.context["page"].rows}


def _exported(client, **params) -> set[int]:
    response = client.get(reverse("staff:applications_csv"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {int(row["application"]) for row in csv.DictReader(io.StringIO(text))}


def _ids(area, *names) -> set[int]:
    return {area["applications"][name].pk for name in names}


def test_a_supervisor_sees_who_lives_in_or_chose_her_province_and_nobody_else(client, area):
    client.force_login(staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=[area["provinces"][0]]))
    mine = _ids(area, "lives_in_a", "chose_a")
    assert _listed(client) == mine
    assert _exported(client) == mine
    for name, application in area["applications"].items():
        status = client.get(reverse("staff:application_detail", args=[application.pk])).status_code
        assert status == (200 if application.pk in mine else 404), name


def test_a_search_does_not_reach_outside_her_provinces(client, area):
    client.force_login(staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=[area["provinces"][0]]))
    assert _listed(client, q="B1") == set()
    assert _listed(client, q="A1") == _ids(area, "lives_in_a")
    assert _exported(client, q="B1") == set()


def test_a_supervisor_of_two_provinces_sees_both(client, area):
    client.force_login(staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=area["provinces"][:2]))
    assert _listed(client) == _ids(area, "lives_in_a", "chose_a", "lives_in_b")


def test_a_coordinator_sees_her_region_and_cannot_change_anything(client, area):
    client.force_login(staff_member(Role.REGIONAL_COORDINATOR, region=area["regions"][0]))
    assert _listed(client) == _ids(area, "lives_in_a", "chose_a", "lives_in_b")
    detail = reverse("staff:application_detail", args=[area["applications"]["lives_in_b"].pk])
    assert client.get(detail).status_code == 200
    assert client.post(detail).status_code == 405
    assert client.post(reverse("staff:applications")).status_code == 405
    # The central administrator's national pages are not hers.
    assert client.get(reverse("staff:registrations")).status_code == 404


def test_the_central_administrator_sees_every_application(admin_client, area):
    assert _listed(admin_client) == _ids(area, "lives_in_a", "chose_a", "lives_in_b", "c")


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.PROVINCIAL_SUPERVISOR])
def test_a_role_without_a_province_or_without_the_right_sees_nothing(client, area, role):
    # The interviewer has a province but no right to read applications; the supervisor has the right, no province.
    provinces = [area["provinces"][0]] if role == Role.INTERVIEWER else []
    client.force_login(staff_member(role, provinces=provinces))
    response = client.get(reverse("staff:applications"))
    if role == Role.INTERVIEWER:
        assert response.status_code == 404
    else:
        assert response.context["page"].rows == []
    detail = reverse("staff:application_detail", args=[area["applications"]["lives_in_a"].pk])
    assert client.get(detail).status_code == 404


def test_every_export_is_audited_with_its_search(client, area):
    supervisor = staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=[area["provinces"][0]])
    client.force_login(supervisor)
    _exported(client, q="A1")
    event = AuditEvent.objects.get(action="campaigns.applications_exported")
    assert event.actor == supervisor and event.data == {"q": "A1", "campaign": "", "commune": ""}


def test_an_invalid_search_exports_nothing(admin_client, area):
    response = admin_client.get(reverse("staff:applications_csv"), {"commune": "no-such-code"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="campaigns.applications_exported").exists()


def test_the_list_says_whose_applications_it_shows(client, central_admin, area):
    client.force_login(staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=area["provinces"][:2]))
    with translation.override("ar"):  # the Arabic page, whatever language an earlier test left active
        arabic_list = reverse("staff:applications")
    page = client.get(arabic_list).content.decode()
    assert "<strong>إقليم 91.001</strong>" in page and "<strong>إقليم 91.002</strong>" in page
    assert "إقليم 92.001" not in page
    client.force_login(central_admin)
    national = client.get(arabic_list).content.decode()
    assert 'class="lead"' not in national  # nationally, no list of places
