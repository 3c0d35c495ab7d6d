"""End-to-end journeys in a real browser; the Chromium session and screenshots fixtures are in the root conftest."""

import io
from collections.abc import Iterator

import pytest


@pytest.fixture
def page(chromium, live_server, transactional_db) -> Iterator:
    """A fresh browser context (no cookies) whose relative URLs go to the live server.

    Every journey also proves the Content-Security-Policy blocks nothing the page needs: the browser reports each
    refused script, style or handler on the console, and any such report fails the test.
    """
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not refused, refused


def _load_territory() -> None:
    from django.core.management import call_command

    call_command("load_territory", verbosity=0, stdout=io.StringIO())


def _generate_demo() -> None:
    from django.core.management import call_command

    call_command("generate_demo", "--scale", "0.002", "--seed", "2024", stdout=io.StringIO())


@pytest.fixture
def demo_data(transactional_db, db_snapshots):
    """What `make demo-data` builds, at a small scale: the territory with its shipped centroids, the census campaign
    just after its registration (dated from today) and the ministry's competition open now.

    Built by the first browser test that asks, restored for the next ones (tests/db_snapshots.py).
    """
    db_snapshots.load("browser-territory", _load_territory)
    db_snapshots.load("browser-demo", _generate_demo)


@pytest.fixture
def census_campaign(demo_data):
    """The demo census campaign from `generate_demo`."""
    from bawaba.campaigns.models import Campaign
    from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG

    return Campaign.objects.get(slug=DEMO_CAMPAIGN_SLUG)


@pytest.fixture
def published_demo(demo_data):
    """The demo with its preselection published, as `make demo-data` leaves it."""
    from django.core.management import call_command

    from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG
    from bawaba.selection.models import SelectionRun

    call_command(
        "run_selection",
        "--campaign",
        DEMO_CAMPAIGN_SLUG,
        "--seed",
        "tirage public de la démonstration Bawaba",
        "--publish",
        "--unless-published",
        stdout=io.StringIO(),
    )
    return SelectionRun.objects.filter(campaign__slug=DEMO_CAMPAIGN_SLUG, status="published").latest("pk")


@pytest.fixture
def demo_mailbox(tmp_path, settings):
    """The demo's SMTP sink and mailbox page, as `make demo` runs them: what the sink keeps, the page shows."""
    from bawaba.notifications.smtp_sink import start_sink

    folder = tmp_path / "mailbox"
    controller = start_sink(directory=folder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.BAWABA_MAIL_SINK_DIR, settings.BAWABA_DEMO_MAILBOX = folder, True
    yield folder
    controller.stop()
