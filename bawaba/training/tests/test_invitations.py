"""The decision notices of a published preselection and the invitations of a promotion round: what is written,
for whom, with which values, in the publication's (the round's) own transaction."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import formats, timezone, translation

from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.selection.models import (
    Promotion,
    SelectionCommuneResult,
    SelectionDecision,
)
from bawaba.selection.services.promotion import decline_place, run_promotion_round
from bawaba.territory.models import Commune
from bawaba.training.models import NoticeKind, TrainingAccount
from bawaba.training.services.invitations import notify_publication

pytestmark = pytest.mark.django_db

Outcome = SelectionDecision.Outcome


def notice_mailings(kind: str) -> list[Mailing]:
    return [m for m in Mailing.objects.order_by("pk") if m.context.get("notice") == kind]


def messages_by_application(kind: str) -> dict[int, MailingMessage]:
    return {
        int(message.recipient_key[1:]): message
        for mailing in notice_mailings(kind)
        for message in mailing.messages.all()
    }


def outcomes(run) -> dict[int, str]:
    return dict(SelectionDecision.objects.filter(run=run).values_list("application_id", "outcome"))


def test_admitted_get_an_account_and_a_held_invitation_per_region(published_run):
    decisions = SelectionDecision.objects.filter(run=published_run, outcome=Outcome.ADMITTED).select_related(
        "application__user", "commune"
    )
    admitted = {d.application_id: d for d in decisions}
    assert admitted
    mailings = notice_mailings(NoticeKind.PRESELECTED)
    regions = {d.commune.region_id for d in admitted.values()}
    assert len(mailings) == len(regions)
    assert all(m.status == Mailing.Status.DRAFT for m in mailings)
    assert sum(m.message_count for m in mailings) == len(admitted)

    accounts = {a.application_id: a for a in TrainingAccount.objects.all()}
    assert set(accounts) == set(admitted)
    messages = messages_by_application(NoticeKind.PRESELECTED)
    for application_id, decision in admitted.items():
        account, message = accounts[application_id], messages[application_id]
        user = decision.application.user
        assert account.username == user.email == message.to_email
        assert account.campaign_id == published_run.campaign_id
        assert len(account.temporary_password) == 14
        assert message.context["password"] == account.temporary_password
        assert message.context["username"] == user.email
        assert account.invitation_mailing_id == message.mailing_id
        # One region a mailing: hers.
        assert (
            decision.commune.region.name_fr in message.mailing.label
            or decision.commune.region.name_ar in (message.mailing.label)
        )
        with translation.override(message.language):
            assert message.context["commune"] == decision.commune.name
        assert message.context["platform_url"] == "https://formation-recensement.hcp.ma/"
    assert len({a.temporary_password for a in accounts.values()}) == len(accounts)


def test_waitlisted_are_told_their_place_on_each_list(published_run):
    messages = messages_by_application(NoticeKind.WAITLISTED)
    [mailing] = notice_mailings(NoticeKind.WAITLISTED)
    assert mailing.status == Mailing.Status.QUEUED
    lengths = dict(
        SelectionCommuneResult.objects.filter(run=published_run).values_list("commune_id", "waitlist_length")
    )
    communes = {c.pk: c for c in Commune.objects.all()}
    waitlisted = SelectionDecision.objects.filter(run=published_run, outcome=Outcome.WAITLISTED)
    checked = 0
    for decision in waitlisted:
        message = messages[decision.application_id]
        expected_lines = [
            (commune_id, place, lengths[commune_id])
            for commune_id, place in zip(decision.communes, decision.waitlist_places, strict=True)
            if place
        ]
        lines = message.context["waiting_lists"].split("\n")
        assert len(lines) == len(expected_lines)
        for line, (commune_id, place, length) in zip(lines, expected_lines, strict=True):
            with translation.override(message.language):
                assert communes[commune_id].name in line
            assert f" {place} " in line and line.endswith(f" {length}")
        checked += 1
    assert checked and checked == len(messages)
    assert "password" not in next(iter(messages.values())).context


def test_the_others_get_a_link_to_their_explanation(published_run):
    messages = messages_by_application(NoticeKind.NOT_SELECTED)
    ineligible = [pk for pk, outcome in outcomes(published_run).items() if outcome == Outcome.INELIGIBLE]
    assert ineligible and set(messages) == set(ineligible)
    message = messages[ineligible[0]]
    prefix = {"ar": "/ar/me/", "fr": "/fr/me/", "en": "/en/me/"}[message.language]
    assert message.context["explanation_url"] == (
        f"http://localhost:8000{prefix}#explanation-{ineligible[0]}-title"
    )
    # Everyone told once, in one of the three notices.
    told = Counter()
    for kind in (NoticeKind.PRESELECTED, NoticeKind.WAITLISTED, NoticeKind.NOT_SELECTED):
        told.update(list(messages_by_application(kind)))
    assert set(told) == set(outcomes(published_run)) and set(told.values()) == {1}
    assert AuditEvent.objects.filter(
        action="training.decision_notices", target_id=str(published_run.pk)
    ).exists()


def test_names_in_the_script_of_her_language(published_run):
    messages = messages_by_application(NoticeKind.PRESELECTED)
    from bawaba.campaigns.models import Application

    for application in Application.objects.filter(pk__in=list(messages)[:30]):
        message = messages[application.pk]
        if message.language == "ar":
            assert message.context["first_name"] == (
                application.first_name_ar or application.first_name_latin
            )
        else:
            assert message.context["first_name"] == (
                application.first_name_latin or application.first_name_ar
            )


def test_only_a_preselection_sends_notices(published_run):
    before = Mailing.objects.count(), TrainingAccount.objects.count()
    published_run.stage = "final"  # the final selection, to come with the interviews
    notify_publication(run=published_run, actor=None)
    assert (Mailing.objects.count(), TrainingAccount.objects.count()) == before


def test_a_promotion_round_invites_the_promoted_in_a_held_mailing(published_run, central_admin):
    from bawaba.selection.tests.test_promotion_rounds import admitted_with_a_waiting_list

    decision = admitted_with_a_waiting_list(published_run)
    decline_place(application=decision.application, actor=decision.application.user)
    promotion_round = run_promotion_round(campaign=published_run.campaign, actor=central_admin)
    from_waiting = list(
        Promotion.objects.filter(
            promotion_round=promotion_round, previous_commune__isnull=True
        ).select_related("commune")
    )
    assert from_waiting
    [mailing] = notice_mailings(NoticeKind.PROMOTED)
    assert mailing.status == Mailing.Status.DRAFT
    messages = {int(m.recipient_key[1:]): m for m in mailing.messages.all()}
    assert set(messages) == {p.application_id for p in from_waiting}
    for promotion in from_waiting:
        account = TrainingAccount.objects.get(application_id=promotion.application_id)
        message = messages[promotion.application_id]
        assert account.invitation_mailing == mailing
        assert message.context["password"] == account.temporary_password
        with translation.override(message.language):
            assert message.context["commune"] == promotion.commune.name
    assert AuditEvent.objects.filter(action="training.promotion_invitations").exists()


def test_a_long_campaign_title_does_not_fail_the_publication(computed_run, central_admin):
    from bawaba.selection.services import publish_run

    campaign = computed_run.campaign
    campaign.title_ar = "ح" * 200
    campaign.title_fr = campaign.title_en = "T" * 200
    campaign.save(update_fields=["title_ar", "title_fr", "title_en"])
    publish_run(run=computed_run, actor=central_admin)
    labels = [m.label for m in notice_mailings(NoticeKind.PRESELECTED)]
    assert labels and all(len(label) == 200 for label in labels)


def test_a_promoted_invitation_gives_the_deadline_her_dashboard_shows(published_run, central_admin):
    # Everyone's deadline is tomorrow: a candidate promoted today gets a week from her round instead.
    from bawaba.selection.tests.test_promotion_rounds import admitted_with_a_waiting_list
    from bawaba.training.models import TrainingSettings
    from bawaba.training.places import PROMOTED_REPLY_TIME

    campaign = published_run.campaign
    TrainingSettings.objects.update_or_create(
        campaign=campaign, defaults={"reply_deadline": timezone.now() + dt.timedelta(days=1)}
    )
    decision = admitted_with_a_waiting_list(published_run)
    decline_place(application=decision.application, actor=decision.application.user)
    promotion_round = run_promotion_round(campaign=campaign, actor=central_admin)
    [mailing] = notice_mailings(NoticeKind.PROMOTED)
    message = mailing.messages.filter(language="fr").first() or mailing.messages.first()
    expected = timezone.localtime(promotion_round.created_at + PROMOTED_REPLY_TIME)
    with translation.override(message.language):
        assert message.context["reply_deadline"] == formats.date_format(expected, "DATETIME_FORMAT")
