"""The candidate's writes on her dossier: give (or replace) the file of one requirement, and send a rejected
dossier for examination again. The rules are the shared ones of issue 13 (docs-contract): uploads are allowed while
the dossier is awaited, submitted or rejected, never once accepted; a complete awaited dossier becomes submitted;
every status change, and any upload to a submitted dossier, adds one to `version` (the reviewer's optimistic lock).

An upload is two steps. The file is checked and kept first (services.files.keep_upload: a child process parses it,
which may take a second); only then is the dossier's row locked, in a short transaction of its own, so that a
reviewer is never kept waiting behind a parser. If the dossier was accepted in between, the new file is deleted
and she is told.
"""

from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.core.audit import record_event
from bawaba.documents.models import Dossier, DossierDocument, Requirement
from bawaba.documents.requirements import campaign_requirements, required_for
from bawaba.documents.services.files import delete_document, keep_upload

Status = Dossier.Status
UPLOADABLE = (Status.AWAITED, Status.SUBMITTED, Status.REJECTED)


class UploadNotAllowed(Exception):
    """The dossier's state forbids the write (accepted, under examination...); `message` says why, translated."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


ACCEPTED_MESSAGE = _("Your documents were accepted: they can no longer be changed.")
NOT_ASKED_MESSAGE = _("This document is not asked of you.")


@dataclass(frozen=True)
class UploadOutcome:
    document: DossierDocument
    replaced: bool
    status: str  # the dossier's status after the upload
    became_submitted: bool  # this upload completed an awaited dossier


def upload_document(
    *,
    dossier: Dossier,
    requirement: Requirement,
    upload: bytes | IO[bytes] | File,
    actor: Any,
    storage: Storage | None = None,
) -> UploadOutcome:
    """Keep the file for `requirement` in her dossier; raise DocumentRefused (the file) or UploadNotAllowed."""
    if dossier.status == Status.ACCEPTED:
        raise UploadNotAllowed(ACCEPTED_MESSAGE)
    requirements = campaign_requirements(dossier.campaign_id)
    if requirement.pk not in {r.pk for r in required_for(requirements, dossier.category)}:
        raise UploadNotAllowed(NOT_ASKED_MESSAGE)
    stored = keep_upload(upload=upload, actor=actor, storage=storage)
    try:
        return _attach(dossier, requirement, stored, requirements, actor=actor, storage=storage)
    except BaseException:
        delete_document(document=stored, actor=actor, storage=storage)  # no file that nothing points to
        raise


@transaction.atomic
def _attach(dossier, requirement, stored, requirements, *, actor, storage) -> UploadOutcome:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status not in UPLOADABLE:
        raise UploadNotAllowed(ACCEPTED_MESSAGE)
    now = timezone.now()
    existing = (
        DossierDocument.objects.filter(dossier=locked, requirement=requirement)
        .select_related("stored")
        .first()
    )
    replaced = existing is not None
    if existing is not None:
        previous = existing.stored
        existing.stored = stored
        existing.uploaded_at = now
        existing.save(update_fields=["stored", "uploaded_at"])
        document = existing
        # Its file goes once this transaction commits (delete_document defers it).
        delete_document(document=previous, actor=actor, storage=storage)
    else:
        document = DossierDocument.objects.create(
            dossier=locked, requirement=requirement, stored=stored, uploaded_at=now
        )
    changes: dict[str, Any] = {}
    if locked.status == Status.AWAITED and _complete(locked, requirements):
        changes = {"status": Status.SUBMITTED, "submitted_at": now}
    if locked.status == Status.SUBMITTED or changes:
        # A reviewer who opened the dossier before this upload saw another version: her decision is refused.
        changes["version"] = F("version") + 1
    if changes:
        Dossier.objects.filter(pk=locked.pk).update(updated_at=now, **changes)
        locked.refresh_from_db(fields=["status", "submitted_at", "version"])
    record_event(
        actor=actor,
        action="documents.uploaded",
        target=locked,
        data={
            "requirement": requirement.key,
            "stored": stored.pk,
            "sha256": stored.sha256,
            "replaced": replaced,
            "status": locked.status,
            "version": locked.version,
        },
    )
    dossier.status, dossier.submitted_at, dossier.version = locked.status, locked.submitted_at, locked.version
    return UploadOutcome(
        document=document, replaced=replaced, status=locked.status, became_submitted="status" in changes
    )


def _complete(dossier: Dossier, requirements: list[Requirement]) -> bool:
    needed = {r.pk for r in required_for(requirements, dossier.category)}
    given = set(DossierDocument.objects.filter(dossier=dossier).values_list("requirement_id", flat=True))
    return needed <= given


def missing_requirements(dossier: Dossier) -> list[Requirement]:
    given = set(DossierDocument.objects.filter(dossier=dossier).values_list("requirement_id", flat=True))
    return [
        r
        for r in required_for(campaign_requirements(dossier.campaign_id), dossier.category)
        if r.pk not in given
    ]


@transaction.atomic
def resubmit(*, dossier: Dossier, actor: Any) -> Dossier:
    """Send a rejected dossier for examination again: every required document present, and at least one replaced
    since the rejection (else the reviewer would see the same files)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status != Status.REJECTED:
        raise UploadNotAllowed(_("Your documents are not rejected: there is nothing to send again."))
    if not _complete(locked, campaign_requirements(locked.campaign_id)):
        raise UploadNotAllowed(_("Some documents are still missing: add them, then send again."))
    changed = DossierDocument.objects.filter(dossier=locked)
    if locked.decided_at is not None:
        changed = changed.filter(uploaded_at__gt=locked.decided_at)
    if not changed.exists():
        raise UploadNotAllowed(
            _("Replace at least one document with a corrected one before you send your documents again.")
        )
    now = timezone.now()
    Dossier.objects.filter(pk=locked.pk).update(
        status=Status.SUBMITTED, submitted_at=now, version=F("version") + 1, updated_at=now
    )
    locked.refresh_from_db(fields=["status", "submitted_at", "version"])
    record_event(actor=actor, action="documents.resubmitted", target=locked, data={"version": locked.version})
    return locked
