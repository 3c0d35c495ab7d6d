"""Two candidates typing the same CIN at the same moment: one keeps it, the other is told it is used.

These tests commit for real (transactional_db), each candidate in her own thread with her own connection. On
PostgreSQL the second writer waits on the unique index until the first commits, then fails on the constraint;
on SQLite writers are serialised (BEGIN IMMEDIATE) and the second sees the first's row when its turn comes. Either
way the outcome must be the same.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from bawaba.campaigns import services, steps
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.conftest import identity_data
from bawaba.campaigns.tests.helpers import translated

pytestmark = pytest.mark.django_db(transaction=True)

CIN = "AB123456"
CIN_ALREADY_USED = (
    "This CIN is already used in this campaign. If it is yours and you did not apply, contact the campaign's "
    "administration."
)


def told_cin_is_used() -> str:
    """What the loser is told: a thread has no language activated, so the services speak the default, Arabic."""
    return translated(CIN_ALREADY_USED, "ar")


def _save_identity(application: Application, places) -> str:
    try:
        services.save_step(application=application, step=steps.IDENTITY, data=identity_data(places, cin=CIN))
    except services.CinAlreadyUsed as refused:
        return str(refused.message)
    return "saved"


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run():
        try:
            results[key] = target()
        except Exception as error:  # reported by the assertion below, not lost in the thread
            results[key] = repr(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def two_drafts(census, alice, bob):
    return (
        services.start_application(campaign=census, user=alice),
        services.start_application(campaign=census, user=bob),
    )


def test_two_candidates_saving_the_same_cin_at_once_one_wins(two_drafts, places):
    alice_draft, bob_draft = two_drafts
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def save(application):
        def go():
            start.wait(timeout=10)
            return _save_identity(application, places)

        return go

    threads = [_in_thread(save(alice_draft), results, "alice"), _in_thread(save(bob_draft), results, "bob")]
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["alice", "bob"]
    assert sorted(results.values()) == sorted(["saved", told_cin_is_used()]), results  # one each, either way
    assert Application.objects.filter(campaign=alice_draft.campaign, cin=CIN).count() == 1


def test_the_database_constraint_decides_when_the_early_check_saw_nothing(two_drafts, places):
    """Alice's transaction holds the CIN uncommitted while Bob saves: his early check cannot see it (PostgreSQL)
    or he waits for the write lock (SQLite). When Alice commits, Bob gets the message, not an error page."""
    alice_draft, bob_draft = two_drafts
    alice_saved, release = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def alice_holds_her_transaction_open():
        with transaction.atomic():
            outcome = _save_identity(alice_draft, places)
            alice_saved.set()
            release.wait(timeout=10)
        return outcome

    alice = _in_thread(alice_holds_her_transaction_open, results, "alice")
    assert alice_saved.wait(timeout=10)
    bob = _in_thread(lambda: _save_identity(bob_draft, places), results, "bob")
    _wait_until_blocked(bob)
    release.set()
    alice.join(timeout=30)
    bob.join(timeout=30)

    assert results["alice"] == "saved", results
    assert results["bob"] == told_cin_is_used(), results
    bob_draft.refresh_from_db()
    assert bob_draft.cin is None


def _wait_until_blocked(thread: threading.Thread, timeout: float = 5.0) -> None:
    """Until the other thread waits on a lock (PostgreSQL tells us), or a moment has passed (SQLite cannot)."""
    deadline = time.monotonic() + timeout
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    close_old_connections()
    while time.monotonic() < deadline and thread.is_alive():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the second save never waited for the first")
