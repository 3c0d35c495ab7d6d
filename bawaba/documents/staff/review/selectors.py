"""Reads of the review: the queue (keyset pages over the dossiers in a reviewer's scope), its figures per status,
the next file to examine, and one dossier with its declaration and its files.

The queue is read through the index documents_dossier_queue (campaign, status, province, submitted_at, id): each
page is one range read of PAGE_SIZE + 1 rows past the cursor, whatever its depth and however many dossiers the
campaign holds (150,000 in the national demo). No OFFSET, and no count of the filtered rows on each page; the
figures per status are one grouped count over the campaign's index, in the scope.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import ApplicationChoice, Campaign
from bawaba.core.names import localised
from bawaba.documents.access import dossiers_in_scope
from bawaba.documents.models import Dossier, DossierDocument, Requirement
from bawaba.territory.models import Commune, Province

Status = Dossier.Status
PAGE_SIZE = 50
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# "<microseconds since 1970>_<id>"; no instant for the dossiers still awaited (never complete: ordered by id).
_CURSOR = re.compile(r"(\d{1,17})?_(\d{1,19})")
_ID_MAX = 2**63 - 1
# Instants a dossier can have been completed at; beyond, no link of ours (and no arithmetic on them overflows).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Cursor:
    """A position in the queue: just past (or before) the dossier completed at `at` with id `pk`."""

    at: dt.datetime | None
    pk: int

    def encode(self) -> str:
        micros = "" if self.at is None else str((self.at - EPOCH) // dt.timedelta(microseconds=1))
        return f"{micros}_{self.pk}"

    @classmethod
    def decode(cls, text: str) -> "Cursor | None":
        """The cursor a page link carried; None for anything else (typed by hand, cut, garbage)."""
        match = _CURSOR.fullmatch(text or "")
        if match is None:
            return None
        micros, pk = match.groups()
        if not 1 <= int(pk) <= _ID_MAX:
            return None
        if micros is None:
            return cls(at=None, pk=int(pk))
        try:
            at = EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        if not FIRST_YEAR <= at.year <= LAST_YEAR:
            return None
        return cls(at=at, pk=int(pk))

    @classmethod
    def of(cls, dossier: Dossier, status: str) -> "Cursor":
        return cls(at=None if status == Status.AWAITED else dossier.submitted_at, pk=dossier.pk)


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer narrowed the queue to (already checked against her scope)."""

    status: str = Status.SUBMITTED
    province: Province | None = None
    commune: Commune | None = None
    category: str = ""


@dataclass(frozen=True)
class QueuePage:
    rows: list[Dossier] = field(default_factory=list)
    next_cursor: str | None = None  # ?after= for the next page, when there is one
    previous_cursor: str | None = None  # ?before= for the previous page, when there is one
    is_first: bool = True


def _ordering(status: str, *, descending: bool = False) -> list[str]:
    # Awaited dossiers have never been complete: by id (the invitations' order). The others oldest complete first.
    fields = ["pk"] if status == Status.AWAITED else ["submitted_at", "pk"]
    return [f"-{name}" for name in fields] if descending else fields


def _past(cursor: Cursor, status: str, *, before: bool) -> Q:
    """The rows after (or before) the cursor in the queue's order."""
    if status == Status.AWAITED or cursor.at is None:
        return Q(pk__lt=cursor.pk) if before else Q(pk__gt=cursor.pk)
    # (submitted_at, id) > (at, pk), written so that both engines start the index range at `at`: the first term
    # bounds the scan, the second breaks the ties on the instant by id.
    if before:
        return Q(submitted_at__lte=cursor.at) & (Q(submitted_at__lt=cursor.at) | Q(pk__lt=cursor.pk))
    return Q(submitted_at__gte=cursor.at) & (Q(submitted_at__gt=cursor.at) | Q(pk__gt=cursor.pk))


def queue_dossiers(campaign: Campaign, scope: Scope, filters: QueueFilters) -> QuerySet[Dossier]:
    """The dossiers of the queue, unordered and unsliced: the campaign's, in her scope, narrowed by the filters."""
    dossiers = Dossier.objects.filter(campaign=campaign, status=filters.status)
    if filters.status != Status.AWAITED:
        dossiers = dossiers.filter(submitted_at__isnull=False)  # always so; the keyset cannot order a NULL
    if filters.province is not None:
        dossiers = dossiers.filter(province=filters.province)
    if filters.commune is not None:
        dossiers = dossiers.filter(commune=filters.commune)
    if filters.category:
        dossiers = dossiers.filter(category=filters.category)
    return dossiers_in_scope(dossiers, scope)


def queue_page(
    campaign: Campaign,
    scope: Scope,
    filters: QueueFilters,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int | None = None,
) -> QueuePage:
    """One page of the queue just past `after` (or just before `before`): one query of size + 1 rows."""
    size = size or PAGE_SIZE
    dossiers = (
        queue_dossiers(campaign, scope, filters)
        .select_related("application", "commune", "claimed_by")
        .only(
            "pk",
            "status",
            "category",
            "submitted_at",
            "invited_at",
            "claimed_until",
            "version",
            "application__first_name_latin",
            "application__last_name_latin",
            "application__first_name_ar",
            "application__last_name_ar",
            "application__cin",
            "commune__name_fr",
            "commune__name_ar",
            "claimed_by__email",
            "claimed_by__full_name",
        )
    )
    status = filters.status
    if before is not None:
        rows = list(
            dossiers.filter(_past(before, status, before=True)).order_by(*_ordering(status, descending=True))[
                : size + 1
            ]
        )
        earlier_exists = len(rows) > size
        rows = rows[:size][::-1]
        return QueuePage(
            rows=rows,
            next_cursor=Cursor.of(rows[-1], status).encode() if rows else None,
            previous_cursor=Cursor.of(rows[0], status).encode() if rows and earlier_exists else None,
            is_first=False,
        )
    if after is not None:
        dossiers = dossiers.filter(_past(after, status, before=False))
    rows = list(dossiers.order_by(*_ordering(status))[: size + 1])
    later_exists = len(rows) > size
    rows = rows[:size]
    return QueuePage(
        rows=rows,
        next_cursor=Cursor.of(rows[-1], status).encode() if rows and later_exists else None,
        previous_cursor=Cursor.of(rows[0], status).encode() if rows and after is not None else None,
        is_first=after is None,
    )


def status_counts(campaign: Campaign, scope: Scope, province: Province | None = None) -> dict[str, int]:
    """How many dossiers of each status in her scope (and the province chosen): one grouped, indexed count."""
    dossiers = Dossier.objects.filter(campaign=campaign)
    if province is not None:
        dossiers = dossiers.filter(province=province)
    counted = dict(
        dossiers_in_scope(dossiers, scope).order_by().values_list("status").annotate(count=Count("pk"))
    )
    return {status: counted.get(status, 0) for status in Status.values}


def next_to_examine(
    campaign: Campaign, scope: Scope, filters: QueueFilters, *, current: Dossier, reviewer
) -> Dossier | None:
    """The file to open after `current`: the next one under examination in the same queue (same filters) that no
    other reviewer holds now; from the start of the queue when there is none after it."""
    now = timezone.now()
    candidates = (
        queue_dossiers(campaign, scope, QueueFilters(**{**filters.__dict__, "status": Status.SUBMITTED}))
        .exclude(pk=current.pk)
        .exclude(Q(claimed_until__gt=now) & ~Q(claimed_by=reviewer) & Q(claimed_by__isnull=False))
        .only("pk", "submitted_at")
        .order_by(*_ordering(Status.SUBMITTED))
    )
    if current.submitted_at is not None:
        after = candidates.filter(
            _past(Cursor(at=current.submitted_at, pk=current.pk), Status.SUBMITTED, before=False)
        )
        following = after.first()
        if following is not None:
            return following
    return candidates.first()


# --- One dossier -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredFile:
    """A document the dossier requires, with the file she gave for it (None when it is missing)."""

    requirement: Requirement
    document: DossierDocument | None

    @property
    def label(self) -> str:
        return localised(self.requirement)

    @property
    def help_text(self) -> str:
        return localised(self.requirement, "help")


def dossier_for_review(dossier: Dossier) -> Dossier:
    """The dossier with what the review screen shows: the declaration (application, residence, chosen communes),
    the files with their stored documents."""
    choices = ApplicationChoice.objects.select_related("commune__province").order_by("rank")
    return (
        Dossier.objects.select_related(
            "campaign",
            "commune__province",
            "province",
            "claimed_by",
            "decided_by",
            "application__user",
            "application__residence_commune__province",
        )
        .prefetch_related(
            Prefetch("application__choices", queryset=choices),
            Prefetch("documents", queryset=DossierDocument.objects.select_related("stored", "requirement")),
        )
        .get(pk=dossier.pk)
    )


def required_files(dossier: Dossier) -> list[RequiredFile]:
    """The campaign's active requirements that apply to her category, each with her file; then any file she gave
    for a requirement no longer asked (still shown: the reviewer sees everything she sent)."""
    given = {document.requirement_id: document for document in dossier.documents.all()}
    requirements = Requirement.objects.filter(campaign_id=dossier.campaign_id, is_active=True).order_by(
        "order", "pk"
    )
    files = [
        RequiredFile(requirement=requirement, document=given.pop(requirement.pk, None))
        for requirement in requirements
        if requirement.applies_to(dossier.category)
    ]
    files += [
        RequiredFile(requirement=document.requirement, document=document) for document in given.values()
    ]
    return files


def scope_provinces(scope: Scope) -> QuerySet[Province]:
    """The provinces a reviewer may narrow the queue to: those of her scope (every one for a national scope)."""
    provinces = Province.objects.order_by("code")
    if scope.national:
        return provinces
    return provinces.filter(Q(pk__in=sorted(scope.province_ids)) | Q(region_id__in=sorted(scope.region_ids)))


def scope_communes(scope: Scope) -> QuerySet[Commune]:
    communes = Commune.objects.all()
    if scope.national:
        return communes
    return communes.filter(scope.territory_q(province_fields=["province_id"], region_fields=["region_id"]))
