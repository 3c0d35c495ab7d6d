"""Files made by a worker for a staff member (registry.FileKind): the national final list is 860,000 lines, two
to three minutes of work, far beyond a web request's time.

She asks (`request_file`): one row, written in her transaction, the task queued after it commits (the outbox's
rule: no side effect of a transaction that did not happen). A worker makes the file (`build_file`) into a
temporary file, then stores it under a random name in the private storage (STORAGES["default"]: served by no
URL); her files page lists it and the download view checks again that she may read it. The same request twice
while the first is waiting gives the first. A file is kept KEPT_FOR days (`purge_prepared_files` deletes older
ones: they hold personal data), and a file whose worker died is made again by asking again after LOST.
"""

import datetime as dt
import logging
import secrets
import tempfile
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone, translation

from bawaba.core.audit import record_event
from bawaba.core.contributions import FileKind, registry
from bawaba.notifications.models import PreparedFile

logger = logging.getLogger(__name__)

KEPT_FOR = dt.timedelta(days=7)
LOST = dt.timedelta(hours=1)
FOLDER = "prepared"


def storage() -> Storage:
    return storages["default"]


def request_file(
    *, kind: str, params: Mapping[str, Any], title: str, actor: Any, language: str
) -> tuple[PreparedFile, bool]:
    """Ask a worker for a file of `kind`; (the row, True), or (the same file still waiting, False). Raises
    PermissionError when she may not read such a file."""
    file_kind = registry.file_kinds[kind]
    if not file_kind.may_read(actor, params):
        raise PermissionError(kind)
    with transaction.atomic():
        waiting = (
            PreparedFile.objects.select_for_update()
            .filter(
                kind=kind,
                params=dict(params),
                requested_by=actor,
                finished_at__isnull=True,
                failed_at__isnull=True,
                requested_at__gt=timezone.now() - LOST,
            )
            .first()
        )
        if waiting is not None:
            return waiting, False
        prepared = PreparedFile.objects.create(
            kind=kind, params=dict(params), title=title[:200], language=language, requested_by=actor
        )
        record_event(
            actor=actor,
            action="files.requested",
            target=prepared,
            data={"kind": kind, "params": dict(params)},
        )
        from bawaba.notifications.tasks import prepare_file  # the task calls this module: imported when used

        transaction.on_commit(lambda: prepare_file.enqueue(prepared.pk))
    return prepared, True


def build_file(file_id: int) -> PreparedFile | None:
    """The worker's side: make the file and store it. A second delivery finds it made (or under way) and does
    nothing; a failure is recorded on the row (her page says so) and logged."""
    with transaction.atomic():
        prepared = PreparedFile.objects.select_for_update().filter(pk=file_id).first()
        if prepared is None or not prepared.is_pending:
            return prepared
        if prepared.started_at is not None and timezone.now() - prepared.started_at < LOST:
            return prepared  # another worker is making it
        prepared.started_at = timezone.now()
        prepared.save(update_fields=["started_at"])
    kind: FileKind = registry.file_kinds[prepared.kind]
    try:
        with tempfile.TemporaryFile() as out, translation.override(prepared.language):
            lines = kind.build(prepared.params, out)
            size = out.tell()
            out.seek(0)
            token = secrets.token_urlsafe(24)
            name = storage().save(f"{FOLDER}/{token[:2]}/{token}.{kind.extension}", File(out))
    except Exception:
        logger.exception("prepared file %s (%s) failed", prepared.pk, prepared.kind)
        PreparedFile.objects.filter(pk=prepared.pk).update(failed_at=timezone.now())
        raise
    PreparedFile.objects.filter(pk=prepared.pk).update(
        finished_at=timezone.now(), stored_name=name, size=size, lines=lines
    )
    prepared.refresh_from_db()
    return prepared


def files_of(user: Any) -> list[PreparedFile]:
    """Her files of the last KEPT_FOR days, newest first."""
    return list(
        PreparedFile.objects.filter(requested_by=user, requested_at__gt=timezone.now() - KEPT_FOR)[:50]
    )


def readable_file(user: Any, file_id: int) -> PreparedFile | None:
    """Her ready file, if she may still read it; None otherwise (another's file, expired, or her scope changed)."""
    prepared = (
        PreparedFile.objects.filter(
            pk=file_id,
            requested_by=user,
            finished_at__isnull=False,
            requested_at__gt=timezone.now() - KEPT_FOR,
        )
        .exclude(stored_name="")
        .first()
    )
    if prepared is None:
        return None
    kind = registry.file_kinds.get(prepared.kind)
    return prepared if kind is not None and kind.may_read(user, prepared.params) else None


def record_download(*, user: Any, prepared: PreparedFile) -> None:
    record_event(actor=user, action="files.downloaded", target=prepared, data={"kind": prepared.kind})


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files asked for more than KEPT_FOR ago, stored bytes first; the number deleted."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    count = 0
    for prepared in PreparedFile.objects.filter(requested_at__lte=cutoff).iterator():
        if prepared.stored_name:
            storage().delete(prepared.stored_name)
        prepared.delete()
        count += 1
    return count
