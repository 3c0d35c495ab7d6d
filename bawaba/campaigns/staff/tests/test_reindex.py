"""search_name is filled for rows written without it, and the trigram index exists on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.factories import CampaignFactory


def test_reindex_fills_search_names_then_has_nothing_left_to_do(make_application, capsys):
    written = [make_application(first_name_ar="أحمد", first_name_latin=f"Ahmed{n}") for n in range(5)]
    Application.objects.update(search_name="")  # as a bulk insert leaves them

    call_command("reindex_application_names", batch_size=2)
    out = capsys.readouterr().out
    assert "5 / 5 applications read (100%)" in out
    assert "5 of 5 applications updated" in out
    for application in written:
        application.refresh_from_db()
        assert application.search_name == f"احمد العلوي ahmed{application.first_name_latin[-1]} alaoui"

    call_command("reindex_application_names")
    assert "0 of 5 applications updated" in capsys.readouterr().out


def test_reindex_of_one_campaign_leaves_the_others(make_application, campaign):
    mine, other = make_application(), make_application(campaign=CampaignFactory())
    Application.objects.update(search_name="")
    call_command("reindex_application_names", campaign=campaign.slug)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.search_name, other.search_name) == ("امينه العلوي amina alaoui", "")


def test_a_row_inserted_without_the_column_gets_an_empty_search_name(campaign):
    # As the demo's COPY and other bulk inserts write rows: search_name is not among the columns named.
    user = UserFactory()
    table = connection.ops.quote_name(Application._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, user_id, status, cin, first_name_ar, last_name_ar, "  # noqa: S608
            "first_name_latin, last_name_latin, sex, phone, category, education_level, education_field, "
            "survey_experience_count, survey_experience_detail, ict_skill, languages, created_at, updated_at) "
            "VALUES (%s, %s, 'draft', 'ZZ1', '', '', 'Amina', '', '', '', '', '', '', 0, '', 0, '[]', %s, %s)",
            [campaign.pk, user.pk, timezone.now(), timezone.now()],
        )
    assert Application.objects.get(cin="ZZ1").search_name == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_has_the_trigram_index_on_search_names(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'application_search_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_name gin_trgm_ops)" in definition
