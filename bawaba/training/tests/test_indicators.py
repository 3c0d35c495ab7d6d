"""The training's indicators: each equals a count of the campaign's accounts, replies and progress made here in
Python, by where the candidate lives and her category, and adds up; a candidate without a residence commune counts
under ""."""

from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
)
from bawaba.training.models import TrainingAccount, TrainingProgress, TrainingReply


def _row(application, where):
    return {**where[application.residence_commune_id], "category": application.category}


def test_the_invited_are_the_accounts_issued_by_where_they_live(every_stage):
    where = areas()
    accounts = TrainingAccount.objects.filter(campaign=every_stage).select_related("application")
    rows = [_row(account.application, where) for account in accounts]
    assert_counts("training.invited", every_stage, rows)
    assert any(row["commune"] is None for row in rows)  # her figures count under ""


def test_the_replies_count_by_their_answer_today(every_stage):
    where = areas()
    replies = list(
        TrainingReply.objects.filter(application__campaign=every_stage).select_related("application")
    )
    for key, answer in (
        ("training.accepted", TrainingReply.Answer.ACCEPTED),
        ("training.declined", TrainingReply.Answer.DECLINED),
    ):
        rows = [_row(reply.application, where) for reply in replies if reply.answer == answer]
        assert_counts(key, every_stage, rows)


def test_started_and_completed_follow_the_last_completion_report(every_stage):
    where = areas()
    progress = list(
        TrainingProgress.objects.filter(account__campaign=every_stage).select_related("account__application")
    )
    started = [_row(p.account.application, where) for p in progress if p.first_access is not None]
    completed = [_row(p.account.application, where) for p in progress if p.completion_percent == 100]
    assert_counts("training.started", every_stage, started)
    assert_counts("training.completed", every_stage, completed)
    assert len(completed) < len(started) < len(progress)
