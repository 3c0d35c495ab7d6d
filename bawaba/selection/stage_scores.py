"""What a later stage measured of each candidate, read for a run of that stage.

The final selection's priority is the interview score, which the interviews hold; the interviews sit above the
selection, which cannot import them (docs/architecture.md, "The layers"). So the stage app registers, in its
AppConfig.ready(), a function that gives the score of each application of a campaign, and the selection asks it
when it reads a run's inputs: inside the same database snapshot as the rest of them.
"""

from collections.abc import Callable

import numpy as np

from bawaba.campaigns.models import Campaign
from bawaba.selection.scoring_inputs import ABSENT, NOT_ASSESSED

__all__ = ["ABSENT", "NOT_ASSESSED", "MissingStageScores", "StageScores", "register", "registered", "read"]

# (campaign, application ids ascending) -> (n,) int64 scores in that order: >= 0 a measure (higher is better),
# NOT_ASSESSED or ABSENT otherwise.
StageScores = Callable[[Campaign, np.ndarray], np.ndarray]

# The preselection measures nothing beyond the declared data.
STAGES_WITHOUT_SCORES = frozenset({"preselection"})

_providers: dict[str, StageScores] = {}


class MissingStageScores(LookupError):
    """No app gives the scores of this stage: its run cannot be computed."""


def register(stage: str, provider: StageScores) -> None:
    _providers[stage] = provider


def registered(stage: str) -> bool:
    return stage in STAGES_WITHOUT_SCORES or stage in _providers


def read(campaign: Campaign, stage: str, application_ids: np.ndarray) -> np.ndarray | None:
    """The stage scores of these applications (None for a stage that has none), checked."""
    if stage in STAGES_WITHOUT_SCORES:
        return None
    if stage not in _providers:
        raise MissingStageScores(f"No app gives the scores of the {stage!r} stage.")
    scores = np.asarray(_providers[stage](campaign, application_ids), dtype=np.int64)
    if scores.shape != application_ids.shape:
        raise ValueError(f"The {stage!r} scores have shape {scores.shape}, expected {application_ids.shape}.")
    return scores
