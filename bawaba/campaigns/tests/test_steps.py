"""Which steps an application still needs, and where a candidate who comes back resumes."""

import datetime as dt

from bawaba.campaigns import steps
from bawaba.campaigns.models import Application


def _identity_done(**fields) -> Application:
    return Application(
        cin="AB123456",
        first_name_ar="أمينة",
        last_name_ar="العلوي",
        first_name_latin="Amina",
        last_name_latin="Alaoui",
        birth_date=dt.date(1995, 3, 15),
        sex="F",
        phone="+212612345678",
        residence_commune_id=1,
        **fields,
    )


def test_a_new_draft_misses_every_step_but_experience_and_resumes_at_identity():
    application = Application()
    assert [s.slug for s in steps.missing_steps(application, choice_count=0)] == [
        steps.IDENTITY,
        steps.SITUATION,
        steps.SKILLS,
        steps.COMMUNES,
    ]
    assert steps.resume_step(application, choice_count=0).slug == steps.IDENTITY


def test_after_the_situation_a_candidate_resumes_at_her_experience_not_past_it():
    application = _identity_done(category="student", education_level="bac_3")
    assert steps.resume_step(application, choice_count=0).slug == steps.EXPERIENCE


def test_once_a_later_step_is_saved_no_experience_is_an_answer():
    application = _identity_done(category="student", education_level="bac_3", languages=["ar"])
    assert steps.resume_step(application, choice_count=0).slug == steps.COMMUNES


def test_a_complete_application_resumes_at_the_review():
    application = _identity_done(category="student", education_level="bac_3", languages=["ar"])
    assert steps.missing_steps(application, choice_count=1) == []
    assert steps.resume_step(application, choice_count=1).slug == steps.REVIEW


def test_steps_follow_each_other_to_the_review():
    assert steps.next_step(steps.IDENTITY).slug == steps.SITUATION
    assert steps.next_step(steps.SKILLS).slug == steps.COMMUNES
    assert steps.next_step(steps.REVIEW).slug == steps.REVIEW
    assert steps.previous_step(steps.IDENTITY) is None
    assert steps.previous_step(steps.COMMUNES).slug == steps.SKILLS
