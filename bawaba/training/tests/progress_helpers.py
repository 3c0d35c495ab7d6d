"""What the progress and reminder tests share: the small census's published preselection, its admitted
candidates' training accounts (created here until the notices work issues them on publication: applications
that already have one are skipped), handed over to the platform, and a report written for them."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from bawaba.selection.models import SelectionDecision

# The selection tests' fixtures: the small demo census and its published preselection.
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401
from bawaba.training.models import TrainingAccount
from bawaba.training.progress_csv import ProgressLine, write_progress_file

__all__ = ["census", "computed_run", "published_run", "accounts_of", "report_for", "admitted_decisions"]


def admitted_decisions(run):
    return (
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user", "commune__province")
        .order_by("application_id")
    )


def accounts_of(run, *, handed_over: bool = True) -> list[TrainingAccount]:
    """Every admitted candidate's account (created where missing), handed over to the platform if asked."""
    now = timezone.now()
    existing = set(
        TrainingAccount.objects.filter(campaign=run.campaign).values_list("application_id", flat=True)
    )
    TrainingAccount.objects.bulk_create(
        [
            TrainingAccount(
                campaign=run.campaign,
                application=decision.application,
                username=decision.application.user.email,
                temporary_password="",
                password_issued_at=now,
            )
            for decision in admitted_decisions(run)
            if decision.application_id not in existing
        ]
    )
    accounts = TrainingAccount.objects.filter(campaign=run.campaign)
    if handed_over:
        accounts.update(exported_at=now, temporary_password="")
    return list(accounts.select_related("application__user").order_by("application_id"))


def report_for(accounts, *, percent=lambda i: (i * 7) % 101, started=lambda i: i % 3 != 0) -> bytes:
    """A plausible report: two in three started, with various completions and grades."""
    first = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    lines = []
    for i, account in enumerate(accounts):
        begun = started(i)
        lines.append(
            ProgressLine(
                line=i + 2,
                username=account.username,
                first_access=first + dt.timedelta(hours=i) if begun else None,
                completion_percent=percent(i) if begun else 0,
                grade=Decimal(i % 20) + Decimal("0.25") if begun and i % 2 else None,
                last_access=first + dt.timedelta(days=3, hours=i) if begun else None,
            )
        )
    return write_progress_file(lines)
