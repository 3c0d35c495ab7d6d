"""The sessions pages (scoped per province: 404 outside, bad input answered with a message) and the candidate's
answers from her dashboard (her own application only)."""

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.helpers import translated_html
from bawaba.interviews.models import Convocation, InterviewSession
from bawaba.interviews.services.sessions import create_session
from bawaba.interviews.tests.test_convocations import called_in, plan
from bawaba.interviews.tests.test_convocations import province as province  # noqa: F401 - fixture
from bawaba.territory.models import Province

NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
FORM = {
    "place_name": "Lycée Ibn Sina",
    "address": "Rue 12",
    "day": NEXT_WEEK,
    "starts_at": "09:00",
    "ends_at": "11:00",
    "slot_minutes": "30",
    "places_per_slot": "3",
}


def url(census, province, rest=""):
    return f"/fr/staff/interviews/{census.slug}/sessions/{province.code}/{rest}"


def test_a_supervisor_sets_up_a_session_in_her_province_and_convokes(client, supervisor, census, province):
    Assignment.objects.get(user=supervisor).provinces.add(province)
    client.force_login(supervisor)
    response = client.post(url(census, province), FORM)
    assert response.status_code == 302
    session = InterviewSession.objects.get()
    assert session.slots.count() == 4 and session.created_by == supervisor
    response = client.post(url(census, province, "convoke/"))
    assert response.status_code == 302
    assert Convocation.objects.count() == min(12, len(called_in(census, province)))
    assertContains(client.get(url(census, province, f"{session.pk}/")), "Lycée Ibn Sina")


def test_another_province_is_404_for_every_page_and_action(
    client, supervisor, census, province, central_admin
):
    other = Province.objects.exclude(pk=province.pk).first()
    Assignment.objects.get(user=supervisor).provinces.add(other)
    session = create_session(
        campaign=census, province=province, plan=plan(), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    client.force_login(supervisor)
    assert client.get(url(census, province)).status_code == 404
    assert client.post(url(census, province), FORM).status_code == 404
    assert client.post(url(census, province, "convoke/")).status_code == 404
    assert client.get(url(census, province, f"{session.pk}/")).status_code == 404
    assert client.post(url(census, province, f"{session.pk}/delete/")).status_code == 404
    # Her own province does not open another province's session either.
    assert client.get(url(census, other, f"{session.pk}/")).status_code == 404
    assert not Convocation.objects.exists() and InterviewSession.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"day": "2024-02-30"},
        {"day": "99999-01-01"},
        {"starts_at": "25:00"},
        {"ends_at": "08:00"},
        {"places_per_slot": "99999999999999999999"},
        {"slot_minutes": "0"},
        {"latitude": "nan"},
        {"latitude": "34.0"},
        {"place_name": "Lycée\x00"},
        {"address": ""},
    ],
)
def test_a_faulty_session_gets_a_message_and_writes_nothing(admin_client, census, province, changes):
    response = admin_client.post(url(census, province), FORM | changes)
    assert response.status_code == 200
    assertContains(response, 'class="error-summary')
    assert not InterviewSession.objects.exists()


def test_she_answers_her_own_convocation_and_not_anothers(client, census, province, central_admin):
    create_session(
        campaign=census, province=province, plan=plan(places_per_slot=50), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    from bawaba.interviews.services.convocations import convoke_province

    convoke_province(campaign=census, province=province, actor=central_admin)
    mine, other = Convocation.objects.select_related("application__user").order_by("pk")[:2]
    client.force_login(mine.application.user)
    dashboard = client.get("/fr/me/")
    assertContains(dashboard, translated_html("Your interview convocation"))
    assert client.post(f"/fr/interviews/{other.application_id}/confirm/").status_code == 404
    assert client.post(f"/fr/interviews/{mine.application_id}/confirm/").status_code == 302
    assert Convocation.objects.get(pk=mine.pk).status == Convocation.Status.CONFIRMED
    assert Convocation.objects.get(pk=other.pk).status == Convocation.Status.CONVOKED
    for garbage in ("", "x", "99999999999999999999999", "1\x00"):
        assert (
            client.post(f"/fr/interviews/{mine.application_id}/change/", {"slot": garbage}).status_code == 302
        )
    assert client.post(f"/fr/interviews/{mine.application_id}/withdraw/").status_code == 302
    assert (
        Convocation.objects.get(pk=mine.pk).status == Convocation.Status.CONFIRMED
    )  # the box was not ticked
    client.post(f"/fr/interviews/{mine.application_id}/withdraw/", {"confirm": "yes"})
    assert Convocation.objects.get(pk=mine.pk).status == Convocation.Status.WITHDRAWN


def test_a_visitor_is_sent_to_sign_in(client, census):
    assert client.post("/fr/interviews/1/confirm/").status_code == 302


def test_the_session_list_prints_as_a_pdf_in_arabic_for_her_province_only(
    client, supervisor, census, province
):
    import io

    import pypdf

    Assignment.objects.get(user=supervisor).provinces.add(province)
    client.force_login(supervisor)
    client.post(url(census, province), FORM)
    client.post(url(census, province, "convoke/"))
    session = InterviewSession.objects.get()
    first = Convocation.objects.select_related("application").order_by("slot__starts_at", "pk").first()
    response = client.get(f"/ar/staff/interviews/{census.slug}/sessions/{province.code}/{session.pk}/print/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert first.application.last_name_latin in text
    assert any("\u0600" <= character <= "\u06ff" for character in text)  # Arabic, as Arabic glyphs
    other = Province.objects.exclude(pk=province.pk).first()
    Assignment.objects.get(user=supervisor).provinces.set([other])
    client.force_login(supervisor)
    assert client.get(url(census, province, f"{session.pk}/print/")).status_code == 404


def test_printing_leaves_pillow_refusing_truncated_images(admin_client, census, province, central_admin):
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on when imported; bawaba.core.pdf puts it back."""
    from PIL import ImageFile

    from bawaba.core.pdf import render_pdf

    render_pdf("core/print/base.html", {}, language="fr")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # Pillow's default: a truncated upload fails to decode
