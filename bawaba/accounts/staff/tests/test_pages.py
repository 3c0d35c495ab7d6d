"""The staff accounts pages: central administrators only (everyone else 404, a visitor sent to sign in), the list
and its filters, creating an account, and each action of a member's page."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff import services
from bawaba.accounts.staff.services import AssignmentSpec
from bawaba.accounts.staff.tests.conftest import BASE_URL
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import translated_html, url
from bawaba.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Role = Assignment.Role


@pytest.fixture
def member(places, province_supervisor):
    return province_supervisor


def every_url(member) -> list[tuple[str, str]]:
    """Each staff accounts URL with the method it answers (the invitation link aside: it is for visitors)."""
    assignment = member.assignments.get()
    with translation.override("fr"):
        return [
            ("get", reverse("staff_accounts:list")),
            ("get", reverse("staff_accounts:create")),
            ("post", reverse("staff_accounts:create")),
            ("get", reverse("staff_accounts:import")),
            ("post", reverse("staff_accounts:import")),
            ("post", reverse("staff_accounts:import_apply")),
            ("get", reverse("staff_accounts:detail", args=[member.pk])),
            ("post", reverse("staff_accounts:details", args=[member.pk])),
            ("post", reverse("staff_accounts:assignment_add", args=[member.pk])),
            ("post", reverse("staff_accounts:assignment_remove", args=[member.pk, assignment.pk])),
            ("post", reverse("staff_accounts:deactivate", args=[member.pk])),
            ("post", reverse("staff_accounts:reactivate", args=[member.pk])),
            ("post", reverse("staff_accounts:resend_invitation", args=[member.pk])),
        ]


def test_every_url_pattern_of_the_app_is_in_the_access_test(member):
    from bawaba.accounts.staff.urls import urlpatterns

    assert len(every_url(member)) == len({pattern.name for pattern in urlpatterns}) + 2  # GET+POST twice


@pytest.mark.parametrize("persona", ["candidate", "supervisor", "coordinator", "interviewer", "agent"])
def test_anyone_but_a_central_administrator_gets_not_found_and_changes_nothing(
    client, member, places, persona, request
):
    user = {
        "candidate": lambda: request.getfixturevalue("candidate"),
        "supervisor": lambda: member,
        "coordinator": lambda: request.getfixturevalue("coordinator"),
        "interviewer": lambda: staff_member(Role.INTERVIEWER, provinces=[places["provinces"][0]]),
        "agent": lambda: staff_member(Role.ADMINISTRATION_AGENT, administration=places["administration"]),
    }[persona]()
    client.force_login(user)
    events = AuditEvent.objects.count()

    for method, path in every_url(member):
        assert getattr(client, method)(path).status_code == 404, (method, path)

    member.refresh_from_db()
    assert member.is_active and member.assignments.count() == 1 and AuditEvent.objects.count() == events


def test_a_visitor_is_sent_to_sign_in(client, member):
    for method, path in every_url(member):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and url("accounts:login") in response["Location"], (method, path)


def test_a_central_administrator_sees_the_list_with_roles_places_and_status(
    admin_client, central_admin, member, places
):
    invited = services.create_staff_account(
        actor=central_admin,
        email="nadia@example.ma",
        full_name="Nadia Alaoui",
        language="fr",
        assignment=AssignmentSpec(Role.REGIONAL_COORDINATOR, region=places["south"]),
        base_url=BASE_URL,
    )

    response = admin_client.get(url("staff_accounts:list"))

    assert response.status_code == 200
    # Named first; the two fixtures without a name after, by address.
    assert [row["member"] for row in response.context["rows"]] == [invited, central_admin, member]
    assert [row["state"] for row in response.context["rows"]] == ["invited", "active", "active"]
    assert "P91.001" in response.text and "Sud" in response.text
    assert translated_html("Invitation pending") in response.text
    # Whether she set up her second factor, once two-factor sign-in is installed (nobody has yet, here).
    assert response.context["shows_second_factor"] == apps.is_installed("django_otp")
    second_factors = {row["member"]: row["second_factor"] for row in response.context["rows"]}
    assert second_factors[invited] is (False if apps.is_installed("django_otp") else None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "SUP@"}, ["sup@example.ma"]),
        ({"q": "nobody"}, []),
        ({"role": Role.REGIONAL_COORDINATOR}, ["coord@example.ma"]),
        ({"province": "91.001"}, ["coord@example.ma", "sup@example.ma"]),  # her region holds the province
        ({"province": "92.001"}, []),
        ({"state": "deactivated"}, []),
        ({"state": "active", "role": Role.CENTRAL_ADMIN}, ["admin@example.ma"]),
    ],
)
def test_the_list_filters(admin_client, member, coordinator, params, expected):
    response = admin_client.get(url("staff_accounts:list"), params)
    assert [row["member"].email for row in response.context["rows"]] == expected


@pytest.mark.parametrize(
    "params", [{"q": "a\x00b"}, {"province": "77.777"}, {"role": "janitor"}, {"page": "9" * 40}]
)
def test_a_bad_filter_is_a_form_error_not_a_crash(admin_client, member, params):
    response = admin_client.get(url("staff_accounts:list"), params)
    assert response.status_code == 200


def test_candidates_are_not_in_the_list_and_their_page_is_not_found(admin_client, candidate, member):
    response = admin_client.get(url("staff_accounts:list"))
    assert candidate not in [row["member"] for row in response.context["rows"]]
    assert admin_client.get(url("staff_accounts:detail", pk=candidate.pk)).status_code == 404
    assert admin_client.get(url("staff_accounts:detail", pk=2**63)).status_code == 404


def test_creating_an_account_on_the_page(
    admin_client, places, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("staff_accounts:create"),
            {
                "email": "nadia@example.ma",
                "full_name": "Nadia Alaoui",
                "language": "ar",
                "role": Role.PROVINCIAL_SUPERVISOR,
                "provinces": ["91.001", "91.002"],
            },
        )

    nadia = User.objects.get(email="nadia@example.ma")
    assert response.status_code == 302 and response["Location"] == url("staff_accounts:detail", pk=nadia.pk)
    assert nadia.assignments.get().provinces.count() == 2
    assert len(mailoutbox) == 1 and "/ar/accounts/invitation/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"role": Role.PROVINCIAL_SUPERVISOR},
            "A provincial supervisor or an interviewer needs one or more provinces.",
        ),
        ({"role": Role.REGIONAL_COORDINATOR}, "A regional coordinator needs a region."),
        ({"role": Role.ADMINISTRATION_AGENT}, "An administration agent needs an administration."),
        ({"email": "candidate@example.ma", "role": Role.CENTRAL_ADMIN}, None),
        ({"full_name": "Nadia\x00", "role": Role.CENTRAL_ADMIN}, None),
        ({"provinces": ["9" * 5000], "role": Role.INTERVIEWER}, None),
        ({"provinces": ["91.001\x00"], "role": Role.INTERVIEWER}, None),
        ({"region": "9" * 30, "role": Role.REGIONAL_COORDINATOR}, None),
    ],
)
def test_a_faulty_creation_says_why_and_creates_nothing(admin_client, places, candidate, fields, message):
    data = {"email": "nadia@example.ma", "full_name": "Nadia", "language": "fr", **fields}

    response = admin_client.post(url("staff_accounts:create"), data)

    assert response.status_code == 200 and "error-summary" in response.text
    if message:
        assert translated_html(message) in response.text
    assert not User.objects.filter(email="nadia@example.ma").exists()
    candidate.refresh_from_db()
    assert candidate.kind == User.Kind.CANDIDATE


WRONG_KIND = (
    "This role takes no such place: a central administrator is national, a coordinator has a region, a supervisor "
    "or an interviewer provinces, an agent an administration. Leave the other fields empty."
)


def test_a_scope_of_the_wrong_kind_is_refused_with_a_clear_message(admin_client, places, member):
    response = admin_client.post(
        url("staff_accounts:assignment_add", pk=member.pk),
        {"role": Role.CENTRAL_ADMIN, "region": "91"},
    )
    assert response.status_code == 400
    assert translated_html(WRONG_KIND) in response.text
    assert member.assignments.count() == 1


def test_the_member_page_adds_and_removes_roles_and_changes_details(admin_client, places, member):
    detail = url("staff_accounts:detail", pk=member.pk)
    page = admin_client.get(detail)
    assert page.status_code == 200
    # No reset button while she has no second factor (or two-factor sign-in is not installed).
    assert page.context["second_factor"] is (False if apps.is_installed("django_otp") else None)
    assert translated_html("Reset her second factor") not in page.text

    added = admin_client.post(
        url("staff_accounts:assignment_add", pk=member.pk),
        {"role": Role.INTERVIEWER, "provinces": ["92.001"]},
    )
    again = admin_client.post(
        url("staff_accounts:assignment_add", pk=member.pk),
        {"role": Role.INTERVIEWER, "provinces": ["92.001"]},
    )
    assert added.status_code == 302 and again.status_code == 400
    assert translated_html("She already holds this role over these places.") in again.text
    interviewing = member.assignments.get(role=Role.INTERVIEWER)

    removed = admin_client.post(
        url("staff_accounts:assignment_remove", pk=member.pk, assignment_pk=interviewing.pk)
    )
    details = admin_client.post(
        url("staff_accounts:details", pk=member.pk), {"full_name": "Salma B.", "language": "ar"}
    )

    assert removed.status_code == details.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.preferred_language) == ("Salma B.", "ar")
    assert list(member.assignments.values_list("role", flat=True)) == [Role.PROVINCIAL_SUPERVISOR]


def test_an_assignment_of_another_member_is_not_found(admin_client, member, coordinator):
    other = coordinator.assignments.get()
    response = admin_client.post(
        url("staff_accounts:assignment_remove", pk=member.pk, assignment_pk=other.pk)
    )
    assert response.status_code == 404 and Assignment.objects.filter(pk=other.pk).exists()


def test_deactivating_on_the_page_ends_her_session(client, admin_client, member):
    from django.test import Client

    hers = Client()
    hers.force_login(member)
    assert hers.get(url("portal:staff_home")).status_code == 200

    response = admin_client.post(url("staff_accounts:deactivate", pk=member.pk))

    assert response.status_code == 302
    assert hers.get(url("portal:staff_home")).status_code == 302  # to sign in
    page = admin_client.get(url("staff_accounts:detail", pk=member.pk))
    assert translated_html("Reactivate the account") in page.text


def test_her_own_page_offers_no_deactivation_and_refuses_it(admin_client, central_admin):
    page = admin_client.get(url("staff_accounts:detail", pk=central_admin.pk))
    assert translated_html("Deactivate the account") not in page.text

    admin_client.post(url("staff_accounts:deactivate", pk=central_admin.pk))

    central_admin.refresh_from_db()
    assert central_admin.is_active


def test_resending_an_invitation_from_the_page(
    admin_client, central_admin, places, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = services.create_staff_account(
            actor=central_admin,
            email="nadia@example.ma",
            full_name="Nadia",
            language="fr",
            assignment=AssignmentSpec(Role.CENTRAL_ADMIN),
            base_url=BASE_URL,
        )
    page = admin_client.get(url("staff_accounts:detail", pk=invited.pk))
    assert translated_html("Send the invitation again") in page.text

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("staff_accounts:resend_invitation", pk=invited.pk))

    assert len(mailoutbox) == 2 and mailoutbox[0].body != mailoutbox[1].body


def test_the_staff_menu_offers_the_page_to_central_administrators_only(admin_client, client, member):
    assert translated_html("Staff accounts") in admin_client.get(url("portal:staff_home")).text
    client.force_login(member)
    assert translated_html("Staff accounts") not in client.get(url("portal:staff_home")).text
