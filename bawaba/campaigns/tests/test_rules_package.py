"""The rules package: its parser loads without Django, its problems read as sentences in the reader's language,
and the age limits moved from the campaign into its rules without changing anyone's eligibility."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.parser import RuleProblem, RulesError, parse_rules
from bawaba.campaigns.rules.problems import describe, describe_all
from bawaba.campaigns.rules.readable import readable_rules


def test_the_parser_and_the_eligibility_rules_load_without_django():
    code = (
        "import sys, bawaba.campaigns.rules.parser, bawaba.campaigns.rules.eligibility; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_a_problem_is_a_whole_sentence_in_the_readers_language():
    rules = default_census_rules()
    rules["eligibility"]["age_on"] = "1 March 2024"
    with pytest.raises(RulesError) as refused:
        parse_rules(rules)
    (problem,) = refused.value.problems
    assert problem == RuleProblem("not_a_date", {"path": "eligibility.age_on"})
    assert str(problem) == 'eligibility.age_on must be a date written YYYY-MM-DD, such as "2024-06-12".'
    with translation.override("fr"):
        assert describe(problem) == (
            "eligibility.age_on doit être une date écrite AAAA-MM-JJ, par exemple « 2024-06-12 »."
        )
    with translation.override("ar"):
        assert describe_all([problem]) == [
            'يجب أن يكون eligibility.age_on تاريخا مكتوبا بالصيغة YYYY-MM-DD، مثل "2024-06-12".'
        ]


def test_an_unknown_problem_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown rule problem"):
        RuleProblem("no_such_problem")


@pytest.mark.django_db
def test_the_formatter_reads_a_partial_document():
    shown = readable_rules({"eligibility": {"min_age": 20, "categories": ["student", "unknown"]}})
    assert shown.min_age == 20
    assert shown.max_age is None
    assert [str(label) for label in shown.categories][1] == "unknown"
    assert shown.category_points == []
    assert shown.fallback_enabled is False


@pytest.fixture
def _back_to_the_latest_migrations():
    """The test migrates back and forth; the tests after it need every migration, the ones since included."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_the_latest_migrations")
def test_age_limits_set_on_a_campaign_move_into_its_rules():
    executor = MigrationExecutor(connection)
    before, after = (
        [("campaigns", "0004_application_province_fallback")],
        [("campaigns", "0005_age_limits_in_rules")],
    )
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Administration = apps.get_model("campaigns", "Administration")
    Campaign = apps.get_model("campaigns", "Campaign")
    CampaignRules = apps.get_model("campaigns", "CampaignRules")
    administration = Administration.objects.create(code="x", name_ar="س", name_fr="X")
    common = {"administration": administration, "title_ar": "ح", "title_fr": "C"}
    window = {"registration_opens_at": "2024-01-01T00:00Z", "registration_closes_at": "2024-02-01T00:00Z"}
    untouched = Campaign.objects.create(slug="untouched", **common, **window)
    no_rules = Campaign.objects.create(slug="no-rules", min_age=21, max_age=40, **common, **window)
    with_rules = Campaign.objects.create(slug="with-rules", min_age=18, max_age=35, **common, **window)
    CampaignRules.objects.create(campaign=with_rules, version=1, rules=default_census_rules(), note="v1")
    CampaignRules.objects.create(campaign=untouched, version=1, rules=default_census_rules(), note="v1")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    Rules = apps.get_model("campaigns", "CampaignRules")

    def versions(slug):
        rows = Rules.objects.filter(campaign__slug=slug).order_by("version")
        return [
            (row.version, row.rules["eligibility"]["min_age"], row.rules["eligibility"]["max_age"])
            for row in rows
        ]

    assert versions("untouched") == [(1, 18, 65)]
    assert versions("no-rules") == [(1, 21, 40)]
    assert versions("with-rules") == [(1, 18, 65), (2, 18, 35)]
    assert no_rules.pk and untouched.pk
