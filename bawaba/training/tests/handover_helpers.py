"""What the hand-over tests share: the small demo census with its preselection published (the selection tests'
fixtures), its training accounts and held invitations, and the file read back."""

import csv
import io
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from bawaba.selection.models import SelectionDecision
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures
from bawaba.training import passwords
from bawaba.training.models import NoticeKind, TrainingAccount
from bawaba.training.notices import NoticeRecipient, create_notice_mailing
from bawaba.training.services import handover


@transaction.atomic
def issue_accounts(run) -> list[TrainingAccount]:
    """The accounts and held invitations (one mailing per region) for the admitted who have none yet: the
    publication issues them (bawaba.training.services.invitations), so this finds them made and adds nothing."""
    decisions = list(
        SelectionDecision.objects.filter(
            run=run, outcome=SelectionDecision.Outcome.ADMITTED, application__training_account__isnull=True
        )
        .select_related("application__user", "commune")
        .order_by("application_id")
    )
    issued = passwords.generate(len(decisions)) if decisions else []
    by_region = defaultdict(list)
    for decision, password in zip(decisions, issued, strict=True):
        application = decision.application
        account = TrainingAccount.objects.create(
            campaign_id=run.campaign_id,
            application=application,
            username=application.user.email,
            temporary_password=password,
            password_issued_at=timezone.now(),
        )
        by_region[decision.commune.region_id].append(account)
    for region_id, accounts in sorted(by_region.items()):
        mailing = create_notice_mailing(
            campaign=run.campaign,
            kind=NoticeKind.PRESELECTED,
            label=f"Invitations, region {region_id}",
            recipients=[
                NoticeRecipient(
                    key=f"a{account.application_id}",
                    email=account.application.user.email,
                    language=account.application.user.preferred_language,
                    user_id=account.application.user_id,
                    values={"username": account.username, "password": account.temporary_password},
                )
                for account in accounts
            ],
            held=True,
        )
        TrainingAccount.objects.filter(pk__in=[account.pk for account in accounts]).update(
            invitation_mailing=mailing
        )
    return list(TrainingAccount.objects.filter(campaign_id=run.campaign_id).order_by("pk"))


def whole(moodle_file: handover.MoodleFile) -> bytes:
    """The file as a client that reads it to the end receives it."""
    return "".join(moodle_file.chunks()).encode("utf-8")


def export(campaign, **options) -> bytes:
    return whole(handover.start_export(campaign=campaign, **options))


def rows_of(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows, read the way Moodle reads the file: strict UTF-8, comma-separated."""
    reader = csv.reader(io.StringIO(content.decode("utf-8", errors="strict"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]
