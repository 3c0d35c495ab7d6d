"""Her reply to the training place (services.replies): accepting, declining and changing her mind, the deadline,
and the deadline job that counts no answer as declining. Both database engines (the suite runs on both)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from bawaba.core.models import AuditEvent
from bawaba.selection.models import PlaceRelease, PromotionRound, SelectionDecision
from bawaba.selection.services.promotion import run_promotion_round
from bawaba.training.models import TrainingReply
from bawaba.training.places import PROMOTED_REPLY_TIME, place_state, reply_deadline
from bawaba.training.services.replies import ReplyError, accept_place, apply_reply_deadline, decline_place
from bawaba.training.tests.replies_setup import *  # noqa: F403 (fixtures and helpers)
from bawaba.training.tests.replies_setup import admitted, first_waiting_at, holder, in_days

Outcome = SelectionDecision.Outcome
Answer = TrainingReply.Answer


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are matched by their English text (the site's default language is Arabic)."""
    with translation.override("en"):
        yield


def outcome_of(run, application) -> str:
    return SelectionDecision.objects.get(run=run, application=application).outcome


class TestDeadlineRule:
    def test_the_campaigns_deadline_or_a_week_after_her_round_whichever_is_later(self):
        deadline = in_days(3)
        assert reply_deadline(campaign_deadline=deadline, promoted_at=None) == deadline
        assert reply_deadline(campaign_deadline=deadline, promoted_at=in_days(-10)) == deadline
        promoted_at = in_days(1)
        assert (
            reply_deadline(campaign_deadline=deadline, promoted_at=promoted_at)
            == promoted_at + PROMOTED_REPLY_TIME
        )
        assert reply_deadline(campaign_deadline=None, promoted_at=promoted_at) is None


class TestAccepting:
    def test_she_accepts_her_place_once_and_keeps_it(self, training_settings, published_run):
        application = holder(published_run)
        reply = accept_place(application=application, actor=application.user)
        assert reply.answer == Answer.ACCEPTED
        assert outcome_of(published_run, application) == Outcome.ADMITTED
        event = AuditEvent.objects.get(action="training.place_accepted")
        assert (event.actor, event.target_id) == (application.user, str(application.pk))
        # Again: nothing new.
        assert accept_place(application=application, actor=application.user).pk == reply.pk
        assert AuditEvent.objects.filter(action="training.place_accepted").count() == 1

    def test_nobody_else_answers_for_her_and_a_waiting_candidate_has_nothing_to_answer(
        self, training_settings, published_run, alice, central_admin
    ):
        application = holder(published_run)
        for other in (alice, central_admin, None):
            for answer in (accept_place, decline_place):
                with pytest.raises(ReplyError):
                    answer(application=application, actor=other)
        waiting = (
            SelectionDecision.objects.filter(run=published_run, outcome=Outcome.WAITLISTED)
            .select_related("application__user", "application__campaign")
            .first()
            .application
        )
        for answer in (accept_place, decline_place):
            with pytest.raises(ReplyError, match="no training place"):
                answer(application=waiting, actor=waiting.user)
        assert not TrainingReply.objects.exists()
        assert not PlaceRelease.objects.exists()


class TestDeclining:
    def test_her_place_is_released_and_the_next_round_gives_it_to_the_first_waiting(
        self, training_settings, published_run, central_admin
    ):
        application = holder(published_run)
        commune_id = SelectionDecision.objects.get(run=published_run, application=application).commune_id
        first = first_waiting_at(published_run, commune_id)

        reply = decline_place(application=application, actor=application.user)

        assert reply.answer == Answer.DECLINED
        release = PlaceRelease.objects.get()
        assert (release.application_id, release.reason) == (application.pk, PlaceRelease.Reason.DECLINED)
        assert outcome_of(published_run, application) == Outcome.RELEASED
        assert AuditEvent.objects.filter(action="training.place_declined", actor=application.user).exists()
        assert AuditEvent.objects.filter(action="selection.place_declined").exists()

        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        assert promotion_round.released == {"declined": [application.pk]}
        assert (
            SelectionDecision.objects.get(run=published_run, application_id=first).outcome == Outcome.ADMITTED
        )

    def test_accepted_then_declined_before_the_deadline_but_declining_is_final(
        self, training_settings, published_run
    ):
        application = holder(published_run)
        accept_place(application=application, actor=application.user)
        decline_place(application=application, actor=application.user)
        assert TrainingReply.objects.get().answer == Answer.DECLINED
        assert AuditEvent.objects.get(action="training.place_declined").data["had_accepted"] is True
        for answer in (accept_place, decline_place):
            with pytest.raises(ReplyError, match="final"):
                answer(application=application, actor=application.user)
        assert TrainingReply.objects.get().answer == Answer.DECLINED
        assert PlaceRelease.objects.count() == 1


class TestAfterTheDeadline:
    def test_neither_answer_nor_change_of_mind_is_taken(self, training_settings, published_run):
        first, second = admitted(published_run, 2)
        accept_place(application=first, actor=first.user)
        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        with pytest.raises(ReplyError, match="deadline has passed"):
            accept_place(application=second, actor=second.user)
        with pytest.raises(ReplyError, match="deadline has passed"):
            decline_place(application=first, actor=first.user)
        assert list(TrainingReply.objects.values_list("application_id", "answer")) == [
            (first.pk, Answer.ACCEPTED)
        ]
        assert not PlaceRelease.objects.exists()
        assert outcome_of(published_run, first) == Outcome.ADMITTED

    def test_a_candidate_promoted_lately_has_a_week_from_her_round(
        self, training_settings, published_run, central_admin
    ):
        application = holder(published_run)
        decline_place(application=application, actor=application.user)
        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        promoted = promotion_round.promotions.select_related("application__user", "application__campaign")[0]
        state = place_state(promoted.application)
        assert state.deadline == promotion_round.created_at + PROMOTED_REPLY_TIME
        accept_place(application=promoted.application, actor=promoted.application.user)
        assert TrainingReply.objects.get(application=promoted.application).answer == Answer.ACCEPTED


def silent_admitted(run) -> set[int]:
    admitted_ids = set(
        SelectionDecision.objects.filter(run=run, outcome=Outcome.ADMITTED).values_list(
            "application_id", flat=True
        )
    )
    return admitted_ids - set(TrainingReply.objects.values_list("application_id", flat=True))


class TestNoReplyDeclines:
    def test_releases_exactly_the_silent_then_promotes_and_a_second_call_changes_nothing(
        self, training_settings, published_run, central_admin
    ):
        accepting, declining = admitted(published_run, 2)
        accept_place(application=accepting, actor=accepting.user)
        decline_place(application=declining, actor=declining.user)
        silent = silent_admitted(published_run)
        assert silent and accepting.pk not in silent
        with pytest.raises(ReplyError, match="not passed yet"):
            apply_reply_deadline(campaign=published_run.campaign, actor=central_admin)
        assert not PromotionRound.objects.exists()
        training_settings.reply_deadline = in_days(-1)
        training_settings.save()

        applied = apply_reply_deadline(campaign=published_run.campaign, actor=central_admin)

        assert applied.released == len(silent)
        no_reply = set(
            TrainingReply.objects.filter(answer=Answer.NO_REPLY).values_list("application_id", flat=True)
        )
        assert no_reply == silent
        released = set(
            PlaceRelease.objects.filter(reason=PlaceRelease.Reason.NO_REPLY).values_list(
                "application_id", flat=True
            )
        )
        assert released == silent
        assert set(
            SelectionDecision.objects.filter(run=published_run, application_id__in=silent).values_list(
                "outcome", flat=True
            )
        ) == {Outcome.RELEASED}
        assert outcome_of(published_run, accepting) == Outcome.ADMITTED
        promotion_round = applied.promotion_round
        assert promotion_round.number == 1
        assert sorted(promotion_round.released["no_reply"]) == sorted(silent)
        assert promotion_round.released["declined"] == [declining.pk]
        assert (
            AuditEvent.objects.filter(action="training.reply_deadline_applied", actor=central_admin).count()
            == 1
        )

        # The candidates the round promoted have a week from it: a second call changes nothing.
        decisions = list(
            SelectionDecision.objects.filter(run=published_run).order_by("application_id").values()
        )
        events = AuditEvent.objects.count()
        again = apply_reply_deadline(campaign=published_run.campaign, actor=central_admin)
        assert (again.released, again.promotion_round) == (0, None)
        assert list(
            SelectionDecision.objects.filter(run=published_run).order_by("application_id").values()
        ) == (decisions)
        assert AuditEvent.objects.count() == events
        assert PromotionRound.objects.count() == 1

        # A week and a day later, those of them still silent are released in turn.
        promoted_silent = silent_admitted(published_run)
        later = apply_reply_deadline(campaign=published_run.campaign, actor=None, now=in_days(8))
        assert later.released == len(promoted_silent)
        assert PromotionRound.objects.count() == (2 if promoted_silent else 1)

    def test_a_campaign_where_no_answer_does_not_decline_releases_nobody(
        self, training_settings, published_run, central_admin
    ):
        training_settings.reply_deadline = in_days(-1)
        training_settings.no_reply_declines = False
        training_settings.save()
        applied = apply_reply_deadline(campaign=published_run.campaign, actor=central_admin)
        assert (applied.released, applied.promotion_round, applied.counts_as_declining) == (0, None, False)
        assert not TrainingReply.objects.exists()
        assert not PlaceRelease.objects.exists()
        assert not PromotionRound.objects.exists()

    def test_without_a_deadline_nothing_is_applied(self, published_run, central_admin):
        with pytest.raises(ReplyError, match="No reply deadline"):
            apply_reply_deadline(campaign=published_run.campaign, actor=central_admin)
        assert not PlaceRelease.objects.exists()


class TestCommand:
    def test_applies_the_deadline_then_says_nothing_changed(self, training_settings, published_run):
        slug = published_run.campaign.slug
        with pytest.raises(CommandError, match="not passed yet"):
            call_command("apply_reply_deadline", "--campaign", slug, stdout=io.StringIO())
        training_settings.reply_deadline = in_days(-1)
        training_settings.save()
        out = io.StringIO()
        call_command("apply_reply_deadline", "--campaign", slug, stdout=out)
        assert "candidates without an answer released; promotion round 1" in out.getvalue()
        out = io.StringIO()
        call_command("apply_reply_deadline", "--campaign", slug, stdout=out)
        assert "nothing was changed" in out.getvalue()
        with pytest.raises(CommandError):
            call_command("apply_reply_deadline", "--campaign", "nope", stdout=io.StringIO())
