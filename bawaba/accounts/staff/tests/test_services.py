"""Staff account writes: created inactive and invited once after commit, scopes checked, candidates never made
staff, deactivation ending her session."""

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.accounts import services as account_services
from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff import services
from bawaba.accounts.staff.selectors import staff_members
from bawaba.accounts.staff.services import AssignmentSpec, StaffChangeRefused
from bawaba.accounts.staff.tests.conftest import BASE_URL
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import PASSWORD
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db
Role = Assignment.Role


def create(actor, places, *, email="nadia@example.ma", spec=None, **overrides):
    return services.create_staff_account(
        actor=actor,
        email=email,
        full_name=overrides.get("full_name", "Nadia Alaoui"),
        language=overrides.get("language", "fr"),
        assignment=spec or AssignmentSpec(Role.PROVINCIAL_SUPERVISOR, provinces=(places["provinces"][0],)),
        base_url=BASE_URL,
    )


def signs_in(client, user) -> bool:
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    return response.status_code == 302


def test_a_new_staff_account_is_inactive_without_password_and_invited_once_after_commit(
    central_admin, places, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user = create(central_admin, places, email=" Nadia@Example.MA ")
        assert mailoutbox == []  # nothing leaves before the commit

    user.refresh_from_db()
    assert (user.email, user.kind, user.is_active, user.has_usable_password()) == (
        "nadia@example.ma",
        User.Kind.STAFF,
        False,
        False,
    )
    assert user.is_invited and not user.is_awaiting_confirmation
    (assignment,) = user.assignments.all()
    assert (assignment.role, list(assignment.provinces.all())) == (
        Role.PROVINCIAL_SUPERVISOR,
        [places["provinces"][0]],
    )
    assert len(callbacks) == 1
    (message,) = mailoutbox
    assert message.to == ["nadia@example.ma"]
    assert "/fr/accounts/invitation/" in message.body
    notification = Notification.objects.get(kind="staff_invitation")
    assert notification.status == Notification.Status.SENT
    assert "invitation_url" not in notification.context  # the live token is wiped once sent
    event = AuditEvent.objects.get(action="staff.created")
    assert event.actor == central_admin and event.data["assignment"]["provinces"] == ["91.001"]


def test_a_rolled_back_creation_sends_nothing(
    central_admin, places, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            create(central_admin, places)
            raise RuntimeError
    assert mailoutbox == [] and not User.objects.filter(email="nadia@example.ma").exists()


def test_a_candidates_address_is_refused_and_her_account_left_alone(central_admin, places, candidate):
    with translation.override("en"), pytest.raises(StaffChangeRefused, match="candidate"):
        create(central_admin, places, email="CANDIDATE@example.ma")

    candidate.refresh_from_db()
    assert candidate.kind == User.Kind.CANDIDATE and not candidate.assignments.exists()


def test_an_existing_staff_address_is_refused(central_admin, places, province_supervisor):
    with translation.override("en"), pytest.raises(StaffChangeRefused, match="already has a staff account"):
        create(central_admin, places, email=province_supervisor.email)


@pytest.mark.parametrize(
    ("role", "place", "allowed"),
    [
        (Role.CENTRAL_ADMIN, None, True),
        (Role.CENTRAL_ADMIN, "region", False),
        (Role.REGIONAL_COORDINATOR, "region", True),
        (Role.REGIONAL_COORDINATOR, None, False),
        (Role.REGIONAL_COORDINATOR, "provinces", False),
        (Role.PROVINCIAL_SUPERVISOR, "provinces", True),
        (Role.PROVINCIAL_SUPERVISOR, "region", False),
        (Role.INTERVIEWER, "provinces", True),
        (Role.INTERVIEWER, None, False),
        (Role.ADMINISTRATION_AGENT, "administration", True),
        (Role.ADMINISTRATION_AGENT, "provinces", False),
    ],
)
def test_each_role_takes_its_own_kind_of_place(places, role, place, allowed):
    spec = AssignmentSpec(
        role,
        region=places["north"] if place == "region" else None,
        provinces=tuple(places["provinces"][:2]) if place == "provinces" else (),
        administration=places["administration"] if place == "administration" else None,
    )
    if allowed:
        services.check_assignment(spec)
    else:
        with pytest.raises(StaffChangeRefused):
            services.check_assignment(spec)


def test_an_assignment_she_holds_cannot_be_added_twice_but_another_place_can(central_admin, places):
    user = create(central_admin, places)
    same = AssignmentSpec(Role.PROVINCIAL_SUPERVISOR, provinces=(places["provinces"][0],))

    with pytest.raises(StaffChangeRefused):
        services.add_assignment(actor=central_admin, user=user, assignment=same)
    services.add_assignment(
        actor=central_admin,
        user=user,
        assignment=AssignmentSpec(Role.INTERVIEWER, provinces=(places["provinces"][1],)),
    )

    assert sorted(user.assignments.values_list("role", flat=True)) == [
        Role.INTERVIEWER,
        Role.PROVINCIAL_SUPERVISOR,
    ]
    assert AuditEvent.objects.filter(action="staff.assignment_added").count() == 1


def test_an_administrator_cannot_remove_her_own_central_role_but_can_remove_anothers(central_admin, places):
    other = create(central_admin, places, spec=AssignmentSpec(Role.CENTRAL_ADMIN))
    own = central_admin.assignments.get()

    with pytest.raises(StaffChangeRefused):
        services.remove_assignment(actor=central_admin, assignment=own)
    services.remove_assignment(actor=central_admin, assignment=other.assignments.get())

    assert central_admin.assignments.exists() and not other.assignments.exists()
    assert AuditEvent.objects.filter(action="staff.assignment_removed", target_id=str(other.pk)).exists()


def test_an_administrator_cannot_deactivate_herself(central_admin):
    with pytest.raises(StaffChangeRefused):
        services.deactivate_staff(actor=central_admin, user=central_admin)
    central_admin.refresh_from_db()
    assert central_admin.is_active


def test_deactivating_ends_her_session_and_reactivating_restores_sign_in(
    client, central_admin, province_supervisor
):
    client.force_login(province_supervisor)
    assert client.get(reverse("portal:staff_home")).status_code == 200

    services.deactivate_staff(actor=central_admin, user=province_supervisor)

    # The session she holds no longer authenticates: the next page sends her to sign in.
    response = client.get(reverse("portal:staff_home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert signs_in(client, province_supervisor) is False

    services.reactivate_staff(actor=central_admin, user=province_supervisor, base_url=BASE_URL)
    assert signs_in(client, province_supervisor) is True
    assert [event.action for event in AuditEvent.objects.order_by("pk")][-2:] == [
        "staff.deactivated",
        "staff.reactivated",
    ]


def test_the_candidates_confirmation_and_reset_never_reach_an_invited_staff_account(
    central_admin, places, mailoutbox
):
    from bawaba.accounts.tokens import confirmation_tokens, make_confirmation_token

    user = create(central_admin, places)
    mailoutbox.clear()
    token = make_confirmation_token(user)
    assert confirmation_tokens.check_token(user, token.partition(".")[2])  # a well-signed link...

    with pytest.raises(account_services.AccountLinkError):
        account_services.confirm_account(
            token=token, password="a staff passphrase of his own"
        )  # ...no staff account
    account_services.request_password_reset(email=user.email, base_url=BASE_URL)
    account_services.request_new_confirmation(email=user.email, base_url=BASE_URL)

    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not Notification.objects.exclude(kind="staff_invitation").exists()


def test_the_list_puts_invited_members_without_a_name_after_the_named_ones(db, places):
    supervision = Assignment.Role.PROVINCIAL_SUPERVISOR
    province = places["provinces"][0]
    staff_member(supervision, provinces=[province], email="a-nameless@example.ma", full_name="")
    staff_member(supervision, provinces=[province], email="z-named@example.ma", full_name="Zineb Alaoui")
    staff_member(supervision, provinces=[province], email="b-named@example.ma", full_name="Amal Bennani")

    assert [member.email for member in staff_members()] == [
        "b-named@example.ma",
        "z-named@example.ma",
        "a-nameless@example.ma",
    ]
