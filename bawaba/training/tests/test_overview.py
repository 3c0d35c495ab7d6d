"""The training's staff overview of a campaign: the replies' key figures over the staff member's scope, the
settings form (central administrator), the reply deadline applied on demand; and who may not."""

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.core.models import AuditEvent
from bawaba.selection.models import PlaceRelease, PromotionRound, SelectionDecision
from bawaba.territory.models import Province
from bawaba.training.models import TrainingReply, TrainingSettings
from bawaba.training.services.replies import accept_place, decline_place
from bawaba.training.staff.overview.selectors import reply_figures
from bawaba.training.tests.replies_setup import *  # noqa: F403 (fixtures and helpers)
from bawaba.training.tests.replies_setup import admitted, in_days

Outcome = SelectionDecision.Outcome


CAMPAIGNS = "/en/staff/training/"


def staff_url(name: str, slug: str) -> str:
    with translation.override("en"):
        return reverse(f"training_staff:{name}", args=[slug])


@pytest.fixture
def answered(training_settings, published_run):
    """Two admitted accepted, one declined."""
    first, second, third = admitted(published_run, 3)
    for application in (first, second):
        accept_place(application=application, actor=application.user)
    decline_place(application=third, actor=third.user)
    return published_run


@pytest.fixture
def coordinator(territory):
    from bawaba.territory.models import Region

    user = UserFactory(email="coordinator@example.ma", kind=User.Kind.STAFF)
    Assignment.objects.create(
        user=user, role=Assignment.Role.REGIONAL_COORDINATOR, region=Region.objects.order_by("pk").first()
    )
    return user


def province_supervisor(province: Province):
    user = UserFactory(email="province.supervisor@example.ma", kind=User.Kind.STAFF)
    assignment = Assignment.objects.create(user=user, role=Assignment.Role.PROVINCIAL_SUPERVISOR)
    assignment.provinces.add(province)
    return user


class TestOverview:
    def test_the_central_administrator_sees_the_national_figures_and_the_settings_form(
        self, admin_client, answered
    ):
        slug = answered.campaign.slug
        holding = SelectionDecision.objects.filter(run=answered, outcome=Outcome.ADMITTED).count()
        assert staff_url("overview", slug) in admin_client.get(CAMPAIGNS).content.decode()
        page = admin_client.get(staff_url("overview", slug)).content.decode()
        assert (
            f'<span class="key-figure__value">{holding}</span> <span class="key-figure__label">holding a place'
            in page
        )
        assert '<span class="key-figure__value">2</span> <span class="key-figure__label">accepted' in page
        assert (
            f'<span class="key-figure__value">{holding - 2}</span> <span class="key-figure__label">no answer yet'
            in page
        )
        assert '<span class="key-figure__value">1</span> <span class="key-figure__label">declined' in page
        assert staff_url("settings", slug) in page
        assert staff_url("reply_deadline", slug) in page

    def test_a_supervisor_sees_the_figures_of_her_provinces_only_and_no_form(self, client, answered):
        decision = (
            SelectionDecision.objects.filter(run=answered, outcome=Outcome.ADMITTED)
            .select_related("commune__province")
            .first()
        )
        user = province_supervisor(decision.commune.province)
        client.force_login(user)
        page = client.get(staff_url("overview", answered.campaign.slug)).content.decode()
        assert "The candidates of your area" in page
        assert staff_url("settings", answered.campaign.slug) not in page
        from bawaba.campaigns.access import staff_scope

        figures = reply_figures(answered, staff_scope(user))
        national = SelectionDecision.objects.filter(run=answered, outcome=Outcome.ADMITTED).count()
        assert 0 < figures.holding < national
        assert f'<span class="key-figure__value">{figures.holding}</span>' in page
        # Neither the settings nor the deadline are hers to change.
        for name in ("settings", "reply_deadline"):
            assert client.post(staff_url(name, answered.campaign.slug), {"cohort": "x"}).status_code == 404
        assert not AuditEvent.objects.filter(action__startswith="training.settings").exists()

    def test_a_coordinator_reads_the_overview_but_cannot_change_the_settings(
        self, client, coordinator, answered
    ):
        client.force_login(coordinator)
        assert client.get(staff_url("overview", answered.campaign.slug)).status_code == 200
        assert client.post(staff_url("settings", answered.campaign.slug), {"cohort": "x"}).status_code == 404

    @pytest.mark.parametrize("persona", ["candidate", "alice"])
    def test_a_candidate_finds_no_staff_page(self, client, request, persona, answered):
        client.force_login(request.getfixturevalue(persona))
        slug = answered.campaign.slug
        assert client.get(CAMPAIGNS).status_code == 404
        for name in ("overview", "settings", "reply_deadline"):
            assert client.get(staff_url(name, slug)).status_code == 404
            assert client.post(staff_url(name, slug)).status_code == 404

    def test_an_unknown_campaign_or_one_without_a_published_preselection_is_not_found(
        self, admin_client, computed_run
    ):
        assert admin_client.get(staff_url("overview", "nope")).status_code == 404
        assert admin_client.get(staff_url("overview", computed_run.campaign.slug)).status_code == 404


VALID = {
    "platform_url": "https://formation.example.ma/",
    "cohort": "rgph-2024",
    "reply_deadline": "2027-01-15T08:00:00",
    "no_reply_declines": "on",
    "start_deadline": "2027-03-01T08:00",
}


class TestSettings:
    def test_the_central_administrator_saves_them_audited(self, admin_client, published_run, central_admin):
        url = staff_url("settings", published_run.campaign.slug)
        response = admin_client.post(url, VALID)
        assert response.status_code == 302
        assert response["Location"] == staff_url("overview", published_run.campaign.slug)
        settings = TrainingSettings.objects.get(campaign=published_run.campaign)
        assert (settings.platform_url, settings.cohort, settings.no_reply_declines) == (
            "https://formation.example.ma/",
            "rgph-2024",
            True,
        )
        # Morocco time (UTC+1 in January 2027): 08:00 there is 07:00 UTC.
        assert settings.reply_deadline.isoformat() == "2027-01-15T07:00:00+00:00"
        assert settings.updated_by == central_admin
        event = AuditEvent.objects.get(action="training.settings_changed")
        assert event.actor == central_admin
        assert event.data["cohort"] == ["", "rgph-2024"]
        # Saved again unchanged: no new audit row.
        admin_client.post(url, VALID)
        assert AuditEvent.objects.filter(action="training.settings_changed").count() == 1

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("reply_deadline", "2027-02-30T08:00", "Enter a date and time such as 2027-02-07 08:00."),
            ("reply_deadline", "tomorrow", "Enter a date and time such as 2027-02-07 08:00."),
            ("reply_deadline", "99999-01-01T08:00", "Enter a date and time such as 2027-02-07 08:00."),
            ("start_deadline", "1900-01-01T08:00", "Give a date between the years 2000 and 2100."),
            ("reply_deadline", "2027-02-07\x00T08:00", ""),
            ("platform_url", "javascript:alert(1)", ""),
            ("platform_url", "ftp://example.ma/", ""),
            ("platform_url", "https://exa\x00mple.ma/", ""),
            ("platform_url", "https://" + "a" * 300 + ".ma/", ""),
            ("cohort", "rgph\x00", ""),
            ("cohort", "x" * 101, ""),
        ],
    )
    def test_bad_input_is_a_message_and_nothing_is_saved(
        self, admin_client, published_run, field, value, message
    ):
        response = admin_client.post(
            staff_url("settings", published_run.campaign.slug), {**VALID, field: value}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert message in page
        assert not TrainingSettings.objects.exists()
        assert not AuditEvent.objects.filter(action="training.settings_changed").exists()


class TestApplyingTheDeadline:
    def test_refused_before_the_deadline_then_applied_and_then_nothing_more(
        self, admin_client, training_settings, published_run
    ):
        url = staff_url("reply_deadline", published_run.campaign.slug)
        response = admin_client.post(url, follow=True)
        assert "The reply deadline has not passed yet" in response.content.decode()
        assert not PlaceRelease.objects.exists()

        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        page = admin_client.post(url, follow=True).content.decode()
        assert "lost their place; promotion round 1 gave the places to the waiting lists." in page
        released = PlaceRelease.objects.filter(reason=PlaceRelease.Reason.NO_REPLY).count()
        assert released == TrainingReply.objects.filter(answer=TrainingReply.Answer.NO_REPLY).count() > 0
        assert (
            f'<span class="key-figure__value">{released}</span> <span class="key-figure__label">released'
            in page
        )

        page = admin_client.post(url, follow=True).content.decode()
        assert "Nobody is left without an answer past the deadline" in page
        assert PromotionRound.objects.count() == 1


def test_the_reply_and_overview_pages_in_arabic_hold_no_english(client, training_settings, published_run):
    from bawaba.training.tests.replies_setup import holder
    from tests.test_arabic_pages import english_words

    her = holder(published_run)
    client.force_login(her.user)
    with translation.override("ar"):
        candidate_pages = ["/ar/me/", reverse("training:decline", args=[her.pk])]
        staff_pages = [
            reverse("training_staff:campaigns"),
            reverse("training_staff:overview", args=[published_run.campaign.slug]),
        ]
    leaks = {}
    for path in candidate_pages:
        page = client.get(path).content.decode()
        assert "training-reply" in page or "decline" in path
        leaks[path] = english_words(page)
    central_admin = UserFactory(email="arabic.admin@example.ma", kind=User.Kind.STAFF)
    Assignment.objects.create(user=central_admin, role=Assignment.Role.CENTRAL_ADMIN)
    client.force_login(central_admin)
    for path in staff_pages:
        response = client.get(path)
        assert response.status_code == 200
        leaks[path] = english_words(response.content.decode())
    # Bad input shown back in Arabic too.
    response = client.post(
        staff_pages[1] + "settings/",
        {**VALID, "reply_deadline": "x"},
    )
    leaks["settings with an error"] = english_words(response.content.decode())
    assert not {path: words for path, words in leaks.items() if words}
