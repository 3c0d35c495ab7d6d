"""A candidate's explanation of her published decision agrees with the run's cutoffs and waiting lists."""

from collections import defaultdict

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from bawaba.campaigns.models import Application
from bawaba.selection import explanations, scoring
from bawaba.selection.explanations import (
    ADMITTED_HERE,
    ADMITTED_TO_PREFERRED,
    LOTTERY,
    LOWER_PRIORITY,
    NO_PLACES,
    WAITLISTED,
    explanation_for,
    explanations_for,
)
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.templatetags.lottery import lottery

pytestmark = pytest.mark.django_db


def key(priority: int, lottery: str) -> tuple[int, int]:
    """A commune's order as a sortable key: higher priority first, then the smaller lottery number."""
    return (-priority, int(lottery, 16))


def applications_by_outcome(run) -> dict[str, list[Application]]:
    found = defaultdict(list)
    decisions = (
        SelectionDecision.objects.filter(run=run).select_related("application").order_by("application_id")
    )
    for decision in decisions:
        found[decision.outcome].append(decision.application)
    return found


@pytest.fixture
def explained(published_run) -> list[tuple[SelectionDecision, explanations.Explanation]]:
    decisions = list(
        SelectionDecision.objects.filter(run=published_run).select_related("application").order_by("id")
    )
    # Every decision of the run, explained as the dashboard explains them (explanation_for is tested apart below).
    by_application = explanations_for([decision.application for decision in decisions])
    return [(decision, by_application[decision.application_id]) for decision in decisions]


def test_the_labels_follow_the_scoring_parts():
    assert tuple(part for part, _label in explanations.SCORE_PART_LABELS) == scoring.SCORE_PARTS


def test_every_decision_agrees_with_the_cutoffs(published_run, explained):
    results = {row.commune_id: row for row in SelectionCommuneResult.objects.filter(run=published_run)}
    places_on_lists = defaultdict(list)
    seen = {ADMITTED_HERE: 0, ADMITTED_TO_PREFERRED: 0, WAITLISTED: 0}
    fallback_lines = 0
    for decision, explanation in explained:
        assert explanation is not None
        assert explanation.run.number == published_run.pk
        assert explanation.run.seed == published_run.seed
        assert explanation.outcome == decision.outcome
        assert explanation.score == decision.score == sum(points for _label, points in explanation.breakdown)
        if explanation.is_ineligible:
            assert explanation.lines == ()
            assert explanation.ineligibility_label
            continue
        assert [line.commune_id for line in explanation.lines] == decision.communes
        assert len(explanation.declared_lines) == decision.declared_count
        fallback_lines += len(explanation.fallback_lines)
        admitted = [line for line in explanation.lines if line.standing == ADMITTED_HERE]
        if decision.outcome == SelectionDecision.Outcome.ADMITTED:
            assert [line.commune_id for line in admitted] == [decision.commune_id]
            assert admitted[0].rank == decision.rank == explanation.rank
            # Admitted: she ranks at or above the last candidate the commune admitted.
            line = admitted[0]
            assert key(line.priority, line.lottery) <= key(line.cutoff_priority, line.cutoff_lottery)
        else:
            assert admitted == [] and explanation.admitted_line is None
        for line in explanation.lines:
            seen[line.standing] = seen.get(line.standing, 0) + 1
            result = results[line.commune_id]
            assert (line.places, line.admitted, line.is_full) == (
                result.places,
                result.admitted,
                result.is_full,
            )
            assert line.priority - line.bonus == decision.score
            if decision.rank is not None and line.rank > decision.rank:
                assert line.standing == ADMITTED_TO_PREFERRED and line.waitlist_place is None
            elif line.standing != ADMITTED_HERE:
                # Refused where she asked before her assignment: the commune is full, and she ranks below its
                # last admitted candidate; she is on its waiting list, at a place the list has.
                assert line.standing == WAITLISTED
                assert result.is_full
                if result.admitted:
                    assert key(line.priority, line.lottery) > key(
                        result.cutoff_priority, result.cutoff_lottery
                    )
                    assert line.refusal_reason in (LOWER_PRIORITY, LOTTERY)
                    assert (line.refusal_reason == LOTTERY) == (line.priority == result.cutoff_priority)
                else:
                    assert result.places == 0 and line.refusal_reason == NO_PLACES
                assert 1 <= line.waitlist_place <= result.waitlist_length
                places_on_lists[line.commune_id].append(line.waitlist_place)
    # Each waiting list is numbered 1..length with no gap and no repeat, over all the candidates on it.
    for commune_id, result in results.items():
        assert sorted(places_on_lists.get(commune_id, [])) == list(range(1, result.waitlist_length + 1))
    # The demo's population exercises every case, the province fallback included.
    assert seen[ADMITTED_HERE] and seen[ADMITTED_TO_PREFERRED] and seen[WAITLISTED]
    assert fallback_lines > 0


def test_a_commune_with_free_places_admitted_everyone_who_asked(explained):
    not_full = [
        line for _decision, explanation in explained for line in explanation.lines if not line.is_full
    ]
    assert not_full
    for line in not_full:
        assert not line.has_cutoff
        assert line.standing in (ADMITTED_HERE, ADMITTED_TO_PREFERRED)


def test_a_dry_run_explains_nothing(computed_run):
    application = Application.objects.filter(campaign=computed_run.campaign).first()
    assert application is not None
    assert explanation_for(application) is None


def test_only_a_published_run_is_explained(published_run):
    application = SelectionDecision.objects.filter(run=published_run).first().application
    assert explanation_for(application) is not None
    # Decisions of a run that is not (or no longer) published are nobody's business yet.
    SelectionRun.objects.filter(pk=published_run.pk).update(status=SelectionRun.Status.COMPUTED)
    assert explanation_for(application) is None


def test_an_application_without_a_decision_explains_nothing(published_run):
    draft = Application.objects.filter(campaign=published_run.campaign).first()
    SelectionDecision.objects.filter(run=published_run, application=draft).delete()
    assert explanation_for(draft) is None


def test_an_ineligible_candidate_gets_her_reason_and_no_communes(published_run):
    ineligible = applications_by_outcome(published_run)[SelectionDecision.Outcome.INELIGIBLE]
    assert ineligible
    decision = SelectionDecision.objects.get(run=published_run, application=ineligible[0])
    explanation = explanation_for(ineligible[0])
    assert explanation.is_ineligible and explanation.lines == ()
    assert explanation.ineligibility == decision.ineligibility != 0
    assert explanation.ineligibility_label == SelectionDecision.Ineligibility(decision.ineligibility).label
    with translation.override("fr"):
        html = render_to_string("selection/includes/explanation.html", {"explanation": explanation})
        reason = escape(str(explanation.ineligibility_label))
    assert reason in html
    assert "<caption" in html  # her score is still shown
    assert 'id="explanation-' in html and "-declared" not in html


@pytest.mark.parametrize("outcome", ["admitted", "waitlisted", "ineligible"])
def test_the_explanation_takes_at_most_two_queries(published_run, django_assert_max_num_queries, outcome):
    application = Application.objects.get(
        pk=applications_by_outcome(published_run)[outcome][0].pk
    )  # a fresh instance: nothing cached on it
    with django_assert_max_num_queries(2):
        explanation = explanation_for(application)
    assert explanation.outcome == outcome


def test_several_applications_are_explained_in_two_queries(published_run, django_assert_max_num_queries):
    applications = list(Application.objects.filter(campaign=published_run.campaign).order_by("pk")[:60])
    with django_assert_max_num_queries(2):
        explained = explanations_for(applications)
    assert set(explained) == {application.pk for application in applications}
    for application in applications:
        assert explained[application.pk] == explanation_for(application)
    assert explanations_for([]) == {}


def _longest(published_run) -> Application:
    """An admitted candidate with a province fallback, else the one with the longest list."""
    decisions = SelectionDecision.objects.filter(run=published_run).exclude(outcome="ineligible")
    return max(
        decisions.select_related("application"),
        key=lambda d: (d.outcome == "admitted" and len(d.communes) > d.declared_count, len(d.communes)),
    ).application


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_include_renders_in_both_languages(published_run, language):
    application = _longest(published_run)
    explanation = explanation_for(application)
    with translation.override(language):
        html = render_to_string("selection/includes/explanation.html", {"explanation": explanation})
        expected = [
            escape(gettext("Why: your score and each commune's result")),
            escape(gettext("Commune by commune")),
            reverse(
                "selection:report", kwargs={"slug": published_run.campaign.slug, "stage": published_run.stage}
            ),
        ]
        names = [line.name for line in explanation.lines]
    for text in expected:
        assert text in html
    for name in names:
        assert escape(name) in html
    assert html.count("<caption") == 1 + (1 if explanation.declared_lines else 0) + (
        1 if explanation.fallback_lines else 0
    )
    assert lottery(explanation.lottery) in html
    # Nobody else's name or application: only her own names can appear.
    others = Application.objects.filter(campaign=published_run.campaign).exclude(pk=application.pk)
    for other in others.exclude(last_name_latin=application.last_name_latin)[:200]:
        assert other.cin not in html
        assert f"{other.first_name_latin} {other.last_name_latin}" not in html


def test_the_commune_names_follow_the_language(published_run):
    explanation = explanation_for(_longest(published_run))
    line = explanation.lines[0]
    with translation.override("ar"):
        assert line.name == line.name_ar
    with translation.override("fr"):
        assert line.name == line.name_fr


def test_nothing_is_rendered_without_an_explanation():
    assert render_to_string("selection/includes/explanation.html", {"explanation": None}).strip() == ""


def test_her_dashboard_shows_her_decision_and_nobody_else_s(client, published_run):
    from bawaba.accounts.tests.helpers import translated_html

    admitted, waitlisted = (
        SelectionDecision.objects.filter(run=published_run, outcome=outcome).select_related(
            "application__user"
        )[0]
        for outcome in (SelectionDecision.Outcome.ADMITTED, SelectionDecision.Outcome.WAITLISTED)
    )
    client.force_login(admitted.application.user)
    page = client.get("/fr/me/").content.decode()
    assert translated_html("Your preselection result") in page
    assert lottery(admitted.lottery) in page
    assert lottery(waitlisted.lottery) not in page

    client.force_login(waitlisted.application.user)
    page = client.get("/fr/me/").content.decode()
    assert lottery(waitlisted.lottery) in page
    assert lottery(admitted.lottery) not in page


def test_before_publication_the_dashboard_keeps_its_placeholder(client, computed_run):
    from bawaba.accounts.tests.helpers import translated_html

    application = Application.objects.filter(campaign=computed_run.campaign, status="submitted").first()
    client.force_login(application.user)
    page = client.get("/fr/me/").content.decode()
    assert translated_html("Your preselection result") not in page
    assert translated_html("Decisions and next stages") in page


def _admitted(run) -> SelectionDecision:
    return (
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user", "application__campaign", "commune")
        .order_by("id")[0]
    )


WITHDRAWING_GIVES_UP = (
    "You are preselected in %(commune)s. Withdrawing gives up this place for good: it will be offered to the next "
    "candidate on the waiting list."
)
WITHDRAWN_AFTER_RESULT = (
    "You withdrew your application after this result was published: it no longer applies to you, and any place "
    "it gave you is released."
)


def test_withdrawing_after_the_preselection_says_which_place_she_gives_up(client, published_run):
    from bawaba.accounts.tests.helpers import translated_html

    admitted = _admitted(published_run)
    application = admitted.application
    client.force_login(application.user)
    with translation.override("fr"):
        withdraw = reverse("campaigns:withdraw", kwargs={"slug": application.campaign.slug})

    page = client.get(withdraw).content.decode()
    assert translated_html(WITHDRAWING_GIVES_UP, commune=admitted.commune.name_fr) in page

    client.post(withdraw)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    page = client.get("/fr/me/").content.decode()
    assert translated_html(WITHDRAWN_AFTER_RESULT) in page
    assert lottery(admitted.lottery) in page  # the published result itself stays readable


def test_a_candidate_not_admitted_is_not_told_of_a_place_and_one_who_stays_sees_no_withdrawal_notice(
    client, published_run
):
    from bawaba.accounts.tests.helpers import translated_html

    waitlisted = (
        SelectionDecision.objects.filter(run=published_run, outcome=SelectionDecision.Outcome.WAITLISTED)
        .select_related("application__user", "application__campaign")
        .order_by("id")[0]
    )
    client.force_login(waitlisted.application.user)
    with translation.override("fr"):
        withdraw = reverse("campaigns:withdraw", kwargs={"slug": waitlisted.application.campaign.slug})
    page = client.get(withdraw).content.decode()
    assert translated_html("Your application will no longer take part in the selection.") in page
    assert translated_html(WITHDRAWING_GIVES_UP, commune="@@").split("@@")[0] not in page

    admitted = _admitted(published_run)
    client.force_login(admitted.application.user)
    assert translated_html(WITHDRAWN_AFTER_RESULT) not in client.get("/fr/me/").content.decode()
