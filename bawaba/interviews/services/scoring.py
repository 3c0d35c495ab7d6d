"""Writes of the interviews' scoring: the grid's versions, presence, scores and their corrections (with a reason,
kept with the score and in the audit log)."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.interviews.grid import GridError, read_grid, score
from bawaba.interviews.models import Convocation, InterviewGrid, InterviewScore, ScoreCorrection
from bawaba.interviews.services.convocations import HOLDING_A_SEAT


def save_grid(*, campaign: Campaign, data: object, note: str, actor: Any) -> InterviewGrid:
    """A new version of the campaign's grid; GridError says what is wrong. Unchanged: the current version."""
    read_grid(data)
    document = json.loads(json.dumps(data))
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        current = InterviewGrid.objects.filter(campaign=campaign).order_by("-version").first()
        if current is not None and current.grid == document:
            return current
        number = (
            InterviewGrid.objects.filter(campaign=campaign).aggregate(top=Max("version"))["top"] or 0
        ) + 1
        grid = InterviewGrid.objects.create(
            campaign=campaign, version=number, grid=document, note=note, created_by=actor
        )
        record_event(
            actor=actor,
            action="interviews.grid_saved",
            target=campaign,
            data={"version": number, "note": note},
        )
    return grid


def mark_presence(*, convocation: Convocation, present: bool, actor: Any) -> Convocation:
    """Present or absent; an absent candidate cannot be scored (and is never selected). A scored candidate stays
    present."""
    with transaction.atomic():
        convocation = Convocation.objects.select_for_update().get(pk=convocation.pk)
        if convocation.status not in HOLDING_A_SEAT:
            raise ValidationError(_("This candidate withdrew from the interview."), code="withdrawn")
        if not present and InterviewScore.objects.filter(convocation=convocation).exists():
            raise ValidationError(_("This candidate has a score: she was present."), code="scored")
        status = Convocation.Status.PRESENT if present else Convocation.Status.ABSENT
        if convocation.status != status:
            convocation.status = status
            convocation.save(update_fields=["status", "updated_at"])
            record_event(
                actor=actor, action="interviews.presence_marked", target=convocation, data={"status": status}
            )
    return convocation


def record_score(
    *, convocation: Convocation, grid: InterviewGrid, levels: dict, actor: Any
) -> InterviewScore:
    """Her first score on the grid; a second goes through `correct_score`, with a reason."""
    try:
        value = score(read_grid(grid.grid), levels)
    except GridError as error:
        raise ValidationError(str(error), code="levels") from error
    with transaction.atomic():
        if grid.pk is None:  # the default grid, never saved: the first score keeps it as version 1
            grid = save_grid(campaign=convocation.campaign, data=grid.grid, note="", actor=actor)
        convocation = Convocation.objects.select_for_update().get(pk=convocation.pk)
        if convocation.status != Convocation.Status.PRESENT:
            raise ValidationError(_("Mark the candidate present before scoring her."), code="not_present")
        if InterviewScore.objects.filter(convocation=convocation).exists():
            raise ValidationError(
                _("This candidate already has a score: correct it, with a reason."), code="scored"
            )
        entry = InterviewScore.objects.create(
            convocation=convocation, grid=grid, levels=levels, score=value, recorded_by=actor
        )
        record_event(
            actor=actor,
            action="interviews.score_recorded",
            target=convocation,
            data={"score": value, "levels": levels, "grid_version": grid.version},
        )
    return entry


def correct_score(*, entry: InterviewScore, levels: dict, reason: str, actor: Any) -> InterviewScore:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the score is corrected."), code="reason")
    try:
        value = score(read_grid(entry.grid.grid), levels)
    except GridError as error:
        raise ValidationError(str(error), code="levels") from error
    with transaction.atomic():
        entry = InterviewScore.objects.select_for_update().select_related("grid").get(pk=entry.pk)
        if entry.levels == levels:
            return entry
        ScoreCorrection.objects.create(
            score=entry,
            previous_levels=entry.levels,
            previous_score=entry.score,
            reason=reason,
            corrected_by=actor,
        )
        record_event(
            actor=actor,
            action="interviews.score_corrected",
            target=entry.convocation,
            data={"from": entry.score, "to": value, "levels": levels, "reason": reason},
        )
        entry.levels, entry.score = levels, value
        entry.save(update_fields=["levels", "score"])
    return entry
