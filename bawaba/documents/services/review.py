"""Writes of the review: a reviewer's claim on a dossier, its release, and the decision (accept, or reject with
reasons), each in one transaction with its audit event.

Two reviewers must never both decide a dossier, and neither may lose what she typed:

* the claim tells the second one who is examining it, until when (BAWABA_DOCUMENT_CLAIM_MINUTES); a claim that
  has lapsed may be taken over (a reviewer who went to lunch does not lock a file for the afternoon);
* the decision is one conditional UPDATE: still under examination, still the version she saw (the candidate has
  not replaced a file since, nobody decided meanwhile), and nobody else holds a live claim. When it changes no
  row, nothing was written and she is told why; the view shows her choices again.

The candidate is e-mailed through the outbox, which sends after the commit: a decision rolled back sends nothing,
and a retried one (same version seen) changes no row and queues nothing.
"""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bawaba.core.audit import record_event
from bawaba.core.params import has_control_character
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision
from bawaba.notifications.services import queue_email

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Dossier.Status
Outcome = ReviewDecision.Outcome

# The model's limit on the comment; the form says it first.
COMMENT_MAX_LENGTH = 2000
# The e-mail kind registered in bawaba.documents.contributions_review.
DECISION_EMAIL_KIND = "documents_decision"


class ReviewRefused(Exception):
    """The review could not be written; `message` says why, for the reviewer. Nothing was changed."""

    def __init__(self, message: "StrOrPromise") -> None:
        super().__init__(str(message))
        self.message = message


class DecisionConflict(ReviewRefused):
    """The dossier changed since she opened it (decided by someone else, a file replaced, claimed by another)."""

    def __init__(self, message: "StrOrPromise", *, dossier: Dossier | None) -> None:
        super().__init__(message)
        self.dossier = dossier


def claim_minutes() -> int:
    return settings.BAWABA_DOCUMENT_CLAIM_MINUTES


def claim_is_live(dossier: Dossier, *, now: dt.datetime | None = None) -> bool:
    return (
        dossier.claimed_by_id is not None
        and dossier.claimed_until is not None
        and dossier.claimed_until > (now or timezone.now())
    )


def held_by_another(dossier: Dossier, reviewer: Any, *, now: dt.datetime | None = None) -> bool:
    return claim_is_live(dossier, now=now) and dossier.claimed_by_id != reviewer.pk


@dataclass(frozen=True)
class ClaimResult:
    """Whether she holds the dossier now; when not, who does (and until when), or that it is not to examine."""

    dossier: Dossier
    held: bool

    @property
    def holder(self):
        return None if self.held else self.dossier.claimed_by

    @property
    def until(self) -> dt.datetime | None:
        return self.dossier.claimed_until


def _claimable(reviewer: Any, now: dt.datetime) -> Q:
    return (
        Q(claimed_by__isnull=True)
        | Q(claimed_until__isnull=True)
        | Q(claimed_until__lte=now)
        | Q(claimed_by=reviewer)
    )


def claim(*, dossier: Dossier, reviewer: Any) -> ClaimResult:
    """Open the dossier for examination: she holds it for BAWABA_DOCUMENT_CLAIM_MINUTES from now (again, if she
    held it already), unless another reviewer's claim is still live. Only a dossier under examination is claimed.

    Taking over another reviewer's lapsed claim is audited (who lost it, when it lapsed).
    """
    now = timezone.now()
    with transaction.atomic():
        # No join here: after waiting for another reviewer's lock, PostgreSQL re-reads the dossier's row but not a
        # joined one, which would name no holder. Her holder is read on its own when the page names her.
        locked = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if locked is None:
            raise ReviewRefused(_("This file no longer exists."))
        if locked.status != Status.SUBMITTED or held_by_another(locked, reviewer, now=now):
            return ClaimResult(dossier=locked, held=False)
        previous_id, previous_until = locked.claimed_by_id, locked.claimed_until
        until = now + dt.timedelta(minutes=claim_minutes())
        Dossier.objects.filter(pk=locked.pk).update(claimed_by=reviewer, claimed_until=until, updated_at=now)
        if previous_id is not None and previous_id != reviewer.pk:
            record_event(
                actor=reviewer,
                action="documents.claim_taken_over",
                target=locked,
                data={
                    "from_user": previous_id,
                    "lapsed_at": previous_until.isoformat() if previous_until else None,
                    "until": until.isoformat(),
                },
            )
        elif previous_id is None:
            record_event(
                actor=reviewer, action="documents.claimed", target=locked, data={"until": until.isoformat()}
            )
        locked.claimed_by, locked.claimed_until = reviewer, until
        return ClaimResult(dossier=locked, held=True)


def release(*, dossier: Dossier, reviewer: Any) -> bool:
    """Drop her claim (she will not decide it now): another reviewer may take it at once. False when she did not
    hold it (it lapsed and someone else took it, or it was decided): nothing to release."""
    with transaction.atomic():
        released = Dossier.objects.filter(pk=dossier.pk, claimed_by=reviewer).update(
            claimed_by=None, claimed_until=None, updated_at=timezone.now()
        )
        if released:
            record_event(actor=reviewer, action="documents.claim_released", target=dossier)
    return bool(released)


def check_decision(outcome: str, reasons: list[str], comment: str) -> tuple[list[str], str]:
    """The decision's reasons and comment as stored; ReviewRefused when they cannot be (the form checks first)."""
    if outcome not in Outcome.values:
        raise ReviewRefused(_("Choose to accept or to reject the file."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH or has_control_character(
        comment.replace("\r", "").replace("\n", "").replace("\t", "")
    ):
        raise ReviewRefused(_("The comment is too long or holds invisible control characters."))
    if outcome == Outcome.ACCEPTED:
        return [], ""
    unknown = [reason for reason in reasons if reason not in RejectionReason.values]
    if unknown:
        raise ReviewRefused(_("Choose the reasons from the list."))
    # In the list's order, once each: what the candidate reads does not depend on the order of the ticks.
    chosen = [reason for reason in RejectionReason.values if reason in reasons]
    if not chosen:
        raise ReviewRefused(_("Choose at least one reason for the rejection."))
    if RejectionReason.OTHER in chosen and not comment:
        raise ReviewRefused(_("Explain the other reason in the comment."))
    return chosen, comment


def decide(
    *,
    dossier: Dossier,
    reviewer: Any,
    outcome: str,
    reasons: list[str] | None = None,
    comment: str = "",
    seen_version: int,
) -> Dossier:
    """Accept or reject the dossier as she saw it (`seen_version`). Raise DecisionConflict, having written
    nothing, when it changed since; ReviewRefused when the decision itself is incomplete."""
    reasons, comment = check_decision(outcome, list(reasons or []), comment)
    now = timezone.now()
    with transaction.atomic():
        changed = (
            Dossier.objects.filter(pk=dossier.pk, status=Status.SUBMITTED, version=seen_version)
            .filter(_claimable(reviewer, now))
            .update(
                status=outcome,  # the outcomes' values are the statuses' ("accepted", "rejected")
                decided_at=now,
                decided_by=reviewer,
                rejection_reasons=reasons,
                rejection_comment=comment,
                version=F("version") + 1,
                claimed_by=None,
                claimed_until=None,
                updated_at=now,
            )
        )
        if not changed:
            raise _conflict(dossier, reviewer, seen_version, now)
        decided = Dossier.objects.select_related("application__user", "campaign").get(pk=dossier.pk)
        ReviewDecision.objects.create(
            dossier=decided,
            outcome=outcome,
            reasons=reasons,
            comment=comment,
            province_id=decided.province_id,
            decided_at=now,
            decided_by=reviewer,
        )
        record_event(
            actor=reviewer,
            action=f"documents.{outcome}",
            target=decided,
            data={"reasons": reasons, "comment": comment, "version": decided.version},
        )
        queue_decision_email(decided)
    return decided


def _conflict(dossier: Dossier, reviewer: Any, seen_version: int, now: dt.datetime) -> DecisionConflict:
    current = Dossier.objects.select_related("claimed_by", "decided_by").filter(pk=dossier.pk).first()
    if current is None:
        return DecisionConflict(_("This file no longer exists."), dossier=None)
    if current.status in (Status.ACCEPTED, Status.REJECTED):
        return DecisionConflict(
            _("Someone else decided this file meanwhile: your decision was not recorded."), dossier=current
        )
    if current.status != Status.SUBMITTED:
        return DecisionConflict(
            _("This file is no longer waiting for examination: your decision was not recorded."),
            dossier=current,
        )
    if current.version != seen_version:
        return DecisionConflict(
            _(
                "The candidate changed this file since you opened it: look at it again, then decide. Your choices "
                "are kept below."
            ),
            dossier=current,
        )
    return DecisionConflict(
        _("Another reviewer is examining this file now: your decision was not recorded."), dossier=current
    )


# --- The e-mail to the candidate -------------------------------------------------------------------------------


def upload_url(application_pk: int, language: str) -> str:
    """The candidate's upload page, in her language, as an absolute address.

    The page is the upload part's ("documents:upload"); until that part is merged, the address it will have is
    built by hand, so that the e-mail links to the right place either way.
    """
    site = (settings.BAWABA_SITE_URL or "").rstrip("/")
    with translation.override(language):
        try:
            return site + reverse("documents:upload", args=[application_pk])
        except NoReverseMatch:
            return f"{site}/{language}/documents/{application_pk}/"


def queue_decision_email(dossier: Dossier) -> None:
    """The decision, in her language, with the reasons and the comment of a rejection (one e-mail per decision:
    the key names the version the decision made)."""
    user = dossier.application.user
    language = user.preferred_language
    with translation.override(language):
        reasons = [str(RejectionReason(reason).label) for reason in dossier.rejection_reasons]
        campaign_title = dossier.campaign.title
    queue_email(
        kind=DECISION_EMAIL_KIND,
        to_email=user.email,
        language=language,
        context={
            "campaign_title": campaign_title,
            "accepted": dossier.status == Status.ACCEPTED,
            "reasons": reasons,
            "comment": dossier.rejection_comment,
            "upload_url": upload_url(dossier.application_id, language),
        },
        idempotency_key=f"documents-decision:{dossier.pk}:{dossier.version}",
        user=user,
    )
