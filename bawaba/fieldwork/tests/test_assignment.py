"""The assignment of the selected agents to training groups: never over capacity (a property test and the
database's own check), nearest place first then the earliest group with room, idempotent (a second call convokes
only the new agents, nobody is e-mailed twice), the calendar file of the training days, and the receiver of the
selection's publication (the final run only)."""

import datetime as dt

import pytest
import vobject
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.core.audit import AuditEvent
from bawaba.fieldwork.emails import training_calendar
from bawaba.fieldwork.models import GroupMember, TrainingGroup
from bawaba.fieldwork.services.assignment import assign_to_groups
from bawaba.fieldwork.services.attendance import set_status
from bawaba.fieldwork.services.groups import create_group
from bawaba.fieldwork.tests.conftest import NEXT_MONTH, plan, select
from bawaba.interviews.calendar import MOROCCO
from bawaba.notifications.models import MailingMessage
from bawaba.notifications.sender import render_message
from bawaba.selection import signals
from bawaba.selection.models import PromotionRound, SelectionDecision

NORTH_PLACE = {"place_name": "Lycée du nord", "latitude": 35.01, "longitude": -6.01}
SOUTH_PLACE = {"place_name": "Lycée du sud", "latitude": 33.01, "longitude": -6.01}


def group(site, **changes) -> TrainingGroup:
    return create_group(campaign=site.campaign, province=site.province, plan=plan(**changes), actor=None)


def members_of(group_: TrainingGroup) -> set[int]:
    return set(GroupMember.objects.filter(group=group_).values_list("application_id", flat=True))


def test_nearest_place_first_then_the_earliest_group_with_room_there(site):
    later = NEXT_MONTH + dt.timedelta(days=7)
    north_late = group(site, **NORTH_PLACE, starts_on=later, ends_on=later, capacity=5)
    north_early = group(site, **NORTH_PLACE, capacity=1)
    south = group(site, **SOUTH_PLACE, capacity=5)
    in_north = select(site, site.north, 3)
    in_south = select(site, site.south, 2)

    result = assign_to_groups(campaign=site.campaign, actor=None)

    assert (result.assigned, result.unplaced, result.already) == (5, 0, 0)
    assert members_of(north_early) == {in_north[0].pk}  # the earliest group at the nearest place, first
    assert members_of(north_late) == {a.pk for a in in_north[1:]}  # then the next group there
    assert members_of(south) == {a.pk for a in in_south}
    assert set(GroupMember.objects.values_list("commune_id", flat=True)) == {site.north.pk, site.south.pk}


def test_a_full_nearest_place_sends_her_to_the_next_nearest(site):
    north = group(site, **NORTH_PLACE, capacity=1)
    south = group(site, **SOUTH_PLACE, capacity=1)
    first, second = select(site, site.north, 2)
    third = select(site, site.east)[0]

    result = assign_to_groups(campaign=site.campaign, actor=None)

    assert members_of(north) == {first.pk} and members_of(south) == {second.pk}
    assert (result.assigned, result.unplaced) == (2, 1)
    assert not GroupMember.objects.filter(application=third).exists()


def test_only_admitted_agents_of_the_field_run_are_assigned(site):
    group(site, capacity=10)
    admitted = select(site, site.north)[0]
    waitlisted = select(site, site.north)[0]
    SelectionDecision.objects.filter(application=waitlisted).update(outcome="waitlisted", commune=None)
    withdrawn = select(site, site.north)[0]
    withdrawn.status = "withdrawn"
    withdrawn.save(update_fields=["status"])

    assign_to_groups(campaign=site.campaign, actor=None)

    assert set(GroupMember.objects.values_list("application_id", flat=True)) == {admitted.pk}


def test_a_group_of_another_province_or_already_started_is_never_used(site):
    create_group(campaign=site.campaign, province=site.other, plan=plan(capacity=10), actor=None)
    group(site, starts_on=timezone.localdate() - dt.timedelta(days=1), capacity=10)
    select(site, site.north)

    result = assign_to_groups(campaign=site.campaign, actor=None)

    assert (result.assigned, result.unplaced) == (0, 1)


def test_a_second_call_convokes_only_the_new_agents_and_nobody_twice(site):
    group(site, capacity=10)
    select(site, site.north, 3)

    first = assign_to_groups(campaign=site.campaign, actor=None)
    again = assign_to_groups(campaign=site.campaign, actor=None)
    assert (first.assigned, again.assigned, again.already) == (3, 0, 3)
    assert MailingMessage.objects.count() == 3

    newcomer = select(site, site.south)[0]
    later = assign_to_groups(campaign=site.campaign, actor=None)

    assert (later.assigned, later.already) == (1, 3)
    assert MailingMessage.objects.count() == 4
    assert MailingMessage.objects.filter(to_email=newcomer.user.email).count() == 1
    emails = list(MailingMessage.objects.values_list("to_email", flat=True))
    assert len(emails) == len(set(emails))
    assert TrainingGroup.objects.get().members == 4
    assert AuditEvent.objects.filter(action="fieldwork.agents_assigned").count() == 2  # the no-op writes none


def holding_a_place(group_: TrainingGroup) -> int:
    return GroupMember.objects.filter(group=group_).exclude(status="dropped").count()


def test_an_agent_released_by_a_promotion_round_gives_her_place_to_the_promoted(site, central_admin):
    only = group(site, capacity=1)
    leaving = select(site, site.north)[0]
    assign_to_groups(campaign=site.campaign, actor=None)
    # The round releases her and admits another from the reserve (the decisions are updated in place).
    SelectionDecision.objects.filter(application=leaving).update(outcome="released", commune=None)
    promoted = select(site, site.north)[0]

    result = assign_to_groups(campaign=site.campaign, actor=None)

    assert result.assigned == 1
    assert GroupMember.objects.get(application=leaving).status == "dropped"
    assert GroupMember.objects.get(application=promoted).group == only
    only.refresh_from_db()
    assert only.members == holding_a_place(only) == 1


def test_a_withdrawn_agent_gives_her_place_back_but_a_completed_one_keeps_it(site):
    roomy = group(site, capacity=2)
    withdrawn, completed = select(site, site.north, 2)
    assign_to_groups(campaign=site.campaign, actor=None)
    GroupMember.objects.filter(application=completed).update(status="completed")
    withdrawn.status = "withdrawn"
    withdrawn.save(update_fields=["status"])
    SelectionDecision.objects.filter(application=completed).update(outcome="released")

    assign_to_groups(campaign=site.campaign, actor=None)

    assert dict(GroupMember.objects.values_list("application_id", "status")) == {
        withdrawn.pk: "dropped",
        completed.pk: "completed",
    }
    roomy.refresh_from_db()
    assert roomy.members == 1


def test_dropping_frees_a_place_and_coming_back_needs_one(site):
    full = group(site, capacity=1)
    first, second = select(site, site.north, 2)
    assign_to_groups(campaign=site.campaign, actor=None)  # the second has no room
    member = GroupMember.objects.get(application=first)

    set_status(group=full, member_ids=[member.pk], status="dropped", actor=None)
    full.refresh_from_db()
    assert full.members == 0
    assign_to_groups(campaign=site.campaign, actor=None)  # the second takes the place
    assert GroupMember.objects.get(application=second).group == full

    with pytest.raises(ValidationError):
        set_status(group=full, member_ids=[member.pk], status="convoked", actor=None)
    member.refresh_from_db()
    full.refresh_from_db()
    assert member.status == "dropped" and full.members == 1


def test_the_database_refuses_a_group_over_its_capacity(site):
    full = group(site, capacity=1)
    select(site, site.north)
    assign_to_groups(campaign=site.campaign, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingGroup.objects.filter(pk=full.pk).update(members=F("members") + 1)


def test_the_database_refuses_a_second_group_for_one_agent(site):
    first = group(site, capacity=5)
    second = group(site, **SOUTH_PLACE, capacity=5)
    agent = select(site, site.north)[0]
    assign_to_groups(campaign=site.campaign, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(
            campaign=site.campaign, group=second, application=agent, commune=site.north
        )
    assert members_of(first) | members_of(second) == {agent.pk}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    capacities=st.lists(st.integers(min_value=1, max_value=4), min_size=0, max_size=4),
    agents=st.lists(st.sampled_from(["north", "south", "east"]), max_size=14),
    rounds=st.integers(min_value=1, max_value=2),
)
def test_no_group_is_ever_over_its_capacity(site, capacities, agents, rounds):
    with transaction.atomic():
        places = [NORTH_PLACE, SOUTH_PLACE, {"place_name": "Maison des jeunes"}]
        for index, capacity in enumerate(capacities):
            group(site, **places[index % 3], capacity=capacity)
        # Agents arrive in up to two rounds (a second publication, a promotion): each call fills what is left.
        half = len(agents) // 2 if rounds == 2 else len(agents)
        for batch in (agents[:half], agents[half:]):
            for where in batch:
                select(site, getattr(site, where))
            assign_to_groups(campaign=site.campaign, actor=None)

        for each in TrainingGroup.objects.all():
            assert each.members == holding_a_place(each) <= each.capacity
        assigned = GroupMember.objects.count()
        assert assigned == min(len(agents), sum(capacities))
        assert MailingMessage.objects.count() == assigned
        transaction.set_rollback(True)


def _publish(run, actor=None):
    with transaction.atomic():
        signals.run_published.send(sender=type(run), run=run, actor=actor)


def test_the_publication_of_the_final_run_assigns_the_selected_to_the_groups(site, central_admin):
    group(site, capacity=10)
    select(site, site.north, 2)
    _publish(site.field_run, central_admin)
    assert GroupMember.objects.count() == 2


def test_the_receiver_ignores_a_preselection_run(site, central_admin):
    group(site, capacity=10)
    select(site, site.north, 2)
    _publish(site.preselection_run, central_admin)
    assert not GroupMember.objects.exists() and not MailingMessage.objects.exists()


def _round(run):
    return PromotionRound.objects.create(run=run, number=1, input_digest="i", output_digest="o")


def test_a_promotion_round_of_the_final_run_assigns_the_agents_it_admits(site, central_admin):
    group(site, capacity=10)
    select(site, site.north)
    _publish(site.field_run, central_admin)
    promoted = select(site, site.south)[0]  # admitted from the reserve by the round
    with transaction.atomic():
        signals.promotion_round_recorded.send(
            sender=None, promotion_round=_round(site.field_run), actor=central_admin
        )
    assert GroupMember.objects.filter(application=promoted).exists()
    # Convocations to the training (the final selection's own decision e-mails are the interviews').
    convocations = MailingMessage.objects.filter(mailing__kind="fieldwork_convocation")
    assert convocations.count() == 2
    with transaction.atomic():
        signals.promotion_round_recorded.send(
            sender=None, promotion_round=_round(site.preselection_run), actor=central_admin
        )
    assert convocations.count() == 2


def test_without_groups_the_publication_assigns_nobody(site, central_admin):
    select(site, site.north, 2)
    _publish(site.field_run, central_admin)
    assert not GroupMember.objects.exists()


def test_the_calendar_file_repeats_the_day_over_the_training_in_moroccos_zone(site):
    group(site, starts_on=dt.date(2027, 7, 5), ends_on=dt.date(2027, 7, 9), capacity=10)
    select(site, site.north)
    assign_to_groups(campaign=site.campaign, actor=None, today=dt.date(2027, 6, 1))
    context = MailingMessage.objects.get().context

    content = training_calendar(context, "fr")

    event = vobject.readOne(content.decode()).vevent
    assert event.dtstart.value.tzinfo is not None
    assert event.dtstart.value == dt.datetime(2027, 7, 5, 9, 0, tzinfo=MOROCCO)
    assert event.dtend.value == dt.datetime(2027, 7, 5, 16, 0, tzinfo=MOROCCO)
    days = list(event.getrruleset())
    assert len(days) == 5 and days[-1].astimezone(MOROCCO).date() == dt.date(2027, 7, 9)
    assert b"TZID=Africa/Casablanca" in content


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", ["Votre formation en présentiel", "Mme Bennani"]), ("ar", ["تكوينك الحضوري", "Mme Bennani"])],
)
def test_the_convocation_reads_in_her_language_with_its_calendar_file(site, language, words):
    group(site, **NORTH_PLACE, capacity=10)
    agent = select(site, site.north)[0]
    agent.user.preferred_language = language
    agent.user.save(update_fields=["preferred_language"])
    assign_to_groups(campaign=site.campaign, actor=None)
    message = MailingMessage.objects.select_related("mailing").get()

    rendered = render_message(message.mailing, message)

    title, trainer = words
    assert title in rendered.subject
    assert trainer in rendered.text and trainer in rendered.html
    assert "Lycée du nord" in rendered.text and "Lycée du nord" in rendered.html
    assert [file.filename for file in rendered.files] == ["training.ics"]
    assert vobject.readOne(rendered.files[0].content.decode()).vevent.geo.value == "35.01;-6.01"
