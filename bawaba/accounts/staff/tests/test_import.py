"""Importing staff from a file: checked as a whole (a faulty line imports nothing and is named), previewed, applied in
one transaction, and idempotent (the same file twice changes nothing and invites nobody again)."""

import pytest

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff import selectors, services
from bawaba.accounts.staff.csvfile import StaffFileError
from bawaba.accounts.staff.tests.conftest import BASE_URL
from bawaba.accounts.tests.helpers import translated_html, url
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db
Role = Assignment.Role

VALID = (
    "email,full_name,language,role,scope\n"
    "nadia@example.ma,Nadia Alaoui,fr,provincial_supervisor,91.001;91.002\n"
    "nadia@example.ma,Nadia Alaoui,fr,interviewer,92.001\n"
    "karim@example.ma,كريم بناني,ar,regional_coordinator,91\n"
    "omar@example.ma,Omar,fr,administration_agent,hcp\n"
    "sup@example.ma,Existing Supervisor,fr,provincial_supervisor,91.001\n"
    "sup@example.ma,Existing Supervisor,fr,interviewer,91.002\n"
).encode()


def apply(actor, data: bytes):
    plan = selectors.plan_import(data)
    return services.apply_staff_import(actor=actor, data=data, expected_digest=plan.digest, base_url=BASE_URL)


def test_the_plan_tells_new_people_new_roles_and_what_is_unchanged(places, province_supervisor):
    plan = selectors.plan_import(VALID)

    assert [person.email for person in plan.new_people] == [
        "nadia@example.ma",
        "karim@example.ma",
        "omar@example.ma",
    ]
    (existing,) = plan.changed_people
    assert existing.user == province_supervisor
    assert [a.role for a in existing.unchanged_assignments] == [Role.PROVINCIAL_SUPERVISOR]
    assert [a.role for a in existing.new_assignments] == [Role.INTERVIEWER]
    assert plan.new_assignment_count == 5
    assert not User.objects.filter(email="nadia@example.ma").exists()  # a plan writes nothing


def test_a_valid_file_applies_once_and_the_second_time_changes_nothing(
    central_admin, places, province_supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(central_admin, VALID)

    assert (outcome.created, outcome.assignments_added) == (3, 5)
    nadia = User.objects.get(email="nadia@example.ma")
    assert (nadia.kind, nadia.is_active, nadia.full_name, nadia.preferred_language) == (
        User.Kind.STAFF,
        False,
        "Nadia Alaoui",
        "fr",
    )
    supervision = nadia.assignments.get(role=Role.PROVINCIAL_SUPERVISOR)
    assert sorted(supervision.provinces.values_list("code", flat=True)) == ["91.001", "91.002"]
    assert User.objects.get(email="karim@example.ma").assignments.get().region == places["north"]
    assert (
        User.objects.get(email="omar@example.ma").assignments.get().administration == places["administration"]
    )
    assert province_supervisor.assignments.count() == 2
    assert sorted(message.to[0] for message in mailoutbox) == [
        "karim@example.ma",
        "nadia@example.ma",
        "omar@example.ma",
    ]

    before = (
        User.objects.count(),
        Assignment.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
    plan = selectors.plan_import(VALID)
    assert plan.is_empty and not plan.new_people
    with django_capture_on_commit_callbacks(execute=True):
        again = apply(central_admin, VALID)

    assert (again.created, again.assignments_added) == (0, 0)
    after = (
        User.objects.count(),
        Assignment.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert len(mailoutbox) == 3  # nobody is invited twice


def test_a_file_with_one_faulty_line_imports_nothing_and_names_each_line(central_admin, places, candidate):
    data = VALID + (
        b"candidate@example.ma,A Candidate,fr,interviewer,91.001\n"
        b"x@example.ma,X,fr,regional_coordinator,99\n"
        b"y@example.ma,Y,fr,interviewer,91.001;99.999\n"
        b"z@example.ma,Z,fr,administration_agent,nope\n"
        b"w@example.ma,W,fr,regional_coordinator,91.001\n"
    )

    with pytest.raises(StaffFileError) as error:
        selectors.plan_import(data)

    assert [(problem.code, problem.line) for problem in error.value.problems] == [
        ("candidate_address", 8),
        ("unknown_region", 9),
        ("unknown_province", 10),
        ("unknown_administration", 11),
        ("unknown_region", 12),  # a province's code is no region's
    ]
    with pytest.raises(StaffFileError):
        services.apply_staff_import(
            actor=central_admin, data=data, expected_digest="0" * 64, base_url=BASE_URL
        )
    assert not User.objects.filter(kind=User.Kind.STAFF).exclude(pk=central_admin.pk).exists()
    assert not Assignment.objects.exclude(user=central_admin).exists()


def test_applying_refuses_a_plan_that_changed_since_the_preview(central_admin, places):
    digest = selectors.plan_import(VALID).digest
    apply(
        central_admin,
        b"email,full_name,language,role,scope\nnadia@example.ma,Nadia Alaoui,fr,interviewer,92.001\n",
    )

    with pytest.raises(services.StaffChangeRefused):
        services.apply_staff_import(
            actor=central_admin, data=VALID, expected_digest=digest, base_url=BASE_URL
        )
    assert not User.objects.filter(email="karim@example.ma").exists()


# --- The pages --------------------------------------------------------------------------------------------------


def upload(client, data: bytes, name: str = "staff.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url("staff_accounts:import"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_the_import_page_lists_every_faulty_line_and_imports_nothing(admin_client, places):
    data = VALID + b"bad-address,B,fr,interviewer,91.001\nq@example.ma,Q,fr,interviewer,77.777\n"

    response = upload(admin_client, data)

    assert response.status_code == 200
    assert (
        translated_html("Line %(line)s: “%(email)s” is not an e-mail address.", line=8, email="bad-address")
        in response.text
    )
    assert translated_html(
        "Line %(line)s: no province or prefecture has the code “%(code)s”.", line=9, code="77.777"
    ) in (response.text)
    assert not User.objects.filter(email="nadia@example.ma").exists()


def test_the_import_page_previews_then_applies(admin_client, places, province_supervisor, mailoutbox):
    preview = upload(admin_client, VALID)
    assert preview.status_code == 200
    assert "Nadia Alaoui" in preview.text and not User.objects.filter(email="nadia@example.ma").exists()
    form = preview.context["apply_form"]

    response = admin_client.post(
        url("staff_accounts:import_apply"),
        {"content": form.initial["content"], "digest": form.initial["digest"]},
    )

    assert response.status_code == 302 and response["Location"] == url("staff_accounts:list")
    assert User.objects.filter(email="nadia@example.ma", kind=User.Kind.STAFF).exists()
    again = upload(admin_client, VALID)
    assert translated_html("No change: everyone in the file already holds these roles.") in again.text


@pytest.mark.parametrize("data", ["not base64!", "", "QUJD" * 3])
def test_a_damaged_apply_request_changes_nothing(admin_client, places, data):
    response = admin_client.post(url("staff_accounts:import_apply"), {"content": data, "digest": "a" * 64})
    assert response.status_code in (200, 302)
    assert User.objects.count() == 1
