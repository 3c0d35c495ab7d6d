"""A campaign's set-up by a central administrator: its fields and its calendar, each write one transaction with an
audit row.

The calendar's rules are checked here (:func:`calendar_problems`), for the staff form and any other caller alike:
registration closes after it opens; every later stage starts on or after the day registration closes, in the
order of CampaignStage.Kind, and ends on or after it starts. The registration stage is not entered: it is the
registration window's days, kept in step with the window on every save.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Campaign, CampaignStage
from bawaba.core import dates as day_format
from bawaba.core.audit import record_event

Kind = CampaignStage.Kind
# The stages entered on the form, in the order a campaign goes through them.
LATER_STAGES: tuple[str, ...] = tuple(kind for kind in Kind.values if kind != Kind.REGISTRATION)
# What a campaign's form sets on the row (the stages apart).
CAMPAIGN_FIELDS = (
    "administration",
    "slug",
    "kind",
    "title_ar",
    "title_fr",
    "title_en",
    "summary_ar",
    "summary_fr",
    "summary_en",
    "registration_opens_at",
    "registration_closes_at",
    "max_commune_choices",
    "is_published",
)

SLUG_TAKEN = _("Another campaign already has this short name.")


@dataclass(frozen=True)
class StageDates:
    starts_on: dt.date | None
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class CalendarProblem:
    """A calendar rule broken: the form field it concerns (`<kind>_starts_on`, `registration_closes_at`...)."""

    field: str
    message: str


class CampaignSetupError(Exception):
    """The set-up was refused: `problems` say why, each for its form field."""

    def __init__(self, problems: list[CalendarProblem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


def _day(value: dt.date) -> str:
    return day_format.day(value, get_language())


def calendar_problems(
    *, opens_at: dt.datetime, closes_at: dt.datetime, stages: Mapping[str, StageDates]
) -> list[CalendarProblem]:
    """Every broken rule of a calendar (empty when it is sound); `stages` are the later stages, by kind."""
    problems: list[CalendarProblem] = []
    if closes_at <= opens_at:
        problems.append(
            CalendarProblem("registration_closes_at", str(_("Registration must close after it opens.")))
        )
    closes_on = timezone.localdate(closes_at)
    previous: tuple[str, dt.date] | None = None
    for kind in LATER_STAGES:
        dates = stages.get(kind) or StageDates(None)
        label = Kind(kind).label
        if dates.starts_on is None:
            if dates.ends_on is not None:
                problems.append(
                    CalendarProblem(
                        f"{kind}_starts_on",
                        str(_("Give the first day of this stage too, or clear its last day.")),
                    )
                )
            continue
        if dates.ends_on is not None and dates.ends_on < dates.starts_on:
            problems.append(
                CalendarProblem(
                    f"{kind}_ends_on", str(_("The last day of a stage cannot be before its first day."))
                )
            )
        if dates.starts_on < closes_on:
            problems.append(
                CalendarProblem(
                    f"{kind}_starts_on",
                    str(
                        _("%(stage)s cannot start before the day registration closes (%(day)s).")
                        % {"stage": label, "day": _day(closes_on)}
                    ),
                )
            )
        elif previous is not None and dates.starts_on < previous[1]:
            problems.append(
                CalendarProblem(
                    f"{kind}_starts_on",
                    str(
                        _("%(stage)s cannot start before %(previous)s, which starts on %(day)s.")
                        % {"stage": label, "previous": Kind(previous[0]).label, "day": _day(previous[1])}
                    ),
                )
            )
        previous = (kind, dates.starts_on)
    return problems


def _check(fields: Mapping[str, Any], stages: Mapping[str, StageDates]) -> None:
    problems = calendar_problems(
        opens_at=fields["registration_opens_at"], closes_at=fields["registration_closes_at"], stages=stages
    )
    if problems:
        raise CampaignSetupError(problems)


def _save_stages(campaign: Campaign, stages: Mapping[str, StageDates]) -> dict[str, list[str | None]]:
    """Write the calendar (the registration stage from the window); the stages' days as the audit row keeps them."""
    wanted: dict[str, tuple[dt.date, dt.date | None]] = {
        Kind.REGISTRATION.value: (
            timezone.localdate(campaign.registration_opens_at),
            timezone.localdate(campaign.registration_closes_at),
        )
    }
    for kind, dates in stages.items():
        if kind in LATER_STAGES and dates.starts_on is not None:
            wanted[kind] = (dates.starts_on, dates.ends_on)
    existing = {stage.kind: stage for stage in CampaignStage.objects.filter(campaign=campaign)}
    CampaignStage.objects.filter(campaign=campaign).exclude(kind__in=list(wanted)).delete()
    for kind, (starts_on, ends_on) in wanted.items():
        stage = existing.get(kind)
        if stage is None:
            CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
        elif (stage.starts_on, stage.ends_on) != (starts_on, ends_on):
            stage.starts_on, stage.ends_on = starts_on, ends_on
            stage.save(update_fields=["starts_on", "ends_on"])
    return {
        kind: [starts_on.isoformat(), ends_on.isoformat() if ends_on else None]
        for kind, (starts_on, ends_on) in wanted.items()
    }


def _audit_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _wrap_integrity(error: IntegrityError) -> CampaignSetupError:
    # Two administrators creating the same short name at once: the unique constraint decides.
    return CampaignSetupError([CalendarProblem("slug", str(SLUG_TAKEN))])


def create_campaign(*, fields: Mapping[str, Any], stages: Mapping[str, StageDates], actor) -> Campaign:
    """A new campaign with its calendar; CampaignSetupError if the calendar breaks a rule or the slug is taken."""
    _check(fields, stages)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(**{name: fields[name] for name in CAMPAIGN_FIELDS})
            calendar = _save_stages(campaign, stages)
            record_event(
                actor=actor,
                action="campaigns.campaign_created",
                target=campaign,
                data={
                    **{name: _audit_value(fields[name]) for name in CAMPAIGN_FIELDS},
                    "stages": calendar,
                },
            )
    except IntegrityError as error:
        raise _wrap_integrity(error) from error
    return campaign


def update_campaign(
    *, campaign: Campaign, fields: Mapping[str, Any], stages: Mapping[str, StageDates], actor
) -> Campaign:
    """Change a campaign and its calendar; the audit row keeps each changed field's old and new value."""
    _check(fields, stages)
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            before_stages = {
                stage.kind: [
                    stage.starts_on.isoformat(),
                    stage.ends_on.isoformat() if stage.ends_on else None,
                ]
                for stage in CampaignStage.objects.filter(campaign=locked)
            }
            changed = {
                name: [_audit_value(getattr(locked, name)), _audit_value(fields[name])]
                for name in CAMPAIGN_FIELDS
                if getattr(locked, name) != fields[name]
            }
            for name in CAMPAIGN_FIELDS:
                setattr(locked, name, fields[name])
            if changed:
                locked.save(update_fields=[*changed, "updated_at"])
            calendar = _save_stages(locked, stages)
            if calendar != before_stages:
                changed["stages"] = [before_stages, calendar]
            if changed:
                record_event(actor=actor, action="campaigns.campaign_updated", target=locked, data=changed)
    except IntegrityError as error:
        raise _wrap_integrity(error) from error
    return locked
