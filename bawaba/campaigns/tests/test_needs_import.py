"""Importing needs from a file: checked whole and kept for the preview, applied once, in one transaction, audited."""

import pytest

from bawaba.campaigns.models import CommuneNeed, NeedsImport
from bawaba.campaigns.needs.csvfile import NeedsFileError, needs_file_bytes
from bawaba.campaigns.needs.selectors import needs_export, needs_preview
from bawaba.campaigns.needs.services import (
    ALREADY_APPLIED,
    STALE,
    SUPERSEDED,
    NeedsImportRefused,
    apply_needs_import,
    check_needs_file,
)
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.models import AuditEvent
from bawaba.territory.models import Commune

Stage = CommuneNeed.Stage


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="rgph-2024")


@pytest.fixture
def communes(territory):
    return list(Commune.objects.order_by("code"))


def file_of(needs) -> bytes:
    return needs_file_bytes(needs)


def current(campaign) -> dict:
    return {
        (code, stage): need
        for code, stage, need in CommuneNeed.objects.filter(campaign=campaign).values_list(
            "commune__code", "stage", "quantity"
        )
    }


def check(campaign, data: bytes, actor=None) -> NeedsImport:
    return check_needs_file(campaign=campaign, data=data, filename="besoins.csv", actor=actor)


def test_a_valid_file_is_kept_for_its_preview_and_changes_nothing_yet(campaign, communes, central_admin):
    needs_import = check(campaign, file_of([(communes[0].code, "training", 5)]), central_admin)
    assert needs_import.status == NeedsImport.Status.PENDING
    assert needs_import.rows == [[communes[0].pk, "training", 5]]
    assert not CommuneNeed.objects.exists()
    event = AuditEvent.objects.get(action="campaigns.needs_file_checked")
    assert event.actor == central_admin and event.data["lines"] == 1


def test_a_file_with_one_faulty_line_imports_nothing_and_names_it(campaign, communes):
    data = file_of([(communes[0].code, "training", 5), ("99.999.99.99", "training", 3)])
    with pytest.raises(NeedsFileError) as caught:
        check(campaign, data)
    assert [(p.code, p.line) for p in caught.value.problems] == [("unknown_commune", 3)]
    assert not NeedsImport.objects.exists() and not CommuneNeed.objects.exists()


def test_applying_replaces_the_needs_of_the_file_stages_only(campaign, communes, central_admin):
    a, b, c = communes[:3]
    CommuneNeed.objects.create(campaign=campaign, commune=a, stage=Stage.TRAINING, quantity=4)
    CommuneNeed.objects.create(campaign=campaign, commune=b, stage=Stage.TRAINING, quantity=6)
    CommuneNeed.objects.create(campaign=campaign, commune=a, stage=Stage.FIELD, quantity=3)
    needs_import = check(campaign, file_of([(a.code, "training", 4), (c.code, "training", 9)]))

    change = apply_needs_import(needs_import=needs_import, actor=central_admin)

    assert (change.added, change.changed, change.removed, change.unchanged) == (1, 0, 1, 1)
    assert current(campaign) == {(a.code, "training"): 4, (c.code, "training"): 9, (a.code, "field"): 3}
    needs_import.refresh_from_db()
    assert needs_import.status == NeedsImport.Status.APPLIED and needs_import.applied_at is not None
    event = AuditEvent.objects.get(action="campaigns.needs_imported")
    assert event.actor == central_admin
    assert event.data | {"import": None} == {
        "import": None,
        "file": "besoins.csv",
        "sha256": needs_import.file_digest,
        "stages": ["training"],
        "added": 1,
        "changed": 0,
        "removed": 1,
        "totals": {"training": 13},
    }


def test_the_same_file_applied_again_changes_nothing(campaign, communes, central_admin):
    data = file_of([(communes[0].code, "training", 5), (communes[1].code, "field", 2)])
    apply_needs_import(needs_import=check(campaign, data), actor=central_admin)
    before = current(campaign)
    ids = set(CommuneNeed.objects.values_list("pk", flat=True))

    again = check(campaign, data)
    assert needs_preview(again).change.is_empty
    change = apply_needs_import(needs_import=again, actor=central_admin)

    assert change.is_empty
    assert current(campaign) == before and set(CommuneNeed.objects.values_list("pk", flat=True)) == ids
    assert AuditEvent.objects.filter(action="campaigns.needs_imported").count() == 1


def test_an_import_is_applied_once(campaign, communes, central_admin):
    needs_import = check(campaign, file_of([(communes[0].code, "training", 5)]))
    apply_needs_import(needs_import=needs_import, actor=central_admin)
    # The same preview posted again (a double click, a second tab): refused, nothing written twice.
    with pytest.raises(NeedsImportRefused) as caught:
        apply_needs_import(needs_import=NeedsImport.objects.get(pk=needs_import.pk), actor=central_admin)
    assert caught.value.message == ALREADY_APPLIED
    assert CommuneNeed.objects.count() == 1


def test_a_preview_made_before_another_file_was_applied_is_refused(campaign, communes, central_admin):
    first = check(campaign, file_of([(communes[0].code, "training", 5)]))
    # Another administrator's file, checked after, applied first: the first preview's figures are no longer true.
    other = NeedsImport.objects.create(
        campaign=campaign,
        file_digest="0" * 64,
        rows=[[communes[1].pk, "training", 7]],
        stages=["training"],
        base_digest=first.base_digest,
    )
    apply_needs_import(needs_import=other, actor=central_admin)
    assert needs_preview(NeedsImport.objects.get(pk=first.pk)).is_stale
    with pytest.raises(NeedsImportRefused) as caught:
        apply_needs_import(needs_import=first, actor=central_admin)
    assert caught.value.message == STALE
    assert current(campaign) == {(communes[1].code, "training"): 7}


def test_a_newer_file_supersedes_the_pending_one(campaign, communes, central_admin):
    older = check(campaign, file_of([(communes[0].code, "training", 5)]))
    newer = check(campaign, file_of([(communes[0].code, "training", 6)]))
    older.refresh_from_db()
    assert older.status == NeedsImport.Status.SUPERSEDED and older.rows == []
    with pytest.raises(NeedsImportRefused) as caught:
        apply_needs_import(needs_import=older, actor=central_admin)
    assert caught.value.message == SUPERSEDED
    apply_needs_import(needs_import=newer, actor=central_admin)
    assert current(campaign) == {(communes[0].code, "training"): 6}


def test_the_preview_totals_by_region_and_nation(campaign, communes):
    a = communes[0]
    far = next(c for c in communes if c.region_id != a.region_id)
    CommuneNeed.objects.create(campaign=campaign, commune=a, stage=Stage.TRAINING, quantity=4)
    preview = needs_preview(
        check(campaign, file_of([(a.code, "training", 10), (far.code, "training", 5), (a.code, "field", 8)]))
    )
    assert [code for code, _ in preview.stages] == ["training", "field"]
    assert [(f.current, f.new) for f in preview.national] == [(4, 15), (0, 8)]
    by_region = {line.region.pk: [(f.current, f.new) for f in line.by_stage] for line in preview.regions}
    assert by_region[a.region_id] == [(4, 10), (0, 8)]
    assert by_region[far.region_id] == [(0, 5), (0, 0)]
    assert len(preview.regions) == 12
    assert not preview.is_stale


def test_a_national_file_is_checked_and_applied_in_a_few_queries(
    campaign, communes, central_admin, django_assert_max_num_queries
):
    """1,503 communes x 2 stages: set-based reads and writes, never a query per commune."""
    needs = [(c.code, stage, 1 + i % 50) for i, c in enumerate(communes) for stage in ("training", "field")]
    assert len(needs) == 3006
    with django_assert_max_num_queries(10):
        needs_import = check(campaign, file_of(needs))
    with django_assert_max_num_queries(10):
        needs_preview(needs_import)
    with django_assert_max_num_queries(25):
        change = apply_needs_import(needs_import=needs_import, actor=central_admin)
    assert change.added == 3006
    # Every need changed by one, through a second file: batched updates.
    changed = [(code, stage, need + 1) for code, stage, need in needs]
    with django_assert_max_num_queries(30):
        change = apply_needs_import(needs_import=check(campaign, file_of(changed)), actor=central_admin)
    assert change.changed == 3006
    # The export is the file that was applied: a round trip.
    assert sorted(needs_export(campaign)) == sorted(changed)


@pytest.mark.django_db(transaction=True)
def test_two_administrators_applying_the_same_preview_at_once_apply_it_once(
    campaign, communes, central_admin
):
    """Each in her own thread and connection, committing for real: the campaign row's lock lets one in at a
    time, and the second finds the import applied."""
    import threading

    from django.db import connection

    needs_import = check(campaign, file_of([(c.code, "training", 3) for c in communes[:50]]))
    start = threading.Barrier(2)
    results: list[str] = []

    def apply() -> None:
        try:
            start.wait(timeout=10)
            change = apply_needs_import(
                needs_import=NeedsImport.objects.get(pk=needs_import.pk), actor=central_admin
            )
            results.append(f"added {change.added}")
        except NeedsImportRefused as refused:
            results.append(str(refused.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == sorted(["added 50", str(ALREADY_APPLIED)]), results
    assert CommuneNeed.objects.filter(campaign=campaign).count() == 50
    assert AuditEvent.objects.filter(action="campaigns.needs_imported").count() == 1
