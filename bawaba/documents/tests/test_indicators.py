"""The documents' indicators: the source's five figures, each a count of the campaign's dossiers by status made
here in Python, by the dossier's commune and category; they add up, and uploaded = examined + under examination."""

from bawaba.core.contributions import registry
from bawaba.documents.models import Dossier
from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
)

Status = Dossier.Status
FIGURES = {
    "documents.uploaded": {Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED},
    "documents.examined": {Status.ACCEPTED, Status.REJECTED},
    "documents.accepted": {Status.ACCEPTED},
    "documents.rejected": {Status.REJECTED},
    "documents.under_examination": {Status.SUBMITTED},
}


def test_the_five_figures_count_the_dossiers_by_status(every_stage):
    where = areas()
    dossiers = list(Dossier.objects.filter(campaign=every_stage))
    assert any(dossier.status == Status.AWAITED for dossier in dossiers)  # counted in none of the five
    for key, statuses in FIGURES.items():
        rows = [
            {**where[dossier.commune_id], "category": dossier.category}
            for dossier in dossiers
            if dossier.status in statuses
        ]
        assert_counts(key, every_stage, rows)


def test_uploaded_is_examined_plus_under_examination_in_every_commune(every_stage):
    def figures(key):
        return registry.indicator(key).compute(every_stage, ("commune", "category"))

    uploaded, examined, waiting = (
        figures("documents.uploaded"),
        figures("documents.examined"),
        figures("documents.under_examination"),
    )
    for cell in uploaded.keys() | examined.keys() | waiting.keys():
        assert uploaded.get(cell, 0) == examined.get(cell, 0) + waiting.get(cell, 0)
