"""Stand-ins for the stage apps' indicators in the dashboard's tests: counts of the demo's applications under the
stage keys, so that a section is tested whoever registers its real figures, and each figure can be counted again
directly by the test. The registry is changed for one test only (the `registered_indicators` fixture)."""

from django.db.models import Q

from bawaba.campaigns.models import Application
from bawaba.core.contributions import TERRITORY, Indicator
from bawaba.core.indicator_queries import grouped_figures

PATHS = {
    "region": "residence_commune__region__code",
    "province": "residence_commune__province__code",
    "commune": "residence_commune__code",
    "category": "category",
    "day": "submitted_at",
    "kind": "category",  # an e-mail's "kind" here: the candidate's category code
}
SUBMITTED = Application.Status.SUBMITTED
FEMALE = Application.Sex.FEMALE
GRADUATE = Application.Category.GRADUATE
STUDENT = Application.Category.STUDENT


def counting(key: str, condition: Q, dimensions: tuple[str, ...] = (*TERRITORY, "category")) -> Indicator:
    def compute(campaign, by):
        rows = Application.objects.filter(campaign=campaign, status=SUBMITTED).filter(condition)
        return grouped_figures(rows, PATHS, by)

    return Indicator(
        key=key,
        name=f"Fake {key}",
        definition=f"Test figure {key}.",
        unit="applications",
        dimensions=dimensions,
        compute=compute,
    )


def constant(key: str, figures: dict[tuple[str, ...], int], dimensions: tuple[str, ...]) -> Indicator:
    """An indicator without a territory whose figures are given (by its one dimension)."""

    def compute(campaign, by):
        if not by:
            return {(): sum(figures.values())}
        return dict(figures)

    return Indicator(
        key=key,
        name=f"Fake {key}",
        definition="Given.",
        unit="e-mails",
        dimensions=dimensions,
        compute=compute,
    )


# What each fake counts, for the tests to count it again: (key, test on an application's facts).
PRESELECTED = counting("selection.preselected", Q(category__in=[GRADUATE, STUDENT]))
UPLOADED = counting("documents.uploaded", Q(sex=FEMALE))
EXAMINED = counting("documents.examined", Q(sex=FEMALE, category=GRADUATE))
SENT = counting("emails.sent", Q(), dimensions=(*TERRITORY, "kind"))
# Without a territory: the whole country's page only.
FAILED = counting("emails.failed", Q(category=STUDENT), dimensions=("kind",))
FAKES = (PRESELECTED, UPLOADED, EXAMINED, SENT, FAILED)
