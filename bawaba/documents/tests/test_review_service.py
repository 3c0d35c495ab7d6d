"""The review's writes: the claim (lapses, is taken over, renewed by its holder), the release, and the decision's
version check (run one after the other here, on every engine; test_concurrency_review.py runs them at once)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from bawaba.core.models import AuditEvent
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision
from bawaba.documents.services.review import (
    DecisionConflict,
    ReviewRefused,
    check_decision,
    claim,
    decide,
    release,
)
from bawaba.documents.tests.review_factories import (
    campaign_with_requirements,
    dossier,
    supervisor_of,
    two_provinces,
)
from bawaba.notifications.models import Notification

Status = Dossier.Status


@pytest.fixture
def setting(territory):
    places = two_provinces()
    campaign = campaign_with_requirements()
    return (
        dossier(campaign, places.my_communes[0]),
        supervisor_of(places.mine, "amal@example.ma"),
        supervisor_of(places.mine, "badr@example.ma"),
    )


def test_a_free_file_is_claimed_and_another_reviewer_is_told_who_holds_it(setting):
    file, amal, badr = setting
    held = claim(dossier=file, reviewer=amal)
    assert held.held and held.dossier.claimed_by == amal
    assert held.until - timezone.now() > dt.timedelta(minutes=14)
    refused = claim(dossier=file, reviewer=badr)
    assert not refused.held and refused.holder == amal and refused.until == held.until


def test_her_own_claim_is_renewed_and_not_audited_again(setting):
    file, amal, _ = setting
    first = claim(dossier=file, reviewer=amal).until
    again = claim(dossier=file, reviewer=amal)
    assert again.held and again.until >= first
    assert AuditEvent.objects.filter(action="documents.claimed").count() == 1


@override_settings(BAWABA_DOCUMENT_CLAIM_MINUTES=15)
def test_a_lapsed_claim_may_be_taken_over_and_that_is_audited(setting):
    file, amal, badr = setting
    claim(dossier=file, reviewer=amal)
    Dossier.objects.filter(pk=file.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    taken = claim(dossier=file, reviewer=badr)
    assert taken.held and taken.dossier.claimed_by == badr
    event = AuditEvent.objects.get(action="documents.claim_taken_over")
    assert event.actor == badr and event.data["from_user"] == amal.pk and event.target_id == str(file.pk)
    # Amal's decision from her old tab no longer goes through: Badr holds it now.
    with pytest.raises(DecisionConflict):
        decide(dossier=file, reviewer=amal, outcome="accepted", seen_version=0)


def test_only_a_file_under_examination_is_claimed(setting):
    file, amal, _ = setting
    Dossier.objects.filter(pk=file.pk).update(status=Status.AWAITED)
    assert not claim(dossier=file, reviewer=amal).held
    file.refresh_from_db()
    assert file.claimed_by is None


def test_a_release_frees_only_her_own_claim(setting):
    file, amal, badr = setting
    claim(dossier=file, reviewer=amal)
    assert release(dossier=file, reviewer=badr) is False
    assert release(dossier=file, reviewer=amal) is True
    file.refresh_from_db()
    assert file.claimed_by is None and file.claimed_until is None
    assert claim(dossier=file, reviewer=badr).held
    assert AuditEvent.objects.filter(action="documents.claim_released", actor=amal).count() == 1


def test_the_second_of_two_decisions_on_the_same_version_is_told_and_nothing_is_lost(setting):
    file, amal, badr = setting
    decided = decide(
        dossier=file,
        reviewer=amal,
        outcome="rejected",
        reasons=["illegible"],
        comment="Floue",
        seen_version=0,
    )
    assert decided.status == Status.REJECTED and decided.version == 1 and decided.decided_by == amal
    with pytest.raises(DecisionConflict) as conflict:
        decide(dossier=file, reviewer=badr, outcome="accepted", seen_version=0)
    assert conflict.value.dossier.status == Status.REJECTED
    file.refresh_from_db()
    assert (file.status, file.version, file.decided_by, file.rejection_reasons, file.rejection_comment) == (
        Status.REJECTED,
        1,
        amal,
        ["illegible"],
        "Floue",
    )
    assert ReviewDecision.objects.filter(dossier=file).count() == 1
    assert Notification.objects.filter(kind="documents_decision").count() == 1
    assert AuditEvent.objects.filter(action="documents.rejected", target_id=str(file.pk)).count() == 1


def test_a_decision_on_an_older_version_is_refused_after_the_candidate_replaced_a_file(setting):
    file, amal, _ = setting
    Dossier.objects.filter(pk=file.pk).update(version=3)
    with pytest.raises(DecisionConflict) as conflict:
        decide(dossier=file, reviewer=amal, outcome="accepted", seen_version=2)
    assert conflict.value.dossier.version == 3
    assert decide(dossier=file, reviewer=amal, outcome="accepted", seen_version=3).version == 4


def test_a_decision_clears_the_claim_and_records_the_province(setting):
    file, amal, _ = setting
    claim(dossier=file, reviewer=amal)
    decided = decide(dossier=file, reviewer=amal, outcome="accepted", seen_version=0)
    assert decided.claimed_by is None and decided.claimed_until is None and decided.rejection_reasons == []
    assert ReviewDecision.objects.get(dossier=file).province_id == file.province_id


@pytest.mark.parametrize(
    "outcome, reasons, comment",
    [
        ("maybe", [], ""),
        ("rejected", [], ""),
        ("rejected", ["nope"], ""),
        ("rejected", [RejectionReason.OTHER], "   "),
        ("rejected", ["illegible"], "a\x00b"),
        ("rejected", ["illegible"], "x" * 2001),
    ],
)
def test_an_incomplete_decision_is_refused_before_anything_is_written(setting, outcome, reasons, comment):
    file, amal, _ = setting
    with pytest.raises(ReviewRefused):
        decide(dossier=file, reviewer=amal, outcome=outcome, reasons=reasons, comment=comment, seen_version=0)
    file.refresh_from_db()
    assert file.status == Status.SUBMITTED and file.version == 0


def test_reasons_are_kept_once_each_in_the_lists_order_and_an_acceptance_keeps_none():
    assert check_decision("rejected", ["other", "illegible", "other"], " Voir ") == (
        ["illegible", "other"],
        "Voir",
    )
    assert check_decision("accepted", ["illegible"], "ignored") == ([], "")
