"""Once a selection is published, her decision leads her dashboard (a panel above the details and the calendar)
and names the status of her application, on the dashboard and on the application's page; before it, the
dashboard leads with the next thing to do and the status stays "submitted"."""

import pytest

from bawaba.accounts.tests.helpers import translated_html
from bawaba.campaigns.models import Application
from bawaba.selection.explanations import explanation_for
from bawaba.selection.models import SelectionDecision

pytestmark = pytest.mark.django_db


def _decision(run, outcome: str) -> SelectionDecision:
    return (
        SelectionDecision.objects.filter(run=run, outcome=outcome)
        .select_related("application__user", "commune")
        .order_by("id")[0]
    )


def _status(page: str) -> str:
    """The status badge beside the application's title."""
    return page.split('class="badge', 1)[1].split("</span>", 1)[0]


def test_the_decision_leads_the_dashboard_and_names_her_status(client, published_run):
    admitted = _decision(published_run, SelectionDecision.Outcome.ADMITTED)
    client.force_login(admitted.application.user)

    page = client.get("/fr/me/").content.decode()

    panel = page.index('class="panel panel--decision"')
    assert (
        panel < page.index('id="campaign-') < page.index('id="later-')
    )  # before the calendar and the details
    assert translated_html("You are preselected in %(commune)s.", commune=admitted.commune.name_fr) in page
    assert f'href="#explanation-{admitted.application_id}-title"' in page
    assert translated_html("Preselected") in _status(page)
    assert translated_html("Submitted") not in _status(page)

    detail = client.get(f"/fr/me/applications/{admitted.application_id}/").content.decode()
    assert translated_html("Preselected") in _status(detail)


def test_a_waitlisted_candidate_sees_her_places_on_the_waiting_lists(client, published_run):
    waitlisted = _decision(published_run, SelectionDecision.Outcome.WAITLISTED)
    client.force_login(waitlisted.application.user)

    page = client.get("/fr/me/").content.decode()

    assert translated_html("On the waiting list") in _status(page)
    first = explanation_for(waitlisted.application).waitlisted_lines[0]
    assert (
        translated_html(
            "number %(place)s of %(length)s", place=first.waitlist_place, length=first.waitlist_length
        )
        in page
    )


def test_before_publication_the_dashboard_leads_with_the_next_thing_to_do(client, computed_run):
    application = Application.objects.filter(campaign=computed_run.campaign, status="submitted").first()
    client.force_login(application.user)

    page = client.get("/fr/me/").content.decode()

    assert 'class="panel panel--info"' in page
    assert "panel--decision" not in page
    assert translated_html("Submitted") in _status(page)


def test_a_withdrawal_after_the_decision_keeps_the_withdrawn_status(client, published_run):
    admitted = _decision(published_run, SelectionDecision.Outcome.ADMITTED)
    Application.objects.filter(pk=admitted.application_id).update(status=Application.Status.WITHDRAWN)
    client.force_login(admitted.application.user)

    page = client.get("/fr/me/").content.decode()

    assert translated_html("Withdrawn") in _status(page)
    assert translated_html("Preselected") not in _status(page)
    assert 'class="panel panel--warning"' in page
