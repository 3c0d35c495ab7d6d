"""The central administrator's notice texts: the list, the edit form's checks, the preview in each language, the
reset; who may not see them; and which texts a mailing carries."""

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Mailing
from bawaba.notifications.sender import render_message
from bawaba.territory.models import Region
from bawaba.training.models import NoticeKind, NoticeText
from bawaba.training.notices import NoticeRecipient, create_notice_mailing
from bawaba.training.staff.notices.preview import SAMPLE_PASSWORD

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Invitation : {campaign}",
    "body": "Bonjour {first_name},\n\nPlateforme : {platform_url}\nIdentifiant : {username}\nMot de passe : {password}",
}


def edit_url(run, kind=NoticeKind.PRESELECTED, language="fr", *, page="en") -> str:
    """The edit page of `kind` in `language`, the page itself in `page`."""
    with translation.override(page):
        return reverse("training_staff:notice_edit", args=[run.campaign.slug, kind, language])


def list_url(run) -> str:
    with translation.override("en"):
        return reverse("training_staff:notices", args=[run.campaign.slug])


@pytest.fixture
def coordinator(territory):
    user = UserFactory(email="coordinator@example.ma", kind=User.Kind.STAFF)
    Assignment.objects.create(
        user=user, role=Assignment.Role.REGIONAL_COORDINATOR, region=Region.objects.first()
    )
    return user


class TestWhoMay:
    def test_the_central_administrator_sees_every_notice_and_language(self, published_run, admin_client):
        page = admin_client.get(list_url(published_run))
        assert page.status_code == 200
        for kind in NoticeKind.values:
            for language in ("ar", "fr", "en"):
                assert edit_url(published_run, kind, language) in page.text
        campaigns = admin_client.get(reverse("training_staff:campaigns"))
        assert list_url(published_run) in campaigns.text

    def test_others_get_404(self, published_run, client, supervisor, coordinator, alice):
        for user in (supervisor, coordinator, alice):
            client.force_login(user)
            assert client.get(list_url(published_run)).status_code == 404
            assert client.get(edit_url(published_run)).status_code == 404
            assert client.post(edit_url(published_run), {**VALID, "action": "save"}).status_code == 404
            assert client.post(edit_url(published_run), {"action": "reset"}).status_code == 404
        assert not NoticeText.objects.exists()
        client.force_login(supervisor)
        if client.get(reverse("training_staff:campaigns")).status_code == 200:
            assert list_url(published_run) not in client.get(reverse("training_staff:campaigns")).text

    def test_an_unknown_notice_language_or_campaign_is_404(self, published_run, admin_client):
        assert admin_client.get(edit_url(published_run, "nothing", "fr")).status_code == 404
        assert admin_client.get(edit_url(published_run, NoticeKind.REMINDER, "de")).status_code == 404
        assert (
            admin_client.get(reverse("training_staff:notices", args=["no-such-campaign"])).status_code == 404
        )


class TestEditing:
    def test_a_saved_text_is_the_campaign_s_own_and_audited(self, published_run, admin_client, central_admin):
        response = admin_client.post(edit_url(published_run), {**VALID, "action": "save"})
        assert response.status_code == 302
        text = NoticeText.objects.get()
        assert (text.kind, text.language, text.subject) == (NoticeKind.PRESELECTED, "fr", VALID["subject"])
        assert text.body.replace("\r\n", "\n") == VALID["body"]
        assert text.updated_by == central_admin
        event = AuditEvent.objects.get(action="training.notice_text_saved")
        assert event.actor == central_admin and event.data["language"] == "fr"
        page = admin_client.get(list_url(published_run))
        assert page.text.count("tag--green") == 1  # one (notice, language) has the campaign's own text

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"body": VALID["body"] + " {secret}"}, "{secret}"),
            ({"subject": "Hello {first_name.__class__}"}, "{first_name.__class__}"),
            ({"body": VALID["body"] + " {password:>30}"}, "{password:&gt;30}"),
            ({"body": "Bonjour {first_name}, {platform_url}"}, "{username}, {password}"),
            ({"body": VALID["body"] + " {unclosed"}, "brace"),
            ({"body": VALID["body"] + "\x00"}, "Null characters are not allowed"),
            ({"body": VALID["body"] + "x" * 10_001}, "at most 10000 characters"),
            ({"subject": "x" * 201}, "at most 200 characters"),
            ({"subject": "two\nlines"}, "one line"),
            ({"subject": ""}, "This field is required"),
        ],
    )
    def test_a_faulty_text_is_refused_with_what_to_correct(
        self, published_run, client, central_admin, changes, message
    ):
        client.force_login(central_admin)
        response = client.post(
            edit_url(published_run),
            {**VALID, **changes, "action": "save"},
        )
        assert response.status_code == 200
        assert message in response.text
        assert "error-summary" in response.text
        assert not NoticeText.objects.exists()
        assert not AuditEvent.objects.filter(action="training.notice_text_saved").exists()

    def test_the_messages_are_in_her_language(self, published_run, admin_client):
        for page, expected in (("fr", "Cette notification n’a pas de champ {secret}"), ("ar", "{secret}")):
            response = admin_client.post(
                edit_url(published_run, page=page),
                {**VALID, "body": VALID["body"] + "{secret}", "action": "save"},
            )
            assert expected in response.text
        assert "لا يتضمن هذا الإشعار" in response.text

    def test_the_preview_shows_each_language_with_sample_values_and_saves_nothing(
        self, published_run, admin_client
    ):
        response = admin_client.post(
            edit_url(published_run), {**VALID, "body": VALID["body"] + "\nAPERÇU", "action": "preview"}
        )
        assert response.status_code == 200
        assert not NoticeText.objects.exists()
        html = response.text
        for language, direction in (("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")):
            assert f'<div lang="{language}" dir="{direction}">' in html
        french = html.split('<div lang="fr" dir="ltr">')[1].split("</section>")[0]
        assert "APERÇU" in french and SAMPLE_PASSWORD in french and "Fatima" in french
        assert "{password}" not in french
        arabic = html.split('<div lang="ar" dir="rtl">')[1].split("</section>")[0]
        assert "فاطمة" in arabic and "APERÇU" not in arabic

    def test_reset_goes_back_to_the_default_text(self, published_run, admin_client, central_admin):
        admin_client.post(edit_url(published_run), {**VALID, "action": "save"})
        response = admin_client.post(edit_url(published_run), {"action": "reset"})
        assert response.status_code == 302
        assert not NoticeText.objects.exists()
        assert AuditEvent.objects.filter(action="training.notice_text_reset", actor=central_admin).exists()


class TestMailingsKeepTheirTexts:
    def test_the_next_mailing_uses_the_edited_text_and_one_under_way_keeps_its_own(
        self, published_run, admin_client
    ):
        campaign = published_run.campaign
        recipient = NoticeRecipient(
            key="a1",
            email="fatima@example.ma",
            language="fr",
            user_id=None,
            values={
                "first_name": "Fatima",
                "platform_url": "https://p.ma/",
                "username": "u@x.ma",
                "password": "pw-1",
            },
        )

        def mail() -> Mailing:
            return create_notice_mailing(
                campaign=campaign, kind=NoticeKind.CREDENTIALS_RENEWED, label="t", recipients=[recipient]
            )

        before = mail()
        edited = {
            "subject": "Nouveau : {campaign}",
            "body": "Chère {first_name}\n{platform_url} {username} {password} ÉDITÉ",
        }
        url = edit_url(published_run, NoticeKind.CREDENTIALS_RENEWED, "fr")
        assert admin_client.post(url, {**edited, "action": "save"}).status_code == 302
        after = mail()

        old = render_message(before, before.messages.get())
        new = render_message(after, after.messages.get())
        assert "ÉDITÉ" not in old.text and "pw-1" in old.text
        assert "ÉDITÉ" in new.text and "Chère Fatima" in new.text and "pw-1" in new.text
        # The other languages keep the default text.
        assert "ÉDITÉ" not in after.context["texts"]["ar"]["body"]


class TestFilling:
    def test_only_names_are_filled_never_attributes_or_formats(self):
        from bawaba.training.templatetags.training_notices import fill, fill_html

        values = {"first_name": "<b>Amina</b>", "password": "Kx7m-P3qa-Zt9w"}
        assert fill("{first_name.__class__} {password!r} {first_name} {{x}}", values) == (
            "{first_name.__class__} {password!r} <b>Amina</b> {x}"
        )
        assert fill("an unclosed { brace", values) == "an unclosed { brace"
        html = fill_html("Bonjour {first_name},\n\n{password}\nhttps://p.ma/", values)
        assert html == (
            "<p>Bonjour <bdi>&lt;b&gt;Amina&lt;/b&gt;</bdi>,</p>"
            '<p><bdi>Kx7m-P3qa-Zt9w</bdi><br><a href="https://p.ma/">https://p.ma/</a></p>'
        )
