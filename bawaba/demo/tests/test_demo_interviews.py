"""The demo's interviews and final selection (`make demo-data` runs demo_interviews last): sessions in every
province with the called convoked, today's session in Kénitra awaiting the demo interviewer, everyone else present
and scored or absent, and the final selection published with the demo candidate in it."""

import io

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from bawaba.accounts.models import Assignment, User
from bawaba.demo.services import CANDIDATE, INTERVIEWER, SUPERVISED_PROVINCE_CODE
from bawaba.fieldwork.models import GroupMember
from bawaba.interviews.models import Convocation, InterviewScore, InterviewSession
from bawaba.selection.models import SelectionDecision, SelectionRun


def run_command() -> str:
    out = io.StringIO()
    call_command("demo_interviews", "--seed", "7", stdout=out)
    return out.getvalue()


def test_nothing_is_done_before_the_preselection_is_published(census):
    assert "No published preselection" in run_command()
    assert not InterviewSession.objects.exists()


def test_the_interviews_are_held_and_the_final_selection_published(published_run):
    assert "published" in run_command()
    today = timezone.localdate()
    todays = InterviewSession.objects.get(day=today)
    assert todays.province.code == SUPERVISED_PROVINCE_CODE
    interviewer = User.objects.get(email=INTERVIEWER.email)
    assert todays.interviewers.filter(pk=interviewer.pk).exists()
    assert Assignment.objects.get(user=interviewer).role == Assignment.Role.INTERVIEWER
    waiting = Convocation.objects.filter(slot__session=todays)
    assert waiting.exists() and not InterviewScore.objects.filter(convocation__in=waiting).exists()
    held = Convocation.objects.exclude(slot__session=todays)
    assert not InterviewSession.objects.exclude(pk=todays.pk).filter(day__gte=today).exists()
    assert held.filter(status=Convocation.Status.ABSENT).exists()
    present = held.filter(status=Convocation.Status.PRESENT)
    assert present.count() == InterviewScore.objects.count()
    final = SelectionRun.objects.get(stage=SelectionRun.Stage.FIELD)
    assert final.status == SelectionRun.Status.PUBLISHED
    # The demo candidate, when the preselection gave her a place, came and did well: she is in the final selection.
    convocation = Convocation.objects.filter(application__user__email=CANDIDATE.email).first()
    if convocation is not None:
        assert convocation.status == Convocation.Status.PRESENT
        hers = SelectionDecision.objects.get(run=final, application_id=convocation.application_id)
        assert hers.outcome != SelectionDecision.Outcome.INELIGIBLE
    # The selected are in training groups of their province, the demo candidate among them when selected.
    admitted = SelectionDecision.objects.filter(run=final, outcome=SelectionDecision.Outcome.ADMITTED)
    members = GroupMember.objects.filter(group__campaign=final.campaign)
    assert members.count() == admitted.count()
    assert not members.exclude(group__province=F("commune__province")).exists()
    # A second run changes nothing.
    assert "nothing to do" in run_command()
    assert SelectionRun.objects.filter(stage=SelectionRun.Stage.FIELD).count() == 1
