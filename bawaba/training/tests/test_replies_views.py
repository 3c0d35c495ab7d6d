"""Her reply on her dashboard and through the candidate's pages: the panel, accept, the decline's confirmation,
CSRF, the rate limit, someone else's application, and the dashboard's fixed number of queries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bawaba.campaigns.models import Application
from bawaba.selection.models import PlaceRelease, SelectionDecision, SelectionRun
from bawaba.training.models import TrainingReply
from bawaba.training.tests.replies_setup import *  # noqa: F403 (fixtures and helpers)
from bawaba.training.tests.replies_setup import admitted, holder, in_days

Answer = TrainingReply.Answer
Outcome = SelectionDecision.Outcome


def url(name: str, pk: int) -> str:
    with translation.override("en"):
        return reverse(f"training:{name}", args=[pk])


def dashboard(client) -> str:
    return client.get("/en/me/").content.decode()


@pytest.fixture
def her(training_settings, published_run):
    return holder(published_run)


@pytest.fixture
def her_client(client, her):
    client.force_login(her.user)
    return client


class TestPanel:
    def test_she_sees_her_deadline_and_both_answers_then_accepts(self, her_client, her):
        page = dashboard(her_client)
        assert "Your training place" in page
        assert "Do you accept your training place?" in page
        assert "Answer by" in page
        assert url("accept", her.pk) in page
        assert url("decline", her.pk) in page

        response = her_client.post(url("accept", her.pk), follow=True)

        assert response.redirect_chain == [("/en/me/", 302)]
        page = response.content.decode()
        assert "You accepted your training place." in page  # the message
        assert "You accepted your training place on" in page  # the panel
        assert "Do you accept your training place?" not in page
        assert url("decline", her.pk) in page  # she may still change her mind
        assert TrainingReply.objects.get(application=her).answer == Answer.ACCEPTED

    def test_the_decline_asks_to_confirm_what_it_means_then_releases_her_place(
        self, her_client, her, published_run
    ):
        page = her_client.get(url("decline", her.pk)).content.decode()
        assert "Declining is final" in page
        assert "Your place goes to the next candidate on the waiting list." in page

        # A POST without the confirmation asks again, and changes nothing.
        response = her_client.post(url("decline", her.pk))
        assert response.status_code == 200
        assert "Confirm that you decline your training place." in response.content.decode()
        assert not TrainingReply.objects.exists()

        response = her_client.post(url("decline", her.pk), {"confirm": "on"}, follow=True)
        page = response.content.decode()
        assert "You declined your training place. It goes to the next candidate on the waiting list." in page
        assert TrainingReply.objects.get(application=her).answer == Answer.DECLINED
        assert PlaceRelease.objects.get().application == her
        assert url("decline", her.pk) not in page and url("accept", her.pk) not in page
        # Nothing left to confirm: the confirmation page sends her back to her dashboard.
        assert her_client.get(url("decline", her.pk))["Location"] == "/en/me/"
        # Another POST is refused with the reason.
        response = her_client.post(url("decline", her.pk), {"confirm": "on"}, follow=True)
        assert "declining is final" in response.content.decode()

    def test_after_the_deadline_the_buttons_are_gone_and_a_post_is_refused(
        self, her_client, her, training_settings
    ):
        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        page = dashboard(her_client)
        assert "The reply deadline has passed without an answer from you." in page
        assert url("accept", her.pk) not in page
        response = her_client.post(url("accept", her.pk), follow=True)
        assert "The reply deadline has passed" in response.content.decode()
        assert not TrainingReply.objects.exists()

    def test_a_candidate_released_for_no_answer_is_told_so(
        self, her_client, her, training_settings, published_run
    ):
        from bawaba.training.services.replies import apply_reply_deadline

        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        apply_reply_deadline(campaign=published_run.campaign, actor=None)
        assert "You did not answer by the reply deadline." in dashboard(her_client)

    def test_the_panel_is_in_her_language(self, her_client, her):
        page = her_client.get("/ar/me/").content.decode()
        with translation.override("ar"):
            from django.utils.translation import gettext

            assert gettext("Do you accept your training place?") in page
            assert gettext("Do you accept your training place?") != "Do you accept your training place?"


class TestRefused:
    def test_another_candidates_application_or_none_is_not_found(self, client, her, alice):
        client.force_login(alice)
        for path in (url("accept", her.pk), url("decline", her.pk)):
            assert client.post(path, {"confirm": "on"}).status_code == 404
        assert client.get(url("decline", her.pk)).status_code == 404
        assert client.post(f"/en/training/applications/{2**70}/accept/").status_code == 404
        assert client.post(url("accept", 999_999_999)).status_code == 404
        assert not TrainingReply.objects.exists()
        assert not PlaceRelease.objects.exists()

    def test_accept_takes_only_a_post_with_its_csrf_token(self, her):
        client = Client(enforce_csrf_checks=True)
        client.force_login(her.user)
        assert client.get(url("accept", her.pk)).status_code == 405
        assert client.post(url("accept", her.pk)).status_code == 403
        assert client.post(url("decline", her.pk), {"confirm": "on"}).status_code == 403
        assert not TrainingReply.objects.exists()

    def test_answers_are_rate_limited(self, her_client, her, settings):
        settings.BAWABA_RATE_LIMITS = {"training_reply:user": (1, 3600)}
        her_client.post(url("accept", her.pk))
        response = her_client.post(url("decline", her.pk), {"confirm": "on"}, follow=True)
        assert "Too many answers in a short time" in response.content.decode()
        assert TrainingReply.objects.get().answer == Answer.ACCEPTED
        assert not PlaceRelease.objects.exists()

    def test_once_the_final_selection_is_published_the_panel_is_gone(self, her_client, her, published_run):
        assert "Your training place" in dashboard(her_client)
        SelectionRun.objects.create(
            campaign=published_run.campaign,
            stage=SelectionRun.Stage.FIELD,
            status=SelectionRun.Status.PUBLISHED,
            seed="final",
            rules_version=published_run.rules_version,
            published_at=published_run.published_at,
        )
        assert "Your training place" not in dashboard(her_client)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, her):
        response = client.post(url("accept", her.pk))
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")


def test_the_dashboard_reads_as_many_queries_for_one_application_as_for_three(
    client, training_settings, published_run
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bawaba.campaigns.tests.factories import ApplicationFactory

    (her,) = admitted(published_run, 1)
    client.force_login(her.user)
    client.get("/en/me/")  # the calendar's cache filled
    with CaptureQueriesContext(connection) as with_one:
        assert "Do you accept your training place?" in client.get("/en/me/").content.decode()
    # Two more applications of hers, submitted to two other campaigns: the same number of queries.
    for _ in range(2):
        ApplicationFactory(user=her.user, status=Application.Status.SUBMITTED, submitted_at=her.submitted_at)
    client.get("/en/me/")
    with CaptureQueriesContext(connection) as with_three:
        page = client.get("/en/me/").content.decode()
    assert page.count('class="card application-card"') == 3
    assert len(with_three.captured_queries) == len(with_one.captured_queries)
