"""The training's answers to the selection's events (bawaba.selection.signals), connected in TrainingConfig.ready().

The selection sits below the training and cannot call it: it sends a signal inside the transaction of its event,
and what the training writes in answer (notices, accounts, invitations) commits with that event or not at all.
"""

from typing import Any

from bawaba.selection import signals
from bawaba.selection.models import SelectionRun
from bawaba.training.services import invitations


def _run_published(sender: Any, *, run: SelectionRun, actor: Any = None, **kwargs: Any) -> None:
    # The training follows the preselection; the final selection's agents are the in-person training's.
    if run.stage == SelectionRun.Stage.PRESELECTION:
        invitations.notify_publication(run=run, actor=actor)


def _promotion_round_recorded(sender: Any, *, promotion_round: Any, actor: Any = None, **kwargs: Any) -> None:
    if promotion_round.run.stage == SelectionRun.Stage.PRESELECTION:
        invitations.invite_promoted(promotion_round=promotion_round, actor=actor)


def connect() -> None:
    signals.run_published.connect(_run_published, dispatch_uid="training.run_published")
    signals.promotion_round_recorded.connect(
        _promotion_round_recorded, dispatch_uid="training.promotion_round_recorded"
    )
