"""Sessions and convocations: slots within capacity, one live convocation per candidate, the nearest place first,
her answers (confirm, change her slot keeping her other data, withdraw), and the e-mail with its calendar file
through a real SMTP server."""

import datetime as dt
from email import message_from_bytes, policy

import pytest
import vobject
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bawaba.campaigns.models import Application
from bawaba.interviews.calendar import MOROCCO
from bawaba.interviews.calling import CallRules
from bawaba.interviews.models import Convocation, InterviewSlot
from bawaba.interviews.selectors import call_lines
from bawaba.interviews.services import convocations
from bawaba.interviews.services.rules import save_call_rules
from bawaba.interviews.services.sessions import SessionPlan, create_session, delete_session
from bawaba.notifications.models import Mailing
from bawaba.notifications.sender import MailingSender
from bawaba.notifications.smtp_sink import start_sink

EVERYONE = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
NEXT_WEEK = timezone.localdate() + dt.timedelta(days=7)


def plan(**changes) -> SessionPlan:
    values = {
        "place_name": "Direction provinciale",
        "address": "1, avenue Hassan II",
        "latitude": None,
        "longitude": None,
        "day": NEXT_WEEK,
        "starts_at": dt.time(9, 0),
        "ends_at": dt.time(10, 0),
        "slot_minutes": 30,
        "places_per_slot": 2,
    }
    return SessionPlan(**(values | changes))


@pytest.fixture
def province(published_run):
    """The province with the most admitted candidates, and every admitted candidate called."""
    save_call_rules(campaign=published_run.campaign, rules=EVERYONE, note="", actor=None)
    lines = [
        line for line in call_lines(published_run.campaign, EVERYONE, province_ids=None) if line.is_called
    ]
    from collections import Counter

    from bawaba.territory.models import Province

    busiest, _ = Counter(line.province_id for line in lines).most_common(1)[0]
    return Province.objects.get(pk=busiest)


def called_in(campaign, province):
    return [line for line in call_lines(campaign, EVERYONE, province_ids=[province.pk]) if line.is_called]


def test_a_session_is_cut_into_slots_in_morocco_time(census, province, central_admin):
    session = create_session(
        campaign=census, province=province, plan=plan(ends_at=dt.time(10, 45)), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    starts = list(session.slots.values_list("starts_at", flat=True))
    assert [s.astimezone(MOROCCO).time() for s in starts] == [dt.time(9, 0), dt.time(9, 30), dt.time(10, 0)]
    assert set(session.slots.values_list("capacity", flat=True)) == {2}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"day": dt.date(2000, 1, 1)}, "past"),
        ({"ends_at": dt.time(8, 0)}, "order"),
        ({"ends_at": dt.time(9, 10)}, "short"),
        ({"latitude": 34.0}, "point"),
        ({"places_per_slot": 0}, "places"),
        ({"places_per_slot": 10_000}, "places"),
        ({"slot_minutes": 5, "starts_at": dt.time(0, 0), "ends_at": dt.time(23, 59)}, "long"),
    ],
)
def test_a_faulty_plan_is_refused_and_writes_nothing(census, province, central_admin, changes, code):
    with pytest.raises(ValidationError) as refused:
        create_session(
            campaign=census, province=province, plan=plan(**changes), interviewers=[], actor=central_admin,
            today=timezone.localdate(),
        )  # fmt: skip
    assert refused.value.code == code
    assert not InterviewSlot.objects.exists()


def test_an_interviewer_of_another_province_cannot_be_named(census, province, central_admin, supervisor):
    with pytest.raises(ValidationError):
        create_session(
            campaign=census, province=province, plan=plan(), interviewers=[supervisor], actor=central_admin,
            today=timezone.localdate(),
        )  # fmt: skip


def test_convocations_fill_slots_in_order_never_beyond_capacity_and_never_twice(
    census, province, central_admin
):
    create_session(
        campaign=census, province=province, plan=plan(), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    called = called_in(census, province)
    first = convocations.convoke_province(campaign=census, province=province, actor=central_admin)
    assert first.convoked == min(4, len(called))
    assert first.unplaced == len(called) - first.convoked
    assert all(slot.convoked <= slot.capacity for slot in InterviewSlot.objects.all())
    assert convocations.slot_counts_hold()
    # Again: those convoked are not convoked twice; the others stay unplaced until a session has room.
    again = convocations.convoke_province(campaign=census, province=province, actor=central_admin)
    assert again.convoked == 0 and again.already == first.convoked
    assert Convocation.objects.count() == first.convoked
    # A second session makes room for the rest.
    create_session(
        campaign=census, province=province, plan=plan(places_per_slot=200), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    third = convocations.convoke_province(campaign=census, province=province, actor=central_admin)
    assert third.convoked == len(called) - first.convoked and third.unplaced == 0
    assert convocations.slot_counts_hold()
    assert Mailing.objects.filter(kind=convocations.CONVOCATION_KIND).count() == 2


def test_the_database_refuses_a_second_live_convocation_and_an_overfull_slot(census, province, central_admin):
    session = create_session(
        campaign=census, province=province, plan=plan(places_per_slot=1), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    convocations.convoke_province(campaign=census, province=province, actor=central_admin)
    convocation = Convocation.objects.first()
    slot = session.slots.get(pk=convocation.slot_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Convocation.objects.create(campaign=census, application=convocation.application, slot=slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSlot.objects.filter(pk=slot.pk).update(convoked=slot.capacity + 1)


def _convoked(census, province, central_admin, **plan_changes):
    create_session(
        campaign=census, province=province, plan=plan(**plan_changes), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    convocations.convoke_province(campaign=census, province=province, actor=central_admin)
    return Convocation.objects.select_related("application__user", "slot").order_by("pk").first()


def test_she_moves_to_another_slot_with_room_and_her_other_data_stays(census, province, central_admin):
    convocation = _convoked(census, province, central_admin)
    application = convocation.application
    before = Application.objects.filter(pk=application.pk).values().get()
    choices_before = list(application.choices.values_list("rank", "commune_id"))
    later = create_session(
        campaign=census, province=province, plan=plan(day=NEXT_WEEK + dt.timedelta(days=1)), interviewers=[],
        actor=central_admin, today=timezone.localdate(),
    )  # fmt: skip
    target = later.slots.first()
    moved = convocations.change_slot(application=application, slot_id=target.pk, actor=application.user)
    assert moved.slot_id == target.pk and moved.sequence == 1
    after = Application.objects.filter(pk=application.pk).values().get()
    assert after == before
    assert list(application.choices.values_list("rank", "commune_id")) == choices_before
    assert convocations.slot_counts_hold()


def test_a_full_slot_a_foreign_slot_and_a_late_change_are_refused(census, province, central_admin):
    convocation = _convoked(census, province, central_admin, places_per_slot=1)
    application = convocation.application
    full = InterviewSlot.objects.exclude(pk=convocation.slot_id).filter(convoked=1).first()
    if full is not None:
        with pytest.raises(ValidationError):
            convocations.change_slot(application=application, slot_id=full.pk, actor=application.user)
    with pytest.raises(ValidationError):
        convocations.change_slot(application=application, slot_id=10**12, actor=application.user)
    InterviewSlot.objects.filter(pk=convocation.slot_id).update(
        starts_at=timezone.now() + dt.timedelta(hours=2)
    )
    with pytest.raises(ValidationError):
        convocations.withdraw(application=application, actor=application.user)
    assert convocations.slot_counts_hold()


def test_withdrawing_frees_her_seat_and_confirming_is_kept(census, province, central_admin):
    convocation = _convoked(census, province, central_admin)
    application = convocation.application
    assert convocations.confirm(application=application, actor=application.user).status == "confirmed"
    convocations.withdraw(application=application, actor=application.user)
    assert Convocation.objects.get(pk=convocation.pk).status == Convocation.Status.WITHDRAWN
    assert convocations.slot_counts_hold()
    with pytest.raises(ValidationError):
        convocations.confirm(application=application, actor=application.user)


def test_a_session_with_convocations_cannot_be_deleted(census, province, central_admin):
    convocation = _convoked(census, province, central_admin)
    with pytest.raises(ValidationError):
        delete_session(session=convocation.slot.session, actor=central_admin)


def test_the_convocation_reaches_a_real_smtp_server_with_its_calendar_file(
    settings, tmp_path, census, province, central_admin
):
    controller = start_sink(directory=tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        convocation = _convoked(census, province, central_admin, latitude=34.02, longitude=-6.84)
        MailingSender().send_until_idle()
    finally:
        controller.stop()
    user = convocation.application.user
    messages = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(tmp_path.glob("*.eml"))
    ]
    mine = next(m for m in messages if m["To"] == user.email)
    attachment = next(part for part in mine.iter_attachments())
    assert attachment.get_filename() == "convocation.ics"
    vars(vobject.icalendar)["__tzidMap"].clear()  # vobject's global zone cache: see test_calendar.read
    calendar = vobject.readOne(attachment.get_payload(decode=True).decode("utf-8"))
    assert calendar.vevent.dtstart.value.astimezone(dt.UTC) == convocation.slot.starts_at.astimezone(dt.UTC)
    assert calendar.vevent.uid.value.startswith(f"interview-{census.pk}-{convocation.application_id}-0@")
    assert "Direction provinciale" in calendar.vevent.location.value
    # The publication's training notices went out too: only the convocations carry a calendar file.
    with_calendar = [
        m for m in messages if any(a.get_filename() == "convocation.ics" for a in m.iter_attachments())
    ]
    assert len(with_calendar) == Convocation.objects.count()
