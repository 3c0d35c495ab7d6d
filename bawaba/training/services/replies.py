"""Her answer to the offer of a training place, and what no answer by the reply deadline means.

She accepts or declines from her dashboard while she holds a place (admitted in her campaign's published
preselection) and before her reply deadline (bawaba.training.places.reply_deadline). Accepting may be followed by
declining until the deadline; declining is final: her place goes to the waiting lists at the next promotion round.
Where the campaign says so, the candidates still silent once their deadline has passed are released in one
set-based job (`apply_reply_deadline`), followed by a promotion round.

Replies and the deadline job exclude each other on PostgreSQL by a lock on the replies' table, taken first by
each: a candidate's reply takes the mode writers share (ROW EXCLUSIVE), the job the mode that waits for them and
keeps them out until it commits (SHARE ROW EXCLUSIVE). So a reply begun a moment before the deadline either
commits before the job reads who answered, or waits and then finds the deadline passed; and the fixed order
(replies' table, then rows) leaves no room for a deadlock. SQLite's transactions already run one at a time.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.selection.models import PlaceRelease, Promotion, PromotionRound, SelectionDecision, SelectionRun
from bawaba.selection.services.computation import timed
from bawaba.selection.services.promotion import decline_place as release_declined_place
from bawaba.selection.services.promotion import release_places, run_promotion_round
from bawaba.selection.services.runs import SelectionError
from bawaba.training.models import TrainingReply, TrainingSettings
from bawaba.training.places import PROMOTED_REPLY_TIME, PlaceState, place_state

Answer = TrainingReply.Answer


class ReplyError(Exception):
    """A reply or the deadline job refused, with a message for the person who asked (in her language)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _lock_replies(mode: str) -> None:
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(TrainingReply._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN {mode} MODE")


def _checked_place(application: Application, actor) -> PlaceState:
    """Her place, locked for her reply, once checked that she may still answer; ReplyError otherwise."""
    if getattr(actor, "pk", None) is None or actor.pk != application.user_id:
        raise ReplyError(_("Only the candidate herself can answer for her training place."))
    _lock_replies("ROW EXCLUSIVE")
    # Her decision row, locked: two replies of hers (two tabs, a double click) are answered one after the other.
    list(
        SelectionDecision.objects.select_for_update(of=("self",))
        .filter(
            application=application,
            run__campaign_id=application.campaign_id,
            run__stage=SelectionRun.Stage.PRESELECTION,
            run__status=SelectionRun.Status.PUBLISHED,
        )
        .values_list("pk", flat=True)
    )
    state = place_state(application)
    if state is not None and state.answer == Answer.DECLINED:
        raise ReplyError(_("You declined your training place: declining is final."))
    if state is not None and state.answer == Answer.NO_REPLY:
        raise ReplyError(
            _(
                "You did not answer by the reply deadline: your place went to the candidates on the waiting list."
            )
        )
    if state is None or not state.holds_place:
        raise ReplyError(_("You hold no training place to answer for."))
    if not state.is_open():
        raise ReplyError(_("The reply deadline has passed: your answer can no longer be changed."))
    return state


@transaction.atomic
def accept_place(*, application: Application, actor) -> TrainingReply:
    """She accepts her training place. Accepting again changes nothing."""
    state = _checked_place(application, actor)
    if state.answer == Answer.ACCEPTED:
        return TrainingReply.objects.get(application=application)
    reply = TrainingReply.objects.create(
        application=application, answer=Answer.ACCEPTED, answered_at=timezone.now()
    )
    record_event(
        actor=actor, action="training.place_accepted", target=application, data={"run": state.run_id}
    )
    return reply


@transaction.atomic
def decline_place(*, application: Application, actor) -> TrainingReply:
    """She declines her training place (even after accepting it, until the deadline): final. Her place is released
    at once (bawaba.selection's decline_place) and goes to the waiting lists at the next promotion round."""
    state = _checked_place(application, actor)
    reply, _created = TrainingReply.objects.update_or_create(
        application=application, defaults={"answer": Answer.DECLINED, "answered_at": timezone.now()}
    )
    try:
        release_declined_place(application=application, actor=actor)
    except SelectionError as error:
        raise ReplyError(str(error)) from None
    record_event(
        actor=actor,
        action="training.place_declined",
        target=application,
        data={"run": state.run_id, "had_accepted": state.answer == Answer.ACCEPTED},
    )
    return reply


# ------------------------------------------------------------------------------------------ the deadline


@dataclass(frozen=True)
class DeadlineApplied:
    """What apply_reply_deadline did: how many silent candidates were released, and the round that followed."""

    released: int
    promotion_round: PromotionRound | None
    counts_as_declining: bool
    # Seconds per phase (find the silent, write their answers, release their places, the promotion round).
    timings: dict[str, float] = field(default_factory=dict)


def silent_past_deadline(run: SelectionRun, now: dt.datetime) -> np.ndarray:
    """Application ids of the run's admitted who have not answered and whose own deadline has passed by `now`
    (the campaign's deadline is assumed passed): not those promoted less than PROMOTED_REPLY_TIME ago, nor those
    who withdrew (the next round records their withdrawal as such). Sorted; one query."""
    answered = TrainingReply.objects.filter(application_id=OuterRef("application_id"))
    promoted_lately = Promotion.objects.filter(
        application_id=OuterRef("application_id"),
        promotion_round__run=run,
        promotion_round__created_at__gt=now - PROMOTED_REPLY_TIME,
    )
    withdrawn = Application.objects.filter(pk=OuterRef("application_id"), status=Application.Status.WITHDRAWN)
    ids = (
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .filter(~Exists(answered), ~Exists(promoted_lately), ~Exists(withdrawn))
        .order_by("application_id")
        .values_list("application_id", flat=True)
    )
    return np.fromiter(ids.iterator(chunk_size=10_000), dtype=np.int64)


def apply_reply_deadline(*, campaign: Campaign, actor, now: dt.datetime | None = None) -> DeadlineApplied:
    """After the reply deadline, where the campaign counts no answer as declining: each admitted candidate without
    an answer whose deadline has passed gets the answer "no reply" and her place released (PlaceRelease NO_REPLY),
    then a promotion round gives the places away. One transaction; a second call changes nothing.

    ReplyError before the deadline, without one, or without a published preselection.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_replies("SHARE ROW EXCLUSIVE")
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        settings = TrainingSettings.objects.filter(campaign=campaign).first()
        if settings is None or settings.reply_deadline is None:
            raise ReplyError(_("No reply deadline is set for this campaign."))
        if now < settings.reply_deadline:
            raise ReplyError(_("The reply deadline has not passed yet: nothing was changed."))
        if not settings.no_reply_declines:
            return DeadlineApplied(released=0, promotion_round=None, counts_as_declining=False)
        run = (
            SelectionRun.objects.filter(
                campaign=campaign,
                stage=SelectionRun.Stage.PRESELECTION,
                status=SelectionRun.Status.PUBLISHED,
            )
            .defer("frozen_inputs")
            .first()
        )
        if run is None:
            raise ReplyError(_("The preselection of this campaign is not published: nobody holds a place."))
        timings: dict[str, float] = {}
        with timed(timings, "find_silent"):
            silent = silent_past_deadline(run, now)
        if not silent.size:
            return DeadlineApplied(released=0, promotion_round=None, counts_as_declining=True)
        with timed(timings, "write_answers"):
            BulkWriter(connection).insert(
                TrainingReply,
                {
                    "application": silent,
                    "answer": str(Answer.NO_REPLY),
                    "answered_at": np.full(
                        silent.shape[0], np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s")
                    ),
                },
                rows=int(silent.shape[0]),
            )
        try:
            with timed(timings, "release_places"):
                released = release_places(
                    run=run, application_ids=silent, reason=PlaceRelease.Reason.NO_REPLY, actor=actor
                )
            record_event(
                actor=actor,
                action="training.reply_deadline_applied",
                target=campaign,
                data={"run": run.pk, "released": released, "deadline": settings.reply_deadline.isoformat()},
            )
            with timed(timings, "promotion_round"):
                promotion_round = run_promotion_round(campaign=campaign, actor=actor)
        except SelectionError as error:
            raise ReplyError(str(error)) from None
    return DeadlineApplied(
        released=released, promotion_round=promotion_round, counts_as_declining=True, timings=timings
    )
