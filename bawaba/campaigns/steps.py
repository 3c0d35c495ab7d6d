"""The steps of an application form, in order, and which of them an application has answered.

Pure: works on an Application instance and its number of commune choices, without queries.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application

IDENTITY = "identity"
SITUATION = "situation"
EXPERIENCE = "experience"
SKILLS = "skills"
COMMUNES = "communes"
REVIEW = "review"


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    number: int


STEPS: tuple[Step, ...] = (
    Step(IDENTITY, _("Identity"), 1),
    Step(SITUATION, _("Situation and education"), 2),
    Step(EXPERIENCE, _("Field survey experience"), 3),
    Step(SKILLS, _("Computer skills and languages"), 4),
    Step(COMMUNES, _("Communes where you want to work"), 5),
    Step(REVIEW, _("Review and submit"), 6),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FORM_STEPS = (IDENTITY, SITUATION, EXPERIENCE, SKILLS)

# What each form step writes on the application (the communes step writes ApplicationChoice rows instead).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    IDENTITY: (
        "cin",
        "first_name_ar",
        "last_name_ar",
        "first_name_latin",
        "last_name_latin",
        "birth_date",
        "sex",
        "phone",
        "residence_commune",
    ),
    SITUATION: ("category", "education_level", "education_field"),
    EXPERIENCE: ("survey_experience_count", "survey_experience_detail"),
    SKILLS: ("ict_skill", "languages"),
}


def _identity_answered(application: Application) -> bool:
    return all(
        [
            application.cin,
            application.first_name_ar,
            application.last_name_ar,
            application.first_name_latin,
            application.last_name_latin,
            application.birth_date,
            application.sex,
            application.phone,
            application.residence_commune_id,
        ]
    )


def _situation_answered(application: Application) -> bool:
    return bool(application.category and application.education_level)


def _skills_answered(application: Application) -> bool:
    # Every candidate speaks at least one language: an empty list means the step was never saved.
    return bool(application.languages)


def missing_steps(application: Application, *, choice_count: int) -> list[Step]:
    """The steps still to fill in before the application can be submitted, in order.

    Field-survey experience is never missing: "none" (0) is a full answer, and the model cannot tell it from a
    step not yet visited.
    """
    answered = {
        IDENTITY: _identity_answered(application),
        SITUATION: _situation_answered(application),
        EXPERIENCE: True,
        SKILLS: _skills_answered(application),
        COMMUNES: choice_count > 0,
    }
    return [step for step in STEPS if step.slug in answered and not answered[step.slug]]


def resume_step(application: Application, *, choice_count: int) -> Step:
    """Where a candidate who comes back goes: the first step she has not answered, else the review.

    The experience step counts as not yet answered while the steps after it are empty too, so that someone who
    stopped after her situation comes back to her experience rather than past it.
    """
    missing = missing_steps(application, choice_count=choice_count)
    if not missing:
        return STEP_BY_SLUG[REVIEW]
    first = missing[0]
    experience_told = (
        application.survey_experience_count > 0
        or bool(application.survey_experience_detail)
        or _skills_answered(application)
        or choice_count > 0
    )
    if first.number > STEP_BY_SLUG[EXPERIENCE].number and not experience_told:
        return STEP_BY_SLUG[EXPERIENCE]
    return first


def next_step(slug: str) -> Step:
    """The step after `slug` (the review after the last one)."""
    index = next(i for i, step in enumerate(STEPS) if step.slug == slug)
    return STEPS[min(index + 1, len(STEPS) - 1)]


def previous_step(slug: str) -> Step | None:
    index = next(i for i, step in enumerate(STEPS) if step.slug == slug)
    return STEPS[index - 1] if index else None
