"""The review queue: complete files first, oldest first; filters; keyset pages that never show a row twice nor
miss one, forward and back, whatever the ties on the instant of completion."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.campaigns.models import Application
from bawaba.documents.access import staff_dossier_scope
from bawaba.documents.models import Dossier
from bawaba.documents.staff.review.selectors import (
    Cursor,
    QueueFilters,
    next_to_examine,
    queue_page,
    status_counts,
)
from bawaba.documents.tests.review_factories import (
    START,
    Role,
    campaign_with_requirements,
    dossier,
    staff,
    supervisor_of,
    two_provinces,
)

Status = Dossier.Status
Category = Application.Category


@pytest.fixture
def places(territory):
    return two_provinces()


@pytest.fixture
def campaign(db):
    return campaign_with_requirements()


def walk_forward(campaign, scope, filters, size):
    pages, page = [], queue_page(campaign, scope, filters, size=size)
    pages.append(page)
    while page.next_cursor:
        page = queue_page(campaign, scope, filters, after=Cursor.decode(page.next_cursor), size=size)
        pages.append(page)
    return pages


def test_the_queue_shows_complete_files_oldest_first_in_her_scope_only(campaign, places):
    commune, other = places.my_communes[0], places.their_communes[0]
    late = dossier(campaign, commune, submitted_at=START + dt.timedelta(days=2))
    early = dossier(campaign, commune, submitted_at=START)
    dossier(campaign, commune, status=Status.AWAITED)
    dossier(campaign, commune, status=Status.ACCEPTED, submitted_at=START - dt.timedelta(days=9))
    dossier(campaign, other, submitted_at=START - dt.timedelta(days=1))
    scope = staff_dossier_scope(supervisor_of(places.mine))
    page = queue_page(campaign, scope, QueueFilters())
    assert page.rows == [early, late]
    assert page.next_cursor is None and page.previous_cursor is None and page.is_first
    assert status_counts(campaign, scope) == {"awaited": 1, "submitted": 2, "accepted": 1, "rejected": 0}


def test_the_filters_by_province_commune_category_and_status(campaign, places):
    first, second = places.my_communes
    graduate = dossier(campaign, first, submitted_at=START)
    student = dossier(campaign, second, submitted_at=START, category=Category.STUDENT)
    theirs = dossier(campaign, places.their_communes[0], submitted_at=START)
    rejected = dossier(campaign, first, status=Status.REJECTED, submitted_at=START)
    awaited = [dossier(campaign, second, status=Status.AWAITED) for _ in range(2)]
    national = staff_dossier_scope(staff("national@example.ma", Role.CENTRAL_ADMIN))

    def rows(**filters):
        return queue_page(campaign, national, QueueFilters(**filters)).rows

    assert rows() == sorted([graduate, student, theirs], key=lambda d: d.pk)
    assert rows(province=places.theirs) == [theirs]
    assert rows(province=places.mine, commune=second) == [student]
    assert rows(category=Category.STUDENT) == [student]
    assert rows(status=Status.REJECTED) == [rejected]
    assert rows(status=Status.AWAITED) == awaited  # never complete: in the order of the invitations
    assert status_counts(campaign, national, places.theirs)["submitted"] == 1


def test_the_next_file_skips_those_another_reviewer_holds_and_wraps_to_the_start(campaign, places):
    from bawaba.documents.services.review import claim

    commune = places.my_communes[0]
    first, second, third = (
        dossier(campaign, commune, submitted_at=START + dt.timedelta(minutes=minutes))
        for minutes in (1, 2, 3)
    )
    reviewer, colleague = (
        supervisor_of(places.mine, "a@example.ma"),
        supervisor_of(places.mine, "b@example.ma"),
    )
    scope = staff_dossier_scope(reviewer)
    assert next_to_examine(campaign, scope, QueueFilters(), current=first, reviewer=reviewer) == second
    claim(dossier=second, reviewer=colleague)
    assert next_to_examine(campaign, scope, QueueFilters(), current=first, reviewer=reviewer) == third
    assert next_to_examine(campaign, scope, QueueFilters(), current=third, reviewer=reviewer) == first
    assert (
        next_to_examine(
            campaign, scope, QueueFilters(category=Category.STUDENT), current=first, reviewer=reviewer
        )
        is None
    )


@pytest.mark.parametrize(
    "text", ["", "garbage", "_", "1_", "-1_2", "1_0", "_99999999999999999999", "1_2_3", "1.5_2"]
)
def test_a_cursor_that_no_link_carried_is_none(text):
    assert Cursor.decode(text) is None


def test_a_cursor_survives_its_encoding_to_the_microsecond():
    at = dt.datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
    assert Cursor.decode(Cursor(at=at, pk=42).encode()) == Cursor(at=at, pk=42)
    assert Cursor.decode(Cursor(at=None, pk=7).encode()) == Cursor(at=None, pk=7)
    assert Cursor.decode("99999999999999999_1") is None  # the year 5138: no instant of ours


@pytest.fixture
def pool(campaign, places):
    """Twenty dossiers that each example rearranges (status, instant, province) inside a rolled-back savepoint."""
    communes = places.my_communes + places.their_communes
    return [dossier(campaign, communes[index % 4], submitted_at=START) for index in range(20)]


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([Status.SUBMITTED, Status.SUBMITTED, Status.ACCEPTED])),
        min_size=20,
        max_size=20,
    ),
    size=st.integers(1, 6),
    national=st.booleans(),
)
def test_keyset_pages_show_every_row_once_in_order_forward_and_back(
    campaign, places, pool, layout, size, national
):
    """Few distinct instants, so many ties on submitted_at: the id must break them, in both directions."""
    try:
        with transaction.atomic():
            user = (
                staff("national@example.ma", Role.CENTRAL_ADMIN) if national else supervisor_of(places.mine)
            )
            for row, (minutes, status) in zip(pool, layout, strict=True):
                row.submitted_at, row.status = START + dt.timedelta(minutes=minutes), status
            Dossier.objects.bulk_update(pool, ["submitted_at", "status"])
            scope = staff_dossier_scope(user)
            expected = sorted(
                (
                    row
                    for row in pool
                    if row.status == Status.SUBMITTED and (national or row.province_id == places.mine.pk)
                ),
                key=lambda row: (row.submitted_at, row.pk),
            )
            pages = walk_forward(campaign, scope, QueueFilters(), size)
            shown = [row for page in pages for row in page.rows]
            assert [row.pk for row in shown] == [row.pk for row in expected]
            assert all(len(page.rows) == size for page in pages[:-1])

            # Back from the last page, with the "previous" links: the same pages, in reverse.
            back, page = [pages[-1]], pages[-1]
            while page.previous_cursor:
                page = queue_page(
                    campaign, scope, QueueFilters(), before=Cursor.decode(page.previous_cursor), size=size
                )
                back.append(page)
            assert [row.pk for page in reversed(back) for row in page.rows] == [row.pk for row in expected]
            raise Rollback
    except Rollback:
        pass


def test_the_queue_page_links_carry_the_cursor_and_the_filters(client, campaign, places, monkeypatch):
    from bawaba.documents.staff.review import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    commune = places.my_communes[0]
    rows = [
        dossier(campaign, commune, submitted_at=START + dt.timedelta(seconds=index)) for index in range(3)
    ]
    client.force_login(supervisor_of(places.mine))
    url = f"/fr/staff/documents/{campaign.slug}/review/?province={places.mine.pk}"
    first = client.get(url).content.decode()
    assert f"/review/{rows[0].pk}/?province={places.mine.pk}" in first
    assert f"/review/{rows[2].pk}/" not in first
    cursor = Cursor.of(rows[1], Status.SUBMITTED).encode()
    assert f"?province={places.mine.pk}&amp;after={cursor}" in first
    second = client.get(f"{url}&after={cursor}").content.decode()
    assert f"/review/{rows[2].pk}/?province={places.mine.pk}" in second
    assert f"/review/{rows[0].pk}/" not in second
    assert f"before={Cursor.of(rows[2], Status.SUBMITTED).encode()}" in second
