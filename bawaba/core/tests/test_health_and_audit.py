from unittest import mock

import pytest
from django.db import OperationalError

from bawaba.core.audit import record_event
from bawaba.core.models import AuditEvent
from bawaba.territory.models import Region


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    # The database going away is the edge of our world: simulate the driver's failure, not our own code.
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_record_event_names_its_target_and_keeps_details():
    region = Region.objects.create(code="99", name_fr="Test", name_ar="اختبار")

    event = record_event(action="region.tested", target=region, data={"why": "test"})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.target_type, stored.target_id, stored.data) == (
        "territory.region",
        str(region.pk),
        {"why": "test"},
    )
    assert stored.actor is None
