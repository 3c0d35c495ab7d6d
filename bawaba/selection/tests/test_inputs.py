"""Reading a run's inputs for real (committed rows, as a worker reads them): one snapshot, on PostgreSQL two
connections at once, and only the selectable applications' choices although the choices are read as an id range.
"""

import numpy as np
import pytest
from django.db import connection, connections

from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.selection import inputs

pytestmark = pytest.mark.django_db(transaction=True)


def expected_choices(campaign, territory) -> dict[int, list[int]]:
    """Each selectable application's communes (as territory indices) in rank order, read the plain ORM way."""
    index = {commune_id: i for i, commune_id in enumerate(territory.commune_id.tolist())}
    choices: dict[int, list[int]] = {}
    selectable = Application.objects.filter(campaign=campaign, status__in=inputs.SELECTABLE_STATUSES)
    for application_id in selectable.order_by("id").values_list("id", flat=True):
        choices[application_id] = []
    rows = ApplicationChoice.objects.filter(application__in=selectable).order_by("application_id", "rank")
    for application_id, commune_id in rows.values_list("application_id", "commune_id"):
        choices[application_id].append(index[commune_id])
    return choices


def as_lists(candidates) -> dict[int, list[int]]:
    return {
        application_id: [commune for commune in row if commune >= 0]
        for application_id, row in zip(
            candidates.application_id.tolist(), candidates.choices.tolist(), strict=True
        )
    }


def test_only_the_selectable_applications_of_the_campaign_and_their_choices_are_read(census):
    ids = list(Application.objects.filter(campaign=census).order_by("id").values_list("id", flat=True))
    # Inside the campaign's id range: a withdrawn application, a draft, and another campaign's application.
    withdrawn, draft, elsewhere = ids[3], ids[10], ids[20]
    Application.objects.filter(pk=withdrawn).update(status=Application.Status.WITHDRAWN)
    Application.objects.filter(pk=draft).update(status=Application.Status.DRAFT)
    Application.objects.filter(pk=elsewhere).update(campaign=CampaignFactory())
    assert ApplicationChoice.objects.filter(application_id__in=[withdrawn, draft, elsewhere]).exists()

    territory, candidates, needs = inputs.read_all(census)

    read = as_lists(candidates)
    assert not {withdrawn, draft, elsewhere} & set(read)
    assert read == expected_choices(census, territory)
    assert (
        sum(len(communes) for communes in read.values())
        == ApplicationChoice.objects.filter(
            application__campaign=census, application__status__in=inputs.SELECTABLE_STATUSES
        ).count()
    )
    assert needs.sum() > 0


def test_reading_from_one_snapshot_gives_what_reading_statement_by_statement_gives(census):
    territory, candidates, _needs = inputs.read_all(census)
    one_by_one = inputs.read_candidates(census, inputs.read_territory())

    for name in ("application_id", "choices", "residence", "category", "education_level", "survey_count"):
        assert np.array_equal(getattr(candidates, name), getattr(one_by_one, name)), name
    assert as_lists(candidates) == expected_choices(census, territory)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="exported snapshots are PostgreSQL's")
def test_both_connections_read_the_snapshot_taken_before_a_concurrent_withdrawal(census):
    applications = Application.objects.filter(campaign=census, status__in=inputs.SELECTABLE_STATUSES)
    first = applications.order_by("id").values_list("id", flat=True)[0]
    selectable_ids = applications.order_by().values_list("id")

    with inputs.one_snapshot() as second_reader:
        assert second_reader is not None
        # Another session withdraws the first application and commits, after the snapshot was taken.
        other = connections.create_connection(connection.alias)
        try:
            with other.cursor() as cursor:
                cursor.execute("UPDATE campaigns_application SET status = 'withdrawn' WHERE id = %s", [first])
        finally:
            other.close()
        seen_by_second = second_reader.fetch_integers(selectable_ids, columns=1).result()
        seen_by_first = inputs.fetch_integers(selectable_ids, columns=1)

    assert first in seen_by_first[:, 0].tolist()
    assert first in seen_by_second[:, 0].tolist()
    # Once the snapshot is left, the withdrawal is seen.
    assert not applications.filter(pk=first).exists()
