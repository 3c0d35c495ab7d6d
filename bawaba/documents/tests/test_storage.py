"""The same storing, reading and deleting on the private folder and on a real S3-compatible server (moto)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from bawaba.core.models import AuditEvent
from bawaba.documents.models import ScanState, StoredDocument
from bawaba.documents.services.files import delete_document, keep_upload
from bawaba.documents.storage import delete_stored, exists, read_stored, store
from bawaba.documents.tests import samples
from bawaba.documents.validation import DocumentRefused, Reason, validate_upload

RANDOM_NAME = re.compile(r"^[A-Za-z0-9_-]{2}/[A-Za-z0-9_-]{32}\.(pdf|jpg|png)$")


def test_a_stored_file_reads_back_identical_and_is_deleted(any_storage):
    validated = validate_upload(samples.pdf(pages=2))
    name = store(validated, storage=any_storage)
    assert RANDOM_NAME.match(name), name
    assert read_stored(name, storage=any_storage) == validated.content
    assert exists(name, storage=any_storage)
    delete_stored(name, storage=any_storage)
    assert not exists(name, storage=any_storage)
    delete_stored(name, storage=any_storage)  # deleting again is not an error


def test_two_uploads_of_the_same_file_get_two_names(any_storage):
    validated = validate_upload(samples.image("image/png"))
    first, second = store(validated, storage=any_storage), store(validated, storage=any_storage)
    assert first != second
    assert read_stored(first, storage=any_storage) == read_stored(second, storage=any_storage)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "uploaded_name",
    ["../../../etc/passwd", "..\\..\\boot.ini", "cv\x00.pdf.exe", "photo\r\n\x1b[31m.jpg", "ملف.pdf", ""],
)
def test_the_stored_name_never_comes_from_the_uploaded_one(any_storage, candidate, uploaded_name):
    upload = SimpleUploadedFile(uploaded_name or "x", samples.jpeg_with_gps(), content_type="application/pdf")
    document = keep_upload(upload=upload, actor=candidate, storage=any_storage)
    assert RANDOM_NAME.match(document.storage_name)
    assert document.storage_name.endswith(".jpg")  # the type found in the content, not the name's
    assert read_stored(document.storage_name, storage=any_storage)[:3] == b"\xff\xd8\xff"


@pytest.mark.django_db
def test_keeping_an_upload_records_its_facts_and_an_audit_row_and_deleting_it_removes_the_file(
    any_storage, candidate, django_capture_on_commit_callbacks
):
    document = keep_upload(upload=samples.pdf(pages=3), actor=candidate, storage=any_storage)
    document.refresh_from_db()
    content = read_stored(document.storage_name, storage=any_storage)
    assert (document.media_type, document.page_count, document.size) == ("application/pdf", 3, len(content))
    import hashlib

    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.scan_state == ScanState.NOT_SCANNED and document.can_be_opened
    assert document.uploaded_by == candidate
    assert AuditEvent.objects.filter(
        action="document.stored", target_id=str(document.pk), actor=candidate
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        delete_document(document=document, actor=candidate, storage=any_storage)
    assert not StoredDocument.objects.exists()
    assert not exists(document.storage_name, storage=any_storage)
    assert AuditEvent.objects.filter(action="document.deleted").exists()


@pytest.mark.django_db
def test_a_refused_upload_leaves_nothing_behind(filesystem_storage):
    with pytest.raises(DocumentRefused) as refused:
        keep_upload(upload=samples.pdf_with_javascript(), storage=filesystem_storage)
    assert refused.value.reason == Reason.PDF_JAVASCRIPT
    assert not StoredDocument.objects.exists()
    assert not filesystem_storage.exists("")


@pytest.mark.django_db
def test_the_limit_is_the_setting(filesystem_storage):
    document = samples.pdf(pages=2)
    with override_settings(BAWABA_DOCUMENT_MAX_BYTES=len(document) - 1):
        with pytest.raises(DocumentRefused) as refused:
            keep_upload(upload=document, storage=filesystem_storage)
    assert refused.value.reason == Reason.TOO_LARGE
    with override_settings(BAWABA_DOCUMENT_MAX_BYTES=len(document)):
        assert keep_upload(upload=document, storage=filesystem_storage).page_count == 2


@pytest.mark.django_db
def test_a_row_that_cannot_be_written_takes_its_file_with_it(filesystem_storage, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("bawaba.documents.services.files.record_event", fail)
    with pytest.raises(RuntimeError):
        keep_upload(upload=samples.pdf(), storage=filesystem_storage)
    assert not StoredDocument.objects.exists()
    folders = filesystem_storage.listdir("")[0]
    assert all(not filesystem_storage.listdir(folder)[1] for folder in folders)


def test_the_documents_alias_is_private_and_apart_from_the_default_storage(monkeypatch):
    """settings.py: a folder served by no URL by default, an S3 bucket when one is named."""
    import runpy

    import config.settings

    settings_file = config.settings.__file__

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x")
    monkeypatch.setenv("BAWABA_VAR_DIR", "/srv/bawaba")
    monkeypatch.delenv("BAWABA_DOCUMENTS_S3_BUCKET", raising=False)
    documents = runpy.run_path(settings_file)["STORAGES"]["documents"]
    assert documents["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    options = documents["OPTIONS"]
    assert options["location"] == "/srv/bawaba/documents" and options["base_url"] is None
    assert options["file_permissions_mode"] == 0o600

    monkeypatch.setenv("BAWABA_DOCUMENTS_S3_BUCKET", "pieces")
    monkeypatch.setenv("BAWABA_DOCUMENTS_S3_ENDPOINT_URL", "http://s3.local")
    documents = runpy.run_path(settings_file)["STORAGES"]["documents"]
    assert documents["BACKEND"] == "storages.backends.s3.S3Storage"
    options = documents["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("pieces", "http://s3.local")
    assert (
        options["default_acl"] == "private" and options["querystring_auth"] and not options["file_overwrite"]
    )
