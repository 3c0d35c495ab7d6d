"""Two reviewers deciding the same file at the same moment: one wins, the other is told, nothing is lost; two
opening it at once: one holds it, the other is told who does.

These tests commit for real (transactional_db), each reviewer in her own thread with her own connection. On
PostgreSQL the second conditional UPDATE waits on the first's row lock, then finds the version changed and updates
nothing; on SQLite the writers are serialised (BEGIN IMMEDIATE) and the second sees the first's decision. Either
way the outcome must be the same.
"""

import threading

import pytest
from django.db import connection

from bawaba.documents.models import Dossier, ReviewDecision
from bawaba.documents.services.review import DecisionConflict, claim, decide
from bawaba.documents.tests.review_factories import (
    campaign_with_requirements,
    dossier,
    supervisor_of,
    two_provinces,
)
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

Status = Dossier.Status


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run():
        try:
            results[key] = target()
        except Exception as error:  # reported by the assertion below, not lost in the thread
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def setting(territory):
    places = two_provinces()
    campaign = campaign_with_requirements()
    return (
        dossier(campaign, places.my_communes[0]),
        supervisor_of(places.mine, "amal@example.ma"),
        supervisor_of(places.mine, "badr@example.ma"),
    )


def test_two_reviewers_deciding_the_same_file_at_once_one_wins_the_other_is_told(setting):
    file, amal, badr = setting
    start = threading.Barrier(2)
    results: dict = {}
    decisions = {
        "amal": {"outcome": "accepted"},
        "badr": {"outcome": "rejected", "reasons": ["illegible"], "comment": "Photo floue"},
    }

    def deciding(reviewer, key):
        def go():
            start.wait(timeout=10)
            return decide(dossier=file, reviewer=reviewer, seen_version=0, **decisions[key])

        return go

    threads = [
        _in_thread(deciding(amal, "amal"), results, "amal"),
        _in_thread(deciding(badr, "badr"), results, "badr"),
    ]
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["amal", "badr"]
    winners = [key for key, value in results.items() if isinstance(value, Dossier)]
    losers = [key for key, value in results.items() if isinstance(value, DecisionConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    (winner,), (loser,) = winners, losers
    assert results[loser].dossier.status == results[winner].status  # she is told what the file became

    file.refresh_from_db()
    assert file.version == 1 and file.status == {"amal": Status.ACCEPTED, "badr": Status.REJECTED}[winner]
    assert file.decided_by == {"amal": amal, "badr": badr}[winner]
    assert ReviewDecision.objects.filter(dossier=file).count() == 1
    assert Notification.objects.filter(kind="documents_decision").count() == 1


def test_two_reviewers_opening_the_same_file_at_once_one_holds_it(setting):
    file, amal, badr = setting
    start = threading.Barrier(2)
    results: dict = {}

    def opening(reviewer):
        def go():
            start.wait(timeout=10)
            return claim(dossier=file, reviewer=reviewer)

        return go

    threads = [_in_thread(opening(amal), results, "amal"), _in_thread(opening(badr), results, "badr")]
    for thread in threads:
        thread.join(timeout=30)

    held = {key: result.held for key, result in results.items()}
    assert sorted(held.values()) == [False, True], results
    holder = amal if held["amal"] else badr
    told = results["badr" if held["amal"] else "amal"]
    assert told.holder == holder
    file.refresh_from_db()
    assert file.claimed_by == holder
