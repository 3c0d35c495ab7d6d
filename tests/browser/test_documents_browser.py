"""Supporting documents in a real browser (issue 13): a preselected candidate, invited, uploads her documents in
Arabic from a phone-sized screen; the demo's provincial supervisor signs in with her authenticator's code, opens the
file from her queue and rejects it with a reason in French; the candidate reads the reason, replaces a document and
sends her file again. Screenshots of each page are saved; axe-core checks every page (the `chromium` fixture)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.helpers import translated
from bawaba.demo.services import SUPERVISOR
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision
from bawaba.documents.services.invitations import Stage, invite
from bawaba.documents.services.requirements import start_from_census_list
from bawaba.documents.tests.samples import image, pdf
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _candidate_page(chromium, live_server, user, *, width: int):
    """A browser context signed in as her (the demo's candidates but one have no password: a session of her own)."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def _upload_every_slot(page, files) -> None:
    """Each slot's form, one after the other: a file chosen, then its own Send button (a page per upload)."""
    for index in range(page.locator("input[type=file]").count()):
        page.locator("input[type=file]").nth(index).set_input_files(files[index % len(files)])
        page.locator("form[enctype='multipart/form-data']").nth(index).locator("button[type=submit]").click()
        page.wait_for_load_state()


def test_a_candidate_uploads_a_supervisor_rejects_with_a_reason_and_she_sends_again(
    page, chromium, live_server, census_campaign, published_demo, screenshots, tmp_path
):
    start_from_census_list(campaign=census_campaign, actor=None)
    invite(campaign=census_campaign, stage=Stage.PRESELECTED, actor=None)
    dossier = Dossier.objects.select_related("application__user", "province").order_by("pk").first()
    user = dossier.application.user
    # The demo's supervisor examines the files of her province; here, of the candidate's.
    supervisor = User.objects.get(email=SUPERVISOR.email)
    Assignment.objects.get(user=supervisor, role=Assignment.Role.PROVINCIAL_SUPERVISOR).provinces.add(
        dossier.province
    )

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf(pages=2))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image("image/jpeg", size=(900, 600)))

    # --- She uploads her documents in Arabic, on a phone. -------------------------------------------------------
    context, candidate = _candidate_page(chromium, live_server, user, width=390)
    try:
        candidate.goto(f"/ar/documents/{dossier.application_id}/")
        expect(candidate.locator("html")).to_have_attribute("dir", "rtl")
        expect(
            candidate.get_by_role("heading", name=translated("My supporting documents", "ar"))
        ).to_be_visible()
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "documents-upload-empty-ar-390.png", full_page=True)
        _upload_every_slot(candidate, [scan, photo])
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.SUBMITTED
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "documents-upload-submitted-ar-390.png", full_page=True)
    finally:
        context.close()

    # --- The supervisor signs in with her code, finds the file in her queue and rejects it, in French. ----------
    sign_in(page, SUPERVISOR, "fr")
    page.goto(f"/fr/staff/documents/{census_campaign.slug}/review/")
    page.screenshot(path=screenshots / "documents-queue-fr.png", full_page=True)
    page.locator(f"a[href*='/review/{dossier.pk}/']").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name=translated("Reject with these reasons", "fr"))).to_be_visible()
    page.screenshot(path=screenshots / "documents-review-fr.png", full_page=True)
    page.get_by_label(translated("A document cannot be read", "fr"), exact=True).check()
    page.get_by_label(translated("Comment for the candidate", "fr"), exact=True).fill(
        "La photo de la carte est floue."
    )
    page.get_by_role("button", name=translated("Reject with these reasons", "fr")).click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.REJECTED
    assert ReviewDecision.objects.get(dossier=dossier).reasons == [RejectionReason.ILLEGIBLE]

    # --- She reads the reason, replaces a document and sends her file again. -------------------------------------
    context, candidate = _candidate_page(chromium, live_server, user, width=390)
    try:
        candidate.goto(f"/ar/documents/{dossier.application_id}/")
        expect(candidate.get_by_text(translated("A document cannot be read", "ar"))).to_be_visible()
        expect(candidate.get_by_text("La photo de la carte est floue.")).to_be_visible()
        assert _fits(candidate)
        candidate.screenshot(path=screenshots / "documents-rejected-ar-390.png", full_page=True)
        candidate.locator("input[type=file]").first.set_input_files(scan)
        candidate.locator("form[enctype='multipart/form-data']").first.locator("button[type=submit]").click()
        candidate.wait_for_load_state()
        candidate.get_by_role(
            "button", name=translated("Send my documents for examination again", "ar")
        ).click()
        candidate.wait_for_load_state()
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.SUBMITTED
        candidate.screenshot(path=screenshots / "documents-sent-again-ar-390.png", full_page=True)
    finally:
        context.close()
