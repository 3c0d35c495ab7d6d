"""The writes on an application: drafts, steps, communes, submission and withdrawal, each with its audit row."""

import datetime as dt
import re

import pytest
import time_machine

from bawaba.campaigns import services, steps
from bawaba.campaigns.contributions import APPLICATION_RECEIVED
from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.versions import save_rules_version
from bawaba.campaigns.search import search_name_for
from bawaba.campaigns.tests.conftest import at, fill_application, identity_data
from bawaba.campaigns.tests.factories import ApplicationFactory
from bawaba.campaigns.tests.helpers import translated
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db

SITE = "https://bawaba.example"
CIN_ALREADY_USED = (
    "This CIN is already used in this campaign. If it is yours and you did not apply, contact the campaign's "
    "administration."
)


def refusal(message: str, **params) -> str:
    """A refusal's message as the services word it outside a request: in the default language, Arabic."""
    return re.escape(translated(message, "ar", **params))


def _actions(application: Application) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="campaigns.application", target_id=str(application.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- Starting ---------------------------------------------------------------------------------------------------


def test_starting_twice_gives_the_same_draft(census, alice):
    first = services.start_application(campaign=census, user=alice)
    second = services.start_application(campaign=census, user=alice)
    assert first.pk == second.pk
    assert first.status == Application.Status.DRAFT and first.cin is None
    assert _actions(first) == ["application.started"]


def test_cannot_start_before_registration_opens_or_after_it_closes(census_2024, alice):
    with time_machine.travel(at(2024, 2, 6, 23, 59, 59)), pytest.raises(services.RegistrationNotOpen):
        services.start_application(campaign=census_2024, user=alice)
    with time_machine.travel(at(2024, 2, 27, 23, 59)), pytest.raises(services.RegistrationClosed):
        services.start_application(campaign=census_2024, user=alice)
    with time_machine.travel(at(2024, 2, 7)):
        assert services.start_application(campaign=census_2024, user=alice).pk


# --- Steps ------------------------------------------------------------------------------------------------------


def test_saving_the_identity_stores_it_with_the_folded_names_for_staff_search(draft, places):
    services.save_step(application=draft, step=steps.IDENTITY, data=identity_data(places))
    draft.refresh_from_db()
    assert draft.cin == "AB123456"
    assert draft.residence_commune == places.communes[0]
    assert draft.search_name == search_name_for("أمينة", "العلوي", "Amina", "Alaoui")
    event = AuditEvent.objects.get(action="application.identity_saved")
    # The audit says which fields changed, not their values: no CIN or name in the log.
    assert "cin" in event.data["fields"] and "AB123456" not in str(event.data)


def test_refuses_a_cin_already_used_in_the_campaign_and_keeps_the_application_unchanged(
    census, draft, bob, places
):
    ApplicationFactory(campaign=census, user=bob, cin="AB123456")
    with pytest.raises(services.CinAlreadyUsed) as refused:
        services.save_step(application=draft, step=steps.IDENTITY, data=identity_data(places))
    assert refused.value.field == "cin"
    assert str(refused.value.message) == translated(CIN_ALREADY_USED, "ar")
    draft.refresh_from_db()
    assert draft.cin is None and draft.first_name_latin == ""


def test_the_same_cin_may_apply_to_another_campaign(draft, bob, places):
    ApplicationFactory(user=bob, cin="AB123456")  # another campaign
    services.save_step(application=draft, step=steps.IDENTITY, data=identity_data(places))
    draft.refresh_from_db()
    assert draft.cin == "AB123456"


def test_saving_her_own_cin_again_is_not_a_duplicate(draft, places):
    services.save_step(application=draft, step=steps.IDENTITY, data=identity_data(places))
    services.save_step(
        application=draft, step=steps.IDENTITY, data=identity_data(places, first_name_latin="Aya")
    )
    draft.refresh_from_db()
    assert draft.first_name_latin == "Aya"


# --- The deadline, to the second --------------------------------------------------------------------------------


@pytest.fixture
def draft_2024(census_2024, alice):
    with time_machine.travel(at(2024, 2, 10)):
        return services.start_application(campaign=census_2024, user=alice)


def _save_situation(application: Application) -> None:
    services.save_step(
        application=application,
        step=steps.SITUATION,
        data={"category": "student", "education_level": "bac_3", "education_field": "Économie"},
    )


def test_a_change_one_second_before_the_deadline_is_saved(draft_2024):
    with time_machine.travel(at(2024, 2, 27, 23, 58, 59)):
        _save_situation(draft_2024)
    draft_2024.refresh_from_db()
    assert draft_2024.category == "student"


@pytest.mark.parametrize("after", [dt.timedelta(0), dt.timedelta(seconds=1)])
def test_a_change_at_or_after_the_deadline_is_refused(draft_2024, after):
    with time_machine.travel(at(2024, 2, 27, 23, 59) + after), pytest.raises(services.RegistrationClosed):
        _save_situation(draft_2024)
    draft_2024.refresh_from_db()
    assert draft_2024.category == ""


def test_submission_is_refused_at_the_deadline_and_accepted_one_second_before(draft_2024, places, bob):
    with time_machine.travel(at(2024, 2, 20)):
        fill_application(draft_2024, places)
    with time_machine.travel(at(2024, 2, 27, 23, 59)), pytest.raises(services.RegistrationClosed):
        services.submit_application(application=draft_2024, base_url=SITE)
    with time_machine.travel(at(2024, 2, 27, 23, 58, 59)):
        services.submit_application(application=draft_2024, base_url=SITE)
    draft_2024.refresh_from_db()
    assert draft_2024.status == Application.Status.SUBMITTED
    assert draft_2024.submitted_at == at(2024, 2, 27, 23, 58, 59)


def test_communes_cannot_change_after_the_deadline(draft_2024, places):
    with time_machine.travel(at(2024, 2, 27, 23, 59)), pytest.raises(services.RegistrationClosed):
        services.add_choice(application=draft_2024, commune=places.communes[0])
    assert not ApplicationChoice.objects.exists()


# --- Communes ---------------------------------------------------------------------------------------------------


def _ranked(application: Application) -> list[int]:
    return list(application.choices.order_by("rank").values_list("commune_id", flat=True))


def test_communes_are_added_in_order_moved_and_removed(draft, places):
    a, b, c = (commune.pk for commune in places.communes[:3])
    for commune in places.communes[:3]:
        services.add_choice(application=draft, commune=commune)
    assert _ranked(draft) == [a, b, c]
    services.move_choice(application=draft, commune_id=c, offset=-1)
    assert _ranked(draft) == [a, c, b]
    services.move_choice(application=draft, commune_id=a, offset=-1)  # already first: nothing changes
    assert _ranked(draft) == [a, c, b]
    services.move_choice(application=draft, commune_id=a, offset=1)
    assert _ranked(draft) == [c, a, b]
    services.remove_choice(application=draft, commune_id=a)
    assert _ranked(draft) == [c, b]
    assert list(draft.choices.order_by("rank").values_list("rank", flat=True)) == [1, 2]
    assert (
        _actions(draft).count("application.choices_changed") == 6
    )  # the move that changed nothing wrote nothing


def test_a_commune_cannot_be_chosen_twice(draft, places):
    services.add_choice(application=draft, commune=places.communes[0])
    with pytest.raises(services.ChoiceError, match=refusal("This commune is already in your list.")):
        services.add_choice(application=draft, commune=places.communes[0])
    with pytest.raises(services.ChoiceError, match=refusal("This commune is already in your list.")):
        services.set_choices(application=draft, commune_ids=[places.communes[1].pk, places.communes[1].pk])
    assert _ranked(draft) == [places.communes[0].pk]


def test_no_more_communes_than_the_campaign_allows(draft, places):
    assert draft.campaign.max_commune_choices == 3
    for commune in places.communes[:3]:
        services.add_choice(application=draft, commune=commune)
    with pytest.raises(
        services.ChoiceError,
        match=refusal(
            "You have already chosen %(maximum)s communes, the most this campaign allows. Remove one first.",
            maximum=3,
        ),
    ):
        services.add_choice(application=draft, commune=places.communes[3])
    with pytest.raises(
        services.ChoiceError, match=refusal("You can choose at most %(maximum)s communes.", maximum=3)
    ):
        services.set_choices(application=draft, commune_ids=[c.pk for c in places.communes[:4]])
    assert len(_ranked(draft)) == 3


def test_set_choices_replaces_the_whole_ranked_list(draft, places):
    services.set_choices(application=draft, commune_ids=[places.communes[0].pk, places.communes[1].pk])
    services.set_choices(application=draft, commune_ids=[places.communes[1].pk, places.elsewhere.pk])
    assert _ranked(draft) == [places.communes[1].pk, places.elsewhere.pk]


def test_a_submitted_application_keeps_at_least_one_commune(complete_draft):
    services.submit_application(application=complete_draft, base_url=SITE)
    first, second = _ranked(complete_draft)
    services.remove_choice(application=complete_draft, commune_id=first)
    with pytest.raises(
        services.ChoiceError,
        match=refusal(
            "A submitted application keeps at least one commune. Add another one first, or withdraw your "
            "application if you no longer wish to take part."
        ),
    ):
        services.remove_choice(application=complete_draft, commune_id=second)
    assert _ranked(complete_draft) == [second]


# --- Submission -------------------------------------------------------------------------------------------------


def test_an_incomplete_application_cannot_be_submitted(draft, places):
    services.save_step(application=draft, step=steps.IDENTITY, data=identity_data(places))
    with pytest.raises(services.ApplicationIncomplete) as refused:
        services.submit_application(application=draft, base_url=SITE)
    assert [step.slug for step in refused.value.missing] == [steps.SITUATION, steps.SKILLS, steps.COMMUNES]
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submission_queues_one_received_email_in_her_language(
    complete_draft, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=complete_draft, base_url=SITE + "/")
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED and complete_draft.submitted_at
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.ma"]
    # French, her language. (The title's apostrophe comes out as &#x27;: the outbox's subject and text templates
    # autoescape; reported to the notifications owner.)
    assert mail.subject.startswith("Candidature reçue : Recensement général de la population")
    assert f"RGPH-{complete_draft.pk:06d}" in mail.body
    assert "https://bawaba.example/fr/me/" in mail.body
    notification = Notification.objects.get()
    assert notification.kind == APPLICATION_RECEIVED.key
    assert notification.idempotency_key.startswith(f"application-received:{complete_draft.pk}:")
    assert _actions(complete_draft)[-1] == "application.submitted"


def test_submitting_again_or_editing_after_submission_sends_no_second_email(
    complete_draft, places, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=complete_draft, base_url=SITE)
        submitted_at = complete_draft.submitted_at
        services.save_step(
            application=complete_draft,
            step=steps.IDENTITY,
            data=identity_data(places, first_name_latin="Aya"),
        )
        services.submit_application(application=complete_draft, base_url=SITE)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED
    assert complete_draft.submitted_at == submitted_at  # edits keep her submission time
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1


def test_a_new_submission_after_withdrawal_is_confirmed_again(
    complete_draft, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=complete_draft, base_url=SITE)
    with time_machine.travel(dt.timedelta(minutes=5)):
        services.withdraw_application(application=complete_draft)
        reopened = services.start_application(campaign=complete_draft.campaign, user=alice)
        assert reopened.pk == complete_draft.pk and reopened.status == Application.Status.DRAFT
        assert reopened.cin == "AB123456"  # what she had entered is kept
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_application(application=reopened, base_url=SITE)
    assert len(mailoutbox) == 2
    assert _actions(complete_draft)[-4:] == [
        "application.submitted",
        "application.withdrawn",
        "application.reopened",
        "application.submitted",
    ]


def test_an_applicant_outside_the_age_limits_cannot_submit(complete_draft, places):
    rules = default_census_rules()
    rules["eligibility"]["max_age"] = 25  # the limits were tightened after she saved her identity
    save_rules_version(campaign=complete_draft.campaign, rules=rules, note="younger", actor=None)
    with pytest.raises(services.ApplicationError) as refused:
        services.submit_application(application=complete_draft, base_url=SITE)
    assert refused.value.field == "birth_date"


# --- Withdrawal -------------------------------------------------------------------------------------------------


def test_withdrawal_is_possible_after_the_deadline_but_final(census_2024, alice, places):
    with time_machine.travel(at(2024, 2, 20)):
        application = fill_application(services.start_application(campaign=census_2024, user=alice), places)
        services.submit_application(application=application, base_url=SITE)
    with time_machine.travel(at(2024, 3, 20)):
        services.withdraw_application(application=application)
        application.refresh_from_db()
        assert application.status == Application.Status.WITHDRAWN
        with pytest.raises(services.RegistrationClosed):
            services.start_application(campaign=census_2024, user=alice)


def test_a_draft_cannot_be_withdrawn_and_a_withdrawn_one_cannot_be_edited(complete_draft):
    with pytest.raises(
        services.ApplicationError, match=refusal("Only a submitted application can be withdrawn.")
    ):
        services.withdraw_application(application=complete_draft)
    services.submit_application(application=complete_draft, base_url=SITE)
    services.withdraw_application(application=complete_draft)
    with pytest.raises(
        services.ApplicationError, match=refusal("You withdrew this application. Apply again to change it.")
    ):
        _save_situation(complete_draft)
