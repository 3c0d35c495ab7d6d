"""The invitation to upload supporting documents (the source's fifth e-mail): a dossier per invited candidate and
one mailing, in one transaction.

Who is invited is a stage the central administrator chooses:
* PRESELECTED: the candidates admitted in the campaign's latest published preselection who still hold their place
  (a released place turns the decision's outcome to RELEASED, a promotion turns a waiting candidate's to ADMITTED);
* SUBMITTED: every submitted application (an ordinary competition, with no preselection).
Candidates who already have a dossier are not invited again: pressing the button twice, or inviting the
preselected after the promoted, invites each candidate once.

Set-based, as the training's invitations are (bawaba.training.services.invitations): at national scale some 200,000
candidates are read in a few queries, their dossiers go in by COPY (bawaba.core.bulk) and their messages by the
mailing's own bulk path. Where a dossier is examined follows the shared contract: the commune of her place in the
latest published preselection if she holds one, else her first choice's.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.core.languages import supported_language
from bawaba.documents.contributions import DOCUMENTS_INVITATION
from bawaba.documents.models import Dossier, InvitationRequest
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.notifications.models import Mailing
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Commune

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class Stage:
    PRESELECTED = InvitationRequest.Stage.PRESELECTED.value
    SUBMITTED = InvitationRequest.Stage.SUBMITTED.value

    CHOICES = InvitationRequest.Stage.choices


@dataclass(frozen=True)
class Invitees:
    """Who a stage would invite now: (application id, commune id) of each, and how many already were."""

    rows: list[tuple[int, int]]
    already_invited: int
    without_commune: (
        int  # a submitted application with no commune chosen (should not exist): left out, counted
    )
    run: SelectionRun | None


@dataclass(frozen=True)
class InvitationResult:
    invited: int
    already_invited: int
    without_commune: int
    mailing: Mailing | None


def latest_published_preselection(campaign: Campaign) -> SelectionRun | None:
    return (
        SelectionRun.objects.filter(
            campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
        )
        .order_by("-published_at", "-pk")
        .only("pk", "campaign_id", "published_at")
        .first()
    )


def invitees(campaign: Campaign, stage: str) -> Invitees:
    """The candidates `stage` would invite, not invited yet, in application order."""
    run = latest_published_preselection(campaign)
    places: dict[int, int] = {}
    if run is not None:
        places = dict(
            SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
            .order_by()
            .values_list("application_id", "commune_id")
        )
    submitted = Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
    if stage == Stage.PRESELECTED:
        # A join, not a list of 200,000 numbers: those admitted whose application is still submitted.
        candidates = (
            set(
                SelectionDecision.objects.filter(
                    run=run,
                    outcome=SelectionDecision.Outcome.ADMITTED,
                    application__status=Application.Status.SUBMITTED,
                )
                .order_by()
                .values_list("application_id", flat=True)
            )
            if run is not None
            else set()
        )
        first_choices: dict[int, int] = {}
    elif stage == Stage.SUBMITTED:
        candidates = set(submitted.values_list("pk", flat=True))
        first_choices = dict(
            ApplicationChoice.objects.filter(application__campaign=campaign, rank=1)
            .order_by()
            .values_list("application_id", "commune_id")
        )
    else:
        raise ValueError(f"unknown stage {stage!r}")
    invited = set(Dossier.objects.filter(campaign=campaign).values_list("application_id", flat=True))
    rows: list[tuple[int, int]] = []
    without_commune = 0
    for pk in sorted(candidates - invited):
        commune = places.get(pk) or first_choices.get(pk)
        if commune is None:
            without_commune += 1
        else:
            rows.append((pk, commune))
    return Invitees(
        rows=rows,
        already_invited=len(candidates & invited),
        without_commune=without_commune,
        run=run,
    )


def invite(*, campaign: Campaign, stage: str, actor: Any) -> InvitationResult:
    """Create the dossiers of the stage's candidates not invited yet and their invitation mailing (queued: sent
    once this transaction commits)."""
    with transaction.atomic():
        # Two administrators pressing the button at once: the second waits, then finds the first one's dossiers.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True).first()
        found = invitees(campaign, stage)
        mailing = None
        if found.rows:
            people = _people(campaign, [pk for pk, _commune in found.rows])
            _create_dossiers(campaign, found.rows, people, timezone.now())
            mailing = _create_mailing(campaign, people, actor)
        record_event(
            actor=actor,
            action="documents.invited",
            target=campaign,
            data={
                "stage": stage,
                "invited": len(found.rows),
                "already_invited": found.already_invited,
                "without_commune": found.without_commune,
                "mailing": mailing.pk if mailing else None,
                "run": found.run.pk if found.run else None,
            },
        )
    return InvitationResult(
        invited=len(found.rows),
        already_invited=found.already_invited,
        without_commune=found.without_commune,
        mailing=mailing,
    )


# A request not done after this long was lost (its worker stopped): a new one may be made, and does its work.
LOST_REQUEST = dt.timedelta(minutes=30)


def pending_request(campaign: Campaign) -> InvitationRequest | None:
    """The campaign's invitation waiting for a worker or under way, unless lost."""
    return (
        InvitationRequest.objects.filter(
            campaign=campaign, finished_at__isnull=True, requested_at__gt=timezone.now() - LOST_REQUEST
        )
        .order_by("-requested_at")
        .first()
    )


def request_invitation(*, campaign: Campaign, stage: str, actor: Any) -> tuple[InvitationRequest, bool]:
    """Ask a worker to invite the stage's candidates (`invite`, after this transaction commits); (request, True),
    or (the pending one, False) when one is already waiting: a second click invites nobody twice anyway, but
    queues nothing more."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True).first()
        pending = pending_request(campaign)
        if pending is not None:
            return pending, False
        request = InvitationRequest.objects.create(
            campaign=campaign, stage=stage, requested_by=actor if getattr(actor, "pk", None) else None
        )
        record_event(
            actor=actor,
            action="documents.invitation_requested",
            target=campaign,
            data={"stage": stage, "request": request.pk},
        )
        from bawaba.documents.tasks import invite_requested  # the task calls this module: imported when used

        transaction.on_commit(lambda: invite_requested.enqueue(request.pk))
    return request, True


def carry_out_request(request_id: int) -> InvitationRequest | None:
    """The worker's side: invite as asked and write the result on the request, in one transaction. A second
    delivery of the task finds it done and does nothing; a request deleted meanwhile is skipped."""
    with transaction.atomic():
        request = (
            # Only the request's row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
            InvitationRequest.objects.select_for_update(of=("self",))
            .select_related("campaign", "requested_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.finished_at is not None:
            return request
        result = invite(campaign=request.campaign, stage=request.stage, actor=request.requested_by)
        request.invited = result.invited
        request.already_invited = result.already_invited
        request.mailing = result.mailing
        request.finished_at = timezone.now()
        request.save(update_fields=["invited", "already_invited", "mailing", "finished_at"])
    return request


def recent_requests(campaign: Campaign, limit: int = 20) -> list[InvitationRequest]:
    return list(
        InvitationRequest.objects.filter(campaign=campaign).select_related("mailing", "requested_by")[:limit]
    )


# Below this many, the invitees' applications are read by their numbers; above, the campaign's submitted
# applications are read whole and picked in Python (one sequential read rather than a list of 200,000 parameters,
# which SQLite refuses past 32,766).
READ_BY_NUMBER_BELOW = 5_000


def _people(campaign: Campaign, application_ids: list[int]) -> list[tuple]:
    """(pk, user id, e-mail, language, first name Arabic, last name Arabic, first Latin, last Latin, category) of
    each invitee, in application order."""
    applications = Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
    if len(application_ids) < READ_BY_NUMBER_BELOW:
        applications = applications.filter(pk__in=application_ids)
    wanted = set(application_ids)
    return [
        row
        for row in applications.order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "user__email",
            "user__preferred_language",
            "first_name_ar",
            "last_name_ar",
            "first_name_latin",
            "last_name_latin",
            "category",
        )
        .iterator(chunk_size=10_000)
        if row[0] in wanted
    ]


def _create_dossiers(
    campaign: Campaign, rows: list[tuple[int, int]], people: list[tuple], now: dt.datetime
) -> None:
    territory = {
        pk: (province, region)
        for pk, province, region in Commune.objects.order_by().values_list("pk", "province_id", "region_id")
    }
    commune_of = dict(rows)
    application_ids = [person[0] for person in people]
    communes = [commune_of[pk] for pk in application_ids]
    moment = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s")
    count = len(application_ids)
    BulkWriter(connection).insert(
        Dossier,
        {
            "application": application_ids,
            "campaign": campaign.pk,
            "commune": communes,
            "province": [territory[commune][0] for commune in communes],
            "region": [territory[commune][1] for commune in communes],
            "category": [person[8] or "" for person in people],
            "status": Dossier.Status.AWAITED,
            "invited_at": np.full(count, moment),
            "submitted_at": None,
            "decided_at": None,
            "decided_by": None,
            "rejection_reasons": "[]",
            "rejection_comment": "",
            "claimed_by": None,
            "claimed_until": None,
            "version": 0,
            "updated_at": np.full(count, moment),
        },
        rows=count,
    )


def site_url() -> str:
    return (settings.BAWABA_SITE_URL or "").rstrip("/")


def _links(language: str) -> tuple[str, str]:
    """(upload page with `{}` for the application's number, guide) in `language`: reversed once per language."""
    marker = 987654321
    with translation.override(language):
        upload = site_url() + reverse("documents:upload_page", args=[marker])
        guide = site_url() + reverse("documents:guide")
    return upload.replace(str(marker), "{}"), guide


def _create_mailing(campaign: Campaign, people: list[tuple], actor: Any) -> Mailing:
    links = {language: _links(language) for language in LANGUAGES}
    titles = {}
    for language in LANGUAGES:
        with translation.override(language):
            titles[language] = campaign.title
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for pk, user_id, email, preferred, first_ar, last_ar, first_latin, last_latin, _category in people:
        language = supported_language(preferred)
        # Her names in the script of her language, else in the other one.
        arabic, latin = (first_ar, last_ar), (first_latin, last_latin)
        mine, other = (arabic, latin) if language == "ar" else (latin, arabic)
        first, last = mine if any(mine) else other
        upload, guide = links[language]
        keys.append(f"a{pk}")
        emails.append(email)
        languages.append(language)
        user_ids.append(user_id)
        contexts.append(
            {
                "first_name": first,
                "last_name": last,
                "campaign_title": titles[language],
                "upload_url": upload.format(pk),
                "guide_url": guide,
            }
        )
    label = _("Invitation to upload supporting documents: %(campaign)s") % {"campaign": campaign.title}
    return create_mailing(
        kind=DOCUMENTS_INVITATION.key,
        label=label[: Mailing._meta.get_field("label").max_length],
        recipients=Recipients(
            keys=keys, emails=emails, languages=languages, user_ids=user_ids, contexts=contexts
        ),
        created_by=actor,
        context={"campaign_id": campaign.pk},
    )


def past_invitations(campaign: Campaign) -> list[Mailing]:
    return list(
        Mailing.objects.filter(kind=DOCUMENTS_INVITATION.key, context__campaign_id=campaign.pk).order_by(
            "-created_at", "-pk"
        )
    )
