"""The final lists' pages in a real browser, in Arabic and French, at the narrowest phone's width: nothing scrolls
sideways and axe-core finds nothing (the browser tests' own audit, tests/accessibility.py)."""

from collections import Counter

import pytest
from django.utils import timezone

from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG
from bawaba.demo.services import ADMIN
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.territory.models import Commune
from tests.browser.conftest import demo_data, page, published_demo  # noqa: F401 - fixtures
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 720}


def _field_run_like(preselection: SelectionRun) -> SelectionRun:
    """A published field run whose decisions are the preselection's: real lists, with real waiting lists."""
    run = SelectionRun.objects.create(
        campaign=preselection.campaign,
        stage=SelectionRun.Stage.FIELD,
        rules_version=preselection.rules_version,
        seed="final lists in a browser",
        status=SelectionRun.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    fields = ["application_id", "outcome", "ineligibility", "score", "score_parts", "commune_id", "rank"]
    fields += ["lottery", "choice_table", "declared_count"]
    SelectionDecision.objects.bulk_create(
        SelectionDecision(run=run, **{name: getattr(decision, name) for name in fields})
        for decision in SelectionDecision.objects.filter(run=preselection)
    )
    SelectionCommuneResult.objects.bulk_create(
        SelectionCommuneResult(
            run=run,
            **{
                name: getattr(result, name)
                for name in [
                    "commune_id",
                    "needs",
                    "places",
                    "candidates",
                    "first_choice",
                    "admitted",
                    "is_full",
                ]
                + ["cutoff_priority", "cutoff_lottery", "waitlist_length"]
            },
        )
        for result in SelectionCommuneResult.objects.filter(run=preselection)
    )
    return run


def test_the_final_lists_fit_a_320_px_screen_in_arabic_and_french(page, chromium, published_demo):  # noqa: F811
    run = _field_run_like(published_demo)
    busiest = Counter(
        SelectionDecision.objects.filter(run=run, outcome="admitted").values_list("commune_id", flat=True)
    ).most_common(1)[0][0]
    commune = Commune.objects.select_related("province").get(pk=busiest)
    base = f"/staff/interviews/{DEMO_CAMPAIGN_SLUG}/final/"
    paths = [base, f"{base}{commune.province.code}/", f"{base}{commune.province.code}/?commune={commune.pk}"]
    sign_in(page, ADMIN, "fr")
    page.set_viewport_size(NARROWEST)
    for language in ("ar", "fr"):
        for path in paths:
            checks = len(chromium.audit.widths)
            response = page.goto(f"/{language}{path}")
            assert response is not None and response.status == 200, (language, path)
            chromium.audit.wait_until_checked(page, after=checks)
    page.goto(f"/fr{paths[-1]}")
    assert page.get_by_role("table").nth(1).get_by_role("row").count() > 1
