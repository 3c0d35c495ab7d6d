"""Importing a campaign's needs from a CSV file: check the whole file and keep it for its preview, then apply it.

Checking writes a pending NeedsImport (the lines as checked, and a fingerprint of the needs they were compared
with); applying replaces the campaign's needs at the stages the file holds, in one transaction, with an audit row.
Applying is once per import and only while the needs are those the preview compared the file with: a second
click, a second administrator or an older preview finds it refused with a reason, never half-applied.
"""

import hashlib
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Campaign, CommuneNeed, NeedsImport
from bawaba.campaigns.needs.csvfile import NeedsChange, compare_needs, parse_needs_file
from bawaba.campaigns.needs.selectors import current_needs, imported_needs, needs_fingerprint
from bawaba.core.audit import record_event
from bawaba.territory.models import Commune

FILENAME_MAX_LENGTH: int = NeedsImport._meta.get_field("filename").max_length or 0
BATCH_SIZE = 500

ALREADY_APPLIED = _("This file has already been applied: the needs are those of the file.")
SUPERSEDED = _("A newer file was uploaded for this campaign since: apply that one, or upload this one again.")
STALE = _(
    "The needs of this campaign changed after this file was checked (another file was applied). Upload the file "
    "again to see what it would change now."
)


class NeedsImportRefused(Exception):
    """Applying was refused; `message` says why, for the administrator."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__(str(message))
        self.message = message


def _clean_filename(name: str) -> str:
    # The browser's name of the file, only shown back: no control character (PostgreSQL refuses NUL), bounded.
    return "".join(ch for ch in name if unicodedata.category(ch) != "Cc").strip()[:FILENAME_MAX_LENGTH]


def check_needs_file(*, campaign: Campaign, data: bytes, filename: str, actor) -> NeedsImport:
    """Check the whole file against the territory; NeedsFileError listing every problem, else the pending import
    its preview shows (an earlier pending import of the campaign is superseded: one preview at a time)."""
    commune_ids = dict(Commune.objects.values_list("code", "pk"))
    lines = parse_needs_file(data, commune_codes=commune_ids.keys(), stages=CommuneNeed.Stage.values)
    stages = sorted({line.stage for line in lines})
    with transaction.atomic():
        NeedsImport.objects.filter(campaign=campaign, status=NeedsImport.Status.PENDING).update(
            status=NeedsImport.Status.SUPERSEDED, rows=[]
        )
        needs_import = NeedsImport.objects.create(
            campaign=campaign,
            filename=_clean_filename(filename),
            file_digest=hashlib.sha256(data).hexdigest(),
            rows=[[commune_ids[line.commune_code], line.stage, line.need] for line in lines],
            stages=stages,
            base_digest=needs_fingerprint(current_needs(campaign, stages=stages)),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="campaigns.needs_file_checked",
            target=needs_import,
            data={
                "campaign": campaign.slug,
                "file": needs_import.filename,
                "sha256": needs_import.file_digest,
                "lines": len(lines),
            },
        )
    return needs_import


def apply_needs_import(*, needs_import: NeedsImport, actor) -> NeedsChange:
    """Replace the campaign's needs at the file's stages by the file's (other stages are kept); what changed.

    Set-based: one read of the current needs, then at most a few batched deletes, updates and inserts, whatever
    the number of communes. A file equal to the current needs writes nothing but the import's status.
    """
    with transaction.atomic():
        # One application at a time per campaign: a second one waits here, then sees the first's needs.
        campaign = Campaign.objects.select_for_update().only("pk", "slug").get(pk=needs_import.campaign_id)
        locked = NeedsImport.objects.select_for_update().get(pk=needs_import.pk)
        if locked.status == NeedsImport.Status.APPLIED:
            raise NeedsImportRefused(ALREADY_APPLIED)
        if locked.status == NeedsImport.Status.SUPERSEDED:
            raise NeedsImportRefused(SUPERSEDED)
        stages = list(locked.stages)
        current = current_needs(campaign, stages=stages)
        if needs_fingerprint(current) != locked.base_digest:
            raise NeedsImportRefused(STALE)
        incoming = imported_needs(locked)
        change = compare_needs(current, incoming, stages=stages)
        if not change.is_empty:
            _write(campaign, stages, incoming)
        locked.status = NeedsImport.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.save(update_fields=["status", "applied_at"])
        if not change.is_empty:
            record_event(
                actor=actor,
                action="campaigns.needs_imported",
                target=campaign,
                data={
                    "import": locked.pk,
                    "file": locked.filename,
                    "sha256": locked.file_digest,
                    "stages": stages,
                    "added": change.added,
                    "changed": change.changed,
                    "removed": change.removed,
                    "totals": {
                        stage: sum(n for (_, s), n in incoming.items() if s == stage) for stage in stages
                    },
                },
            )
    needs_import.status, needs_import.applied_at = locked.status, locked.applied_at
    return change


def _write(campaign: Campaign, stages: list[str], incoming: dict[tuple[int, str], int]) -> None:
    existing = CommuneNeed.objects.filter(campaign=campaign, stage__in=stages).values_list(
        "pk", "commune_id", "stage", "quantity"
    )
    removed, changed, kept = [], [], set()
    for pk, commune_id, stage, quantity in existing:
        key = (commune_id, stage)
        if key not in incoming:
            removed.append(pk)
            continue
        kept.add(key)
        if incoming[key] != quantity:
            changed.append(CommuneNeed(pk=pk, quantity=incoming[key]))
    for start in range(0, len(removed), BATCH_SIZE):
        CommuneNeed.objects.filter(pk__in=removed[start : start + BATCH_SIZE]).delete()
    CommuneNeed.objects.bulk_update(changed, ["quantity"], batch_size=BATCH_SIZE)
    CommuneNeed.objects.bulk_create(
        [
            CommuneNeed(campaign=campaign, commune_id=commune_id, stage=stage, quantity=need)
            for (commune_id, stage), need in incoming.items()
            if (commune_id, stage) not in kept
        ],
        batch_size=BATCH_SIZE,
    )
