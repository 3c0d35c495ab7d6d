# ruff: noqa: F811 - the shared fixtures are imported by name, and named again as arguments
"""The invitation to upload: whom each stage invites, the dossiers and the one mailing it writes, in her language,
never twice; and the central administrator's page for it."""

import pytest

from bawaba.accounts.tests.helpers import translated
from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.core.languages import supported_language
from bawaba.core.models import AuditEvent
from bawaba.documents.contributions import DOCUMENTS_INVITATION
from bawaba.documents.models import Dossier, InvitationRequest
from bawaba.documents.services.invitations import (
    Stage,
    carry_out_request,
    invite,
    invitees,
    pending_request,
    request_invitation,
)
from bawaba.documents.services.requirements import start_from_census_list
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.notifications.sender import render_message
from bawaba.selection.models import SelectionDecision
from bawaba.selection.services.promotion import decline_place
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures

Outcome = SelectionDecision.Outcome


def invitation_messages() -> dict[int, MailingMessage]:
    return {
        int(message.recipient_key[1:]): message
        for message in MailingMessage.objects.filter(mailing__kind=DOCUMENTS_INVITATION.key).select_related(
            "mailing"
        )
    }


def holding(run) -> dict[int, int]:
    return dict(
        SelectionDecision.objects.filter(run=run, outcome=Outcome.ADMITTED).values_list(
            "application_id", "commune_id"
        )
    )


def test_the_preselected_who_hold_their_place_are_invited_once_each_in_their_language(
    published_run, central_admin
):
    admitted = holding(published_run)
    leaving = Application.objects.get(pk=min(admitted))
    decline_place(application=leaving, actor=leaving.user)
    admitted.pop(leaving.pk)

    result = invite(campaign=published_run.campaign, stage=Stage.PRESELECTED, actor=central_admin)

    assert result.invited == len(admitted) > 0 and result.already_invited == 0
    dossiers = {d.application_id: d for d in Dossier.objects.select_related("commune", "application__user")}
    assert set(dossiers) == set(admitted)
    for pk, dossier in dossiers.items():
        assert dossier.status == Dossier.Status.AWAITED and dossier.version == 0
        assert dossier.commune_id == admitted[pk]  # the commune of her place
        assert dossier.province_id == dossier.commune.province_id
        assert dossier.region_id == dossier.commune.region_id
        assert dossier.category == dossier.application.category
        assert dossier.campaign_id == published_run.campaign_id
    messages = invitation_messages()
    assert set(messages) == set(admitted)
    assert result.mailing.message_count == len(admitted)
    assert result.mailing.status == Mailing.Status.QUEUED
    for pk, message in messages.items():
        user = dossiers[pk].application.user
        assert message.to_email == user.email
        assert message.language == supported_language(user.preferred_language)
        assert message.context["upload_url"].endswith(f"/{message.language}/documents/{pk}/")
    assert AuditEvent.objects.filter(action="documents.invited", data__invited=len(admitted)).count() == 1

    again = invite(campaign=published_run.campaign, stage=Stage.PRESELECTED, actor=central_admin)
    assert again.invited == 0 and again.already_invited == len(admitted) and again.mailing is None
    assert Dossier.objects.count() == len(admitted)
    assert Mailing.objects.filter(kind=DOCUMENTS_INVITATION.key).count() == 1


def test_every_submitted_application_is_invited_after_the_preselected_without_inviting_them_twice(
    published_run, central_admin
):
    campaign = published_run.campaign
    admitted = holding(published_run)
    invite(campaign=campaign, stage=Stage.PRESELECTED, actor=central_admin)
    submitted = set(
        Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED).values_list(
            "pk", flat=True
        )
    )
    preview = invitees(campaign, Stage.SUBMITTED)
    assert len(preview.rows) == len(submitted - set(admitted)) and preview.already_invited == len(admitted)

    result = invite(campaign=campaign, stage=Stage.SUBMITTED, actor=central_admin)

    assert result.invited == len(submitted) - len(admitted)
    assert result.already_invited == len(admitted)
    assert set(Dossier.objects.values_list("application_id", flat=True)) == submitted
    first_choices = dict(
        ApplicationChoice.objects.filter(application__campaign=campaign, rank=1).values_list(
            "application_id", "commune_id"
        )
    )
    for pk, commune in Dossier.objects.values_list("application_id", "commune_id"):
        assert commune == admitted.get(pk, first_choices.get(pk))
    assert len(invitation_messages()) == len(submitted)  # one message each, over the two mailings


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_invitation_reads_in_her_language_with_her_name_and_her_links(
    published_run, central_admin, language
):
    pk = min(holding(published_run))
    application = Application.objects.select_related("user").get(pk=pk)
    application.user.preferred_language = language
    application.user.save()
    invite(campaign=published_run.campaign, stage=Stage.PRESELECTED, actor=central_admin)
    message = invitation_messages()[pk]
    rendered = render_message(message.mailing, message)
    name = application.first_name_ar if language == "ar" else application.first_name_latin
    assert name in rendered.text and name in rendered.html
    assert f"/{language}/documents/{pk}/" in rendered.text
    assert f"/{language}/documents/guide/" in rendered.html
    assert f'lang="{language}"' in rendered.html
    assert "{{" not in rendered.text


def test_the_page_counts_then_invites_on_confirmation(
    client, published_run, central_admin, django_capture_on_commit_callbacks
):
    campaign = published_run.campaign
    start_from_census_list(campaign=campaign, actor=central_admin)
    client.force_login(central_admin)
    url = f"/fr/staff/documents/{campaign.slug}/invitations/"
    count = len(holding(published_run))
    page = client.get(url, {"stage": Stage.PRESELECTED})
    assert page.status_code == 200
    html = page.content.decode()
    assert f">{count} " in html and 'name="confirm" value="yes"' in html
    assert not Dossier.objects.exists()  # counting writes nothing
    # Confirmed, the invitation goes to a worker (tasks run at once in tests) and its result is on the page.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"stage": Stage.PRESELECTED, "confirm": "yes"})
    assert response.status_code == 302
    assert Dossier.objects.count() == count
    request = InvitationRequest.objects.get()
    assert (request.invited, request.already_invited, request.requested_by) == (count, 0, central_admin)
    assert not request.is_pending
    page = client.get(url).content.decode()
    mailing = Mailing.objects.get(kind=DOCUMENTS_INVITATION.key)
    assert request.mailing == mailing and f"/fr/staff/mailings/{mailing.pk}/" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"stage": Stage.PRESELECTED, "confirm": "yes"})
    assert Dossier.objects.count() == count
    assert Mailing.objects.filter(kind=DOCUMENTS_INVITATION.key).count() == 1
    assert InvitationRequest.objects.order_by("pk").last().already_invited == count


def test_an_invitation_waits_for_its_worker_once_and_a_second_delivery_does_nothing(
    client, published_run, central_admin, django_capture_on_commit_callbacks
):
    campaign = published_run.campaign
    start_from_census_list(campaign=campaign, actor=central_admin)
    with django_capture_on_commit_callbacks() as queued:  # not run: the worker has not taken it yet
        request, made = request_invitation(campaign=campaign, stage=Stage.PRESELECTED, actor=central_admin)
    assert made and len(queued) == 1 and not Dossier.objects.exists()
    assert pending_request(campaign) == request
    client.force_login(central_admin)
    page = client.get(f"/fr/staff/documents/{campaign.slug}/invitations/").content.decode()
    assert translated("Under way") in page and translated("Reload this page") in page
    with django_capture_on_commit_callbacks() as again:
        assert request_invitation(campaign=campaign, stage=Stage.SUBMITTED, actor=central_admin) == (
            request,
            False,
        )
    assert again == []
    carry_out_request(request.pk)
    carry_out_request(request.pk)  # a second delivery of the task
    request.refresh_from_db()
    assert request.invited == Dossier.objects.count() == len(holding(published_run))
    assert Mailing.objects.filter(kind=DOCUMENTS_INVITATION.key).count() == 1
    assert pending_request(campaign) is None
    assert AuditEvent.objects.filter(action="documents.invitation_requested").count() == 1


def test_a_lost_request_does_not_block_a_new_one(
    published_run, central_admin, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    campaign = published_run.campaign
    with django_capture_on_commit_callbacks():
        lost, _made = request_invitation(campaign=campaign, stage=Stage.PRESELECTED, actor=central_admin)
    InvitationRequest.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    assert pending_request(campaign) is None
    with django_capture_on_commit_callbacks():
        fresh, made = request_invitation(campaign=campaign, stage=Stage.PRESELECTED, actor=central_admin)
    assert made and fresh != lost


def test_the_page_refuses_bad_input_and_anyone_but_a_central_administrator(
    client, published_run, central_admin, supervisor
):
    campaign = published_run.campaign
    url = f"/fr/staff/documents/{campaign.slug}/invitations/"
    client.force_login(central_admin)
    assert client.get(url, {"stage": "everyone\x00"}).status_code == 400
    assert client.post(url, {"stage": "9" * 40, "confirm": "yes"}).status_code == 400
    assert (
        client.post(url, {"stage": Stage.PRESELECTED, "confirm": "yes"}).status_code == 302
    )  # no requirement
    assert not Dossier.objects.exists()
    client.force_login(supervisor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"stage": Stage.PRESELECTED, "confirm": "yes"}).status_code == 404
    candidate = Application.objects.filter(campaign=campaign).select_related("user").first().user
    client.force_login(candidate)
    assert client.get(url).status_code == 404
    assert not Dossier.objects.exists()
