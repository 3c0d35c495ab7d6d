"""The final selection's priority of each candidate: her interview score, then her training grade.

The selection sits below the interviews and reads this through `bawaba.selection.stage_scores`, registered in
InterviewsConfig.ready(); it reads it inside the snapshot of the run's other inputs, and freezes the numbers with
them, so that `verify_selection` recomputes the final run without asking the interviews again.

One whole number per candidate, lexicographic: the interview score (hundredths, out of 10,000) times
GRADE_SCALE, plus the training grade in hundredths (0 without one). Two candidates with the same interview score are
ordered by their grade, and only then by the public lottery.
"""

import numpy as np

from bawaba.campaigns.models import Campaign
from bawaba.interviews.models import Convocation, InterviewScore
from bawaba.selection.stage_scores import ABSENT, NOT_ASSESSED
from bawaba.training.models import TrainingProgress

# Above the largest grade in hundredths (TrainingProgress.grade: 9999.99).
GRADE_SCALE = 1_000_000


def stage_score(interview_score: int, grade_cents: int | None) -> int:
    """The priority of a candidate scored at the interview (what `field_stage_scores` computes for everyone)."""
    return interview_score * GRADE_SCALE + (grade_cents or 0)


def split_stage_score(value: int) -> tuple[int, int]:
    """(interview score, training grade in hundredths) of a final selection's priority, as her decision shows it."""
    return divmod(value, GRADE_SCALE)


def _positions(application_ids: np.ndarray, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `ids` sits in the ascending `application_ids`, and which of them are there at all."""
    wanted = np.array(ids, dtype=np.int64)
    position = np.searchsorted(application_ids, wanted)
    found = position < application_ids.shape[0]
    found[found] = application_ids[position[found]] == wanted[found]
    return position, found


def field_stage_scores(campaign: Campaign, application_ids: np.ndarray) -> np.ndarray:
    """(n,) int64 in the order of `application_ids` (ascending): the priority of each candidate scored at her
    interview; ABSENT where her live convocation says absent; NOT_ASSESSED for everyone else (not called, not
    convoked, convoked but not scored, withdrawn)."""
    scores = np.full(application_ids.shape[0], NOT_ASSESSED, dtype=np.int64)
    absent = list(
        Convocation.objects.filter(campaign=campaign, status=Convocation.Status.ABSENT)
        .order_by()
        .values_list("application_id", flat=True)
    )
    if absent:
        position, found = _positions(application_ids, absent)
        scores[position[found]] = ABSENT
    rows = list(
        InterviewScore.objects.filter(
            convocation__campaign=campaign, convocation__status=Convocation.Status.PRESENT
        )
        .order_by()
        .values_list("convocation__application_id", "score")
    )
    if rows:
        grades = dict(
            TrainingProgress.objects.filter(account__campaign=campaign, grade__isnull=False)
            .order_by()
            .values_list("account__application_id", "grade")
        )
        ids = [application_id for application_id, _score in rows]
        values = []
        for application_id, score in rows:
            grade = grades.get(application_id)
            values.append(stage_score(score, None if grade is None else int(grade * 100)))
        position, found = _positions(application_ids, ids)
        scores[position[found]] = np.array(values, dtype=np.int64)[found]
    return scores
