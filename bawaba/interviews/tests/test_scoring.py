"""Scoring on the grid: an interviewer of the province marks presence and scores; one of another province gets
404; an absent candidate cannot be scored; a correction needs a reason and keeps the previous score; the grid is
the central administrator's."""

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from bawaba.accounts.models import Assignment, User
from bawaba.core.models import AuditEvent
from bawaba.interviews.defaults import DEFAULT_GRID
from bawaba.interviews.models import Convocation, InterviewGrid, InterviewScore, ScoreCorrection
from bawaba.interviews.services.convocations import convoke_province
from bawaba.interviews.services.sessions import create_session
from bawaba.interviews.tests.test_convocations import plan
from bawaba.interviews.tests.test_convocations import province as province  # noqa: F401 - fixture
from bawaba.territory.models import Province

TOP = {f"level_{c['key']}": str(len(c["levels"]) - 1) for c in DEFAULT_GRID["criteria"]}


def interviewer(email: str, province: Province) -> User:
    user = User.objects.create_user(email=email, password=None, kind=User.Kind.STAFF, is_active=True)
    Assignment.objects.create(user=user, role=Assignment.Role.INTERVIEWER).provinces.add(province)
    return user


@pytest.fixture
def session(census, province, central_admin):
    created = create_session(
        campaign=census, province=province, plan=plan(places_per_slot=3), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    convoke_province(campaign=census, province=province, actor=central_admin)
    return created


def base(session):
    return f"/fr/staff/interviews/scoring/{session.pk}/"


def test_an_interviewer_marks_presence_and_scores_on_the_grid(client, session, province):
    client.force_login(interviewer("i1@example.ma", province))
    assertContains(client.get("/fr/staff/interviews/scoring/"), session.place_name)
    convocation = Convocation.objects.filter(slot__session=session).first()
    assert client.post(base(session) + f"{convocation.pk}/", TOP).status_code == 200  # not marked present yet
    assert not InterviewScore.objects.exists()
    client.post(base(session) + f"{convocation.pk}/presence/", {"present": "yes"})
    response = client.post(base(session) + f"{convocation.pk}/", TOP)
    assert response.status_code == 302
    assert InterviewScore.objects.get(convocation=convocation).score == 10_000
    assert AuditEvent.objects.filter(action="interviews.score_recorded").count() == 1


def test_a_correction_needs_a_reason_and_keeps_the_previous_score(client, session, province):
    client.force_login(interviewer("i2@example.ma", province))
    convocation = Convocation.objects.filter(slot__session=session).first()
    client.post(base(session) + f"{convocation.pk}/presence/", {"present": "yes"})
    client.post(base(session) + f"{convocation.pk}/", TOP)
    lower = TOP | {"level_communication": "0"}
    refused = client.post(base(session) + f"{convocation.pk}/", lower)
    assert refused.status_code == 200 and InterviewScore.objects.get().score == 10_000
    client.post(base(session) + f"{convocation.pk}/", lower | {"reason": "Erreur de saisie"})
    score = InterviewScore.objects.get()
    assert score.score == 7_000
    correction = ScoreCorrection.objects.get()
    assert (correction.previous_score, correction.reason) == (10_000, "Erreur de saisie")
    assert AuditEvent.objects.filter(action="interviews.score_corrected").exists()


def test_an_absent_candidate_cannot_be_scored(client, session, province):
    client.force_login(interviewer("i3@example.ma", province))
    convocation = Convocation.objects.filter(slot__session=session).first()
    client.post(base(session) + f"{convocation.pk}/presence/", {"present": "no"})
    assert Convocation.objects.get(pk=convocation.pk).status == Convocation.Status.ABSENT
    assert client.post(base(session) + f"{convocation.pk}/", TOP).status_code == 200
    assert not InterviewScore.objects.exists()


def test_an_interviewer_of_another_province_gets_404_everywhere(client, session, province):
    other = Province.objects.exclude(pk=province.pk).first()
    client.force_login(interviewer("i4@example.ma", other))
    convocation = Convocation.objects.filter(slot__session=session).first()
    assert client.get(base(session)).status_code == 404
    assert client.post(base(session) + f"{convocation.pk}/presence/", {"present": "yes"}).status_code == 404
    assert client.get(base(session) + f"{convocation.pk}/").status_code == 404
    assert client.post(base(session) + f"{convocation.pk}/", TOP).status_code == 404
    assert Convocation.objects.get(pk=convocation.pk).status == Convocation.Status.CONVOKED
    assert session.place_name not in client.get("/fr/staff/interviews/scoring/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        TOP | {"level_communication": "9"},
        TOP | {"level_communication": "99999999999999999999999"},
        TOP | {"level_communication": "1\x00"},
        {k: v for k, v in TOP.items() if k != "level_tablet"},
    ],
)
def test_levels_off_the_scale_get_a_message(client, session, province, data):
    client.force_login(interviewer("i5@example.ma", province))
    convocation = Convocation.objects.filter(slot__session=session).first()
    client.post(base(session) + f"{convocation.pk}/presence/", {"present": "yes"})
    assert client.post(base(session) + f"{convocation.pk}/", data).status_code == 200
    assert not InterviewScore.objects.exists()


def test_the_grid_is_the_central_administrators(admin_client, census, session, province):
    url = f"/fr/staff/interviews/{census.slug}/grid/"
    other = Client()
    other.force_login(interviewer("i6@example.ma", province))
    assert other.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200
    for garbage in ("{", "[]", '{"criteria": []}', "\x00"):
        response = admin_client.post(url, {"grid": garbage})
        assert response.status_code == 200
        assertContains(response, 'class="error-summary')
    import json

    assert admin_client.post(url, {"grid": json.dumps(DEFAULT_GRID), "note": "v1"}).status_code == 302
    assert InterviewGrid.objects.get(campaign=census).version == 1
