"""Forms of the selection's staff pages: a new rules version, launching a run, publishing one.

The rules form speaks in fields a person can fill in; `RulesForm.rules()` turns them into the rules dict of
bawaba.campaigns.rules, which the service checks again with the selection's own parser.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.twofactor import services as twofactor
from bawaba.accounts.twofactor.forms import CodeForm
from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.versions import NOTE_MAX_LENGTH
from bawaba.core.params import DB_INT_MAX, no_control_characters
from bawaba.selection.models import SelectionRun
from bawaba.territory.models import Region

# Rule numbers are bounded as bawaba.selection.scoring bounds them.
MAX_POINTS = 1_000_000
MAX_FALLBACK_COMMUNES = 100
ICT_LEVELS = Application.IctSkill

_POINTS_ERRORS = {
    "min_value": _("Points cannot be negative."),
    "max_value": _("Points are at most %(limit_value)s."),
    "required": _("Give a number of points (0 for none)."),
    "invalid": _("Enter a whole number."),
}


def _points(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_POINTS, error_messages=_POINTS_ERRORS)


def _age(label, *, required) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=120,
        error_messages={
            "required": required,
            "min_value": _("An age is between 0 and 120."),
            "max_value": _("An age is between 0 and 120."),
            "invalid": _("Enter a whole number."),
        },
    )


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_POINTS,
        error_messages={
            "required": _("Give a number (0 for none)."),
            "min_value": _("This number cannot be negative."),
            "max_value": _("This number is at most %(limit_value)s."),
            "invalid": _("Enter a whole number."),
        },
    )


def _factor(label, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(1),
        max_value=Decimal(3),
        max_digits=7,
        decimal_places=4,
        error_messages={
            "min_value": _("The over-selection factor is at least 1 (no over-selection)."),
            "max_value": _("The over-selection factor is at most 3."),
            "required": _("Give the over-selection factor, such as 1.05."),
            "invalid": _("Enter a decimal number written with a dot, such as 1.05."),
            "max_decimal_places": _("The over-selection factor has at most 4 decimals."),
            "max_digits": _("The over-selection factor has at most 4 decimals."),
        },
    )


def _decimal_text(value: Decimal) -> str:
    # The rules hold factors as decimal strings ("1.05"): exact, where a float is not.
    return format(value, "f")


class RulesForm(forms.Form):
    """A new version of a campaign's selection rules; fields are added per category, level and region."""

    min_age = _age(_("Minimum age"), required=_("Give the minimum age."))
    max_age = _age(_("Maximum age"), required=_("Give the maximum age."))
    categories = forms.MultipleChoiceField(
        label=_("Categories admitted"),
        choices=Application.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Admit at least one category.")},
    )
    min_education = forms.ChoiceField(
        label=_("Minimum education level"),
        choices=Application.EducationLevel.choices,
        error_messages={"required": _("Choose the minimum education level.")},
    )
    min_choices = forms.IntegerField(
        label=_("Minimum number of communes chosen"),
        min_value=0,
        max_value=DB_INT_MAX,  # the campaign's own maximum is checked in __init__, with its own message
        help_text=_("A candidate who chose fewer communes is not eligible."),
        error_messages={
            "required": _("Give the minimum number of communes."),
            "min_value": _("This number cannot be negative."),
            "invalid": _("Enter a whole number."),
        },
    )
    per_survey = _points(_("Points per field survey taken part in"))
    max_surveys = _count(_("Surveys counted at most"))
    per_language = _points(_("Points per language spoken"))
    max_languages = _count(_("Languages counted at most"))
    bonus_commune = _points(_("Bonus in the commune where the candidate lives"))
    bonus_province = _points(_("Bonus in the other communes of her province"))
    factor = _factor(_("Over-selection factor"), required=True)
    fallback_enabled = forms.BooleanField(
        label=_("Offer the other communes of her province to a candidate who accepts them"), required=False
    )
    fallback_max_communes = forms.IntegerField(
        label=_("Communes of her province added at most"),
        min_value=1,
        max_value=MAX_FALLBACK_COMMUNES,
        help_text=_("Nearest first, after her own choices."),
        error_messages={
            "required": _("Give the number of communes of her province to add at most."),
            "min_value": _("Add at least 1 commune."),
            "max_value": _("Add at most %(limit_value)s communes."),
        },
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=NOTE_MAX_LENGTH,
        validators=[no_control_characters],
        help_text=_(
            "One sentence for the history of versions, such as “Bonus for the residence commune raised to 25”."
        ),
        error_messages={"required": _("Say what changed in this version.")},
    )

    def __init__(self, *args, campaign: Campaign, regions: list[Region], age_on: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign, self.regions, self.age_on = campaign, regions, age_on
        self.fields["min_choices"].validators.append(_max_choices_validator(campaign.max_commune_choices))
        for code, label in Application.Category.choices:
            self.fields[f"category_{code}"] = _points(label)
            self.fields[f"min_education_{code}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("The general minimum")), *Application.EducationLevel.choices],
            )
        for code, label in Application.EducationLevel.choices:
            self.fields[f"education_{code}"] = _points(label)
        for level, label in ICT_LEVELS.choices:
            self.fields[f"ict_{level}"] = _points(label)
        for region in regions:
            self.fields[f"region_{region.code}"] = _factor(region.name, required=False)
        # The order of the page, so that the list of problems above the form follows it too.
        self.order_fields(
            [
                "min_age",
                "max_age",
                "categories",
                "min_education",
                *(f"min_education_{code}" for code in Application.Category.values),
                "min_choices",
                *(f"category_{code}" for code in Application.Category.values),
                *(f"education_{code}" for code in Application.EducationLevel.values),
                "per_survey",
                "max_surveys",
                *(f"ict_{level}" for level in ICT_LEVELS.values),
                "per_language",
                "max_languages",
                "bonus_commune",
                "bonus_province",
                "factor",
                *(f"region_{region.code}" for region in regions),
                "fallback_enabled",
                "fallback_max_communes",
                "note",
            ]
        )

    # Groups of fields, in the order the template shows them.
    def category_points(self) -> list[forms.BoundField]:
        return [self[f"category_{code}"] for code in Application.Category.values]

    def category_min_education(self) -> list[forms.BoundField]:
        return [self[f"min_education_{code}"] for code in Application.Category.values]

    def education_points(self) -> list[forms.BoundField]:
        return [self[f"education_{code}"] for code in Application.EducationLevel.values]

    def ict_points(self) -> list[forms.BoundField]:
        return [self[f"ict_{level}"] for level in ICT_LEVELS.values]

    def region_factors(self) -> list[forms.BoundField]:
        return [self[f"region_{region.code}"] for region in self.regions]

    def clean(self) -> dict:
        data = super().clean() or {}
        min_age, max_age = data.get("min_age"), data.get("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            self.add_error(
                "max_age",
                _("The maximum age (%(max)s) is below the minimum age (%(min)s).")
                % {"max": max_age, "min": min_age},
            )
        return data

    def rules(self) -> dict:
        """The rules dict of the cleaned form (call after is_valid())."""
        data = self.cleaned_data
        admitted = data["categories"]
        eligibility = {
            "min_age": data["min_age"],
            "max_age": data["max_age"],
            "age_on": self.age_on,
            # In the order of Application.Category, whatever order the boxes were sent in.
            "categories": [code for code in Application.Category.values if code in admitted],
            "min_education": data["min_education"],
            "min_choices": data["min_choices"],
        }
        # Only the admitted categories whose minimum differs: the rules refuse a minimum for one not admitted,
        # and with none the document is exactly what versions saved before this setting hold.
        by_category = {
            code: data[f"min_education_{code}"]
            for code in Application.Category.values
            if code in admitted and data.get(f"min_education_{code}") not in ("", None, data["min_education"])
        }
        if by_category:
            eligibility["min_education_by_category"] = by_category
        return {
            "schema": 1,
            "eligibility": eligibility,
            "score": {
                # Points of a category that is not admitted would never count: the rules refuse them.
                "category": {
                    code: data[f"category_{code}"] for code in Application.Category.values if code in admitted
                },
                "education_level": {
                    code: data[f"education_{code}"] for code in Application.EducationLevel.values
                },
                "survey_experience": {"per_survey": data["per_survey"], "max_surveys": data["max_surveys"]},
                "ict_skill": {str(level): data[f"ict_{level}"] for level in ICT_LEVELS.values},
                "languages": {"per_language": data["per_language"], "max_languages": data["max_languages"]},
            },
            "bonus": {
                "residence_commune": data["bonus_commune"],
                "residence_province": data["bonus_province"],
            },
            "over_selection": {
                "factor": _decimal_text(data["factor"]),
                "regions": {
                    region.code: _decimal_text(data[f"region_{region.code}"])
                    for region in self.regions
                    if data.get(f"region_{region.code}") is not None
                },
            },
            "province_fallback": {
                "enabled": data["fallback_enabled"],
                "max_communes": data["fallback_max_communes"],
            },
        }


def _max_choices_validator(maximum: int):
    def validate(value: int) -> None:
        if value is not None and value > maximum:
            raise forms.ValidationError(
                _("A candidate may choose at most %(maximum)s communes in this campaign."),
                code="max_value",
                params={"maximum": maximum},
            )

    return validate


def initial_from_rules(rules: dict | None) -> dict:
    """The rules form's initial values from a stored rules dict; missing settings take the census defaults."""
    defaults = default_census_rules()
    rules = rules or defaults

    def section(*path: str) -> dict:
        value: object = rules
        fallback = defaults
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
            fallback = fallback.get(key, {})
        return value if isinstance(value, dict) else fallback

    eligibility = section("eligibility")
    category, education = section("score", "category"), section("score", "education_level")
    survey, ict, languages = (
        section("score", "survey_experience"),
        section("score", "ict_skill"),
        section("score", "languages"),
    )
    bonus, over_selection, fallback = (
        section("bonus"),
        section("over_selection"),
        section("province_fallback"),
    )
    initial = {
        "min_age": eligibility.get("min_age"),
        "max_age": eligibility.get("max_age"),
        "categories": eligibility.get("categories", []),
        "min_education": eligibility.get("min_education"),
        "min_choices": eligibility.get("min_choices"),
        "per_survey": survey.get("per_survey"),
        "max_surveys": survey.get("max_surveys"),
        "per_language": languages.get("per_language"),
        "max_languages": languages.get("max_languages"),
        "bonus_commune": bonus.get("residence_commune"),
        "bonus_province": bonus.get("residence_province"),
        "factor": over_selection.get("factor"),
        "fallback_enabled": fallback.get("enabled", False),
        "fallback_max_communes": fallback.get("max_communes"),
    }
    by_category = eligibility.get("min_education_by_category") or {}
    for code in Application.Category.values:
        initial[f"category_{code}"] = category.get(code, 0)
        initial[f"min_education_{code}"] = by_category.get(code, "") if isinstance(by_category, dict) else ""
    for code in Application.EducationLevel.values:
        initial[f"education_{code}"] = education.get(code, 0)
    for level in ICT_LEVELS.values:
        initial[f"ict_{level}"] = ict.get(str(level), 0)
    for code, factor in (over_selection.get("regions") or {}).items():
        initial[f"region_{code}"] = factor
    return initial


class LaunchRunForm(forms.Form):
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        choices=SelectionRun.Stage.choices,
        initial=SelectionRun.Stage.PRESELECTION,
        # A form posted without it (an older tab) launches the preselection, as it did before there were two.
        required=False,
        empty_value=SelectionRun.Stage.PRESELECTION,
        widget=forms.RadioSelect,
        help_text=_(
            "The preselection fills the training needs from the declared data; the final selection fills the field "
            "needs from the interview scores, after the interviews."
        ),
        error_messages={"invalid_choice": _("Choose the preselection or the final selection.")},
    )

    def __init__(self, *args, stages: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stage = cast(forms.TypedChoiceField, self.fields["stage"])
        if stages is not None:
            # Only the stages that can be launched now are offered; the first is chosen by default.
            stage.choices = [(value, label) for value, label in SelectionRun.Stage.choices if value in stages]
            if stages:
                stage.initial = stages[0]
                stage.empty_value = stages[0]

    seed = forms.CharField(
        label=_("Public seed of the draw"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_(
            "Announce the seed publicly before you launch the run (for example the numbers of a public draw "
            "and its date): the lottery numbers that break ties are computed from it, so anyone can check them."
        ),
        error_messages={"required": _("Give the public seed of the draw.")},
    )


class PublishRunForm(CodeForm):
    """Publishing writes every candidate's decision at once and cannot be undone: it asks, besides the tick, for a
    fresh code from the publisher's authenticator app (her session's own verification, however recent, does not
    do; nor does a recovery code)."""

    confirm = forms.BooleanField(
        label=_("I have checked the dry-run report"),
        error_messages={"required": _("Tick the box to confirm that you have checked the dry-run report.")},
    )
    field_order = ["confirm", "code"]

    def __init__(self, *args, user: Any, client_ip: str = "", **kwargs) -> None:
        super().__init__(*args, recovery=False, **kwargs)
        self.user = user
        self.client_ip = client_ip
        self.fields["code"].label = _("Code from your authenticator app")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The code is checked last, and only when the rest is right: a checked code is spent.
        if not self.errors:
            try:
                fresh = twofactor.verify_fresh_code(
                    user=self.user,
                    typed=cleaned["code"],
                    client_ip=self.client_ip,
                    purpose="selection.publish",
                )
            except twofactor.TooManyCodes:
                self.add_error("code", _("Too many codes tried. Please wait a few minutes, then try again."))
            else:
                if not fresh:
                    self.add_error(
                        "code", _("This code is not right, or it has already been used. Try the next one.")
                    )
        return cleaned
