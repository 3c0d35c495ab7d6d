"""The reminders to start the training (MISSION.md's sixth e-mail), and the start deadline's release of places.

A reminder wave goes to every candidate who holds a place, whose account was handed over to the e-learning
platform, and whose progress shows no first access on or before the wave's date: one REMINDER notice mailing,
through the mass path, written in the wave's transaction. A wave is once per date (ReminderWave is unique per
campaign and date): asking again for the same date is refused and sends nothing.

At the start deadline (TrainingSettings.start_deadline), those who hold a place and had not started by then
release it, and a promotion round gives their places to the waiting lists (bawaba.selection's promotion).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Campaign
from bawaba.core import dates
from bawaba.core.audit import record_event
from bawaba.selection.models import PromotionRound
from bawaba.selection.services import SelectionError
from bawaba.selection.services.promotion import run_promotion_round
from bawaba.training.models import NoticeKind, ReminderWave, TrainingAccount
from bawaba.training.notices import NoticeRecipient, create_notice_mailing
from bawaba.training.progress_csv import MOROCCO
from bawaba.training.selectors import accounts_holding_a_place, not_started_before, training_settings


class ReminderRefused(Exception):
    """The wave or the release was refused; `message` says why, for the administrator."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__(str(message))
        self.message = message


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after `day`, Moroccan time: a first access before it is "on or before that day"."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=MOROCCO)


def reminder_recipients(campaign: Campaign, not_started_by: dt.date) -> Any:
    """The accounts a wave for that date reminds, with what their notice needs."""
    return (
        not_started_before(accounts_holding_a_place(campaign), end_of_day(not_started_by))
        .select_related("application__user")
        .order_by("application_id")
    )


def _in_language(language: str, arabic: str, latin: str) -> str:
    return (arabic or latin) if language == "ar" else (latin or arabic)


def _recipient(
    account: TrainingAccount, *, campaign: Campaign, platform_url: str, base_url: str
) -> NoticeRecipient:
    application = account.application
    user = application.user
    language = user.preferred_language
    with translation.override(language):
        dashboard_path = reverse("portal:dashboard")
        title = campaign.title
    return NoticeRecipient(
        key=f"a{application.pk}",
        email=user.email,
        language=language,
        user_id=user.pk,
        values={
            "first_name": _in_language(language, application.first_name_ar, application.first_name_latin),
            "last_name": _in_language(language, application.last_name_ar, application.last_name_latin),
            "campaign": title,
            "platform_url": platform_url,
            "username": account.username,
            "dashboard_url": base_url.rstrip("/") + dashboard_path,
        },
    )


def send_reminder_wave(
    *, campaign: Campaign, not_started_by: dt.date, base_url: str, actor: Any, today: dt.date | None = None
) -> ReminderWave:
    """Remind those who had not started by that date, once per date; ReminderRefused otherwise."""
    today = today or timezone.localdate(timezone=MOROCCO)
    if not_started_by > today:
        raise ReminderRefused(
            _("The date is in the future: who has not started by then cannot be known yet.")
        )
    try:
        with transaction.atomic():
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            earlier = ReminderWave.objects.filter(campaign=campaign, not_started_by=not_started_by).first()
            if earlier is not None:
                raise ReminderRefused(
                    _(
                        "The reminder to those who had not started by %(date)s was already sent (%(sent)s): a "
                        "reminder is sent once per date. Nothing was sent again."
                    )
                    % {
                        "date": dates.day(not_started_by, None),
                        "sent": dates.day_time(earlier.created_at, None),
                    }
                )
            platform_url = training_settings(campaign).platform_url
            recipients = [
                _recipient(account, campaign=campaign, platform_url=platform_url, base_url=base_url)
                for account in reminder_recipients(campaign, not_started_by)
            ]
            if not recipients:
                raise ReminderRefused(
                    _("Every candidate holding a place had started by that date: there is nobody to remind.")
                )
            mailing = create_notice_mailing(
                campaign=campaign,
                kind=NoticeKind.REMINDER,
                label=f"Reminder: not started by {not_started_by.isoformat()} ({campaign.slug})",
                recipients=recipients,
                actor=actor,
            )
            wave = ReminderWave.objects.create(
                campaign=campaign,
                not_started_by=not_started_by,
                mailing=mailing,
                recipient_count=len(recipients),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            record_event(
                actor=actor,
                action="training.reminder_sent",
                target=wave,
                data={
                    "campaign": campaign.slug,
                    "not_started_by": not_started_by.isoformat(),
                    "recipients": len(recipients),
                    "mailing": mailing.pk,
                },
            )
    except IntegrityError as error:  # the same wave asked twice at the same moment: the constraint decides
        raise ReminderRefused(
            _("This reminder was just sent by someone else: it is sent once per date.")
        ) from error
    return wave


def release_not_started(
    *, campaign: Campaign, actor: Any, now: dt.datetime | None = None
) -> PromotionRound | None:
    """Past the start deadline: release the places of those who had not started by it, and run a promotion round
    (None when no place was released since the last one). ReminderRefused before the deadline."""
    deadline = training_settings(campaign).start_deadline
    if deadline is None:
        raise ReminderRefused(
            _("This campaign has no start deadline: set it on the training's overview first.")
        )
    if (now or timezone.now()) < deadline:
        raise ReminderRefused(
            _(
                "The start deadline (%(deadline)s) has not passed yet: nobody's place can be released before it."
            )
            % {"deadline": dates.day_time(deadline, None)}
        )
    with transaction.atomic():
        not_started = list(
            not_started_before(accounts_holding_a_place(campaign), deadline).values_list(
                "application_id", flat=True
            )
        )
        try:
            promotion_round = run_promotion_round(campaign=campaign, actor=actor, not_started=not_started)
        except SelectionError as error:
            raise ReminderRefused(error.args[0] if error.args else str(error)) from error
        record_event(
            actor=actor,
            action="training.not_started_released",
            target=campaign,
            data={
                "campaign": campaign.slug,
                "start_deadline": deadline.isoformat(),
                "released": len(not_started),
                "promotion_round": promotion_round.number if promotion_round else None,
            },
        )
    return promotion_round
