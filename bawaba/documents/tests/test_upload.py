# ruff: noqa: F811 - the shared fixtures are imported by name, and named again as arguments
"""The candidate's upload page through the real views: the slots, the refusals in her language, the size limit,
replacing, the dossier becoming complete, sending again after a rejection, and nobody else's dossier or file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape

from bawaba.core.models import AuditEvent
from bawaba.documents.models import Dossier, DossierDocument, RejectionReason, ScanState, StoredDocument
from bawaba.documents.storage import exists
from bawaba.documents.tests import samples
from bawaba.documents.tests.upload_setup import (  # noqa: F401 - fixtures
    alice_dossier,
    bob_dossier,
    census,
    hcp,
    places,
    requirements,
)
from bawaba.documents.validation import DocumentRefused, Reason

Status = Dossier.Status


def page_url(dossier, language="fr"):
    return f"/{language}/documents/{dossier.application_id}/"


def upload_url(dossier, requirement, language="fr"):
    return f"/{language}/documents/{dossier.application_id}/upload/{requirement.pk}/"


def send(
    client,
    dossier,
    requirement,
    content: bytes,
    name="scan.pdf",
    content_type="application/pdf",
    language="fr",
):
    return client.post(
        upload_url(dossier, requirement, language),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.fixture
def alice_in(client, alice):
    client.force_login(alice)
    return client


def test_her_page_has_one_slot_per_document_of_her_category_with_a_phone_friendly_input(
    alice_in, alice_dossier, requirements
):
    page = alice_in.get(page_url(alice_dossier))
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(requirements["national-id"].name_fr) in html
    assert escape(requirements["diploma"].name_fr) in html
    assert escape(requirements["student-certificate"].name_fr) not in html  # a graduate is no student
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="application/pdf,image/jpeg,image/png,image/*"' in html
    assert "capture" not in html  # the phone offers the camera or its files
    assert "/fr/documents/guide/" in html


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"#!/bin/sh\nrm -rf /\n", "script.pdf", "not a PDF, JPEG or PNG"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "page.pdf", "not a PDF, JPEG or PNG"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image.png",
            "not a PDF",
        ),
        (samples.pdf_with_javascript(), "js.pdf", "scripts (JavaScript)"),
        (b"<html>garbage</html>\n" + samples.pdf(), "hidden.pdf", "does not start like a PDF"),
        (b"", "empty.pdf", "The file is empty"),
    ],
    ids=["script", "html", "svg", "pdf-javascript", "garbage-before-header", "zero-bytes"],
)
def test_hostile_or_broken_files_are_refused_with_the_reason_next_to_the_slot(
    client, alice, alice_dossier, requirements, content, name, reason, settings
):
    settings.LANGUAGE_CODE = "en"
    alice.preferred_language = "en"
    alice.save()
    client.force_login(alice)
    response = send(client, alice_dossier, requirements["national-id"], content, name=name, language="en")
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert f'id="file-{requirements["national-id"].pk}-error"' in response.content.decode()
    assert not DossierDocument.objects.exists()
    assert not StoredDocument.objects.exists()


def test_a_refusal_is_said_in_her_language(alice_in, alice_dossier, requirements):
    response = send(alice_in, alice_dossier, requirements["national-id"], b"", language="ar")
    assert response.status_code == 400
    with translation.override("ar"):
        assert escape(str(DocumentRefused(Reason.EMPTY).messages[0])) in response.content.decode()


def test_a_file_over_the_limit_is_refused_before_its_body_is_read(
    alice_in, alice_dossier, requirements, settings
):
    settings.BAWABA_DOCUMENT_MAX_BYTES = 1000
    response = alice_in.post(
        upload_url(alice_dossier, requirements["national-id"]),
        {"file": SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 200_000, content_type="image/png")},
    )
    assert response.status_code == 400
    with translation.override("fr"):
        said = DocumentRefused(Reason.TOO_LARGE, limit=f"{1000 / (1024 * 1024):g}").messages[0]
    assert escape(said) in response.content.decode()
    assert not StoredDocument.objects.exists()


def test_a_file_over_the_limit_in_a_body_that_hides_its_length_is_dropped_as_it_is_read(
    alice_in, alice_dossier, requirements, settings
):
    settings.BAWABA_DOCUMENT_MAX_BYTES = 1000
    # Just over the limit, under the envelope's margin: the handler, not the length check, refuses it.
    response = send(alice_in, alice_dossier, requirements["national-id"], b"%PDF-" + b"0" * 5000)
    assert response.status_code == 400
    assert not StoredDocument.objects.exists()


def test_the_stored_name_never_comes_from_the_uploaded_one(alice_in, alice_dossier, requirements):
    response = send(
        alice_in,
        alice_dossier,
        requirements["national-id"],
        samples.pdf(),
        name="../../etc/pass\x01\x7fwd\r\n.pdf",
    )
    assert response.status_code == 302
    stored = StoredDocument.objects.get()
    assert ".." not in stored.storage_name and "pass" not in stored.storage_name
    assert stored.storage_name.endswith(".pdf")


def test_a_complete_dossier_is_submitted_and_audited(alice_in, alice_dossier, requirements):
    assert send(alice_in, alice_dossier, requirements["national-id"], samples.pdf()).status_code == 302
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.AWAITED and alice_dossier.version == 0
    photo = samples.jpeg_with_gps()
    assert (
        send(alice_in, alice_dossier, requirements["diploma"], photo, "d.jpg", "image/jpeg").status_code
        == 302
    )
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.SUBMITTED
    assert alice_dossier.submitted_at is not None and alice_dossier.version == 1
    assert AuditEvent.objects.filter(action="documents.uploaded").count() == 2
    assert DossierDocument.objects.filter(dossier=alice_dossier).count() == 2


def test_replacing_a_file_deletes_the_old_one_and_a_submitted_dossier_changes_version(
    alice_in, alice_dossier, requirements, django_capture_on_commit_callbacks
):
    for key in ("national-id", "diploma"):
        send(alice_in, alice_dossier, requirements[key], samples.pdf())
    alice_dossier.refresh_from_db()
    version = alice_dossier.version
    old = DossierDocument.objects.get(dossier=alice_dossier, requirement=requirements["diploma"]).stored
    with django_capture_on_commit_callbacks(execute=True):
        response = send(alice_in, alice_dossier, requirements["diploma"], samples.pdf(pages=2))
    assert response.status_code == 302
    assert not StoredDocument.objects.filter(pk=old.pk).exists()
    assert not exists(old.storage_name)
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.SUBMITTED and alice_dossier.version == version + 1


def test_nothing_can_be_uploaded_once_accepted(alice_in, alice_dossier, requirements):
    Dossier.objects.filter(pk=alice_dossier.pk).update(status=Status.ACCEPTED)
    response = send(alice_in, alice_dossier, requirements["national-id"], samples.pdf())
    assert response.status_code == 409
    assert not StoredDocument.objects.exists()
    page = alice_in.get(page_url(alice_dossier))
    assert 'type="file"' not in page.content.decode()


def test_after_a_rejection_she_sees_the_reasons_replaces_and_sends_again(
    alice_in, alice_dossier, requirements
):
    for key in ("national-id", "diploma"):
        send(alice_in, alice_dossier, requirements[key], samples.pdf())
    decided = timezone.now()
    Dossier.objects.filter(pk=alice_dossier.pk).update(
        status=Status.REJECTED,
        decided_at=decided,
        rejection_reasons=[RejectionReason.ILLEGIBLE],
        rejection_comment="La photo est floue.",
        version=2,
    )
    page = alice_in.get(page_url(alice_dossier)).content.decode()
    assert "La photo est floue." in page
    assert f"/fr/documents/{alice_dossier.application_id}/send-again/" in page
    # Nothing replaced yet: refused, and said.
    alice_in.post(f"/fr/documents/{alice_dossier.application_id}/send-again/")
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.REJECTED
    assert send(alice_in, alice_dossier, requirements["diploma"], samples.pdf(pages=3)).status_code == 302
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.REJECTED  # an upload alone does not send it again
    response = alice_in.post(f"/fr/documents/{alice_dossier.application_id}/send-again/")
    assert response.status_code == 302
    alice_dossier.refresh_from_db()
    assert alice_dossier.status == Status.SUBMITTED and alice_dossier.version == 3
    assert alice_dossier.submitted_at > decided
    assert AuditEvent.objects.filter(action="documents.resubmitted").count() == 1


def test_she_views_her_own_file_inline_with_the_safe_headers(alice_in, alice_dossier, requirements):
    send(alice_in, alice_dossier, requirements["national-id"], samples.pdf())
    document = DossierDocument.objects.get()
    response = alice_in.get(f"/fr/documents/{alice_dossier.application_id}/files/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_file_the_antivirus_has_not_cleared_is_not_served(alice_in, alice_dossier, requirements):
    send(alice_in, alice_dossier, requirements["national-id"], samples.pdf())
    document = DossierDocument.objects.get()
    StoredDocument.objects.filter(pk=document.stored_id).update(scan_state=ScanState.INFECTED)
    response = alice_in.get(f"/fr/documents/{alice_dossier.application_id}/files/{document.pk}/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")


def test_a_candidate_cannot_fetch_nor_fill_another_candidates_dossier(
    client, alice, bob, alice_dossier, bob_dossier, requirements, central_admin
):
    client.force_login(bob)
    send(client, bob_dossier, requirements["national-id"], samples.pdf())
    bobs = DossierDocument.objects.get()
    client.force_login(alice)
    assert client.get(page_url(bob_dossier)).status_code == 404
    assert client.get(f"/fr/documents/{bob_dossier.application_id}/files/{bobs.pk}/").status_code == 404
    # Her own application's number with his file's number: still his file, still 404.
    assert client.get(f"/fr/documents/{alice_dossier.application_id}/files/{bobs.pk}/").status_code == 404
    assert send(client, bob_dossier, requirements["diploma"], samples.pdf()).status_code == 404
    assert client.post(f"/fr/documents/{bob_dossier.application_id}/send-again/").status_code == 404
    assert DossierDocument.objects.count() == 1
    client.force_login(central_admin)  # staff review through their own pages
    assert client.get(page_url(bob_dossier)).status_code == 404
    assert client.get(f"/fr/documents/{bob_dossier.application_id}/files/{bobs.pk}/").status_code == 404


def test_a_document_not_asked_of_her_and_huge_numbers_are_404(alice_in, alice_dossier, requirements):
    assert (
        send(alice_in, alice_dossier, requirements["student-certificate"], samples.pdf()).status_code == 404
    )
    assert alice_in.get(f"/fr/documents/{2**70}/").status_code == 404
    assert alice_in.get(f"/fr/documents/{alice_dossier.application_id}/files/{2**70}/").status_code == 404
    assert alice_in.post(f"/fr/documents/{alice_dossier.application_id}/upload/{2**70}/").status_code == 404


def test_a_post_without_a_file_says_so(alice_in, alice_dossier, requirements):
    response = alice_in.post(upload_url(alice_dossier, requirements["national-id"]), {"file": ""})
    assert response.status_code == 400
    assert not StoredDocument.objects.exists()


def test_uploads_are_rate_limited_per_candidate(alice_in, alice_dossier, requirements, settings):
    settings.BAWABA_RATE_LIMITS = {"document_upload:user": (2, 3600)}
    for _ in range(2):
        assert send(alice_in, alice_dossier, requirements["national-id"], samples.pdf()).status_code == 302
    response = send(alice_in, alice_dossier, requirements["national-id"], samples.pdf())
    assert response.status_code == 429
    assert StoredDocument.objects.count() == 1


def test_the_dashboard_shows_her_dossier_and_the_reasons_of_a_rejection(alice_in, alice_dossier):
    page = alice_in.get("/fr/me/").content.decode()
    assert f"/fr/documents/{alice_dossier.application_id}/" in page
    Dossier.objects.filter(pk=alice_dossier.pk).update(
        status=Status.REJECTED, rejection_reasons=[RejectionReason.EXPIRED], rejection_comment="Carte expirée"
    )
    page = alice_in.get("/fr/me/").content.decode()
    assert "Carte expirée" in page


def test_the_guide_is_a_page_for_everyone(client):
    for language in ("ar", "fr", "en"):
        assert client.get(f"/{language}/documents/guide/").status_code == 200


def test_upload_replace_and_view_on_a_folder_and_on_s3(
    client, alice, alice_dossier, requirements, any_storage, monkeypatch
):
    from django.core.files.storage import storages

    monkeypatch.setitem(storages._storages, "documents", any_storage)
    client.force_login(alice)
    assert send(client, alice_dossier, requirements["national-id"], samples.pdf()).status_code == 302
    assert send(client, alice_dossier, requirements["national-id"], samples.image()).status_code == 302
    document = DossierDocument.objects.get()
    assert any_storage.exists(document.stored.storage_name)
    response = client.get(f"/fr/documents/{alice_dossier.application_id}/files/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response.close()


def test_django_s_own_limits_answer_400_not_500(alice_in, alice_dossier, requirements):
    url = upload_url(alice_dossier, requirements["national-id"])
    # A form body (no file) above DATA_UPLOAD_MAX_MEMORY_SIZE but under the file limit.
    response = alice_in.post(url, "file=" + "x" * 3_000_000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    # More files than DATA_UPLOAD_MAX_NUMBER_FILES.
    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-", content_type="application/pdf") for n in range(120)]
    assert alice_in.post(url, {"file": files}).status_code == 400
    assert not StoredDocument.objects.exists()


def test_two_files_in_one_post_keep_one_and_nothing_is_left_behind(alice_in, alice_dossier, requirements):
    files = [SimpleUploadedFile("a.pdf", samples.pdf()), SimpleUploadedFile("b.png", samples.image())]
    assert (
        alice_in.post(upload_url(alice_dossier, requirements["national-id"]), {"file": files}).status_code
        == 302
    )
    assert StoredDocument.objects.count() == 1
