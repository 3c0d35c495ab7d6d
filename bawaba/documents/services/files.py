"""Writes: keep an uploaded file (validated, stored, scanned, recorded), scan it again, delete it."""

from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from bawaba.core.audit import record_event
from bawaba.documents import scanning
from bawaba.documents.isolation import check_upload
from bawaba.documents.models import ScanState, StoredDocument
from bawaba.documents.storage import delete_stored, documents_storage, read_stored, store
from bawaba.documents.validation import DocumentRefused, Reason

SCAN_STATES = {
    scanning.Verdict.CLEAN: ScanState.CLEAN,
    scanning.Verdict.INFECTED: ScanState.INFECTED,
    scanning.Verdict.ERROR: ScanState.FAILED,
}


def keep_upload(
    *, upload: bytes | IO[bytes] | File, actor: Any = None, storage: Storage | None = None
) -> StoredDocument:
    """Validate, scan (when ClamAV is configured) and store an upload; raise DocumentRefused with the reason.

    The scan runs before anything is written and answers at once (or fails at once): a document is never left
    "pending" behind a queue. What is scanned is what is stored and opened later: the clean payload. A file clamd flags is refused and not kept; a failed scan keeps the file as FAILED,
    which nobody may open until `rescan` says it is clean.
    """
    validated = check_upload(upload)  # validate_upload, in a child process with a memory and CPU ceiling
    scan_state, scan_detail, scanned_at = ScanState.NOT_SCANNED, "", None
    if scanning.scanning_enabled():
        result = scanning.scan_bytes(validated.content)
        scan_state, scan_detail, scanned_at = SCAN_STATES[result.verdict], result.detail, timezone.now()
        if scan_state == ScanState.INFECTED:
            with transaction.atomic():
                record_event(
                    actor=actor,
                    action="document.refused_infected",
                    data={"sha256": validated.sha256, "signature": scan_detail},
                )
            raise DocumentRefused(Reason.INFECTED)
    storage = storage or documents_storage()
    name = store(validated, storage=storage)
    try:
        with transaction.atomic():
            document = StoredDocument.objects.create(
                storage_name=name,
                media_type=validated.media_type,
                size=validated.size,
                sha256=validated.sha256,
                page_count=validated.page_count,
                width=validated.width,
                height=validated.height,
                scan_state=scan_state,
                scan_detail=scan_detail[:200],
                scanned_at=scanned_at,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            record_event(
                actor=actor,
                action="document.stored",
                target=document,
                data={"sha256": document.sha256, "size": document.size, "scan_state": document.scan_state},
            )
    except BaseException:
        delete_stored(name, storage=storage)  # no file without its row
        raise
    return document


def rescan(*, document: StoredDocument, storage: Storage | None = None) -> StoredDocument:
    """Scan a stored document again (one that FAILED, or all of them after a signature update)."""
    result = scanning.scan_bytes(read_stored(document.storage_name, storage=storage))
    with transaction.atomic():
        document.scan_state = SCAN_STATES[result.verdict]
        document.scan_detail = result.detail[:200]
        document.scanned_at = timezone.now()
        document.save(update_fields=["scan_state", "scan_detail", "scanned_at"])
        record_event(action="document.scanned", target=document, data={"scan_state": document.scan_state})
    return document


def delete_document(*, document: StoredDocument, actor: Any = None, storage: Storage | None = None) -> None:
    """Delete the row, then the file once the deletion is committed (a rolled-back deletion keeps both)."""
    name = document.storage_name
    with transaction.atomic():
        record_event(
            actor=actor, action="document.deleted", target=document, data={"sha256": document.sha256}
        )
        document.delete()
        transaction.on_commit(lambda: delete_stored(name, storage=storage))
