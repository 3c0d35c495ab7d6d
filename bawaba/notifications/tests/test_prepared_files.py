"""Files made by a worker for a staff member: asked once, made after commit, downloaded by her alone while she may
still read them, failures recorded, and deleted after KEPT_FOR."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bawaba.core.contributions import FileKind, registry
from bawaba.core.models import AuditEvent
from bawaba.notifications import files
from bawaba.notifications.models import PreparedFile

KIND = "tests.numbers"
allowed: set[int] = set()


def build_numbers(params, out) -> int:
    if params.get("fail"):
        raise RuntimeError("the data went away")
    count = int(params["count"])
    out.write("".join(f"{n}\n" for n in range(count)).encode())
    return count


@pytest.fixture
def numbers_kind(central_admin):
    allowed.clear()
    allowed.add(central_admin.pk)
    registry.file_kinds[KIND] = FileKind(
        key=KIND,
        label="numbers",
        extension="csv",
        content_type="text/csv; charset=utf-8",
        build=build_numbers,
        may_read=lambda user, params: user.pk in allowed,
    )
    yield registry.file_kinds[KIND]
    del registry.file_kinds[KIND]


def ask(user, capture, **params):
    with capture(execute=True):
        return files.request_file(kind=KIND, params=params, title="Numbers", actor=user, language="fr")


def test_she_asks_a_worker_makes_it_and_only_she_downloads_it(
    client, central_admin, supervisor, numbers_kind, django_capture_on_commit_callbacks
):
    prepared, made = ask(central_admin, django_capture_on_commit_callbacks, count=3)
    assert made
    prepared.refresh_from_db()
    assert prepared.is_ready and prepared.lines == 3 and prepared.size == 6 and prepared.extension == "csv"
    client.force_login(central_admin)
    page = client.get("/fr/staff/files/").content.decode()
    assert "Numbers" in page and f"/fr/staff/files/{prepared.pk}/" in page
    download = client.get(f"/fr/staff/files/{prepared.pk}/")
    assert b"".join(download.streaming_content) == b"0\n1\n2\n"
    assert AuditEvent.objects.filter(action="files.downloaded", actor=central_admin).count() == 1
    # Another staff member: not on her page, and 404 on its address.
    client.force_login(supervisor)
    assert "Numbers" not in client.get("/fr/staff/files/").content.decode()
    assert client.get(f"/fr/staff/files/{prepared.pk}/").status_code == 404
    # Her rights gone since (another assignment): 404 for her too.
    allowed.clear()
    client.force_login(central_admin)
    assert client.get(f"/fr/staff/files/{prepared.pk}/").status_code == 404


def test_one_who_may_not_read_it_cannot_ask_for_it(
    supervisor, numbers_kind, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionError):
        ask(supervisor, django_capture_on_commit_callbacks, count=1)
    assert not PreparedFile.objects.exists()


def test_asked_twice_while_waiting_it_is_made_once_and_a_second_delivery_does_nothing(
    central_admin, numbers_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first, _ = files.request_file(
            kind=KIND, params={"count": 2}, title="N", actor=central_admin, language="fr"
        )
        again, made = files.request_file(
            kind=KIND, params={"count": 2}, title="N", actor=central_admin, language="fr"
        )
    assert again == first and not made and len(queued) == 1
    files.build_file(first.pk)
    stored = PreparedFile.objects.get(pk=first.pk).stored_name
    files.build_file(first.pk)
    assert PreparedFile.objects.get(pk=first.pk).stored_name == stored
    other, made = ask(
        central_admin, django_capture_on_commit_callbacks, count=5
    )  # other parameters: another file
    assert made and other != first


def test_a_failure_is_on_her_page_and_nothing_is_stored(
    client, central_admin, numbers_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task's failure is the worker's, not hers
        files.request_file(kind=KIND, params={"fail": True}, title="N", actor=central_admin, language="fr")
    prepared = PreparedFile.objects.get()
    assert prepared.has_failed and not prepared.stored_name
    client.force_login(central_admin)
    assert client.get(f"/fr/staff/files/{prepared.pk}/").status_code == 404
    assert client.get("/fr/staff/files/").status_code == 200


def test_files_older_than_the_keeping_time_are_deleted_with_their_bytes(
    client, central_admin, numbers_kind, django_capture_on_commit_callbacks
):
    old, _ = ask(central_admin, django_capture_on_commit_callbacks, count=1)
    new, _ = ask(central_admin, django_capture_on_commit_callbacks, count=2)
    old.refresh_from_db()
    PreparedFile.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - files.KEPT_FOR - dt.timedelta(1)
    )
    client.force_login(central_admin)
    assert client.get(f"/fr/staff/files/{old.pk}/").status_code == 404  # expired: gone from her page already
    out = io.StringIO()
    call_command("purge_prepared_files", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert not files.storage().exists(old.stored_name)
    assert list(PreparedFile.objects.values_list("pk", flat=True)) == [new.pk]


def test_a_file_page_refuses_anyone_not_staff_and_bad_ids(client, candidate):
    client.force_login(candidate)
    assert client.get("/fr/staff/files/").status_code == 404
    assert client.get("/fr/staff/files/1/").status_code == 404
