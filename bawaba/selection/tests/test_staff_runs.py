"""The selection's staff pages for runs: launch, follow the progress, publish once, verify; and who may."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import translated, translated_html
from bawaba.accounts.twofactor import services as second_factor
from bawaba.accounts.twofactor.tests.helpers import code_for, fresh_code
from bawaba.campaigns.models import CampaignRules, CommuneNeed
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.models import AuditEvent
from bawaba.selection.models import SelectionDecision, SelectionRun

Status = SelectionRun.Status
RUN_SEED = "tirage public du 3 mars 2024"


@pytest.fixture
def campaign(db):
    """A small campaign with rules and no data: enough for pages that do not compute anything."""
    campaign = CampaignFactory(slug="small")
    CampaignRules.objects.create(campaign=campaign, version=1, rules=default_census_rules(), note="defaults")
    return campaign


@pytest.fixture
def queued_run(campaign, central_admin) -> SelectionRun:
    return SelectionRun.objects.create(
        campaign=campaign,
        rules_version=campaign.rules_versions.get(),
        seed="draw of 3 March",
        created_by=central_admin,
    )


@pytest.fixture
def launchable(campaign, territory):
    """The small campaign with a training need in one commune, registration closed: a run can be launched."""
    from bawaba.campaigns.models import CommuneNeed
    from bawaba.territory.models import Commune

    CommuneNeed.objects.create(
        campaign=campaign, commune=Commune.objects.first(), stage="training", quantity=2
    )
    campaign.registration_closes_at = timezone.now() - dt.timedelta(days=1)
    campaign.registration_opens_at = campaign.registration_closes_at - dt.timedelta(days=10)
    campaign.save(update_fields=["registration_opens_at", "registration_closes_at"])
    return campaign


def _url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"selection_staff:{name}", args=args)


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _no_frozen_inputs_read(queries) -> bool:
    return not any("frozen_inputs" in query["sql"] for query in queries)


class TestCampaigns:
    def test_lists_campaigns_with_links(self, admin_client, campaign):
        response = admin_client.get(_url("campaigns"))
        assert response.status_code == 200
        page = response.content.decode()
        assert _url("rules", campaign.slug) in page
        assert _url("runs", campaign.slug) in page


class TestLaunching:
    def test_launching_computes_the_run_and_its_page_shows_it(
        self, admin_client, census, central_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(_url("runs", census.slug), {"seed": RUN_SEED})
        run = SelectionRun.objects.get(campaign=census)
        assert response.status_code == 302
        assert response["Location"] == _url("run", run.pk)
        assert run.status == Status.COMPUTED
        assert run.seed == RUN_SEED
        assert run.created_by == central_admin
        assert len(run.output_digest) == 64

        with CaptureQueriesContext(connection) as queries:
            page = _page(admin_client.get(_url("run", run.pk)))
        assert "Computed (dry run)" in page
        assert run.input_digest in page
        assert run.output_digest in page
        assert f"Run {run.pk} is queued." in page  # the message of the launch
        assert 'hx-trigger="every 2s"' not in page  # finished: nothing to poll
        assert _no_frozen_inputs_read(queries.captured_queries)

    def test_the_list_shows_runs_newest_first_without_their_frozen_inputs(self, admin_client, computed_run):
        older = computed_run
        newer = SelectionRun.objects.create(
            campaign=older.campaign, rules_version=older.rules_version, seed="another draw"
        )
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(_url("runs", older.campaign.slug))
        assert response.status_code == 200
        assert [run.pk for run in response.context["page"].object_list] == [newer.pk, older.pk]
        page = response.content.decode()
        assert f">{older.output_digest[:12]}…</code>" in page  # shortened in the list
        assert _no_frozen_inputs_read(queries.captured_queries)

    def test_the_list_is_paginated(self, admin_client, queued_run):
        for number in range(20):
            SelectionRun.objects.create(
                campaign=queued_run.campaign, rules_version=queued_run.rules_version, seed=f"draw {number}"
            )
        first = admin_client.get(_url("runs", queued_run.campaign.slug))
        assert len(first.context["page"].object_list) == 20
        assert queued_run not in first.context["page"].object_list
        second = admin_client.get(_url("runs", queued_run.campaign.slug), {"page": 2})
        assert list(second.context["page"].object_list) == [queued_run]

    def test_a_seed_is_required(self, admin_client, launchable):
        response = admin_client.post(_url("runs", launchable.slug), {"seed": "  "})
        assert response.status_code == 200
        assert "Give the public seed of the draw." in _page(response)
        assert not SelectionRun.objects.exists()

    def test_without_needs_the_page_says_why_instead_of_the_form_and_the_post_is_refused(
        self, admin_client, campaign
    ):
        # The small campaign has no training needs per commune: nothing to launch a run for.
        page = _page(admin_client.get(_url("runs", campaign.slug)))
        assert "A run cannot be launched now" in page
        assert "This campaign has no training needs per commune yet." in page
        assert "Launch the run</button>" not in page

        response = admin_client.post(_url("runs", campaign.slug), {"seed": "draw of 3 March"})  # an old tab
        assert response.status_code == 200
        assert "This campaign has no training needs per commune yet." in _page(response)
        assert not SelectionRun.objects.exists()

    def test_a_run_in_progress_holds_back_another_launch(self, admin_client, launchable, central_admin):
        running = SelectionRun.objects.create(
            campaign=launchable,
            rules_version=launchable.rules_versions.get(),
            seed="draw of 3 March",
            status=Status.RUNNING,
            heartbeat_at=timezone.now(),
        )
        page = _page(admin_client.get(_url("runs", launchable.slug)))
        assert "A run of this stage is in progress: wait until it is computed or has failed." in page
        assert "Launch the run</button>" not in page
        admin_client.post(_url("runs", launchable.slug), {"seed": "another draw"})
        assert list(SelectionRun.objects.all()) == [running]

        SelectionRun.objects.filter(pk=running.pk).update(status=Status.FAILED)
        assert "Launch the run</button>" in _page(admin_client.get(_url("runs", launchable.slug)))

    def test_a_published_stage_offers_only_the_next(self, admin_client, published_run):
        page = _page(admin_client.get(_url("runs", published_run.campaign.slug)))
        assert "A run of this stage is already published." in page
        # The preselection is published: the form offers the final selection alone.
        assert 'value="field"' in page
        assert 'value="preselection"' not in page

    @pytest.mark.parametrize("stage", ["garbage", "field\x00", "9" * 400, ""])
    def test_a_bad_stage_is_refused_with_a_message(self, admin_client, launchable, stage):
        response = admin_client.post(_url("runs", launchable.slug), {"stage": stage or "x", "seed": "tirage"})
        assert response.status_code == 200
        assert not SelectionRun.objects.filter(campaign=launchable).exists()
        promotion = admin_client.get(_url("promotion", launchable.slug) + "?stage=" + (stage or "x"))
        assert promotion.status_code == 404

    def test_nothing_to_launch_offers_no_form(self, admin_client, published_run):
        CommuneNeed.objects.filter(campaign=published_run.campaign, stage=CommuneNeed.Stage.FIELD).delete()
        page = _page(admin_client.get(_url("runs", published_run.campaign.slug)))
        assert "This campaign has no field needs per commune yet." in page
        assert "Launch the run</button>" not in page

    def test_the_final_selection_waits_for_a_published_preselection(self, admin_client, launchable):
        page = _page(admin_client.get(_url("runs", launchable.slug)))
        assert "The final selection follows a published preselection." in page
        assert 'value="field"' not in page

    def test_before_the_deadline_the_launch_is_offered_as_a_rehearsal(self, admin_client, launchable):
        launchable.registration_closes_at = timezone.now() + dt.timedelta(days=1)
        launchable.save(update_fields=["registration_closes_at"])
        page = _page(admin_client.get(_url("runs", launchable.slug)))
        assert "a run launched now is a rehearsal, which cannot be published" in page
        assert "Launch the run</button>" in page

    def test_the_seed_help_says_to_announce_it_first(self, admin_client, launchable):
        page = _page(admin_client.get(_url("runs", launchable.slug)))
        assert "Announce the seed publicly before you launch the run" in page


class TestProgress:
    def test_a_queued_run_polls_its_progress_and_offers_a_reload_link(self, admin_client, queued_run):
        page = _page(admin_client.get(_url("run", queued_run.pk)))
        assert f'hx-get="{_url("run_progress", queued_run.pk)}"' in page
        assert 'hx-trigger="every 2s"' in page
        assert "htmx" in page  # the script is loaded
        assert f'href="{_url("run", queued_run.pk)}"' in page  # without JavaScript
        assert "Waiting for a worker to start the run." in page

    def test_the_fragment_shows_the_step_and_the_percentage(self, admin_client, queued_run):
        SelectionRun.objects.filter(pk=queued_run.pk).update(
            status=Status.RUNNING, progress_step="allocate", progress_percent=40, heartbeat_at=timezone.now()
        )
        response = admin_client.get(_url("run_progress", queued_run.pk), headers={"HX-Request": "true"})
        assert response.status_code == 200
        page = _page(response)
        assert "Step: Allocating the places (40 %)" in page
        assert 'value="40"' in page
        assert 'hx-trigger="every 2s"' in page
        assert "<html" not in page  # a fragment, not a page

    def test_once_finished_htmx_reloads_the_whole_page(self, admin_client, queued_run):
        SelectionRun.objects.filter(pk=queued_run.pk).update(status=Status.FAILED, error="ValueError: boom")
        response = admin_client.get(_url("run_progress", queued_run.pk), headers={"HX-Request": "true"})
        assert response.headers["HX-Refresh"] == "true"

    def test_once_finished_the_fragment_stops_polling(self, admin_client, queued_run):
        SelectionRun.objects.filter(pk=queued_run.pk).update(status=Status.FAILED, error="ValueError: boom")
        page = _page(admin_client.get(_url("run_progress", queued_run.pk)))
        assert "Failed" in page
        assert "hx-get" not in page

    def test_a_failed_run_shows_its_error(self, admin_client, queued_run):
        SelectionRun.objects.filter(pk=queued_run.pk).update(status=Status.FAILED, error="ValueError: boom")
        page = _page(admin_client.get(_url("run", queued_run.pk)))
        assert "The run failed" in page
        assert "ValueError: boom" in page

    def test_a_refused_run_shows_the_guarantees_that_failed(self, admin_client, queued_run):
        SelectionRun.objects.filter(pk=queued_run.pk).update(
            status=Status.REFUSED, problems=["commune 12 holds 3 candidates for 2 places"]
        )
        page = _page(admin_client.get(_url("run", queued_run.pk)))
        assert "Guarantees that failed" in page
        assert "commune 12 holds 3 candidates for 2 places" in page  # stored as text by an earlier version
        assert "Publish this run" not in page

    @pytest.mark.parametrize("language", ["fr", "ar"])
    def test_a_refused_run_words_its_problems_in_the_reader_s_language(
        self, admin_client, queued_run, language
    ):
        problem = {"code": "capacity", "count": 7, "examples": [{"commune": 12, "admitted": 3, "places": 2}]}
        SelectionRun.objects.filter(pk=queued_run.pk).update(status=Status.REFUSED, problems=[problem])
        page = _page(admin_client.get(_url("run", queued_run.pk, language=language)))
        headline = translated(
            "%(count)s commune admitted more candidates than it has places.",
            language,
            plural="%(count)s communes admitted more candidates than they have places.",
            count=7,
        )  # the helper fills no placeholder named like its own `count`
        assert headline % {"count": 7} in page
        example = "Commune %(commune)s admitted %(admitted)s candidates for %(places)s places."
        assert translated(example, language, commune=12, admitted=3, places=2) in page
        more = translated("…and %(count)s more case.", language, plural="…and %(count)s more cases.", count=6)
        assert more % {"count": 6} in page


PUBLICATION_REQUESTED = (
    "Publication requested: a worker recomputes run %(number)s and writes every candidate's decision. This page "
    "shows when it is done."
)


def _confirmed() -> dict[str, str]:
    """The publish form as the central administrator fills it: the tick and a code her authenticator shows."""
    return {"confirm": "on", "code": fresh_code(User.objects.get(email="admin@example.ma"))}


class TestPublishing:
    def test_requires_the_confirmation(self, admin_client, computed_run):
        response = admin_client.post(_url("run_publish", computed_run.pk), {})
        assert response.status_code == 200
        assert "Tick the box to confirm that you have checked the dry-run report." in _page(response)
        computed_run.refresh_from_db()
        assert computed_run.status == Status.COMPUTED
        assert computed_run.publish_requested_at is None

    @pytest.mark.parametrize(
        "code, message",
        [
            ("", "Enter the code."),
            ("12345", "Enter the 6 digits from your authenticator app."),
            ("abcd2345", "Enter the 6 digits from your authenticator app."),  # a recovery code does not do
            ("wrong", "This code is not right, or it has already been used. Try the next one."),
        ],
    )
    def test_requires_a_right_code_from_her_authenticator(
        self, admin_client, computed_run, central_admin, code, message
    ):
        if code == "wrong":
            code = f"{(int(code_for(central_admin)) + 1) % 1_000_000:06d}"
        response = admin_client.post(_url("run_publish", computed_run.pk), {"confirm": "on", "code": code})
        assert response.status_code == 200
        assert html.escape(message) in _page(response)
        computed_run.refresh_from_db()
        assert computed_run.publish_requested_at is None

    def test_the_code_that_verified_her_session_does_not_publish_again(
        self, admin_client, computed_run, central_admin
    ):
        """A code already used (here to pass the second step a moment ago) is refused: the form asks for a new one."""
        code = fresh_code(central_admin)
        assert second_factor.verify(user=central_admin, typed=code, client_ip="127.0.0.1") is not None
        response = admin_client.post(_url("run_publish", computed_run.pk), {"confirm": "on", "code": code})
        assert response.status_code == 200
        computed_run.refresh_from_db()
        assert computed_run.publish_requested_at is None
        assert AuditEvent.objects.filter(action="second_factor.failed").count() == 1

    def test_a_right_code_publishes(
        self, admin_client, computed_run, central_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                _url("run_publish", computed_run.pk), {"confirm": "on", "code": code_for(central_admin)}
            )
        assert response.status_code == 302
        computed_run.refresh_from_db()
        assert computed_run.is_published
        assert AuditEvent.objects.filter(
            action="second_factor.confirmed_action", data__purpose="selection.publish"
        ).exists()

    def test_a_worker_publishes_and_the_page_follows_it(
        self, admin_client, computed_run, central_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as worker:
            response = admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        assert response.status_code == 302
        assert response["Location"] == _url("run", computed_run.pk)

        # Requested, the worker not yet started: the page says so and follows it, without offering to publish.
        page = _page(admin_client.get(_url("run", computed_run.pk)))
        assert PUBLICATION_REQUESTED % {"number": computed_run.pk} in page
        assert "Publication in progress" in page
        assert "Waiting for a worker to publish the run." in page
        assert 'hx-trigger="every 2s"' in page
        assert "Publish this run" not in page
        assert not SelectionDecision.objects.exists()

        worker[0]()
        computed_run.refresh_from_db()
        assert computed_run.status == Status.PUBLISHED
        assert computed_run.published_by == central_admin
        assert (
            SelectionDecision.objects.filter(run=computed_run).count()
            == (computed_run.summary["totals"]["candidates"])
        )
        page = _page(admin_client.get(_url("run", computed_run.pk)))
        assert "<strong>Status:</strong> Published" in page
        assert "Publication in progress" not in page
        assert 'hx-trigger="every 2s"' not in page

    def test_the_fragment_follows_the_worker_then_reloads_the_page(
        self, admin_client, computed_run, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as worker:
            admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        SelectionRun.objects.filter(pk=computed_run.pk).update(progress_step="publication_running")
        fragment = _page(
            admin_client.get(_url("run_progress", computed_run.pk), headers={"HX-Request": "true"})
        )
        assert "A worker is recomputing the run and writing every candidate's decision." in fragment
        assert 'hx-trigger="every 2s"' in fragment

        SelectionRun.objects.filter(pk=computed_run.pk).update(progress_step="publication_queued")
        worker[0]()
        done = admin_client.get(_url("run_progress", computed_run.pk), headers={"HX-Request": "true"})
        assert done.headers["HX-Refresh"] == "true"

    def test_the_runs_list_shows_a_publication_in_progress(
        self, admin_client, computed_run, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks():
            admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        assert "Publication in progress" in _page(admin_client.get(_url("runs", computed_run.campaign.slug)))

    def test_a_second_request_is_refused_while_one_is_under_way_and_once_published(
        self, admin_client, computed_run, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as worker:
            admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        again = admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        assert again.status_code == 200
        assert "The publication of this run is already requested." in _page(again)

        worker[0]()
        computed_run.refresh_from_db()
        published_at = computed_run.published_at
        once_more = admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        assert once_more.status_code == 200
        assert "This run is already published." in _page(once_more)
        computed_run.refresh_from_db()
        assert computed_run.published_at == published_at
        assert SelectionRun.objects.filter(status=Status.PUBLISHED).count() == 1
        assert AuditEvent.objects.filter(action="selection.publication_requested").count() == 1

    @pytest.mark.parametrize("language", ["en", "fr"])
    def test_a_failed_publication_shows_why_in_the_reader_s_language_and_can_be_asked_again(
        self, admin_client, computed_run, django_capture_on_commit_callbacks, language
    ):
        digest = computed_run.output_digest
        SelectionRun.objects.filter(pk=computed_run.pk).update(output_digest="0" * 64)
        with django_capture_on_commit_callbacks(execute=True):
            # Requested from the Arabic page: the reason is stored once and read in each reader's language.
            admin_client.post(_url("run_publish", computed_run.pk, language="ar"), _confirmed())

        page = _page(admin_client.get(_url("run", computed_run.pk, language=language)))
        assert translated("The publication failed", language) in page
        assert (
            translated("Recomputing the run did not give the same digests; it is not published.", language)
            in page
        )
        assert translated("Publish this run", language) in page
        assert not SelectionDecision.objects.exists()

        SelectionRun.objects.filter(pk=computed_run.pk).update(output_digest=digest)
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        page = _page(admin_client.get(_url("run", computed_run.pk, language=language)))
        assert translated("The publication failed", language) not in page
        computed_run.refresh_from_db()
        assert computed_run.is_published

    def test_the_message_is_in_the_administrator_s_language(
        self, client, central_admin, computed_run, django_capture_on_commit_callbacks
    ):
        client.force_login(central_admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                _url("run_publish", computed_run.pk, language="fr"), _confirmed(), follow=True
            )
        page = response.content.decode()
        assert translated_html(PUBLICATION_REQUESTED, "fr", number=computed_run.pk) in page
        assert translated_html("Published", "fr") in page

    def test_the_page_of_a_computed_run_offers_to_publish(self, admin_client, computed_run):
        page = _page(admin_client.get(_url("run", computed_run.pk)))
        assert "I have checked the dry-run report" in page
        assert f'action="{_url("run_publish", computed_run.pk)}"' in page

    def test_is_post_only(self, admin_client, computed_run):
        assert admin_client.get(_url("run_publish", computed_run.pk)).status_code == 405


class TestWhoMayPublish:
    """Only a central administrator; the others are answered as if the run did not exist, and nothing is asked."""

    def test_a_central_administrator_may(
        self, admin_client, computed_run, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(_url("run_publish", computed_run.pk), _confirmed())
        assert response.status_code == 302
        computed_run.refresh_from_db()
        assert computed_run.is_published

    @pytest.mark.parametrize("persona", ["supervisor", "candidate"])
    def test_others_signed_in_get_not_found(
        self, client, request, persona, computed_run, django_capture_on_commit_callbacks
    ):
        client.force_login(request.getfixturevalue(persona))
        with django_capture_on_commit_callbacks(execute=True) as worker:
            response = client.post(_url("run_publish", computed_run.pk), {"confirm": "on"})
        assert response.status_code == 404
        assert worker == []
        self._nothing_asked(computed_run)

    def test_an_anonymous_visitor_is_sent_to_sign_in(
        self, client, computed_run, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as worker:
            response = client.post(_url("run_publish", computed_run.pk), {"confirm": "on"})
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/?next=")
        assert worker == []
        self._nothing_asked(computed_run)

    @staticmethod
    def _nothing_asked(run: SelectionRun) -> None:
        run.refresh_from_db()
        assert run.status == Status.COMPUTED
        assert run.publish_requested_at is None
        assert not AuditEvent.objects.filter(action="selection.publication_requested").exists()


class TestVerifying:
    def test_shows_identical_digests(self, admin_client, computed_run):
        response = admin_client.post(_url("run_verify", computed_run.pk))
        assert response.status_code == 200
        page = _page(response)
        assert "The recomputation matches the recorded run." in page
        digest = f'<code dir="ltr">{computed_run.output_digest}</code>'
        assert f"Output digest: recorded {digest}, recomputed {digest}: identical." in page

    def test_a_published_run_checks_its_decisions_too(self, admin_client, published_run):
        page = _page(admin_client.post(_url("run_verify", published_run.pk)))
        count = SelectionDecision.objects.filter(run=published_run).count()
        assert f"Published decisions: all {count} decisions match the recomputation in every field." in page
        assert "Public report: every commune line and every total matches the recomputation." in page

    def test_an_altered_decision_is_named_with_its_field(self, admin_client, published_run):
        decision = SelectionDecision.objects.filter(run=published_run, outcome="admitted").first()
        SelectionDecision.objects.filter(pk=decision.pk).update(score=decision.score + 1)
        page = _page(admin_client.post(_url("run_verify", published_run.pk)))
        assert "The recomputation does not match the recorded run." in page
        assert "Score: 1 decision differs from the recomputation." in page
        assert (
            f'Application <code dir="ltr">{decision.application_id}</code>: recorded '
            f'<code dir="ltr">{decision.score + 1}</code>, recomputed <code dir="ltr">{decision.score}</code>.'
        ) in page

    @pytest.mark.parametrize("language", ["fr", "ar"])
    def test_the_lines_are_in_the_reader_s_language_with_the_digests_left_to_right(
        self, admin_client, published_run, language
    ):
        response = admin_client.post(_url("run_verify", published_run.pk, language=language))
        page = response.content.decode()
        digest = published_run.output_digest
        assert f'<code dir="ltr">{digest}</code>' in page
        assert (
            '<ul lang="en"' not in page
        )  # the sentences are in the page's language; the digests are set apart
        text = re.sub(r'<code dir="ltr">([0-9a-f]{64})</code>', r"\1", page)
        for message, params in [
            (
                "Output digest: recorded %(recorded)s, recomputed %(recomputed)s: identical.",
                {"recorded": digest, "recomputed": digest},
            ),
            ("Guarantees: capacities, stability, cutoffs and waiting lists all hold.", {}),
            ("Public report: every commune line and every total matches the recomputation.", {}),
        ]:
            assert translated_html(message, language, **params) in text
        count = SelectionDecision.objects.filter(run=published_run).count()
        decisions = translated(
            "Published decisions: the %(count)s decision matches the recomputation in every field.",
            language,
            plural="Published decisions: all %(count)s decisions match the recomputation in every field.",
            count=count,
        )  # the helper fills no placeholder named like its own `count`
        assert html.escape(decisions % {"count": count}) in text

    def test_a_run_never_computed_says_so(self, admin_client, queued_run):
        page = _page(admin_client.post(_url("run_verify", queued_run.pk)))
        assert "This run has no frozen inputs (it was never computed)." in page
        assert "The recomputation does not match the recorded run." in page

    def test_is_post_only(self, admin_client, queued_run):
        assert admin_client.get(_url("run_verify", queued_run.pk)).status_code == 405


def test_the_run_page_links_to_its_report(admin_client, queued_run):
    with translation.override("en"):
        report = reverse("selection:staff_run_report", args=[queued_run.pk])
    assert f'href="{report}"' in admin_client.get(_url("run", queued_run.pk)).content.decode()


class TestNavigation:
    def test_central_administrators_see_the_selection_link(self, admin_client):
        with translation.override("en"):
            home = reverse("portal:home")
        assert f'href="{_url("campaigns")}"' in admin_client.get(home).content.decode()

    @pytest.mark.parametrize("persona", ["supervisor", "candidate"])
    def test_others_do_not(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        with translation.override("en"):
            home = reverse("portal:home")
        assert f'href="{_url("campaigns")}"' not in client.get(home).content.decode()


def _pages(run: SelectionRun) -> list[str]:
    return [
        _url("campaigns"),
        _url("runs", run.campaign.slug),
        _url("rules", run.campaign.slug),
        _url("run", run.pk),
        _url("run_progress", run.pk),
    ]


class TestWhoMay:
    def test_a_central_administrator_may(self, admin_client, queued_run):
        for url in _pages(queued_run):
            assert admin_client.get(url).status_code == 200, url

    @pytest.mark.parametrize("persona", ["supervisor", "candidate"])
    def test_others_signed_in_get_not_found(self, client, request, persona, queued_run):
        client.force_login(request.getfixturevalue(persona))
        for url in _pages(queued_run):
            assert client.get(url).status_code == 404, url

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, queued_run):
        for url in _pages(queued_run):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/en/accounts/login/?next="), url

    @pytest.mark.parametrize("persona", ["supervisor", "candidate"])
    def test_others_cannot_launch_publish_or_verify(self, client, request, persona, computed_run):
        client.force_login(request.getfixturevalue(persona))
        slug = computed_run.campaign.slug
        assert client.post(_url("runs", slug), {"seed": "mine"}).status_code == 404
        assert client.post(_url("run_publish", computed_run.pk), {"confirm": "on"}).status_code == 404
        assert client.post(_url("run_verify", computed_run.pk)).status_code == 404
        computed_run.refresh_from_db()
        assert computed_run.status == Status.COMPUTED
        assert SelectionRun.objects.count() == 1

    def test_an_unknown_run_is_not_found(self, admin_client):
        assert admin_client.get(_url("run", 999_999)).status_code == 404
        assert admin_client.post(_url("run_publish", 999_999), _confirmed()).status_code == 404
