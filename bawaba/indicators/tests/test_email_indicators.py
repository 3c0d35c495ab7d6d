"""The e-mail indicators: single e-mails and mailing messages to the campaign's candidates, each figure a count made
here in Python by kind and by where the candidate lives; every breakdown adds up. E-mails to people without a
submitted application in the campaign, and cancelled messages, count in none."""

from bawaba.campaigns.models import Application
from bawaba.core.contributions import registry
from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
)
from bawaba.notifications.models import MailingMessage, Notification

FIGURES = {
    "emails.sent": {"sent"},
    "emails.waiting": {"pending", "sending"},
    "emails.failed": {"failed"},
}


def candidacies(campaign):
    """{user id: her application in the campaign}, submitted ones only (withdrawn since included)."""
    return {
        application.user_id: application
        for application in Application.objects.filter(campaign=campaign)
        if application.submitted_at is not None
    }


def e_mails(campaign):
    """(status, kind, her application or None) of every e-mail, single or mass."""
    theirs = candidacies(campaign)
    found = [
        (notification.status, notification.kind, theirs.get(notification.user_id))
        for notification in Notification.objects.all()
    ]
    found += [
        (message.status, message.mailing.kind, theirs.get(message.user_id))
        for message in MailingMessage.objects.select_related("mailing")
    ]
    return found


def test_each_figure_counts_the_candidates_e_mails_of_its_statuses_by_kind_and_area(every_stage):
    where = areas()
    found = e_mails(every_stage)
    for key, statuses in FIGURES.items():
        rows = [
            {**where[application.residence_commune_id], "kind": kind}
            for status, kind, application in found
            if application is not None and status in statuses
        ]
        assert_counts(key, every_stage, rows)
        # Both tables are counted.
        kinds = {row["kind"] for row in rows}
        assert kinds & {"training_preselected", "training_reminder"} and kinds & {
            "application_received",
            "password_reset",
        }


def test_what_is_not_counted(every_stage):
    found = e_mails(every_stage)
    counted = sum(
        1 for status, _kind, application in found if application is not None and status != "cancelled"
    )
    not_candidates = [status for status, _kind, application in found if application is None]
    cancelled = [status for status, _kind, application in found if application and status == "cancelled"]
    assert not_candidates and cancelled
    total = sum(registry.indicator(key).compute(every_stage, ())[()] for key in FIGURES)
    assert total == counted == len(found) - len(not_candidates) - len(cancelled)


def test_a_withdrawn_candidates_e_mails_stay_counted(every_stage):
    withdrawn = Application.objects.get(campaign=every_stage, status=Application.Status.WITHDRAWN)
    before = {key: registry.indicator(key).compute(every_stage, ()) for key in FIGURES}
    hers = Notification.objects.filter(user_id=withdrawn.user_id).exclude(status="cancelled")
    assert hers.exists()
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.SUBMITTED)
    assert {key: registry.indicator(key).compute(every_stage, ()) for key in FIGURES} == before


def test_a_refresh_reads_each_e_mail_table_once_for_the_three_figures(every_stage):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bawaba.indicators.refresh import campaign_figures

    indicators = [registry.indicator(key) for key in FIGURES]
    with CaptureQueriesContext(connection) as queries:
        together = campaign_figures(every_stage, indicators)
    for table in (Notification._meta.db_table, MailingMessage._meta.db_table):
        reads = [query for query in queries if f'"{table}"' in query["sql"]]
        assert len(reads) == len(indicators[0].breakdowns), (
            table
        )  # one a breakdown, not one a figure and breakdown
    # The same figures as each indicator read on its own.
    alone = {}
    for indicator in indicators:
        alone.update(campaign_figures(every_stage, [indicator]))
    assert together == alone and together
