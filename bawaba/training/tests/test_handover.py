# ruff: noqa: F811 - the selection tests' fixtures are imported by name, and named again as arguments
"""The hand-over file (Moodle's upload users format), what finishing it changes, what an interrupted one does not,
its staff page and its command. Both database engines (the suite runs on both)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Mailing, MailingMessage
from bawaba.selection.models import SelectionDecision
from bawaba.selection.services.promotion import decline_place
from bawaba.territory.models import Region
from bawaba.training.models import MoodleExport, TrainingAccount, TrainingSettings
from bawaba.training.services import handover
from bawaba.training.tests.handover_helpers import (  # noqa: F401 - fixtures
    census,
    computed_run,
    export,
    issue_accounts,
    published_run,
    rows_of,
    whole,
)

Outcome = SelectionDecision.Outcome


def admitted(run) -> dict[int, SelectionDecision]:
    return {
        d.application_id: d
        for d in SelectionDecision.objects.filter(run=run, outcome=Outcome.ADMITTED).select_related(
            "commune__province", "commune__region", "application__user"
        )
    }


@pytest.fixture
def accounts(published_run):
    return issue_accounts(published_run)


def test_the_file_is_moodles_upload_users_format_field_by_field(published_run, accounts):
    campaign = published_run.campaign
    # One candidate without Latin names: the file falls back on her Arabic ones (UTF-8 throughout).
    arabic_only = accounts[0].application
    arabic_only.first_name_latin = arabic_only.last_name_latin = ""
    arabic_only.first_name_ar, arabic_only.last_name_ar = "فاطمة الزهراء", "بنعلي"
    arabic_only.save(update_fields=["first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar"])
    TrainingSettings.objects.update_or_create(campaign=campaign, defaults={"cohort": "rgph2024-formation"})
    issued = {account.username: account.temporary_password for account in accounts}

    content = export(campaign)

    assert content.startswith(b"username,password,")  # no byte-order mark before Moodle's first field name
    header, rows = rows_of(content)
    assert header == [
        "username", "password", "firstname", "lastname", "email", "auth", "lang", "cohort1",
        "profile_field_region", "profile_field_province", "profile_field_commune",
    ]  # fmt: skip
    decisions = admitted(published_run)
    assert len(rows) == len(decisions) == len(accounts) > 0
    by_username = {row["username"]: row for row in rows}
    assert len(by_username) == len(rows)
    for account in accounts:
        row = by_username[account.username]
        decision = decisions[account.application_id]
        application = decision.application
        assert row["password"] == issued[account.username]
        assert row["email"] == application.user.email
        assert row["firstname"] == (application.first_name_latin or application.first_name_ar)
        assert row["lastname"] == (application.last_name_latin or application.last_name_ar)
        assert row["auth"] == "manual"
        assert row["lang"] == application.user.preferred_language
        assert row["cohort1"] == "rgph2024-formation"
        assert row["profile_field_region"] == decision.commune.region.name_fr
        assert row["profile_field_province"] == decision.commune.province.name_fr
        assert row["profile_field_commune"] == decision.commune.name_fr
    assert by_username[accounts[0].username]["firstname"] == "فاطمة الزهراء"
    assert {row["lang"] for row in rows} <= {"ar", "fr", "en"}


def test_only_the_candidates_still_admitted_are_in_it(published_run, accounts):
    campaign = published_run.campaign
    declined = accounts[1].application
    decline_place(application=declined, actor=declined.user)
    others = SelectionDecision.objects.filter(run=published_run).exclude(outcome=Outcome.ADMITTED)
    assert others.filter(outcome=Outcome.WAITLISTED).exists()

    _, rows = rows_of(export(campaign))

    usernames = {row["username"] for row in rows}
    assert accounts[1].username not in usernames
    assert usernames.isdisjoint(others.values_list("application__user__email", flat=True))
    assert len(rows) == len(accounts) - 1
    # Without a TrainingSettings row the cohort is the campaign's short name.
    assert {row["cohort1"] for row in rows} == {campaign.slug}


def test_a_region_holds_the_candidates_admitted_in_its_communes_only(published_run, accounts):
    decisions = admitted(published_run)
    region = decisions[accounts[0].application_id].commune.region
    expected = {a.username for a in accounts if decisions[a.application_id].commune.region_id == region.pk}
    assert 0 < len(expected) < len(accounts)

    _, rows = rows_of(export(published_run.campaign, region=region))

    assert {row["username"] for row in rows} == expected
    assert {row["profile_field_region"] for row in rows} == {region.name_fr}


def test_finishing_the_file_hands_its_accounts_over_and_releases_only_complete_invitations(
    published_run, accounts, central_admin
):
    decisions = admitted(published_run)
    region = decisions[accounts[0].application_id].commune.region
    in_region = [a for a in accounts if decisions[a.application_id].commune.region_id == region.pk]
    elsewhere = [a for a in accounts if decisions[a.application_id].commune.region_id != region.pk]

    moodle_file = handover.start_export(campaign=published_run.campaign, region=region, actor=central_admin)
    whole(moodle_file)

    exported = moodle_file.export
    exported.refresh_from_db()
    assert exported.finished_at is not None
    assert (exported.row_count, exported.renewed_count) == (len(in_region), 0)
    for account in in_region:
        account.refresh_from_db()
        assert (account.temporary_password, account.export_id) == ("", exported.pk)
        assert account.exported_at == exported.finished_at
    assert not TrainingAccount.objects.filter(
        pk__in=[a.pk for a in elsewhere], exported_at__isnull=False
    ).exists()
    assert Mailing.objects.get(pk=in_region[0].invitation_mailing_id).status == Mailing.Status.QUEUED
    assert Mailing.objects.get(pk=elsewhere[0].invitation_mailing_id).status == Mailing.Status.DRAFT
    event = AuditEvent.objects.get(action="training.moodle_exported", target_id=str(exported.pk))
    assert event.actor == central_admin
    assert event.data["rows"] == len(in_region)
    assert event.data["region"] == region.code
    assert event.data["renewed"] == 0
    assert event.data["released_invitations"] == [in_region[0].invitation_mailing_id]


def test_a_held_invitation_is_released_even_if_one_of_its_candidates_declined_before(published_run, accounts):
    declined = accounts[0]
    decline_place(application=declined.application, actor=declined.application.user)
    export(published_run.campaign)
    assert Mailing.objects.get(pk=declined.invitation_mailing_id).status == Mailing.Status.QUEUED
    declined.refresh_from_db()
    assert declined.exported_at is None
    # Her credentials will never work: her invitation is not sent, and her password left the database.
    assert declined.temporary_password == ""
    message = MailingMessage.objects.get(
        mailing_id=declined.invitation_mailing_id, recipient_key=f"a{declined.application_id}"
    )
    assert message.status == MailingMessage.Status.CANCELLED and message.context == {}
    others = MailingMessage.objects.filter(mailing_id=declined.invitation_mailing_id).exclude(pk=message.pk)
    assert others.exists() and not others.exclude(status=MailingMessage.Status.PENDING).exists()


def test_a_second_export_has_nobody_left_unless_it_includes_those_handed_over_with_new_passwords(
    published_run, accounts, central_admin
):
    campaign = published_run.campaign
    _, first = rows_of(export(campaign))
    _, again = rows_of(export(campaign))
    assert first and again == []

    moodle_file = handover.start_export(campaign=campaign, include_exported=True, actor=central_admin)
    _, renewed = rows_of(whole(moodle_file))

    old = {row["username"]: row["password"] for row in first}
    new = {row["username"]: row["password"] for row in renewed}
    assert new.keys() == old.keys()
    assert all(new[name] != old[name] and len(new[name]) == 14 for name in new)
    done = moodle_file.export
    done.refresh_from_db()
    assert (done.row_count, done.renewed_count) == (len(new), len(new))
    assert not TrainingAccount.objects.exclude(temporary_password="").exists()
    assert set(TrainingAccount.objects.values_list("export_id", flat=True)) == {done.pk}
    notice = Mailing.objects.get(
        pk=AuditEvent.objects.get(action="training.moodle_exported", target_id=str(done.pk)).data[
            "renewal_mailing"
        ]
    )
    assert notice.status == Mailing.Status.QUEUED
    assert notice.context["notice"] == "renewed"
    sent = {m.to_email: m.context for m in notice.messages.all()}
    assert len(sent) == len(new)
    for account in accounts:
        email = account.application.user.email
        assert sent[email]["password"] == new[account.username]
        assert sent[email]["username"] == account.username


def test_an_interrupted_file_changes_nothing(published_run, accounts, central_admin, monkeypatch):
    monkeypatch.setattr(handover, "PAGE_SIZE", 50)
    mailings = dict(Mailing.objects.values_list("pk", "status"))
    before = list(
        TrainingAccount.objects.order_by("pk").values_list("temporary_password", "exported_at", "export_id")
    )
    moodle_file = handover.start_export(campaign=published_run.campaign, actor=central_admin)
    chunks = moodle_file.chunks()
    assert next(chunks).startswith("username,")
    next(chunks)
    chunks.close()  # the client went away

    assert (
        list(
            TrainingAccount.objects.order_by("pk").values_list(
                "temporary_password", "exported_at", "export_id"
            )
        )
        == before
    )
    moodle_file.export.refresh_from_db()
    assert moodle_file.export.finished_at is None
    assert AuditEvent.objects.filter(
        action="training.moodle_export_started", target_id=str(moodle_file.export.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action="training.moodle_exported").exists()
    assert dict(Mailing.objects.values_list("pk", "status")) == mailings


def test_two_files_of_the_same_accounts_never_both_hand_them_over(published_run, accounts):
    campaign = published_run.campaign
    first = handover.start_export(campaign=campaign)
    second = handover.start_export(campaign=campaign)
    first_chunks = first.chunks()
    next(first_chunks)
    next(first_chunks)  # read, not finished
    whole(second)
    with pytest.raises(handover.ExportConflict):
        list(first_chunks)
    first.export.refresh_from_db()
    assert first.export.finished_at is None
    assert AuditEvent.objects.filter(
        action="training.moodle_export_refused", target_id=str(first.export.pk)
    ).exists()
    assert set(TrainingAccount.objects.values_list("export_id", flat=True)) == {second.export.pk}


# --- The staff page --------------------------------------------------------------------------------------------


def _url(run, name="handover"):
    return reverse(f"training_staff:{name}", args=[run.campaign.slug])


def test_the_page_shows_who_waits_per_region_and_the_past_exports(admin_client, published_run, accounts):
    response = admin_client.get(_url(published_run))
    assert response.status_code == 200
    assert response.context["waiting_total"] == len(accounts)
    export(published_run.campaign)
    response = admin_client.get(_url(published_run))
    assert (response.context["waiting_total"], response.context["handed_over_total"]) == (0, len(accounts))
    assert list(response.context["page"].object_list) == list(MoodleExport.objects.all())


def test_the_download_streams_the_file_and_hands_it_over(admin_client, published_run, accounts):
    region = Region.objects.get(pk=admitted(published_run)[accounts[0].application_id].commune.region_id)
    response = admin_client.post(_url(published_run, "handover_download"), {"region": region.code})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert f"-{region.code}-" in response["Content-Disposition"]
    _, rows = rows_of(b"".join(response.streaming_content))
    assert rows and {row["profile_field_region"] for row in rows} == {region.name_fr}
    assert MoodleExport.objects.get().finished_at is not None


@pytest.mark.parametrize("region", ["99", "\x00", "x" * 5000, str(2**63)])
def test_bad_parameters_are_refused_with_a_message(admin_client, published_run, accounts, region):
    response = admin_client.post(_url(published_run, "handover_download"), {"region": region})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MoodleExport.objects.exists()


def test_the_download_is_a_post(admin_client, published_run):
    assert admin_client.get(_url(published_run, "handover_download")).status_code == 405


def test_a_campaign_without_a_published_preselection_has_no_page(admin_client, census):
    assert admin_client.get(reverse("training_staff:handover", args=[census.slug])).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "coordinator", "candidate"])
def test_others_than_central_administrators_get_not_found(client, published_run, accounts, who):
    if who == "coordinator":
        user = UserFactory(email="coordinator@example.ma", kind=User.Kind.STAFF)
        Assignment.objects.create(
            user=user,
            role=Assignment.Role.REGIONAL_COORDINATOR,
            region=Region.objects.order_by("code").first(),
        )
    elif who == "supervisor":
        user = UserFactory(email="supervisor@example.ma", kind=User.Kind.STAFF)
        Assignment.objects.create(user=user, role=Assignment.Role.PROVINCIAL_SUPERVISOR)
    else:
        user = accounts[0].application.user
    client.force_login(user)
    assert client.get(_url(published_run)).status_code == 404
    assert client.post(_url(published_run, "handover_download"), {"region": ""}).status_code == 404
    assert not MoodleExport.objects.exists()


# --- The command -----------------------------------------------------------------------------------------------


def test_the_command_writes_the_file_once_with_unless_exported(published_run, accounts, tmp_path):
    slug = published_run.campaign.slug
    path = tmp_path / "moodle.csv"
    out = io.StringIO()
    call_command("export_moodle", "--campaign", slug, "--output", str(path), "--unless-exported", stdout=out)
    _, rows = rows_of(path.read_bytes())
    assert len(rows) == len(accounts)
    assert not (tmp_path / "moodle.csv.part").exists()
    call_command("export_moodle", "--campaign", slug, "--output", str(path), "--unless-exported", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert MoodleExport.objects.count() == 1
    call_command("export_moodle", "--campaign", slug, "--output", str(path), "--include-exported", stdout=out)
    assert MoodleExport.objects.filter(finished_at__isnull=False, renewed_count=len(accounts)).count() == 1


@pytest.mark.parametrize(
    "arguments", [["--campaign", "nope"], ["--region", "99"]], ids=["unknown campaign", "unknown region"]
)
def test_the_command_refuses_unknown_names(published_run, tmp_path, arguments):
    base = {"--campaign": published_run.campaign.slug, "--output": str(tmp_path / "f.csv")}
    base.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    with pytest.raises(CommandError):
        call_command("export_moodle", *[item for pair in base.items() for item in pair])
    assert not (tmp_path / "f.csv").exists()
