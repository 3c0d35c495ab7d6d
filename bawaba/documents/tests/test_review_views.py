"""The review's pages: who may open them (404 outside the scope, the second factor first), the review screen, the
decision and its e-mail, the release, the files, bad input (messages and 4xx, never 500), the guide."""

import pytest
from django.utils import timezone

from bawaba.accounts.tests.helpers import translated, translated_html
from bawaba.accounts.twofactor.tests.helpers import sign_in_without_second_factor
from bawaba.core.models import AuditEvent
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision, ScanState
from bawaba.documents.tests.review_factories import (
    Role,
    attach,
    campaign_with_requirements,
    dossier,
    fake_stored,
    staff,
    supervisor_of,
    two_provinces,
)
from bawaba.notifications.models import Notification

Status = Dossier.Status


@pytest.fixture
def world(territory):
    places = two_provinces()
    campaign = campaign_with_requirements()
    mine = dossier(campaign, places.my_communes[0], with_files=True, language="fr")
    theirs = dossier(campaign, places.their_communes[0], with_files=True)
    reviewer = supervisor_of(places.mine, "reviewer@example.ma")
    return places, campaign, mine, theirs, reviewer


def review_url(campaign, dossier_pk, suffix=""):
    return f"/fr/staff/documents/{campaign.slug}/review/{dossier_pk}/{suffix}"


def queue_url(campaign):
    return f"/fr/staff/documents/{campaign.slug}/review/"


def file_url(campaign, dossier):
    document = dossier.documents.order_by("pk").first()
    return review_url(campaign, dossier.pk, f"files/{document.pk}/")


# --- Who may open what ------------------------------------------------------------------------------------------


def test_a_supervisor_of_another_province_gets_404_for_the_file_the_review_screen_and_the_decision(
    client, world
):
    _, campaign, mine, theirs, reviewer = world
    client.force_login(reviewer)
    assert client.get(file_url(campaign, theirs)).status_code == 404
    assert client.get(review_url(campaign, theirs.pk)).status_code == 404
    decision = {"outcome": "accepted", "version": theirs.version}
    assert client.post(review_url(campaign, theirs.pk, "decision/"), decision).status_code == 404
    assert client.post(review_url(campaign, theirs.pk, "release/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED and theirs.claimed_by is None

    # Her own province: allowed.
    assert client.get(file_url(campaign, mine)).status_code == 200
    assert client.get(review_url(campaign, mine.pk)).status_code == 200
    response = client.post(review_url(campaign, mine.pk, "decision/"), {"outcome": "accepted", "version": 0})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.ACCEPTED


def test_the_queue_lists_only_her_provinces_and_a_central_administrator_sees_all(client, world):
    _, campaign, mine, theirs, reviewer = world
    client.force_login(reviewer)
    page = client.get(queue_url(campaign)).content.decode()
    assert review_url(campaign, mine.pk) in page
    assert review_url(campaign, theirs.pk) not in page
    client.force_login(staff("national@example.ma", Role.CENTRAL_ADMIN))
    page = client.get(queue_url(campaign)).content.decode()
    assert review_url(campaign, mine.pk) in page and review_url(campaign, theirs.pk) in page


def test_candidates_and_staff_without_the_role_get_404(client, world, alice):
    _, campaign, mine, _, _ = world
    client.force_login(alice)
    assert client.get(queue_url(campaign)).status_code == 404
    client.force_login(mine.application.user)
    assert client.get(file_url(campaign, mine)).status_code == 404
    client.force_login(staff("trainer@example.ma", Role.CENTRAL_ADMIN))  # has a reading role: allowed
    assert client.get(queue_url(campaign)).status_code == 200


def test_staff_without_a_verified_second_factor_are_sent_to_the_second_factor_step(client, world):
    _, campaign, mine, _, reviewer = world
    sign_in_without_second_factor(client, reviewer)
    for url in (queue_url(campaign), review_url(campaign, mine.pk), file_url(campaign, mine)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/fr/accounts/two-factor/")
    response = client.post(review_url(campaign, mine.pk, "decision/"), {"outcome": "accepted", "version": 0})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED and mine.claimed_by is None


def test_a_dossier_of_another_campaign_is_404_under_this_campaign(client, world):
    _, campaign, mine, _, reviewer = world
    other = campaign_with_requirements("other")
    client.force_login(reviewer)
    assert client.get(review_url(other, mine.pk)).status_code == 404
    assert client.get(f"/fr/staff/documents/no-such-campaign/review/{mine.pk}/").status_code == 404


# --- The review screen ------------------------------------------------------------------------------------------


def test_the_review_screen_shows_the_declaration_beside_the_documents_and_claims_the_file(client, world):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    page = client.get(review_url(campaign, mine.pk)).content.decode()
    application = mine.application
    assert application.cin in page and application.first_name_latin in page
    documents = list(mine.documents.select_related("stored").order_by("pk"))
    pdf, image = documents
    assert (
        f'<iframe class="review-file__frame" src="{review_url(campaign, mine.pk, f"files/{pdf.pk}/")}"'
        in page
    )
    assert (
        f'<img class="review-file__image" src="{review_url(campaign, mine.pk, f"files/{image.pk}/")}"' in page
    )
    assert 'name="outcome" value="accepted"' in page and 'name="reasons"' in page
    mine.refresh_from_db()
    assert mine.claimed_by == reviewer and mine.claimed_until > timezone.now()
    assert AuditEvent.objects.filter(
        action="documents.claimed", actor=reviewer, target_id=str(mine.pk)
    ).exists()


def test_a_file_claimed_by_another_says_who_until_when_and_offers_no_decision(client, world):
    places, campaign, mine, _, reviewer = world
    colleague = supervisor_of(places.mine, "colleague@example.ma")
    client.force_login(colleague)
    client.get(review_url(campaign, mine.pk))
    client.force_login(reviewer)
    page = client.get(review_url(campaign, mine.pk)).content.decode()
    assert "colleague@example.ma" in page
    assert 'name="outcome"' not in page
    mine.refresh_from_db()
    assert mine.claimed_by == colleague
    # Her decision posted anyway (an old tab) is refused, and told.
    response = client.post(review_url(campaign, mine.pk, "decision/"), {"outcome": "accepted", "version": 0})
    assert response.status_code == 409
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED


def test_the_release_drops_her_claim_and_is_audited(client, world):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    client.get(review_url(campaign, mine.pk))
    response = client.post(review_url(campaign, mine.pk, "release/"))
    assert response.status_code == 302 and response["Location"].startswith(queue_url(campaign))
    mine.refresh_from_db()
    assert mine.claimed_by is None
    assert AuditEvent.objects.filter(action="documents.claim_released", actor=reviewer).count() == 1
    assert client.get(review_url(campaign, mine.pk, "release/")).status_code == 405


def test_a_file_the_antivirus_has_not_cleared_is_not_served_and_the_screen_says_why(client, world):
    _, campaign, mine, _, reviewer = world
    requirement = campaign.document_requirements.get(key="diploma")
    mine.documents.filter(requirement=requirement).delete()
    pending = attach(mine, requirement, fake_stored(ScanState.PENDING))
    client.force_login(reviewer)
    assert client.get(review_url(campaign, mine.pk, f"files/{pending.pk}/")).status_code == 404
    page = client.get(review_url(campaign, mine.pk)).content.decode()
    assert review_url(campaign, mine.pk, f"files/{pending.pk}/") not in page
    assert "panel--error" in page


def test_a_file_is_served_with_the_documents_headers_in_a_frame_of_our_own_pages(client, world):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    response = client.get(file_url(campaign, mine))
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- Deciding ---------------------------------------------------------------------------------------------------


def test_a_rejection_with_reasons_goes_to_the_next_file_and_e_mails_her_once_in_her_language(client, world):
    places, campaign, mine, _, reviewer = world
    following = dossier(campaign, places.my_communes[1], with_files=False)
    client.force_login(reviewer)
    client.get(review_url(campaign, mine.pk))
    post = {
        "outcome": "rejected",
        "reasons": [RejectionReason.ILLEGIBLE, RejectionReason.OTHER],
        "comment": "La photo de la carte est floue.",
        "version": 0,
    }
    with django_capture_on_commit_callbacks_executed():
        response = client.post(
            review_url(campaign, mine.pk, "decision/") + f"?province={places.mine.pk}", post
        )
    assert response.status_code == 302
    assert response["Location"] == review_url(campaign, following.pk) + f"?province={places.mine.pk}"
    mine.refresh_from_db()
    assert mine.status == Status.REJECTED and mine.version == 1 and mine.claimed_by is None
    assert mine.rejection_reasons == ["illegible", "other"]
    assert ReviewDecision.objects.get(dossier=mine).province_id == places.mine.pk
    assert AuditEvent.objects.filter(
        action="documents.rejected", actor=reviewer, target_id=str(mine.pk)
    ).exists()

    notification = Notification.objects.get(kind="documents_decision")
    assert notification.language == "fr" and notification.to_email == mine.application.user.email
    assert notification.context["reasons"] == [
        translated("A document cannot be read"),
        translated("Another reason (see the comment)"),
    ]
    assert notification.context["comment"] == "La photo de la carte est floue."
    assert notification.context["upload_url"].endswith(f"/fr/documents/{mine.application_id}/")

    # The same decision sent again (a double click, a retried request): refused, nothing more queued.
    response = client.post(review_url(campaign, mine.pk, "decision/"), post)
    assert response.status_code == 409
    assert Notification.objects.filter(kind="documents_decision").count() == 1
    assert ReviewDecision.objects.filter(dossier=mine).count() == 1


class django_capture_on_commit_callbacks_executed:  # noqa: N801 - used as a plain context manager
    """The test client's request runs in the test's transaction: run the on-commit callbacks it registered."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_the_decision_e_mail_says_the_reasons_and_links_to_her_upload_page(world):
    from bawaba.documents.services.review import decide
    from bawaba.notifications.services import render_email

    _, campaign, mine, _, reviewer = world
    decide(
        dossier=mine,
        reviewer=reviewer,
        outcome="rejected",
        reasons=[RejectionReason.MISMATCH],
        comment="Le CIN ne correspond pas.",
        seen_version=0,
    )
    message = render_email(Notification.objects.get(kind="documents_decision"))
    assert "Le CIN ne correspond pas." in message.body
    assert translated("A document does not match what you declared") in message.body
    assert f"/fr/documents/{mine.application_id}/" in message.body
    html = message.alternatives[0][0]
    assert "Le CIN ne correspond pas." in html
    assert mine.campaign.title_fr in message.subject


def test_an_acceptance_e_mail_in_arabic(world):
    from bawaba.documents.services.review import decide
    from bawaba.notifications.services import render_email

    places, campaign, _, _, reviewer = world
    arabic = dossier(campaign, places.my_communes[0], language="ar")
    decide(dossier=arabic, reviewer=reviewer, outcome="accepted", seen_version=arabic.version)
    notification = Notification.objects.get(kind="documents_decision")
    assert notification.language == "ar" and notification.context["accepted"] is True
    message = render_email(notification)
    assert "/ar/documents/" in message.body
    assert translated("Hello,", "ar") in message.body


@pytest.mark.parametrize(
    "post, expected_status",
    [
        ({"outcome": "rejected", "reasons": ["not-a-reason"], "version": 0}, 400),
        ({"outcome": "rejected", "reasons": [], "version": 0}, 400),
        ({"outcome": "rejected", "reasons": ["other"], "comment": "", "version": 0}, 400),
        ({"outcome": "rejected", "reasons": ["illegible"], "comment": "nul\x00byte", "version": 0}, 400),
        ({"outcome": "rejected", "reasons": ["illegible"], "comment": "x" * 2001, "version": 0}, 400),
        ({"outcome": "maybe", "version": 0}, 400),
        ({"outcome": "accepted", "version": 10**30}, 400),
        ({"outcome": "accepted", "version": -1}, 400),
        ({"outcome": "accepted", "version": "abc\x00"}, 400),
        ({"outcome": "accepted"}, 400),
        ({"outcome": "accepted", "version": 2**31 - 1}, 409),  # a version never written: out of date
    ],
)
def test_bad_decisions_are_told_never_a_500_and_change_nothing(client, world, post, expected_status):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    response = client.post(review_url(campaign, mine.pk, "decision/"), post)
    assert response.status_code == expected_status
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED and mine.version == 0
    assert not ReviewDecision.objects.exists()
    assert not Notification.objects.filter(kind="documents_decision").exists()


def test_a_decision_on_a_file_the_candidate_changed_keeps_her_choices_and_asks_to_look_again(client, world):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    client.get(review_url(campaign, mine.pk))
    Dossier.objects.filter(pk=mine.pk).update(version=1)  # she replaced a file meanwhile
    post = {"outcome": "rejected", "reasons": ["expired"], "comment": "Carte périmée en 2025.", "version": 0}
    response = client.post(review_url(campaign, mine.pk, "decision/"), post)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Carte périmée en 2025." in page  # shown back, and still in the form
    assert 'name="version" value="1"' in page
    assert 'value="expired" id="id_reasons_4" checked' in page
    assert (
        translated_html(
            "The candidate changed this file since you opened it: look at it again, then decide. Your choices are kept "
            "below."
        )
        in page
    )
    response = client.post(review_url(campaign, mine.pk, "decision/"), {**post, "version": 1})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.REJECTED and mine.version == 2


# --- The queue's bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "province=99999999999999999999999",
        "province=abc",
        "province=1%00",
        "commune=-5",
        "commune=99999999999999999999",
        "category=nope",
        "status=%00",
        "after=garbage",
        "after=1_%00",
        "after=99999999999999999_99999999999999999999",
        "before=_0",
        "after=" + "9" * 200,
    ],
)
def test_garbage_filters_and_cursors_are_ignored_with_a_message_never_a_500(client, world, query):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    response = client.get(queue_url(campaign) + "?" + query)
    assert response.status_code == 200
    assert (
        "error-text" in response.content.decode()
        or review_url(campaign, mine.pk) in response.content.decode()
    )
    response = client.get(review_url(campaign, mine.pk) + "?" + query)
    assert response.status_code == 200


def test_a_province_outside_her_scope_is_refused_as_a_filter(client, world):
    places, campaign, mine, theirs, reviewer = world
    client.force_login(reviewer)
    page = client.get(queue_url(campaign) + f"?province={places.theirs.pk}").content.decode()
    assert "error-text" in page
    assert review_url(campaign, theirs.pk) not in page
    assert review_url(campaign, mine.pk) in page


def test_huge_ids_in_the_path_are_404(client, world):
    _, campaign, mine, _, reviewer = world
    client.force_login(reviewer)
    assert client.get(review_url(campaign, 10**30)).status_code == 404
    assert client.get(review_url(campaign, mine.pk, f"files/{10**30}/")).status_code == 404


# --- Other pages ------------------------------------------------------------------------------------------------


def test_the_guide_and_the_campaigns_list_open_for_each_reading_role(client, world):
    places, campaign, _, _, reviewer = world
    coordinator = staff("coordinator@example.ma", Role.REGIONAL_COORDINATOR, region=places.mine.region)
    for user in (reviewer, coordinator, staff("national@example.ma", Role.CENTRAL_ADMIN)):
        client.force_login(user)
        guide = client.get("/fr/staff/documents/guide/")
        assert guide.status_code == 200
        assert "/fr/staff/documents/guide/" in client.get("/fr/staff/documents/review/").content.decode()
        assert queue_url(campaign) in client.get("/fr/staff/documents/review/").content.decode()
    client.force_login(world[2].application.user)  # a candidate
    assert client.get("/fr/staff/documents/guide/").status_code == 404


def test_the_figures_per_status_show_over_a_province_never_over_the_whole_country(client, world):
    places, campaign, _, _, reviewer = world
    client.force_login(reviewer)
    assert '<span class="muted">&nbsp;(1)</span>' in client.get(queue_url(campaign)).content.decode()
    client.force_login(staff("national@example.ma", Role.CENTRAL_ADMIN))
    assert '<span class="muted">&nbsp;(' not in client.get(queue_url(campaign)).content.decode()
    page = client.get(queue_url(campaign) + f"?province={places.theirs.pk}").content.decode()
    assert '<span class="muted">&nbsp;(1)</span>' in page


@pytest.mark.parametrize(
    "path, name",
    [
        ("/fr/staff/documents/review/", "review_campaigns"),
        ("/fr/staff/documents/guide/", "review_guide"),
        ("/fr/staff/documents/rgph/review/", "queue"),
        ("/fr/staff/documents/rgph/review/7/files/9/", "review_file"),
    ],
)
def test_the_reviews_fixed_addresses_are_never_read_as_a_campaigns_short_name(path, name):
    from django.urls import resolve
    from django.utils import translation

    with translation.override("fr"):  # the language prefix is read in the active language
        match = resolve(path)
    assert (match.namespace, match.url_name) == ("documents_staff", name)
