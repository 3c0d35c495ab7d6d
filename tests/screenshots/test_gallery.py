"""`make screenshots`: the main pages in Arabic and French, on a phone (390 px) and a desktop (1366 px), saved to
test-artifacts/screenshots/gallery/ with an index.html to look through them side by side.

It runs on a fresh test database holding what `make demo-data` builds (at a small scale, its preselection
published) and signs in as the demo's accounts, the staff through their second factor. It checks only that each
page answers; reviewing the pictures is the point.
"""

import html
from pathlib import Path

import pytest

from bawaba.accounts.models import User
from bawaba.campaigns import steps
from bawaba.campaigns.models import Application
from bawaba.demo.competition import COMPETITION_SLUG
from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG
from bawaba.demo.services import ADMIN, CANDIDATE, COORDINATOR
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

LANGUAGES = ("ar", "fr")
WIDTHS = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 900}}
GALLERY = "gallery"


def shoot_all(page, folder: Path, group: str, pages: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Each page in each language at each width: (group, name, language, width) of every picture taken."""
    taken = []
    for language in LANGUAGES:
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for name, path in pages.items():
                response = page.goto(f"/{language}{path}")
                assert response is not None and response.status < 400, (
                    name,
                    language,
                    response and response.status,
                )
                page.screenshot(path=folder / f"{group}-{name}-{language}-{width}.png", full_page=True)
                taken.append((group, name, language, width))
    return taken


def write_index(folder: Path) -> None:
    """index.html: a row per page, its four pictures side by side (Arabic and French, phone and desktop)."""
    rows: dict[str, list[str]] = {}
    for picture in sorted(folder.glob("*.png")):
        stem, language, width = picture.stem.rsplit("-", 2)
        rows.setdefault(stem, []).append(
            f'<figure><a href="{picture.name}"><img src="{picture.name}" loading="lazy" alt=""></a>'
            f"<figcaption>{language} · {width} px</figcaption></figure>"
        )
    body = "".join(
        f"<section><h2>{html.escape(stem)}</h2>{''.join(figures)}</section>" for stem, figures in rows.items()
    )
    folder.joinpath("index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Bawaba screenshots</title>"
        "<style>body{font-family:sans-serif}section{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
        "h2{flex-basis:100%}img{max-width:320px;max-height:600px;object-fit:cover;object-position:top;"
        "border:1px solid #ccc}</style><h1>Bawaba screenshots</h1>" + body,
        encoding="utf-8",
    )


@pytest.fixture
def gallery(screenshots) -> Path:
    folder = screenshots / GALLERY
    folder.mkdir(exist_ok=True)
    yield folder
    write_index(folder)


@pytest.fixture
def demo_mailbox(settings, tmp_path):
    """The demo mailbox with two messages in it, as the SMTP sink keeps them (bawaba.notifications.smtp_sink)."""
    from django.core.mail import EmailMessage

    settings.BAWABA_DEMO_MAILBOX = True
    settings.BAWABA_MAIL_SINK_DIR = tmp_path
    for number, (subject, to) in enumerate(
        [("تأكيد حسابك على بوابة", "amina.alaoui@example.ma"), ("Confirmez votre compte", "karim@example.ma")]
    ):
        message = EmailMessage(subject, "…", "Bawaba <no-reply@bawaba.localhost>", [to])
        (tmp_path / f"{number + 1:020d}-0000000{number}.eml").write_bytes(message.message().as_bytes())
    return tmp_path


def test_public_pages(page, published_demo, gallery, demo_mailbox):
    shoot_all(
        page,
        gallery,
        "public",
        {
            "mailbox": "/demo/mailbox/",
            "home": "/",
            "campaign": f"/campaigns/{DEMO_CAMPAIGN_SLUG}/",
            "competition": f"/campaigns/{COMPETITION_SLUG}/",
            "report": f"/campaigns/{DEMO_CAMPAIGN_SLUG}/selection/{published_demo.stage}/",
            "personal-data": "/personal-data/",
            "legal-notice": "/legal-notice/",
            "accessibility": "/accessibility/",
            "help": "/help/",
            "contact": "/contact/",
            "sign-in": "/accounts/login/",
        },
    )


def test_candidate_pages(page, published_demo, gallery):
    sign_in(page, CANDIDATE, "fr")
    # Her application started, so that the steps show their forms rather than send her back to the start.
    page.goto(f"/fr/campaigns/{COMPETITION_SLUG}/apply/")
    start = page.get_by_role("main").locator("form button[type=submit]")
    if start.count():
        start.first.click()
        page.wait_for_load_state()
    application_steps = {
        f"step-{step.number}": f"/campaigns/{COMPETITION_SLUG}/apply/{step.slug}/"
        for step in steps.STEPS[:-1]
    }
    shoot_all(
        page,
        gallery,
        "candidate",
        {
            "dashboard": "/me/",
            "apply": f"/campaigns/{COMPETITION_SLUG}/apply/",
            **application_steps,
            "review": f"/campaigns/{COMPETITION_SLUG}/apply/review/",
        },
    )


def test_staff_pages(page, published_demo, gallery):
    sign_in(page, ADMIN, "fr")
    coordinator = User.objects.get(email=COORDINATOR.email)
    # A submitted application of the demo: Latin CIN, name, e-mail and phone beside their labels in Arabic.
    application = Application.objects.filter(
        campaign__slug=DEMO_CAMPAIGN_SLUG, status=Application.Status.SUBMITTED
    ).first()
    shoot_all(
        page,
        gallery,
        "staff",
        {
            "home": "/staff/",
            "search": "/staff/applications/",
            "application": f"/staff/applications/{application.pk}/",
            "rules": f"/staff/selection/{DEMO_CAMPAIGN_SLUG}/rules/",
            "registrations": "/staff/registrations/",
            "campaigns": "/staff/campaigns/",
            "campaign-setup": f"/staff/campaigns/{DEMO_CAMPAIGN_SLUG}/",
            "campaign-edit": f"/staff/campaigns/{DEMO_CAMPAIGN_SLUG}/edit/",
            "selection": "/staff/selection/",
            "report": f"/campaigns/selection/runs/{published_demo.pk}/report/",
            "accounts": "/staff/accounts/",
            "account": f"/staff/accounts/{coordinator.pk}/",
            "outbox": "/staff/outbox/",
            "design": "/staff/design/",
        },
    )
