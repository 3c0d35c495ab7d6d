"""A campaign's calendar as a candidate sees it: is registration open, where each stage stands, what comes next.

Pure: takes a campaign, its (prefetched) stages and the current instant. Days are Moroccan days: dates are read in
the site's time zone (Africa/Casablanca), and registration opens and closes to the second.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from bawaba.campaigns.models import Application, Campaign, CampaignStage

UPCOMING = "upcoming"
OPEN = "open"
CLOSED = "closed"

DONE = "done"
CURRENT = "current"

Kind = CampaignStage.Kind
# "(done)" after a stage's name agrees with that name, whose gender differs from one language to the next
# (التسجيل is masculine and المقابلة feminine; l'inscription is feminine and l'entretien masculine): one context per
# kind of stage, so that each catalogue gives the right form. A kind added later falls back to STATUS_WORDS.
STAGE_STATUS_WORDS: dict[tuple[str, str], Promise] = {
    (Kind.REGISTRATION, DONE): pgettext_lazy("registration stage", "(done)"),
    (Kind.REGISTRATION, CURRENT): pgettext_lazy("registration stage", "(in progress)"),
    (Kind.REGISTRATION, UPCOMING): pgettext_lazy("registration stage", "(to come)"),
    (Kind.PRESELECTION, DONE): pgettext_lazy("preselection stage", "(done)"),
    (Kind.PRESELECTION, CURRENT): pgettext_lazy("preselection stage", "(in progress)"),
    (Kind.PRESELECTION, UPCOMING): pgettext_lazy("preselection stage", "(to come)"),
    (Kind.REMOTE_TRAINING, DONE): pgettext_lazy("remote training stage", "(done)"),
    (Kind.REMOTE_TRAINING, CURRENT): pgettext_lazy("remote training stage", "(in progress)"),
    (Kind.REMOTE_TRAINING, UPCOMING): pgettext_lazy("remote training stage", "(to come)"),
    (Kind.INTERVIEW, DONE): pgettext_lazy("interview stage", "(done)"),
    (Kind.INTERVIEW, CURRENT): pgettext_lazy("interview stage", "(in progress)"),
    (Kind.INTERVIEW, UPCOMING): pgettext_lazy("interview stage", "(to come)"),
    (Kind.FIELD_TRAINING, DONE): pgettext_lazy("in-person training stage", "(done)"),
    (Kind.FIELD_TRAINING, CURRENT): pgettext_lazy("in-person training stage", "(in progress)"),
    (Kind.FIELD_TRAINING, UPCOMING): pgettext_lazy("in-person training stage", "(to come)"),
}
# Worded so as to agree with any stage ("stage done"), for a kind without its own words.
STATUS_WORDS: dict[str, Promise] = {
    DONE: pgettext_lazy("any stage", "(done)"),
    CURRENT: pgettext_lazy("any stage", "(in progress)"),
    UPCOMING: pgettext_lazy("any stage", "(to come)"),
}


def registration_state(campaign: Campaign, *, now: dt.datetime) -> str:
    """'upcoming' before opens_at, 'open' from opens_at included to closes_at excluded, 'closed' from closes_at."""
    if now < campaign.registration_opens_at:
        return UPCOMING
    if now < campaign.registration_closes_at:
        return OPEN
    return CLOSED


def age_reference_date(campaign: Campaign) -> dt.date:
    """The day on which age limits apply: the (Moroccan) day registration closes."""
    return timezone.localdate(campaign.registration_closes_at)


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str  # done, current or upcoming
    # The registration stage's exact instants (the campaign's), shown with their time.
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None

    @property
    def is_registration(self) -> bool:
        return self.kind == CampaignStage.Kind.REGISTRATION

    @property
    def status_words(self) -> Promise:
        """'(done)', '(in progress)' or '(to come)', in the form that agrees with the stage's name."""
        return STAGE_STATUS_WORDS.get((self.kind, self.status), STATUS_WORDS[self.status])


def timeline(campaign: Campaign, stages: Iterable[CampaignStage], *, now: dt.datetime) -> list[TimelineEntry]:
    """Every stage with its status on `now`. Registration follows the campaign's instants; another stage is
    current from its first day to its last (or, without an end, until the day before the next stage starts)."""
    stages = sorted(stages, key=lambda stage: (stage.starts_on, stage.pk or 0))
    today = timezone.localdate(now)
    registration = CampaignStage.Kind.REGISTRATION
    entries = []
    if not any(stage.kind == registration for stage in stages):
        # Every campaign has a registration, whether or not staff entered it as a stage.
        stages.insert(
            0,
            CampaignStage(
                campaign=campaign,
                kind=registration,
                starts_on=timezone.localdate(campaign.registration_opens_at),
                ends_on=timezone.localdate(campaign.registration_closes_at),
            ),
        )
    for index, stage in enumerate(stages):
        if stage.kind == registration:
            status = {UPCOMING: UPCOMING, OPEN: CURRENT, CLOSED: DONE}[registration_state(campaign, now=now)]
            entries.append(
                TimelineEntry(
                    kind=stage.kind,
                    label=stage.get_kind_display(),
                    starts_on=stage.starts_on,
                    ends_on=stage.ends_on,
                    status=status,
                    opens_at=campaign.registration_opens_at,
                    closes_at=campaign.registration_closes_at,
                )
            )
            continue
        last_day = stage.ends_on or _day_before_next(stages, index) or stage.starts_on
        if today > last_day:
            status = DONE
        elif today >= stage.starts_on:
            status = CURRENT
        else:
            status = UPCOMING
        entries.append(
            TimelineEntry(
                kind=stage.kind,
                label=stage.get_kind_display(),
                starts_on=stage.starts_on,
                ends_on=stage.ends_on,
                status=status,
            )
        )
    return entries


def _day_before_next(stages: list[CampaignStage], index: int) -> dt.date | None:
    for later in stages[index + 1 :]:
        if later.starts_on > stages[index].starts_on:
            return later.starts_on - dt.timedelta(days=1)
    return None


@dataclass(frozen=True)
class NextAction:
    """What the candidate should do or expect next. `code` picks the sentence in the template; `when` its date."""

    code: str
    when: dt.datetime | dt.date | None = None
    stage: TimelineEntry | None = None


# Codes of NextAction, one sentence each in campaigns/includes/next_action.html.
COMPLETE_BEFORE = "complete_before"
NOT_SUBMITTED_IN_TIME = "not_submitted_in_time"
CHANGE_UNTIL = "change_until"
WAIT_FOR_STAGE = "wait_for_stage"
WITHDRAWN_CAN_REAPPLY = "withdrawn_can_reapply"
WITHDRAWN = "withdrawn"
NOTHING_SCHEDULED = "nothing_scheduled"


def next_actions(
    application: Application, entries: list[TimelineEntry], *, now: dt.datetime
) -> list[NextAction]:
    """The one or two things to tell a candidate about her application, most urgent first."""
    campaign = application.campaign
    state = registration_state(campaign, now=now)
    Status = Application.Status
    if application.status == Status.WITHDRAWN:
        if state == OPEN:
            return [NextAction(WITHDRAWN_CAN_REAPPLY, campaign.registration_closes_at)]
        return [NextAction(WITHDRAWN)]
    if application.status == Status.DRAFT:
        if state == CLOSED:
            return [NextAction(NOT_SUBMITTED_IN_TIME, campaign.registration_closes_at)]
        return [NextAction(COMPLETE_BEFORE, campaign.registration_closes_at)]
    actions = []
    if state == OPEN:
        actions.append(NextAction(CHANGE_UNTIL, campaign.registration_closes_at))
    coming = next(
        (entry for entry in entries if not entry.is_registration and entry.status == UPCOMING), None
    )
    if coming is not None:
        actions.append(NextAction(WAIT_FOR_STAGE, coming.starts_on, coming))
    elif state != OPEN:
        actions.append(NextAction(NOTHING_SCHEDULED))
    return actions


def can_change(application: Application, *, now: dt.datetime) -> bool:
    """Whether she may still change her application: not withdrawn, and registration open."""
    return (
        application.status != Application.Status.WITHDRAWN
        and registration_state(application.campaign, now=now) == OPEN
    )
