"""The demo's supporting documents (issue 13): after the preselection is published, the census asks its
preselected candidates for their documents, and the review is under way.

* the census campaign gets its required documents (bawaba.documents.defaults.CENSUS_REQUIREMENTS);
* every preselected candidate has a dossier: most still AWAITED; in the demo supervisor's provinces a good share
  complete (SUBMITTED, in her queue) and some already examined (ACCEPTED or REJECTED, with their ReviewDecisions
  over the last days, so that the figures and the review rate per day show something); elsewhere fewer;
* a complete dossier has its files: tiny but real PDFs and PNGs, written through the documents' storage under
  random names, each with its StoredDocument row, as an upload leaves them;
* the demo candidate's dossier is AWAITED with nothing uploaded, so that a newcomer can upload.

Rows go in set-based (core.bulk.BulkWriter: COPY on PostgreSQL), so the step stays a few seconds even at scale 1;
the bench of the review queue (bench/bench_documents_review.py) writes its 150,000 dossiers through the same
`write_dossiers`. Nothing here is random at run time but the stored names: the same seed gives the same statuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.utils import timezone

from bawaba.accounts.models import User
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.demo.services import ADMIN, CANDIDATE, SUPERVISED_PROVINCE_CODE, SUPERVISOR
from bawaba.documents.defaults import CENSUS_REQUIREMENTS
from bawaba.documents.models import (
    Dossier,
    DossierDocument,
    RejectionReason,
    Requirement,
    ReviewDecision,
    ScanState,
    StoredDocument,
)
from bawaba.documents.storage import documents_storage, random_name
from bawaba.documents.validation import validate_upload
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Commune, Province

Status = Dossier.Status

# Shares of the statuses: (awaited, submitted, accepted, rejected), in the supervisor's provinces and elsewhere.
SUPERVISED_MIX = (0.35, 0.40, 0.20, 0.05)
ELSEWHERE_MIX = (0.75, 0.15, 0.08, 0.02)
STATUS_ORDER = (Status.AWAITED, Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED)
# The invitation went out this many days ago; the decisions spread over the days since.
INVITED_DAYS_AGO = 12
REJECTION_REASONS = (RejectionReason.ILLEGIBLE, RejectionReason.INCOMPLETE, RejectionReason.EXPIRED)


@dataclass(frozen=True)
class DossierRows:
    """Who gets a dossier, as columns: one entry per application."""

    application_ids: np.ndarray
    commune_ids: np.ndarray
    province_ids: np.ndarray
    region_ids: np.ndarray
    categories: list[str]

    def __len__(self) -> int:
        return len(self.application_ids)


@dataclass(frozen=True)
class DemoFiles:
    """One tiny valid PDF and one tiny valid PNG, made once; each stored document gets a copy under its own name
    (or, with `write` off, only its row: the bench, which does not open the files)."""

    pdf: bytes
    png: bytes
    write: bool = True

    @classmethod
    def make(cls, *, write: bool = True) -> DemoFiles:
        import pikepdf
        from PIL import Image

        document = pikepdf.new()
        document.add_blank_page(page_size=(595, 842))
        pdf = io.BytesIO()
        document.save(pdf)
        png = io.BytesIO()
        Image.new("RGB", (64, 48), color=(11, 94, 60)).save(png, format="PNG")
        # Stored as an upload leaves them: the checks' clean form (an image re-encoded, a PDF rewritten).
        return cls(
            pdf=validate_upload(pdf.getvalue()).content,
            png=validate_upload(png.getvalue()).content,
            write=write,
        )


def ensure_census_requirements(campaign: Campaign) -> list[Requirement]:
    """The campaign's required documents: the census's list, added once (an edited list is left alone)."""
    if not Requirement.objects.filter(campaign=campaign).exists():
        Requirement.objects.bulk_create(
            Requirement(
                campaign=campaign,
                key=default.key,
                name_ar=default.name_ar,
                name_fr=default.name_fr,
                name_en=default.name_en,
                help_ar=default.help_ar,
                help_fr=default.help_fr,
                help_en=default.help_en,
                categories=list(default.categories),
                order=order,
            )
            for order, default in enumerate(CENSUS_REQUIREMENTS, start=1)
        )
    return list(Requirement.objects.filter(campaign=campaign, is_active=True).order_by("order", "pk"))


def preselected_rows(run: SelectionRun, *, also_application_ids: Sequence[int] = ()) -> DossierRows:
    """The run's admitted candidates at the commune of their place, and the given applications (the demo
    candidate's, whether or not she was admitted) at their first choice's commune."""
    admitted = list(
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .order_by("application_id")
        .values_list("application_id", "commune_id")
    )
    seen = {application_id for application_id, _ in admitted}
    extra = [pk for pk in also_application_ids if pk not in seen]
    if extra:
        first_choices = dict(
            ApplicationChoice.objects.filter(application_id__in=extra, rank=1).values_list(
                "application_id", "commune_id"
            )
        )
        admitted += [(pk, first_choices[pk]) for pk in extra if pk in first_choices]
    return rows_for(run.campaign_id, admitted)


def rows_for(campaign_id: int, pairs: Sequence[tuple[int, int]]) -> DossierRows:
    """DossierRows for (application id, commune id) pairs of a campaign: the commune's province and region, her
    category."""
    communes = {
        pk: (province, region)
        for pk, province, region in Commune.objects.values_list("pk", "province_id", "region_id")
    }
    # The campaign's every category in one read: no list of ids long enough to pass SQLite's limit.
    categories = dict(
        Application.objects.filter(campaign_id=campaign_id)
        .values_list("pk", "category")
        .iterator(chunk_size=50_000)
    )
    return DossierRows(
        application_ids=np.array([pk for pk, _ in pairs], dtype=np.int64),
        commune_ids=np.array([commune for _, commune in pairs], dtype=np.int64),
        province_ids=np.array([communes[commune][0] for _, commune in pairs], dtype=np.int64),
        region_ids=np.array([communes[commune][1] for _, commune in pairs], dtype=np.int64),
        categories=[categories.get(pk, "") for pk, _ in pairs],
    )


def draw_statuses(
    rows: DossierRows, *, supervised_province_ids: set[int], seed: int, keep_awaited: Sequence[int] = ()
) -> np.ndarray:
    """A status per dossier: SUPERVISED_MIX in the supervised provinces, ELSEWHERE_MIX elsewhere; the applications
    of `keep_awaited` AWAITED."""
    generator = np.random.default_rng(seed)
    draws = generator.random(len(rows))
    supervised = np.isin(rows.province_ids, list(supervised_province_ids))
    statuses = np.empty(len(rows), dtype=object)
    for mask, mix in ((supervised, SUPERVISED_MIX), (~supervised, ELSEWHERE_MIX)):
        edges = np.cumsum(mix)
        index = np.searchsorted(edges, draws[mask], side="right").clip(0, len(STATUS_ORDER) - 1)
        statuses[mask] = np.array([status.value for status in STATUS_ORDER], dtype=object)[index]
    statuses[np.isin(rows.application_ids, list(keep_awaited))] = Status.AWAITED.value
    return statuses


@dataclass(frozen=True)
class Written:
    dossiers: int
    documents: int
    decisions: int
    by_status: dict[str, int]


def write_dossiers(
    *,
    campaign: Campaign,
    rows: DossierRows,
    statuses: np.ndarray,
    requirements: Sequence[Requirement],
    files: DemoFiles,
    reviewers: dict[int, int | None],
    now: dt.datetime,
    seed: int,
    storage: Storage | None = None,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """Write the dossiers, their files (StoredDocument and DossierDocument rows, the files themselves unless
    `files.write` is off) and the decisions of the examined ones, set-based. `reviewers`: the reviewer's user id
    per province id (None: the central administrator, given under key 0)."""
    say = progress or (lambda message: None)
    generator = np.random.default_rng(seed + 1)
    count = len(rows)
    writer = BulkWriter(connection)
    first_dossier = writer.first_free_id(Dossier)
    dossier_ids = np.arange(first_dossier, first_dossier + count, dtype=np.int64)
    invited = now - dt.timedelta(days=INVITED_DAYS_AGO)
    seconds_since_invitation = int((now - invited).total_seconds())
    # Complete at some point after the invitation; decided after that, before now.
    submitted_offsets = generator.integers(0, seconds_since_invitation // 2, size=count)
    decided_offsets = submitted_offsets + generator.integers(
        3600, seconds_since_invitation - seconds_since_invitation // 2, size=count
    )
    invited_at = np.full(count, _utc(invited))
    submitted_at = invited_at + submitted_offsets.astype("timedelta64[s]")
    decided_at = invited_at + decided_offsets.astype("timedelta64[s]")
    awaited = statuses == Status.AWAITED.value
    examined = np.isin(statuses, [Status.ACCEPTED.value, Status.REJECTED.value])
    rejected = statuses == Status.REJECTED.value
    default_reviewer = reviewers.get(0)
    deciders = np.ma.masked_array(
        [reviewers.get(int(province), default_reviewer) or 0 for province in rows.province_ids],
        mask=~examined,
        dtype=np.int64,
    )
    deciders.mask |= deciders.data == 0
    reasons = [
        f'["{REJECTION_REASONS[i % len(REJECTION_REASONS)].value}"]' if is_rejected else "[]"
        for i, is_rejected in enumerate(rejected)
    ]
    writer.insert(
        Dossier,
        {
            "id": dossier_ids,
            "application": rows.application_ids,
            "campaign": campaign.pk,
            "commune": rows.commune_ids,
            "province": rows.province_ids,
            "region": rows.region_ids,
            "category": rows.categories,
            "status": list(statuses),
            "invited_at": _timestamps(invited_at),
            "submitted_at": _timestamps(submitted_at, null=awaited),
            "decided_at": _timestamps(decided_at, null=~examined),
            "decided_by": deciders,
            "rejection_reasons": reasons,
            "rejection_comment": "",
            # Each status change adds one: AWAITED 0, SUBMITTED 1, examined 2.
            "version": np.where(awaited, 0, np.where(examined, 2, 1)),
            "updated_at": _timestamps(np.full(count, _utc(now))),
        },
        rows=count,
    )
    say(f"{count:,} dossiers")

    # The files of every dossier that was complete once: one per requirement of her category.
    with_files = np.flatnonzero(~awaited)
    document_dossiers: list[int] = []
    document_requirements: list[int] = []
    for index in with_files.tolist():
        for requirement in requirements:
            if requirement.applies_to(rows.categories[index]):
                document_dossiers.append(index)
                document_requirements.append(requirement.pk)
    documents = len(document_dossiers)
    first_stored = writer.first_free_id(StoredDocument)
    stored_ids = np.arange(first_stored, first_stored + documents, dtype=np.int64)
    is_pdf = (np.arange(documents) % 3) != 2  # two PDFs for a photo
    names = [random_name(".pdf" if pdf else ".png") for pdf in is_pdf.tolist()]
    if files.write:
        storage = storage or documents_storage()
        for name, pdf in zip(names, is_pdf.tolist(), strict=True):
            kept = storage.save(name, ContentFile(files.pdf if pdf else files.png))
            if kept != name:  # a storage that renamed it (never, with 192 random bits): keep its name
                names[names.index(name)] = kept
    pdf_hash, png_hash = hashlib.sha256(files.pdf).hexdigest(), hashlib.sha256(files.png).hexdigest()
    uploaded_at = _timestamps(
        submitted_at[document_dossiers] if documents else np.array([], dtype="datetime64[s]")
    )
    writer.insert(
        StoredDocument,
        {
            "id": stored_ids,
            "storage_name": names,
            "media_type": ["application/pdf" if pdf else "image/png" for pdf in is_pdf.tolist()],
            "size": np.where(is_pdf, len(files.pdf), len(files.png)),
            "sha256": [pdf_hash if pdf else png_hash for pdf in is_pdf.tolist()],
            "page_count": np.ma.masked_array(np.ones(documents, dtype=np.int64), mask=~is_pdf),
            "width": np.ma.masked_array(np.full(documents, 64, dtype=np.int64), mask=is_pdf),
            "height": np.ma.masked_array(np.full(documents, 48, dtype=np.int64), mask=is_pdf),
            "scan_state": ScanState.NOT_SCANNED.value,
            "scan_detail": "",
            "uploaded_by": None,
            "created_at": uploaded_at,
        },
        rows=documents,
    )
    first_document = writer.first_free_id(DossierDocument)
    writer.insert(
        DossierDocument,
        {
            "id": np.arange(first_document, first_document + documents, dtype=np.int64),
            "dossier": dossier_ids[document_dossiers] if documents else np.array([], dtype=np.int64),
            "requirement": document_requirements,
            "stored": stored_ids,
            "uploaded_at": uploaded_at,
        },
        rows=documents,
    )
    say(f"{documents:,} supporting documents" + ("" if files.write else " (rows only)"))

    decided = np.flatnonzero(examined)
    first_decision = writer.first_free_id(ReviewDecision)
    writer.insert(
        ReviewDecision,
        {
            "id": np.arange(first_decision, first_decision + len(decided), dtype=np.int64),
            "dossier": dossier_ids[decided],
            "outcome": list(statuses[decided]),
            "reasons": [reasons[i] for i in decided.tolist()],
            "comment": "",
            "province": rows.province_ids[decided],
            "decided_at": _timestamps(decided_at[decided]),
            "decided_by": np.ma.masked_array(
                deciders.data[decided], mask=np.ma.getmaskarray(deciders)[decided]
            ),
        },
        rows=len(decided),
    )
    for model in (Dossier, StoredDocument, DossierDocument, ReviewDecision):
        _move_sequence_past(model)
    by_status = {status.value: int((statuses == status.value).sum()) for status in STATUS_ORDER}
    return Written(dossiers=count, documents=documents, decisions=len(decided), by_status=by_status)


def _utc(moment: dt.datetime) -> np.datetime64:
    return np.datetime64(moment.astimezone(dt.UTC).replace(tzinfo=None), "s")


def _timestamps(values: np.ndarray, *, null: np.ndarray | None = None) -> list[str | None]:
    """Datetimes (UTC, datetime64[s]) as each engine stores them, None where `null` says so (BulkWriter renders
    a datetime array but not a masked one on SQLite)."""
    suffix = "+00" if connection.vendor == "postgresql" else ""
    texts = [text.replace("T", " ") + suffix for text in np.datetime_as_string(values, unit="s").tolist()]
    if null is None:
        return texts
    return [None if empty else text for text, empty in zip(texts, null.tolist(), strict=True)]


def _move_sequence_past(model) -> None:
    """PostgreSQL's sequence after the ids given here (SQLite's AUTOINCREMENT follows the largest id by itself)."""
    if connection.vendor != "postgresql":
        return
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX(id) FROM "  # noqa: S608 - a model's table
            f"{connection.ops.quote_name(table)}), 1))",
            [connection.ops.quote_name(table), column],
        )


@dataclass(frozen=True)
class DemoDocuments:
    created: bool
    message: str


def create_demo_documents(
    *, campaign: Campaign, run: SelectionRun | None, seed: int, progress: Callable[[str], None] | None = None
) -> DemoDocuments:
    """The demo's documents stage (module docstring), once: a campaign that already has dossiers is left alone."""
    if run is None:
        return DemoDocuments(False, "The preselection is not published yet: no supporting documents asked.")
    if Dossier.objects.filter(campaign=campaign).exists():
        return DemoDocuments(False, "The demo's supporting documents exist already; nothing was changed.")
    candidate_application = (
        Application.objects.filter(campaign=campaign, user__email__iexact=CANDIDATE.email)
        .values_list("pk", flat=True)
        .first()
    )
    supervised = set(Province.objects.filter(code=SUPERVISED_PROVINCE_CODE).values_list("pk", flat=True))
    staff = dict(User.objects.filter(email__in=[ADMIN.email, SUPERVISOR.email]).values_list("email", "pk"))
    reviewers: dict[int, int | None] = {0: staff.get(ADMIN.email)}
    reviewers.update({province: staff.get(SUPERVISOR.email) for province in supervised})
    keep = [candidate_application] if candidate_application else []
    with transaction.atomic():
        requirements = ensure_census_requirements(campaign)
        rows = preselected_rows(run, also_application_ids=keep)
        statuses = draw_statuses(rows, supervised_province_ids=supervised, seed=seed, keep_awaited=keep)
        written = write_dossiers(
            campaign=campaign,
            rows=rows,
            statuses=statuses,
            requirements=requirements,
            files=DemoFiles.make(),
            reviewers=reviewers,
            now=timezone.now(),
            seed=seed,
            progress=progress,
        )
        record_event(
            actor=None,
            action="demo.documents_created",
            target=campaign,
            data={
                "dossiers": written.dossiers,
                "documents": written.documents,
                "decisions": written.decisions,
            },
        )
    counts = ", ".join(f"{count:,} {status}" for status, count in written.by_status.items())
    return DemoDocuments(
        True,
        f"Supporting documents: {written.dossiers:,} dossiers ({counts}), {written.documents:,} files, "
        f"{written.decisions:,} review decisions.",
    )
