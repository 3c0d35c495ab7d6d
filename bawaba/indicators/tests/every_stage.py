"""The small demo census taken through every stage, for the stage apps' indicator tests: its preselection published,
replies to the training places (accepted, declined) and a promotion round, the supporting documents under review,
the accounts handed over to the e-learning platform and a completion report imported, the interviews held, the
final selection published with its agents assigned to training groups, and e-mails of every status.

Built by the real services (and the demo's, which use them) once per test session and restored for each test
(tests/db_snapshots.py). The build acts as no staff member (actor None): a user made by a test's own fixture would
not exist in the next test that restores the rows.

Each app's tests/conftest.py imports the fixture (with `census`, which it needs). Nothing but pytest is imported
at the top: the selection's conftest imports this module, and its pure tests run without Django.
"""

import io

import pytest

__all__ = [
    "every_stage",
    "areas",
    "first_choices",
    "direct_counts",
    "assert_counts",
    "assert_adds_up",
]

ACCEPTING = 12  # the first admitted candidates (by application id) accept their place
DECLINING = 10  # the next ones decline it; a promotion round gives their places to the waiting lists


def _publish_preselection(campaign):
    from bawaba.selection.services import compute_run, create_run, publish_run
    from bawaba.selection.tests.conftest import RUN_SEED

    run = create_run(campaign=campaign, seed=RUN_SEED, actor=None)
    return publish_run(run=compute_run(run_id=run.pk), actor=None)


def _replies_and_promotion(campaign, run) -> None:
    from bawaba.selection.models import SelectionDecision
    from bawaba.selection.services.promotion import run_promotion_round
    from bawaba.training.services.replies import accept_place, decline_place

    admitted = list(
        SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user")
        .order_by("application_id")[: ACCEPTING + DECLINING]
    )
    for number, decision in enumerate(admitted):
        application = decision.application
        if number < ACCEPTING:
            accept_place(application=application, actor=application.user)
        else:
            if number % 2:  # some accept first, then change their mind
                accept_place(application=application, actor=application.user)
            decline_place(application=application, actor=application.user)
    run_promotion_round(campaign=campaign, actor=None)


def _documents(campaign, run) -> None:
    from bawaba.demo.documents import create_demo_documents

    create_demo_documents(campaign=campaign, run=run, seed=7)


def _training_progress(campaign) -> None:
    from bawaba.demo.management.commands.demo_progress_report import demo_report
    from bawaba.training.models import TrainingAccount
    from bawaba.training.services import handover
    from bawaba.training.services.progress import import_progress

    for _chunk in handover.start_export(campaign=campaign, region=None, include_exported=False).chunks():
        pass  # the hand-over happens once the whole file is read
    accounts = list(
        TrainingAccount.objects.filter(campaign=campaign, exported_at__isnull=False).order_by(
            "application_id"
        )
    )
    import_progress(campaign=campaign, data=demo_report(accounts, seed=7), filename="report.csv", actor=None)


def _interviews() -> None:
    """The demo's interviews and final selection, then a convocation withdrawn and an agent who dropped out."""
    from django.core.management import call_command

    from bawaba.fieldwork.models import GroupMember
    from bawaba.interviews.models import Convocation

    call_command("demo_interviews", "--seed", "7", stdout=io.StringIO())
    waiting = Convocation.objects.filter(status=Convocation.Status.CONVOKED).order_by("pk")
    Convocation.objects.filter(pk__in=waiting.values("pk")[:2]).update(status=Convocation.Status.WITHDRAWN)
    members = GroupMember.objects.order_by("pk").values("pk")
    GroupMember.objects.filter(pk__in=members[:3]).update(status=GroupMember.Status.DROPPED)
    GroupMember.objects.filter(pk__in=members[3:10]).update(status=GroupMember.Status.COMPLETED)


E_MAILED = 40  # the first submitted applications (by id) get single e-mails of every status


def _emails(campaign) -> None:
    """Single e-mails to candidates, to a draft's author, to staff and to no account, and the stages' mailing
    messages in every status."""
    from django.db.models import F

    from bawaba.accounts.models import User
    from bawaba.campaigns.models import Application
    from bawaba.notifications.models import MailingMessage, Notification

    submitted = list(
        Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
        .select_related("user")
        .order_by("pk")[:E_MAILED]
    )
    statuses = [choice for choice, _label in Notification.Status.choices]
    kinds = ("application_received", "account_confirmation", "password_reset")
    rows = [
        Notification(
            idempotency_key=f"indicators-test-{number}",
            kind=kinds[number % len(kinds)],
            user=application.user,
            to_email=application.user.email,
            status=statuses[number % len(statuses)],
            attempts=1 if number % 7 == 0 else 0,
        )
        for number, application in enumerate(submitted)
    ]
    # Not the campaign's candidates: a draft's author, a staff member, a message without an account.
    draft_author = User.objects.create(email="draft.author@example.ma", kind=User.Kind.CANDIDATE)
    Application.objects.create(campaign=campaign, user=draft_author, status=Application.Status.DRAFT)
    staff = User.objects.create(email="staff.member@example.ma", kind=User.Kind.STAFF)
    for number, user in enumerate((draft_author, staff, None)):
        rows.append(
            Notification(
                idempotency_key=f"indicators-test-other-{number}",
                kind="password_reset",
                user=user,
                to_email=user.email if user else "someone@example.ma",
                status=Notification.Status.SENT,
            )
        )
    Notification.objects.bulk_create(rows)
    # The stages' messages (held invitations, queued notices and convocations): some sent, some failed, some
    # cancelled, some being sent, some to be tried again.
    ids = list(MailingMessage.objects.order_by("pk").values_list("pk", flat=True))
    plan = {
        MailingMessage.Status.SENT: ids[0::5],
        MailingMessage.Status.FAILED: ids[1::17],
        MailingMessage.Status.CANCELLED: ids[2::23],
        MailingMessage.Status.SENDING: ids[3::29],
    }
    for status, chosen in plan.items():
        MailingMessage.objects.filter(pk__in=chosen).update(status=status)
    MailingMessage.objects.filter(pk__in=ids[4::31]).update(attempts=F("attempts") + 1)


def _build():
    from bawaba.demo.selectors import demo_campaign

    campaign = demo_campaign()
    run = _publish_preselection(campaign)
    _replies_and_promotion(campaign, run)
    _documents(campaign, run)
    _training_progress(campaign)
    _interviews()
    _emails(campaign)


def _change_census_rows(campaign) -> None:
    """What the build would change in the census's own rows, done after each restore: a snapshot keeps only the
    rows a build adds. One e-mailed candidate withdraws; one who accepted her training place has no residence
    commune (her figures count under "")."""
    from bawaba.campaigns.models import Application
    from bawaba.training.models import TrainingReply

    e_mailed = Application.objects.filter(
        campaign=campaign, status=Application.Status.SUBMITTED, user__notifications__isnull=False
    ).order_by("-pk")
    Application.objects.filter(pk=e_mailed.values("pk")[:1]).update(status=Application.Status.WITHDRAWN)
    accepted = TrainingReply.objects.filter(answer=TrainingReply.Answer.ACCEPTED).order_by("application_id")
    Application.objects.filter(pk=accepted.values("application_id")[:1]).update(residence_commune=None)


@pytest.fixture
def every_stage(census, db_snapshots):
    """The small demo census with every stage's data (module docstring); the campaign."""
    db_snapshots.load("indicators-every-stage", _build)
    _change_census_rows(census)
    return census


# ----------------------------------------------------------------------------------- checking the figures


NOWHERE = {"region": None, "province": None, "commune": None}


def areas() -> dict[int | None, dict[str, str | None]]:
    """Every commune's territory by commune id, read here from the territory's objects (None: no commune)."""
    from bawaba.territory.models import Commune

    found: dict[int | None, dict[str, str | None]] = {None: NOWHERE}
    for commune in Commune.objects.select_related("region", "province"):
        found[commune.pk] = {
            "region": commune.region.code,
            "province": commune.province.code,
            "commune": commune.code,
        }
    return found


def first_choices() -> dict[int, int]:
    """{application id: the commune id of her choice ranked 1}."""
    from bawaba.campaigns.models import ApplicationChoice

    return {
        application_id: commune_id
        for application_id, rank, commune_id in ApplicationChoice.objects.values_list(
            "application_id", "rank", "commune_id"
        )
        if rank == 1
    }


def direct_counts(rows, dimensions) -> dict[tuple[str, ...], int]:
    """Count `rows` (dicts of each dimension's value, None where missing) by `dimensions` in Python, "" for None."""
    counts: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple("" if row[dimension] is None else str(row[dimension]) for dimension in dimensions)
        counts[key] = counts.get(key, 0) + 1
    return counts


def breakdowns_of(indicator) -> list[tuple[str, ...]]:
    """The whole campaign, each dimension alone, and each territorial level beside each other dimension."""
    found: list[tuple[str, ...]] = [(), *((dimension,) for dimension in indicator.dimensions)]
    if indicator.territorial:
        found += [(level, other) for level in ("region", "commune") for other in indicator.breakdowns]
    return found


def assert_counts(key: str, campaign, rows: list[dict]) -> None:
    """The registered indicator `key` gives, for every breakdown, the counts of `rows` made in Python, and every
    breakdown adds up to its total. `rows` must not be empty: a figure of nothing would prove nothing."""
    from bawaba.core.contributions import registry

    assert rows, f"{key}: the test data has nothing to count"
    indicator = registry.indicator(key)
    for by in breakdowns_of(indicator):
        expected = direct_counts(rows, by) if by else {(): len(rows)}
        assert dict(indicator.compute(campaign, by)) == expected, (key, by)
    assert_adds_up(indicator, campaign)


def assert_adds_up(indicator, campaign) -> None:
    """Every breakdown adds up to the total, and no group of the breakdown is empty."""
    total = indicator.compute(campaign, ())[()]
    for by in breakdowns_of(indicator)[1:]:
        figures = indicator.compute(campaign, by)
        assert sum(figures.values()) == total, (indicator.key, by)
        assert all(figure > 0 for figure in figures.values()), (indicator.key, by)
