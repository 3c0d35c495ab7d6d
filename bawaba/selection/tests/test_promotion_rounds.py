"""Promotion rounds on a published run: declining, withdrawals, training not started; the round's one transaction,
its verification, its idempotence and its command. Both database engines (the suite runs on both)."""

import io
from collections import defaultdict

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from bawaba.campaigns.models import Application
from bawaba.campaigns.services import withdraw_application
from bawaba.core.models import AuditEvent
from bawaba.selection.models import (
    PlaceRelease,
    Promotion,
    PromotionCommuneResult,
    PromotionRound,
    PublishedInstance,
    SelectionCommuneResult,
    SelectionDecision,
)
from bawaba.selection.services import SelectionError, verify_run
from bawaba.selection.services.promotion import decline_place, promoted_in_round, run_promotion_round
from bawaba.selection.waiting_lists import waiting_list_places

Outcome = SelectionDecision.Outcome


def decisions_of(run) -> dict[int, tuple]:
    return {
        d.application_id: (d.outcome, d.commune_id, d.rank, bytes(d.choice_table))
        for d in SelectionDecision.objects.filter(run=run)
    }


def admitted_with_a_waiting_list(run) -> SelectionDecision:
    """An admitted candidate of a full commune whose waiting list is not empty: her place will be taken."""
    line = (
        SelectionCommuneResult.objects.filter(run=run, is_full=True, waitlist_length__gt=0, admitted__gt=0)
        .order_by("commune_id")
        .first()
    )
    assert line is not None, "the demo census has full communes with waiting lists"
    return (
        SelectionDecision.objects.filter(run=run, commune_id=line.commune_id, outcome=Outcome.ADMITTED)
        .select_related("application__user", "application__campaign")
        .order_by("application_id")
        .first()
    )


def first_waiting_at(run, commune_id: int) -> int:
    # On a list: waiting, or admitted to a commune she ranked lower.
    for decision in SelectionDecision.objects.filter(
        run=run, outcome__in=[Outcome.WAITLISTED, Outcome.ADMITTED]
    ):
        for commune, place in zip(decision.communes, decision.waitlist_places, strict=True):
            if commune == commune_id and place == 1:
                return decision.application_id
    raise AssertionError("nobody first on that list")


def verifies(run) -> bool:
    run.refresh_from_db()
    with translation.override("en"):
        verification = verify_run(run=run)
    return verification.ok


class TestDeclining:
    def test_she_declines_her_place_and_her_decision_says_so(self, published_run):
        decision = admitted_with_a_waiting_list(published_run)
        application = decision.application
        release = decline_place(application=application, actor=application.user)
        assert release.reason == PlaceRelease.Reason.DECLINED
        assert release.promotion_round is None
        decision.refresh_from_db()
        assert (decision.outcome, decision.commune_id, decision.rank) == (Outcome.RELEASED, None, None)
        event = AuditEvent.objects.get(action="selection.place_declined")
        assert event.actor == application.user
        assert event.target_id == str(application.pk)
        # The publication still verifies: a release waiting for its round is part of what is checked.
        assert verifies(published_run)

    def test_someone_else_cannot_decline_her_place(self, published_run, alice, central_admin):
        decision = admitted_with_a_waiting_list(published_run)
        for other in (alice, central_admin, None):
            with pytest.raises(SelectionError):
                decline_place(application=decision.application, actor=other)
        assert not PlaceRelease.objects.exists()
        decision.refresh_from_db()
        assert decision.outcome == Outcome.ADMITTED

    def test_a_waiting_candidate_has_no_place_to_decline_and_declining_twice_is_refused(self, published_run):
        waiting = (
            SelectionDecision.objects.filter(run=published_run, outcome=Outcome.WAITLISTED)
            .select_related("application__user", "application__campaign")
            .first()
        )
        with pytest.raises(SelectionError):
            decline_place(application=waiting.application, actor=waiting.application.user)
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        with pytest.raises(SelectionError):
            decline_place(application=decision.application, actor=decision.application.user)
        assert PlaceRelease.objects.count() == 1


class TestRound:
    def test_a_declined_place_goes_to_the_first_on_the_list_in_one_recorded_round(
        self, published_run, central_admin
    ):
        decision = admitted_with_a_waiting_list(published_run)
        commune_id = decision.commune_id
        first = first_waiting_at(published_run, commune_id)
        report_before = list(SelectionCommuneResult.objects.filter(run=published_run).values())
        decline_place(application=decision.application, actor=decision.application.user)

        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)

        assert promotion_round.number == 1
        assert promotion_round.released == {"declined": [decision.application_id]}
        assert promotion_round.summary["places_released"] == 1
        assert promotion_round.summary["promotions"] >= 1
        assert len(promotion_round.input_digest) == len(promotion_round.output_digest) == 64
        promoted = SelectionDecision.objects.get(run=published_run, application_id=first)
        # The first on the list takes the place, unless a chain moved her higher still: never lower.
        assert promoted.outcome == Outcome.ADMITTED
        assert Promotion.objects.filter(promotion_round=promotion_round, application_id=first).exists()
        assert first in set(promoted_in_round(promotion_round).values_list("pk", flat=True))
        assert PlaceRelease.objects.get().promotion_round == promotion_round
        assert PromotionCommuneResult.objects.filter(promotion_round=promotion_round).exists()
        # The run's published report is left as it was; the round's figures are beside it.
        assert list(SelectionCommuneResult.objects.filter(run=published_run).values()) == report_before
        assert AuditEvent.objects.filter(action="selection.promotion_round", actor=central_admin).count() == 1
        assert verifies(published_run)

    def test_nobody_is_demoted_and_no_capacity_is_exceeded(self, published_run, central_admin):
        before = decisions_of(published_run)
        admitted = [i for i, d in before.items() if d[0] == Outcome.ADMITTED][:15]
        for application in Application.objects.filter(pk__in=admitted).select_related("user", "campaign"):
            decline_place(application=application, actor=application.user)
        run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        after = decisions_of(published_run)
        for application_id, (outcome, _commune, rank, _table) in before.items():
            if application_id in admitted:
                assert after[application_id][0] == Outcome.RELEASED
            elif outcome == Outcome.ADMITTED:
                assert after[application_id][0] == Outcome.ADMITTED
                assert after[application_id][2] <= rank
        places = dict(
            SelectionCommuneResult.objects.filter(run=published_run).values_list("commune_id", "places")
        )
        held = np.bincount([d[1] for d in after.values() if d[0] == Outcome.ADMITTED])
        for commune_id, count in enumerate(held.tolist()):
            assert count <= places.get(commune_id, 0)

    def test_a_repeated_round_with_nothing_released_changes_nothing(self, published_run, central_admin):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        state = decisions_of(published_run)
        events = AuditEvent.objects.count()

        assert run_promotion_round(campaign=published_run.campaign, actor=central_admin) is None

        assert PromotionRound.objects.count() == 1
        assert decisions_of(published_run) == state
        assert AuditEvent.objects.count() == events

    def test_withdrawals_and_training_not_started_are_taken_in_and_rounds_chain(
        self, published_run, central_admin
    ):
        decisions = list(
            SelectionDecision.objects.filter(run=published_run, outcome=Outcome.ADMITTED).order_by(
                "application_id"
            )
        )
        withdrawn = Application.objects.get(pk=decisions[0].application_id)
        withdraw_application(application=withdrawn)
        not_started = decisions[1].application_id

        first = run_promotion_round(
            campaign=published_run.campaign, actor=central_admin, not_started=[not_started]
        )
        assert first.released == {"not_started": [not_started], "withdrawn": [withdrawn.pk]}
        # A later decline makes a second round, recomputed from the run and everyone released so far.
        third = Application.objects.select_related("user", "campaign").get(pk=decisions[2].application_id)
        decline_place(application=third, actor=third.user)
        second = run_promotion_round(
            campaign=published_run.campaign, actor=central_admin, not_started=[not_started]
        )
        assert second.number == 2
        assert second.released == {"declined": [third.pk]}
        assert second.input_digest != first.input_digest
        assert verifies(published_run)

    def test_an_id_that_holds_no_place_is_refused_and_nothing_is_written(self, published_run, central_admin):
        waiting = SelectionDecision.objects.filter(run=published_run, outcome=Outcome.WAITLISTED).first()
        with pytest.raises(SelectionError, match=str(waiting.application_id)):
            run_promotion_round(
                campaign=published_run.campaign, actor=central_admin, not_started=[waiting.application_id]
            )
        assert not PlaceRelease.objects.exists()
        assert not PromotionRound.objects.exists()

    def test_without_a_published_run_there_is_nothing_to_promote(self, computed_run, central_admin):
        with pytest.raises(SelectionError):
            run_promotion_round(campaign=computed_run.campaign, actor=central_admin)


def waiting_lists_now(run) -> tuple[dict[int, list[int]], dict[int, int]]:
    """The places now on each commune's list, over every candidate on it; and each list's length now."""
    decisions = list(SelectionDecision.objects.filter(run=run).select_related("run"))
    places = waiting_list_places(decisions)
    on_list = defaultdict(list)
    for decision in decisions:
        if not decision.is_eligible:
            continue
        for commune_id, place in zip(decision.communes, places[decision.pk], strict=True):
            if place is not None:
                on_list[commune_id].append(place)
    lengths = dict(
        SelectionCommuneResult.objects.filter(run=run).values_list("commune_id", "waitlist_length")
    )
    lengths.update(
        PromotionCommuneResult.objects.filter(promotion_round__run=run)
        .order_by("promotion_round__number")
        .values_list("commune_id", "waitlist_length")
    )
    return on_list, lengths


class TestPlacesOnTheLists:
    def test_a_round_rewrites_only_the_promoted_and_the_released_and_every_list_is_numbered_anew(
        self, published_run, central_admin
    ):
        admitted = list(
            SelectionDecision.objects.filter(run=published_run, outcome=Outcome.ADMITTED).order_by(
                "application_id"
            )[:12]
        )
        before = decisions_of(published_run)
        for application in Application.objects.filter(
            pk__in=[d.application_id for d in admitted]
        ).select_related("user", "campaign"):
            decline_place(application=application, actor=application.user)
        first = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        changed = {i for i, row in decisions_of(published_run).items() if row != before[i]}
        promoted = set(
            Promotion.objects.filter(promotion_round=first).values_list("application_id", flat=True)
        )
        assert promoted
        assert changed == promoted | {d.application_id for d in admitted}
        assert first.summary["decisions_rewritten"] == len(changed)
        assert first.summary["waitlist_departures"] > 0
        # Over everyone still on a list, its places are 1 to its length now, with no gap and no repeat: those
        # behind a promoted candidate moved up although their decision was not rewritten.
        on_list, lengths = waiting_lists_now(published_run)
        for commune_id, length in lengths.items():
            assert sorted(on_list.get(commune_id, [])) == list(range(1, length + 1)), commune_id
        # A second round counts the departures of both.
        more = SelectionDecision.objects.filter(run=published_run, outcome=Outcome.ADMITTED).order_by(
            "-application_id"
        )[:5]
        for application in Application.objects.filter(pk__in=[d.application_id for d in more]).select_related(
            "user", "campaign"
        ):
            decline_place(application=application, actor=application.user)
        run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        on_list, lengths = waiting_lists_now(published_run)
        for commune_id, length in lengths.items():
            assert sorted(on_list.get(commune_id, [])) == list(range(1, length + 1)), commune_id
        assert verifies(published_run)

    def test_her_explanation_shows_her_place_now_of_the_list_now(self, published_run, central_admin):
        from bawaba.selection.explanations import explanation_for

        decision = admitted_with_a_waiting_list(published_run)
        commune_id = decision.commune_id
        second = None
        for waiting in SelectionDecision.objects.filter(run=published_run).exclude(
            outcome=Outcome.INELIGIBLE
        ):
            for commune, place in zip(waiting.communes, waiting.waitlist_places, strict=True):
                if commune == commune_id and place == 2:
                    second = waiting
        assert second is not None, "the demo census has lists of two or more"
        length = SelectionCommuneResult.objects.get(run=published_run, commune_id=commune_id).waitlist_length
        decline_place(application=decision.application, actor=decision.application.user)
        run_promotion_round(campaign=published_run.campaign, actor=central_admin)

        # The first on the list left it (she took the place, or one she ranked higher): the second, if she is
        # still on it, is first now, of the list as it is now; her decision still holds the run's place.
        second.refresh_from_db()
        index = second.communes.index(commune_id)
        assert second.waitlist_places[index] in (2, None)
        line = next(
            line
            for line in explanation_for(Application.objects.get(pk=second.application_id)).lines
            if line.commune_id == commune_id
        )
        now = PromotionCommuneResult.objects.get(commune_id=commune_id).waitlist_length
        assert now < length
        assert line.waitlist_length == now
        if second.waitlist_places[index] == 2:
            assert line.waitlist_place == 1


class TestStartingPoint:
    def test_a_round_starts_from_the_published_instance_or_else_from_the_frozen_inputs(
        self, published_run, central_admin
    ):
        decisions = list(
            SelectionDecision.objects.filter(run=published_run, outcome=Outcome.ADMITTED).order_by(
                "application_id"
            )[:3]
        )
        assert PublishedInstance.objects.filter(run=published_run).exists()
        for decision, damage in zip(decisions, ("none", "missing", "tampered"), strict=True):
            stored = PublishedInstance.objects.filter(run=published_run)
            if damage == "missing":
                stored.delete()
            elif damage == "tampered":
                PublishedInstance.objects.create(run=published_run, data=b"not an instance")
            application = Application.objects.select_related("user", "campaign").get(
                pk=decision.application_id
            )
            decline_place(application=application, actor=application.user)
            promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
            # From the stored instance, checked by the run's digests; without it (or broken), by recomputing.
            assert ("recompute" in promotion_round.timings) == (damage != "none")
            assert verifies(published_run)


class TestVerification:
    def test_an_altered_round_digest_or_decision_is_found(self, published_run, central_admin):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        assert verifies(published_run)

        PromotionRound.objects.filter(pk=promotion_round.pk).update(output_digest="0" * 64)
        assert not verifies(published_run)
        PromotionRound.objects.filter(pk=promotion_round.pk).update(
            output_digest=promotion_round.output_digest
        )
        assert verifies(published_run)
        # A promoted candidate's decision put back as it was before the round.
        promoted = Promotion.objects.filter(promotion_round=promotion_round).first()
        SelectionDecision.objects.filter(run=published_run, application_id=promoted.application_id).update(
            commune_id=promoted.previous_commune_id,
            outcome=Outcome.ADMITTED if promoted.previous_commune_id else Outcome.WAITLISTED,
        )
        assert not verifies(published_run)

    def test_an_altered_departure_from_a_list_is_found(self, published_run, central_admin):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        line = PromotionCommuneResult.objects.filter(promotion_round=promotion_round).exclude(departures=b"")[
            0
        ]
        departures = bytes(line.departures)
        PromotionCommuneResult.objects.filter(pk=line.pk).update(departures=departures[4:] + b"\x63\0\0\0")
        run = published_run
        run.refresh_from_db()
        with translation.override("en"):
            verification = verify_run(run=run)
        assert not verification.ok
        assert any("commune line differs" in str(line) for line in verification.lines)
        PromotionCommuneResult.objects.filter(pk=line.pk).update(departures=departures)
        assert verifies(published_run)

    def test_the_command_verifies_the_rounds(self, published_run, central_admin):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        out = io.StringIO()
        call_command("verify_selection", str(published_run.pk), stdout=out)
        assert "Promotion round 1, output digest" in out.getvalue()
        assert "verifies" in out.getvalue()


class TestCommand:
    def test_runs_a_round_then_says_there_is_nothing_new(self, published_run):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        out = io.StringIO()
        call_command("promote_waiting_lists", "--campaign", published_run.campaign.slug, stdout=out)
        assert "Round 1 of run" in out.getvalue()
        out = io.StringIO()
        call_command("promote_waiting_lists", "--campaign", published_run.campaign.slug, stdout=out)
        assert "no new round" in out.getvalue()
        assert PromotionRound.objects.count() == 1

    def test_refuses_an_unknown_campaign_or_bad_ids(self, published_run):
        with pytest.raises(CommandError):
            call_command("promote_waiting_lists", "--campaign", "nope", stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command(
                "promote_waiting_lists",
                "--campaign",
                published_run.campaign.slug,
                "--not-started",
                "1,x",
                stdout=io.StringIO(),
            )


def _promotion_url(slug: str) -> str:
    with translation.override("en"):
        return reverse("selection_staff:promotion", args=[slug])


@pytest.fixture
def coordinator(territory):
    from bawaba.accounts.models import Assignment, User
    from bawaba.accounts.tests.factories import UserFactory
    from bawaba.territory.models import Region

    user = UserFactory(email="coordinator@example.ma", kind=User.Kind.STAFF)
    region = Region.objects.order_by("pk").first()
    Assignment.objects.create(user=user, role=Assignment.Role.REGIONAL_COORDINATOR, region=region)
    return user


class TestStaffPage:
    def test_shows_the_places_released_and_runs_a_round_on_demand(self, admin_client, published_run):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        url = _promotion_url(published_run.campaign.slug)
        page = admin_client.get(url)
        assert page.status_code == 200
        assert "No promotion round yet." in page.content.decode()

        response = admin_client.post(url)

        assert response.status_code == 302
        assert response["Location"] == url
        promotion_round = PromotionRound.objects.get()
        assert AuditEvent.objects.filter(
            action="selection.promotion_round", target_id=str(promotion_round.pk)
        )
        page = admin_client.get(url).content.decode()
        assert promotion_round.input_digest[:12] in page
        # Again: nothing new, no round.
        admin_client.post(url)
        assert PromotionRound.objects.count() == 1

    def test_without_a_published_run_says_so(self, admin_client, computed_run):
        url = _promotion_url(computed_run.campaign.slug)
        assert "nothing to promote" in admin_client.get(url).content.decode()
        assert admin_client.post(url).status_code == 302
        assert not PromotionRound.objects.exists()

    @pytest.mark.parametrize("persona", ["coordinator", "supervisor", "candidate"])
    def test_others_signed_in_get_not_found(self, client, request, persona, published_run):
        decision = admitted_with_a_waiting_list(published_run)
        decline_place(application=decision.application, actor=decision.application.user)
        client.force_login(request.getfixturevalue(persona))
        url = _promotion_url(published_run.campaign.slug)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert not PromotionRound.objects.exists()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, published_run):
        url = _promotion_url(published_run.campaign.slug)
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302
            assert response["Location"].startswith("/en/accounts/login/?next=")
        assert not PromotionRound.objects.exists()

    def test_an_unknown_campaign_is_not_found(self, admin_client, db):
        assert admin_client.get(_promotion_url("nope")).status_code == 404


class TestShown:
    def test_her_explanation_and_the_public_report_show_the_promotion(
        self, client, published_run, central_admin
    ):
        from bawaba.selection.explanations import explanation_for

        decision = admitted_with_a_waiting_list(published_run)
        declined = decision.application
        decline_place(application=declined, actor=declined.user)
        promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
        promotion = Promotion.objects.filter(promotion_round=promotion_round).select_related(
            "application__user"
        )[0]

        explanation = explanation_for(promotion.application)
        assert explanation.is_admitted
        assert explanation.promotion.round_number == 1
        client.force_login(promotion.application.user)
        page = client.get("/en/me/").content.decode()
        assert "Promoted from a waiting list on" in page
        assert "in promotion round 1" in page

        explanation = explanation_for(declined)
        assert explanation.is_released
        assert explanation.release_reason == PlaceRelease.Reason.DECLINED
        client.force_login(declined.user)
        page = client.get("/en/me/").content.decode()
        assert "You are no longer in this selection" in page
        assert "Reason: Place declined." in page

        client.logout()
        with translation.override("en"):
            url = reverse("selection:report", args=[published_run.campaign.slug, published_run.stage])
        page = client.get(url).content.decode()
        assert "Communes changed by the promotion rounds" in page
        line = PromotionCommuneResult.objects.filter(promotion_round=promotion_round).select_related(
            "commune"
        )[0]
        assert line.commune.name_fr in page or line.commune.name_ar in page

    def test_the_report_has_no_promotion_section_before_a_round(self, client, published_run):
        with translation.override("en"):
            url = reverse("selection:report", args=[published_run.campaign.slug, published_run.stage])
        assert "Communes changed by the promotion rounds" not in client.get(url).content.decode()
