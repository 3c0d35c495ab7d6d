"""Lottery numbers are shown in groups of four digits, exactly as the report's verification recipe prints them."""

import hashlib
import re

import pytest

from bawaba.selection.models import SelectionDecision
from bawaba.selection.services.computation import lottery_hex
from bawaba.selection.templatetags.lottery import lottery

pytestmark = pytest.mark.django_db


def test_a_number_is_four_groups_of_four_digits_that_never_break():
    assert lottery("3f9a21c07b2e0d41") == "3f9a\u202f21c0\u202f7b2e\u202f0d41"
    assert lottery("") == ""  # a commune without cutoff
    assert lottery(None) == ""


def test_the_recipe_on_the_report_prints_what_her_page_shows(client, published_run):
    decision = (
        SelectionDecision.objects.filter(run=published_run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user")
        .order_by("id")[0]
    )
    report = client.get(
        f"/fr/campaigns/{published_run.campaign.slug}/selection/preselection/"
    ).content.decode()
    recipe = re.search(r'<pre class="report-verify" dir="ltr">(.*?)</pre>', report, re.DOTALL).group(1)

    # The recipe, run as printed (its names filled in), and what her dashboard shows.
    printed = []
    namespace = {
        "hashlib": hashlib,
        "seed": published_run.seed,
        "application_number": decision.application_id,
        "print": printed.append,
    }
    exec(recipe.replace("&quot;", '"'), namespace)  # noqa: S102 - the page's own recipe, on test data
    client.force_login(decision.application.user)
    dashboard = client.get("/fr/me/").content.decode()

    assert printed == [" ".join(lottery_hex(int(decision.lottery, 16))[i : i + 4] for i in range(0, 16, 4))]
    assert printed[0].replace(" ", "\u202f") in dashboard
