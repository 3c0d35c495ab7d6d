"""The hand-over to the e-learning platform: Moodle's bulk user-upload file (Site administration > Users > Upload
users), streamed, and what handing it over changes once the whole file has been written.

The file (docs/decisions/0023-moodle-upload-users-csv.md): UTF-8 without a byte-order mark, comma-separated, a
header line of Moodle's field names, then one line per candidate currently admitted in the campaign's published
preselection run who has a training account, nationally or in one region (the region of the commune she is
admitted in). By default only the accounts never handed over; with `include_exported` every account of the scope,
those handed over before with a NEW temporary password (their old one is gone from the database).

Streaming: the rows are read through one cursor, PAGE_SIZE at a time, and written a page at a time; the file is never
whole in memory, only the ids of the accounts written (and the renewed passwords, until they are e-mailed).
Nothing changes while the file is written: the export row (unfinished) and the audit of its start are all. Only
when the generator reaches its end, after the last line was taken by the client, does one transaction hand the
accounts over (`_finalize`); a download interrupted half-way changes nothing and its export stays unfinished.
"""

import csv
import io
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.core.languages import supported_language
from bawaba.notifications.mailings import MailingError, cancel_messages, resume_mailing
from bawaba.notifications.models import Mailing
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Commune, Region
from bawaba.training import passwords
from bawaba.training.models import MoodleExport, NoticeKind, TrainingAccount, TrainingSettings
from bawaba.training.notices import NoticeRecipient, create_notice_mailing

# Moodle's field names, in the file's order: the required ones, `auth` and `lang` (defaults Moodle would
# otherwise take from the upload form), the cohort every candidate joins, and three custom profile fields whose
# shortnames are region, province and commune (created on the platform as text fields before the first upload).
HEADER = (
    "username",
    "password",
    "firstname",
    "lastname",
    "email",
    "auth",
    "lang",
    "cohort1",
    "profile_field_region",
    "profile_field_province",
    "profile_field_commune",
)
# Moodle's own authentication: the platform keeps the password the file gives.
AUTH = "manual"
# Her language as Moodle's language packs name it (Arabic, French, English: the codes are the same as ours).
MOODLE_LANGUAGES = {"ar": "ar", "fr": "fr", "en": "en"}
PAGE_SIZE = 2_000
NOWHERE = ("", "", "")

Outcome = SelectionDecision.Outcome


class HandoverError(Exception):
    """An export that cannot be made or finished; the message says why, in the reader's language."""


class ExportConflict(HandoverError):
    """Another export handed over some of this file's accounts while it was written: this one changes nothing."""


@dataclass
class _Written:
    """What the file handed over so far: the accounts, by the state they were read in."""

    fresh: array = field(default_factory=lambda: array("q"))  # never handed over: their issued password
    # handed over before (by export id, None when unknown), each with the new password written for it
    renewed: dict[int | None, array] = field(default_factory=dict)
    new_passwords: dict[int, str] = field(default_factory=dict)
    mailing_ids: set[int] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return len(self.fresh) + len(self.new_passwords)


@dataclass
class MoodleFile:
    """An export under way: its record, and `chunks()`, the file's text a page of rows at a time."""

    export: MoodleExport
    run: SelectionRun
    actor: Any
    written: _Written = field(default_factory=_Written)

    @property
    def filename(self) -> str:
        scope = self.export.region.code if self.export.region else "national"
        return f"moodle-users-{self.export.campaign.slug}-{scope}-{self.export.pk}.csv"

    def chunks(self) -> Iterator[str]:
        """The file, a page of rows at a time; its end hands the accounts over (one transaction)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(HEADER)
        yield _take(buffer)
        for page in _pages(self):
            writer.writerows(page)
            yield _take(buffer)
        # Reached only when the client took the last page: the whole file was written.
        _finish(self)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def preselection_run(campaign: Campaign) -> SelectionRun | None:
    """The campaign's published preselection run, whose admitted candidates the file hands over."""
    return (
        SelectionRun.objects.filter(
            campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
        )
        .only("pk", "campaign_id")
        .first()
    )


@transaction.atomic
def start_export(
    *, campaign: Campaign, region: Region | None = None, include_exported: bool = False, actor: Any = None
) -> MoodleFile:
    """Record an export (unfinished) and audit its start; the caller streams `chunks()` of what it returns."""
    run = preselection_run(campaign)
    if run is None:
        raise HandoverError(_("This campaign has no published preselection: there is nobody to hand over."))
    export = MoodleExport.objects.create(
        campaign=campaign, region=region, include_exported=include_exported, created_by=actor
    )
    record_event(
        actor=actor,
        action="training.moodle_export_started",
        target=export,
        data={"region": region.code if region else None, "include_exported": include_exported},
    )
    return MoodleFile(export=export, run=run, actor=actor)


def _pages(moodle_file: MoodleFile) -> Iterator[list[tuple]]:
    """The file's rows in pages of admitted candidates, in the order of their applications."""
    export = moodle_file.export
    cohort = (
        TrainingSettings.objects.filter(campaign_id=export.campaign_id)
        .values_list("cohort", flat=True)
        .first()
        or export.campaign.slug
    )
    places = _places()
    # A language Moodle is not given in (none today) falls back to the platform's default, as her e-mails do.
    fallback_language = MOODLE_LANGUAGES.get(supported_language(None), "ar")
    # Read from her decision's side: the run's decisions by application, joined to her account (one-to-one).
    scope = SelectionDecision.objects.filter(
        run=moodle_file.run, outcome=Outcome.ADMITTED, application__training_account__isnull=False
    )
    if export.region is not None:
        scope = scope.filter(commune__region=export.region)
    if not export.include_exported:
        scope = scope.filter(application__training_account__exported_at__isnull=True)
    account = "application__training_account__"
    decisions = scope.values_list(
        f"{account}id",
        f"{account}username",
        f"{account}temporary_password",
        f"{account}exported_at",
        f"{account}export_id",
        f"{account}invitation_mailing_id",
        "application__first_name_latin",
        "application__last_name_latin",
        "application__first_name_ar",
        "application__last_name_ar",
        "application__user__email",
        "application__user__preferred_language",
        "commune_id",
        "application_id",
    )
    written = moodle_file.written
    # One query read through a server-side cursor on PostgreSQL (a cursor fetched in chunks on SQLite): one plan
    # for the whole file, however fresh the statistics of a run just published.
    rows_read = decisions.order_by("application_id").iterator(chunk_size=PAGE_SIZE)
    while True:
        page: list[Any] = list(islice(rows_read, PAGE_SIZE))
        if not page:
            return
        handed_over_before = [row for row in page if row[3] is not None]
        new = iter(passwords.generate(len(handed_over_before))) if handed_over_before else iter(())
        rows = []
        for (
            pk,
            username,
            issued,
            exported_at,
            export_id,
            mailing_id,
            first,
            last,
            first_ar,
            last_ar,
            email,
            language,
            commune,
            _application_id,
        ) in page:
            if exported_at is None:
                password = issued
                written.fresh.append(pk)
                if mailing_id is not None:
                    written.mailing_ids.add(mailing_id)
            else:
                password = next(new)
                written.renewed.setdefault(export_id, array("q")).append(pk)
                written.new_passwords[pk] = password
            rows.append(
                (
                    username,
                    password,
                    first or first_ar,
                    last or last_ar,
                    email,
                    AUTH,
                    MOODLE_LANGUAGES.get(language, fallback_language),
                    cohort,
                    *places.get(commune, NOWHERE),
                )
            )
        yield rows


def _places() -> dict[int, tuple[str, str, str]]:
    """Every commune's region, province and own name, in French (HCP's Latin spelling): 1,503 rows, read once."""
    return {
        pk: (region, province, commune)
        for pk, region, province, commune in Commune.objects.values_list(
            "pk", "region__name_fr", "province__name_fr", "name_fr"
        )
    }


def _chunks(ids: array) -> Iterator[list[int]]:
    # SQLite allows 999 parameters in a statement. PostgreSQL takes the ids as one array parameter (`_among`):
    # 200,000 of them in one statement, where as many placeholders cost more to send than to update.
    size = 900 if connection.vendor == "sqlite" else 250_000
    for start in range(0, len(ids), size):
        yield ids[start : start + size].tolist()


def _among(ids: list[int]) -> Q:
    """The accounts whose id is in `ids`: `id IN (SELECT unnest(array))` on PostgreSQL (one parameter, joined
    by hashing), `id IN (…)` elsewhere."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))  # noqa: S611 - a constant statement
    return Q(pk__in=ids)


def _finish(moodle_file: MoodleFile) -> None:
    try:
        _finalize(moodle_file)
    except ExportConflict:
        export = moodle_file.export
        with transaction.atomic():
            record_event(
                actor=moodle_file.actor,
                action="training.moodle_export_refused",
                target=export,
                data={"rows": moodle_file.written.rows, "reason": "accounts handed over by another export"},
            )
        raise


@transaction.atomic
def _finalize(moodle_file: MoodleFile) -> None:
    """Hand the file's accounts over, in one transaction: marked exported by this export, passwords wiped, the
    renewed ones e-mailed, the held invitations whose accounts are all handed over now released."""
    export, written = moodle_file.export, moodle_file.written
    # Exports of one campaign finish one at a time; each checks, under this lock, that every account it wrote
    # is still as it read it: two files must never hand over the same account with different passwords.
    Campaign.objects.select_for_update().filter(pk=export.campaign_id).values_list("pk", flat=True).first()
    now = timezone.now()
    handed_over = {"exported_at": now, "export": export, "temporary_password": ""}
    for ids in _chunks(written.fresh):
        if TrainingAccount.objects.filter(_among(ids), exported_at__isnull=True).update(**handed_over) != len(
            ids
        ):
            raise ExportConflict(_("Another export handed over some of these accounts in the meantime."))
    for previous, renewed in written.renewed.items():
        for ids in _chunks(renewed):
            same = TrainingAccount.objects.filter(_among(ids), exported_at__isnull=False)
            same = (
                same.filter(export_id=previous) if previous is not None else same.filter(export__isnull=True)
            )
            if same.update(**handed_over) != len(ids):
                raise ExportConflict(_("Another export handed over some of these accounts in the meantime."))
    renewal = _send_renewed_passwords(moodle_file) if written.new_passwords else None
    resumed = _release_invitations(moodle_file)
    export.finished_at = now
    export.row_count = written.rows
    export.renewed_count = len(written.new_passwords)
    export.save(update_fields=["finished_at", "row_count", "renewed_count"])
    record_event(
        actor=moodle_file.actor,
        action="training.moodle_exported",
        target=export,
        data={
            "rows": export.row_count,
            "region": export.region.code if export.region else None,
            "include_exported": export.include_exported,
            "renewed": export.renewed_count,
            "renewal_mailing": renewal.pk if renewal else None,
            "released_invitations": resumed,
        },
    )


def _send_renewed_passwords(moodle_file: MoodleFile) -> Mailing:
    """A queued notice to each candidate whose password the file renewed, carrying the new one."""
    export, written = moodle_file.export, moodle_file.written
    campaign = export.campaign
    platform_url = (
        TrainingSettings.objects.filter(campaign=campaign).values_list("platform_url", flat=True).first()
        or TrainingSettings._meta.get_field("platform_url").get_default()
    )
    recipients = []
    for ids in _chunks(array("q", written.new_passwords)):
        for pk, application_id, username, email, language, user_id, first, last, first_ar, last_ar in (
            TrainingAccount.objects.filter(_among(ids))
            .order_by("pk")
            .values_list(
                "pk",
                "application_id",
                "username",
                "application__user__email",
                "application__user__preferred_language",
                "application__user_id",
                "application__first_name_latin",
                "application__last_name_latin",
                "application__first_name_ar",
                "application__last_name_ar",
            )
        ):
            language = supported_language(language)
            # Her names in the script of her language: Arabic for an Arabic reader, Latin otherwise.
            arabic = language == "ar"
            with translation.override(language):
                title = campaign.title
            recipients.append(
                NoticeRecipient(
                    key=f"a{application_id}",
                    email=email,
                    language=language,
                    user_id=user_id,
                    values={
                        "first_name": (first_ar or first) if arabic else (first or first_ar),
                        "last_name": (last_ar or last) if arabic else (last or last_ar),
                        "campaign": title,
                        "platform_url": platform_url,
                        "username": username,
                        "password": written.new_passwords[pk],
                    },
                )
            )
    with translation.override(settings.LANGUAGE_CODE):
        label = _("New temporary passwords of export %(number)s") % {"number": export.pk}
    return create_notice_mailing(
        campaign=campaign,
        kind=NoticeKind.CREDENTIALS_RENEWED,
        label=label,
        recipients=recipients,
        actor=moodle_file.actor,
        held=False,
    )


def _release_invitations(moodle_file: MoodleFile) -> list[int]:
    """Resume each held invitation mailing of this file's accounts that no account awaits a hand-over any more.

    An account of a candidate no longer admitted (she declined or withdrew before the hand-over) is never
    exported; it must not hold back the invitations of everyone else in her mailing, and her own invitation,
    with credentials the platform will never know, is cancelled and its password wiped.
    """
    still_admitted = SelectionDecision.objects.filter(
        run=moodle_file.run, application=OuterRef("application_id"), outcome=Outcome.ADMITTED
    )
    resumed = []
    held = Mailing.objects.filter(pk__in=moodle_file.written.mailing_ids, status=Mailing.Status.DRAFT)
    for mailing in held.order_by("pk"):
        awaiting = TrainingAccount.objects.filter(
            invitation_mailing=mailing, exported_at__isnull=True
        ).filter(Exists(still_admitted))
        if awaiting.exists():
            continue
        left = TrainingAccount.objects.filter(invitation_mailing=mailing, exported_at__isnull=True).exclude(
            Exists(still_admitted)
        )
        left_ids = list(left.values_list("application_id", flat=True))
        if left_ids:
            cancel_messages(
                mailing=mailing, recipient_keys=[f"a{pk}" for pk in left_ids], actor=moodle_file.actor
            )
            left.update(temporary_password="")
        try:
            resume_mailing(mailing=mailing, actor=moodle_file.actor)
        except MailingError:  # cancelled by someone meanwhile: nothing to send
            continue
        resumed.append(mailing.pk)
    return resumed


def scope_finished(*, campaign: Campaign, region: Region | None) -> bool:
    """Whether a finished export of this scope (the country, or one region) exists."""
    return MoodleExport.objects.filter(campaign=campaign, region=region, finished_at__isnull=False).exists()
