"""What the platform holds on a candidate's applications, for her personal-data download (law 09-08): every
field she declared, in every campaign, with her communes in order of preference."""

from collections.abc import Sequence

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.campaigns.selectors import application_reference
from bawaba.core.contributions import PersonalRecord
from bawaba.core.names import localised


def _moment(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def applications_of(user) -> list[Application]:
    """Her applications (hers only), every field, with their campaign, commune of residence and choices."""
    return list(
        Application.objects.filter(user=user)
        .select_related("campaign", "residence_commune")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=ApplicationChoice.objects.select_related("commune").order_by("rank"),
            )
        )
        .order_by("created_at", "pk")
    )


def application_records(user) -> Sequence[PersonalRecord]:
    records = []
    for application in applications_of(user):
        Language = Application.Language
        languages = [
            str(Language(code).label) if code in Language.values else code for code in application.languages
        ]
        residence = application.residence_commune
        records.append(
            PersonalRecord(
                title=_("Application %(reference)s") % {"reference": application_reference(application)},
                fields=(
                    ("reference", _("reference"), application_reference(application)),
                    ("campaign", _("campaign"), localised(application.campaign, "title")),
                    ("status", _("status"), str(application.get_status_display())),
                    ("cin", _("national ID card number (CIN)"), application.cin),
                    ("first_name_ar", _("first name (Arabic)"), application.first_name_ar),
                    ("last_name_ar", _("last name (Arabic)"), application.last_name_ar),
                    ("first_name_latin", _("first name (Latin script)"), application.first_name_latin),
                    ("last_name_latin", _("last name (Latin script)"), application.last_name_latin),
                    (
                        "birth_date",
                        _("birth date"),
                        application.birth_date.isoformat() if application.birth_date else None,
                    ),
                    ("sex", _("sex"), str(application.get_sex_display()) if application.sex else ""),
                    ("phone", _("mobile phone"), application.phone),
                    (
                        "residence_commune",
                        _("commune of residence"),
                        localised(residence) if residence else None,
                    ),
                    (
                        "category",
                        _("category"),
                        str(application.get_category_display()) if application.category else "",
                    ),
                    (
                        "education_level",
                        _("education level"),
                        str(application.get_education_level_display()) if application.education_level else "",
                    ),
                    ("education_field", _("field of study"), application.education_field),
                    (
                        "survey_experience_count",
                        _("field surveys taken part in"),
                        application.survey_experience_count,
                    ),
                    ("survey_experience_detail", _("which surveys"), application.survey_experience_detail),
                    ("ict_skill", _("ICT skills"), str(application.get_ict_skill_display())),
                    ("languages", _("languages spoken"), languages),
                    (
                        "communes",
                        _("communes chosen, in order of preference"),
                        [localised(choice.commune) for choice in application.choices.all()],
                    ),
                    (
                        "accepts_any_commune_in_province",
                        _("I accept any commune of my province as a last resort"),
                        application.accepts_any_commune_in_province,
                    ),
                    ("submitted_at", _("submitted at"), _moment(application.submitted_at)),
                    ("created_at", _("created at"), _moment(application.created_at)),
                    ("updated_at", _("updated at"), _moment(application.updated_at)),
                ),
            )
        )
    return records
