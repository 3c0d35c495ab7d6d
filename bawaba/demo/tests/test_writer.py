"""The bulk writer on the real engine: values round-trip exactly, and a bulk load leaves the schema as it was."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from bawaba.accounts.models import User
from bawaba.administrations.models import Administration
from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.core.bulk import BulkWriter, MissingColumnError
from bawaba.core.models import AuditEvent

AWKWARD = ["tab\there", "new\nline", "back\\slash", "per%cent %s %%", "\\N", "المندوبية السامية", "cr\rlf"]


def test_strings_round_trip_whatever_they_contain(db):
    writer = BulkWriter(connection)
    first = writer.first_free_id(Administration)
    ids = np.arange(first, first + len(AWKWARD))
    writer.insert(
        Administration,
        {
            "id": ids,
            "code": [f"awkward-{i}" for i in range(len(AWKWARD))],
            "name_ar": AWKWARD,
            "name_fr": "constant\twith % and \\ in it",
            "name_en": AWKWARD[::-1],
        },
        rows=len(AWKWARD),
    )
    stored = Administration.objects.filter(pk__in=ids.tolist()).order_by("pk")
    assert [a.name_ar for a in stored] == AWKWARD
    assert [a.name_en for a in stored] == AWKWARD[::-1]
    assert {a.name_fr for a in stored} == {"constant\twith % and \\ in it"}


def test_datetimes_dates_and_json_round_trip(db):
    writer = BulkWriter(connection)
    first = writer.first_free_id(AuditEvent)
    writer.insert(
        AuditEvent,
        {
            "id": np.array([first, first + 1]),
            "created_at": np.array(["2024-02-06T23:00:00", "2024-02-27T22:59:59"], dtype="datetime64[s]"),
            "action": "test.bulk",
            "target_type": "",
            "target_id": ["1", "2"],
            "data": ['{"languages": ["ar", "fr"]}', "{}"],
            "actor": None,
        },
        rows=2,
    )
    events = AuditEvent.objects.filter(action="test.bulk").order_by("pk")
    assert [e.created_at for e in events] == [
        dt.datetime(2024, 2, 6, 23, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 27, 22, 59, 59, tzinfo=dt.UTC),
    ]
    assert [e.data for e in events] == [{"languages": ["ar", "fr"]}, {}]
    assert all(e.actor is None for e in events)


def test_unicode_arrays_masked_arrays_and_row_functions_round_trip_across_chunks(db, monkeypatch):
    # Chunks of 3 rows: the 7 rows below take three chunks, the last one short.
    monkeypatch.setattr("bawaba.core.bulk._COPY_ROWS_PER_CHUNK", 3)
    asked = []

    def english_names(start, stop):
        asked.append((start, stop))
        return [f"row {i}" for i in range(start, stop)]

    writer = BulkWriter(connection)
    first = writer.first_free_id(AuditEvent)
    ids = np.arange(first, first + len(AWKWARD))
    author = User.objects.create(email="bulk-writer@example.org")
    actors = np.ma.masked_array(
        np.full(len(AWKWARD), author.pk), mask=[i % 2 == 1 for i in range(len(AWKWARD))]
    )
    writer.insert(
        AuditEvent,
        {
            "id": ids,
            "created_at": np.full(len(AWKWARD), "2024-02-06T23:00:00", dtype="datetime64[s]"),
            "action": "test.bulk.kinds",
            "target_type": np.array(AWKWARD, dtype=str),
            "target_id": english_names,
            "data": "{}",
            "actor": actors,
        },
        rows=len(AWKWARD),
    )
    events = list(AuditEvent.objects.filter(action="test.bulk.kinds").order_by("pk"))
    assert [e.target_type for e in events] == AWKWARD
    assert [e.target_id for e in events] == [f"row {i}" for i in range(len(AWKWARD))]
    assert [e.actor_id for e in events] == [author.pk, None, author.pk, None, author.pk, None, author.pk]
    if connection.vendor == "postgresql":
        assert asked == [(0, 3), (3, 6), (6, 7)]
    else:
        assert asked == [(0, 7)]


def test_refuses_a_table_with_a_required_field_left_out(db):
    with pytest.raises(MissingColumnError, match="name_ar"):
        BulkWriter(connection).insert(Administration, {"code": ["x"], "name_fr": "x", "name_en": "x"}, rows=1)


def test_refuses_columns_of_the_wrong_length(db):
    with pytest.raises(ValueError, match="code"):
        BulkWriter(connection).insert(
            Administration, {"code": ["x", "y"], "name_ar": "x", "name_fr": "x", "name_en": "x"}, rows=1
        )


def test_ids_of_deleted_rows_are_not_handed_out_again(db):
    user = User.objects.create_user("gone@example.ma", "x" * 12)
    User.objects.filter(pk=user.pk).delete()
    assert BulkWriter(connection).first_free_id(User) > user.pk


def constraints_of(models) -> dict:
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: {
                name: (tuple(info["columns"]), info["unique"], info["primary_key"], info["foreign_key"])
                for name, info in connection.introspection.get_constraints(
                    cursor, model._meta.db_table
                ).items()
            }
            for model in models
        }


def test_a_bulk_load_puts_back_every_index_and_constraint(db):
    models = [User, Application, ApplicationChoice]
    before = constraints_of(models)
    writer = BulkWriter(connection)
    load = writer.start_bulk_load(models)
    assert constraints_of(models) != before
    writer.finish_bulk_load(load)
    assert constraints_of(models) == before
