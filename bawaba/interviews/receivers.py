"""The interviews' answer to the selection's events (bawaba.selection.signals), connected in
InterviewsConfig.ready(): the final selection's decision e-mails, written in its publication's transaction, and the
e-mails of its promotion rounds."""

from typing import Any

from bawaba.interviews.services.final_notices import notify_final_promotions, notify_final_publication
from bawaba.selection import signals
from bawaba.selection.models import SelectionRun


def _run_published(sender: Any, *, run: SelectionRun, actor: Any = None, **kwargs: Any) -> None:
    if run.stage == SelectionRun.Stage.FIELD:
        notify_final_publication(run=run, actor=actor)


def _promotion_round_recorded(sender: Any, *, promotion_round: Any, actor: Any = None, **kwargs: Any) -> None:
    if promotion_round.run.stage == SelectionRun.Stage.FIELD:
        notify_final_promotions(promotion_round=promotion_round, actor=actor)


def connect() -> None:
    signals.run_published.connect(_run_published, dispatch_uid="interviews.run_published")
    signals.promotion_round_recorded.connect(
        _promotion_round_recorded, dispatch_uid="interviews.promotion_round_recorded"
    )
