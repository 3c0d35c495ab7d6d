"""The in-person training's answer to the selection's events (bawaba.selection.signals), connected in
FieldworkConfig.ready(): when the final run (stage `field`) is published, the agents it selects are assigned to the
training groups already set up, in the publication's own transaction. Runs of any other stage are not its concern.
"""

from typing import Any

from bawaba.fieldwork.models import TrainingGroup
from bawaba.fieldwork.services.assignment import assign_to_groups
from bawaba.selection import signals
from bawaba.selection.models import SelectionRun


def _run_published(sender: Any, *, run: SelectionRun, actor: Any = None, **kwargs: Any) -> None:
    if run.stage != SelectionRun.Stage.FIELD:
        return
    if TrainingGroup.objects.filter(campaign_id=run.campaign_id).exists():
        assign_to_groups(campaign=run.campaign, actor=actor)


def connect() -> None:
    signals.run_published.connect(_run_published, dispatch_uid="fieldwork.run_published")
