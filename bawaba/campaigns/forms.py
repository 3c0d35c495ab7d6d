"""One form per step of the application. They check and normalise what the candidate typed, with messages in
her language; the rules that hold whatever the caller (deadline, CIN per campaign, communes) are the services'.
"""

import datetime as dt
import json
from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns import steps
from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.rules import reasons
from bawaba.campaigns.rules.parser import Rules
from bawaba.campaigns.rules.versions import campaign_rules
from bawaba.campaigns.selectors import communes_for_picker, provinces_for_picker, regions_for_picker
from bawaba.campaigns.validators import (
    clean_name,
    is_arabic_name,
    is_latin_name,
    normalise_moroccan_mobile,
)
from bawaba.core.cin import CIN_MAX_DIGITS, normalise_cin
from bawaba.core.params import bounded_int, no_control_characters, no_control_characters_but_lines
from bawaba.territory.models import Commune, Province, Region

REQUIRED = _("This information is required.")
CHOOSE_ONE = _("Choose one of the answers.")

# The submit buttons' names: the cascade's "show" buttons re-render the step without saving it.
ACTION = "action"
SHOW_PLACES = "show_places"


# --- Birth date: three boxes (day, month, year), the accessible pattern for a date one knows by heart ------


class DatePartsWidget(forms.MultiWidget):
    template_name = "campaigns/widgets/date_parts.html"
    use_fieldset = True

    def __init__(self, attrs: dict | None = None) -> None:
        part = {"inputmode": "numeric", "dir": "ltr", "class": "date-parts__input"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={**part, "autocomplete": "bday-day", "maxlength": "2", "size": "2"}),
            "month": forms.TextInput(
                attrs={**part, "autocomplete": "bday-month", "maxlength": "2", "size": "2"}
            ),
            "year": forms.TextInput(
                attrs={**part, "autocomplete": "bday-year", "maxlength": "4", "size": "4"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: dt.date | None) -> list:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        labels = [_("Day"), _("Month"), _("Year")]
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["label"] = label
        return context


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget
    default_error_messages = {
        "incomplete": _("Enter your birth date with its day, month and year."),
        "invalid_date": _("Enter a real date, for example 15 3 1995."),
        "invalid_year": _("Enter the year with four digits, for example 1995."),
    }

    def __init__(self, **kwargs: Any) -> None:
        parts = (forms.IntegerField(), forms.IntegerField(), forms.IntegerField())
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        for part in self.fields:
            part.required = False

    def clean(self, value: Any) -> dt.date | None:
        # One message for the whole date, in words a candidate understands, rather than one per box.
        raw = [str(part).strip() if part is not None else "" for part in (value or ["", "", ""])]
        if not any(raw):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if not all(raw):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(part) for part in raw)  # int() reads Arabic-Indic digits too
        except ValueError:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date") from None
        if not 1000 <= year <= 9999:
            raise ValidationError(self.error_messages["invalid_year"], code="invalid_year")
        try:
            return dt.date(year, month, day)
        except (
            ValueError,
            OverflowError,
        ):  # a day or month beyond a machine integer overflows, not a ValueError
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date") from None

    def compress(self, data_list: list) -> dt.date | None:  # not used: clean() does the whole job
        return None


# --- Region -> province -> commune --------------------------------------------------------------------------


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region | Province | Commune) -> str:
        return obj.name


class PlacePickerMixin:
    """Three selects where each one's choices depend on the one before it.

    The choices come from what was picked (the posted data, else the initial values), so the same form serves the
    first display, the no-JavaScript "show" buttons and validation: a commune outside the chosen province, or a
    province outside the chosen region, is simply not a valid choice.
    """

    region_field = "region"
    province_field = "province"
    commune_field = "commune"

    def _setup_places(self) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        region_id = self._picked(self.region_field)
        province_id = self._picked(self.province_field)
        region, province, commune = (
            fields[self.region_field],
            fields[self.province_field],
            fields[self.commune_field],
        )
        region.queryset = regions_for_picker()
        province.queryset = provinces_for_picker(region_id)
        province.empty_label = (
            _("Choose a province or prefecture") if region_id else _("Choose a region first")
        )
        communes = communes_for_picker(province_id)
        if region_id:
            communes = communes.filter(province__region_id=region_id)
        commune.queryset = communes
        commune.empty_label = _("Choose a commune") if province_id else _("Choose a province first")
        # HTMX: a new region refills the provinces (and empties the communes), a new province the communes.
        # The query parameter is the select's own name, hence the fixed names "region" and "province".
        province_id_attr = self[self.province_field].auto_id  # type: ignore[index]
        commune_id_attr = self[self.commune_field].auto_id  # type: ignore[index]
        region.widget.attrs.update(
            {
                "hx-get": reverse("campaigns:province_options"),
                "hx-target": f"#{province_id_attr}",
                "hx-vals": json.dumps({"reset": commune_id_attr}),
                "autocomplete": "off",
            }
        )
        province.widget.attrs.update(
            {
                "hx-get": reverse("campaigns:commune_options"),
                "hx-target": f"#{commune_id_attr}",
                "autocomplete": "off",
            }
        )

    def _picked(self, name: str) -> int | None:
        if self.is_bound:  # type: ignore[attr-defined]
            value = self.data.get(self.add_prefix(name))  # type: ignore[attr-defined]
        else:
            value = self.initial.get(name)  # type: ignore[attr-defined]
        # An id no table can hold (beyond 64 bits) is no pick, rather than an overflow in the query.
        return bounded_int(getattr(value, "pk", value), min_value=1)

    @property
    def provinces_shown(self) -> bool:
        return self._picked(self.region_field) is not None

    @property
    def communes_shown(self) -> bool:
        return self._picked(self.province_field) is not None


def _place_field(label: Any, empty_label: Any = None, required: bool = False) -> PlaceChoiceField:
    return PlaceChoiceField(
        label=label,
        queryset=Region.objects.none(),
        required=required,
        empty_label=empty_label,
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _(
                "Choose from the list. If you changed the region or the province, choose again."
            ),
        },
    )


def place_initial(commune: Commune | None) -> dict:
    if commune is None:
        return {}
    return {"region": commune.region_id, "province": commune.province_id}


# --- The steps ----------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    """A step's form. `campaign` gives the limits some answers are checked against: its current selection rules
    (`rules`), the one source of who may apply, so that the form refuses exactly what the selection would."""

    step: str = ""

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self._rules: Rules | None = None
        for field in self.fields.values():
            # Django's "This field is required." names no field; ours say what to do.
            if field.error_messages.get("required") is forms.Field.default_error_messages["required"]:
                is_choice = isinstance(field.widget, forms.RadioSelect)
                field.error_messages["required"] = CHOOSE_ONE if is_choice else REQUIRED

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = campaign_rules(self.campaign)
        return self._rules

    def refuse_ineligible(self, **declared: Any) -> None:
        """An error on each field whose answer would make her ineligible, saying why (before she submits)."""
        for problem in reasons.problems_of(self.rules, **declared):
            if problem.field in self.fields and problem.field not in self.errors:
                self.add_error(
                    problem.field, ValidationError(problem.message, code=problem.reason.name.lower())
                )

    @classmethod
    def keeping_typed(cls, data: Any, **kwargs: Any) -> Self:
        """An unbound form showing exactly what was posted, without error messages: what a "show" button
        re-renders (the candidate has not finished the step, so nothing is wrong yet)."""
        probe = cls(data, **kwargs)
        initial = {
            name: field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
            for name, field in probe.fields.items()
        }
        return cls(initial=initial, **kwargs)


def _text(label: Any, *, max_length: int, help_text: Any = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        validators=[no_control_characters],
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )


class IdentityForm(PlacePickerMixin, StepForm):
    step = steps.IDENTITY
    commune_field = "residence_commune"

    cin = _text(
        _("National ID card number (CIN)"),
        max_length=20,
        help_text=_("One or two letters then digits, as on your card, for example AB123456."),
        autocomplete="off",
        dir="ltr",
        autocapitalize="characters",
        spellcheck="false",
    )
    first_name_ar = _text(
        _("First name in Arabic script"), max_length=80, autocomplete="off", dir="rtl", lang="ar"
    )
    last_name_ar = _text(
        _("Last name in Arabic script"), max_length=80, autocomplete="off", dir="rtl", lang="ar"
    )
    first_name_latin = _text(
        _("First name in Latin script"),
        max_length=80,
        help_text=_("As written on your CIN."),
        autocomplete="given-name",
        dir="ltr",
        lang="fr",
    )
    last_name_latin = _text(
        _("Last name in Latin script"),
        max_length=80,
        help_text=_("As written on your CIN."),
        autocomplete="family-name",
        dir="ltr",
        lang="fr",
    )
    birth_date = DatePartsField(label=_("Birth date"), help_text=_("For example 15 3 1995."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Application.Sex.choices, widget=forms.RadioSelect)
    phone = _text(
        _("Mobile phone number"),
        max_length=30,
        help_text=_("A Moroccan mobile number, for example 06 12 34 56 78."),
        type="tel",
        inputmode="tel",
        autocomplete="tel",
        dir="ltr",
    )
    region = _place_field(_("Region of residence"), _("Choose a region"))
    province = _place_field(_("Province or prefecture of residence"), _("Choose a province or prefecture"))
    residence_commune = _place_field(_("Commune of residence"), _("Choose a commune"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_places()
        self.fields["birth_date"].help_text = _(
            "For example 15 3 1995. You must be between %(min)s and %(max)s years old on %(date)s."
        ) % {
            "min": self.rules.min_age,
            "max": self.rules.max_age,
            "date": reasons.format_day(self.rules.age_on),
        }

    def clean_cin(self) -> str:
        try:
            return normalise_cin(self.cleaned_data["cin"])
        except ValueError:
            raise ValidationError(
                _(
                    "Enter the CIN as on your card: one or two letters then up to %(digits)s digits, "
                    "for example AB123456."
                )
                % {"digits": CIN_MAX_DIGITS},
                code="invalid_cin",
            ) from None

    def _clean_arabic(self, name: str) -> str:
        value = clean_name(self.cleaned_data[name])
        if not is_arabic_name(value):
            raise ValidationError(_("Write this name in Arabic letters."), code="not_arabic")
        return value

    def _clean_latin(self, name: str) -> str:
        value = clean_name(self.cleaned_data[name])
        if not is_latin_name(value):
            raise ValidationError(
                _(
                    "Write this name in Latin letters, as on your CIN (accents, hyphens and apostrophes allowed)."
                ),
                code="not_latin",
            )
        return value

    def clean_first_name_ar(self) -> str:
        return self._clean_arabic("first_name_ar")

    def clean_last_name_ar(self) -> str:
        return self._clean_arabic("last_name_ar")

    def clean_first_name_latin(self) -> str:
        return self._clean_latin("first_name_latin")

    def clean_last_name_latin(self) -> str:
        return self._clean_latin("last_name_latin")

    def clean_birth_date(self) -> dt.date:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(_("The birth date cannot be in the future."), code="future")
        for problem in reasons.problems_of(self.rules, birth_date=birth_date):
            raise ValidationError(problem.message, code="age")
        return birth_date

    def clean_phone(self) -> str:
        try:
            return normalise_moroccan_mobile(self.cleaned_data["phone"])
        except ValueError:
            raise ValidationError(
                _("Enter a Moroccan mobile number starting with 06 or 07, for example 06 12 34 56 78."),
                code="invalid_phone",
            ) from None


class SituationForm(StepForm):
    step = steps.SITUATION

    category = forms.ChoiceField(
        label=_("Your situation"), choices=Application.Category.choices, widget=forms.RadioSelect
    )
    education_level = forms.ChoiceField(
        label=_("Highest education level"),
        choices=Application.EducationLevel.choices,
        widget=forms.RadioSelect,
    )
    education_field = _text(
        _("Field of study"),
        max_length=120,
        help_text=_(
            "For example: economics, geography, experimental sciences. Leave empty for secondary school."
        ),
        autocomplete="off",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education_field"].required = False
        # What the campaign's rules ask, said before she answers (the step refuses what they exclude).
        self.fields["category"].help_text = reasons.categories_sentence(self.rules)
        self.fields["education_level"].help_text = reasons.education_sentence(self.rules)

    def clean_education_field(self) -> str:
        return clean_name(self.cleaned_data["education_field"])

    def clean(self) -> dict:
        data = super().clean() or {}
        level = data.get("education_level")
        Level = Application.EducationLevel
        if level and level != Level.SECONDARY and not data.get("education_field"):
            self.add_error(
                "education_field", _("Enter the field of your highest diploma or of your studies.")
            )
        # The campaign's rules: a situation it does not admit, or a level below its minimum for that situation.
        if data.get("category"):
            self.refuse_ineligible(category=data["category"], education_level=level)
        below_post_bac = {Level.SECONDARY, Level.BACCALAUREATE}
        if (
            data.get("category") == Application.Category.GRADUATE
            and level in below_post_bac
            and "education_level" not in self.errors
        ):
            self.add_error(
                "education_level",
                _(
                    "A holder of a post-baccalaureate diploma has studied beyond the baccalaureate: check your level."
                ),
            )
        return data


class ExperienceForm(StepForm):
    step = steps.EXPERIENCE

    survey_experience_count = forms.IntegerField(
        label=_("How many statistical field surveys have you taken part in?"),
        help_text=_("Censuses and surveys (HCP or others) where you collected data in the field. 0 if none."),
        min_value=0,
        max_value=50,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", "size": "3"}
        ),
        error_messages={
            "invalid": _("Enter a whole number, 0 if none."),
            "min_value": _("Enter a whole number, 0 if none."),
            "max_value": _("Enter a number no greater than %(limit_value)s."),
        },
    )
    survey_experience_detail = forms.CharField(
        label=_("Which surveys, with their year and your role"),
        help_text=_("For example: RGPH 2014, enumerator; National Employment Survey 2019, controller."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_but_lines],
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )

    def clean_survey_experience_detail(self) -> str:
        return self.cleaned_data["survey_experience_detail"].strip()

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("survey_experience_count") and not data.get("survey_experience_detail"):
            self.add_error("survey_experience_detail", _("Say which surveys you took part in."))
        if data.get("survey_experience_count") == 0 and data.get("survey_experience_detail"):
            self.add_error(
                "survey_experience_count",
                _("You listed surveys: enter how many, or empty the list if you took part in none."),
            )
        return data


class SkillsForm(StepForm):
    step = steps.SKILLS

    ict_skill = forms.TypedChoiceField(
        label=_("How well do you use computers and tablets?"),
        choices=Application.IctSkill.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        help_text=_("Tick every language you can hold a conversation in."),
        choices=Application.Language.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one language.")},
    )

    def clean_languages(self) -> list[str]:
        # Stored in the list's own order, so that the same answer is always the same value.
        chosen = set(self.cleaned_data["languages"])
        return [code for code, _label in Application.Language.choices if code in chosen]


class AddCommuneForm(PlacePickerMixin, StepForm):
    """The picker of the communes step: region, province, then the commune to add to the list."""

    step = steps.COMMUNES

    region = _place_field(_("Region"), _("Choose a region"))
    province = _place_field(_("Province or prefecture"), _("Choose a province or prefecture"))
    commune = _place_field(_("Commune"), _("Choose a commune"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_places()

    def clean_commune(self) -> Commune:
        commune = self.cleaned_data.get("commune")
        if commune is None:
            raise ValidationError(_("Choose the commune to add."), code="required")
        return commune


class ProvinceFallbackForm(forms.Form):
    """The communes step's last question, answered with the button that continues to the review.

    Asked only when the campaign's rules offer the fallback (rules.versions.offers_province_fallback): otherwise the
    form has no field, so that a forged answer is dropped like any unknown field rather than stored.
    """

    accepts_any_commune_in_province = forms.BooleanField(
        label=_(
            "If none of my communes can take me, I accept any other commune of my province, nearest first, "
            "as a last resort."
        ),
        help_text=_(
            "Your own communes always come first: ticking this never costs you a place in one of them. It only "
            "adds the other communes of your province of residence after them. Leave it unticked if you would "
            "work only in the communes you chose."
        ),
        required=False,
    )

    def __init__(self, *args: Any, offered: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not offered:
            del self.fields["accepts_any_commune_in_province"]

    @property
    def asks(self) -> bool:
        return "accepts_any_commune_in_province" in self.fields

    @classmethod
    def for_application(cls, application: Application, *, offered: bool) -> "ProvinceFallbackForm":
        return cls(
            initial={"accepts_any_commune_in_province": application.accepts_any_commune_in_province},
            offered=offered,
        )


STEP_FORMS: dict[str, type[StepForm]] = {
    steps.IDENTITY: IdentityForm,
    steps.SITUATION: SituationForm,
    steps.EXPERIENCE: ExperienceForm,
    steps.SKILLS: SkillsForm,
}


def initial_for(application: Application, step: str) -> dict:
    """What a step's form shows when the candidate comes back to it: what she saved."""
    initial = {name: getattr(application, name) for name in steps.STEP_FIELDS[step]}
    if step == steps.IDENTITY:
        initial["residence_commune"] = application.residence_commune_id
        initial.update(place_initial(application.residence_commune))
    not_answered_yet = not application.languages  # the skills step, the last one before the communes
    if step == steps.EXPERIENCE and not application.survey_experience_count and not_answered_yet:
        # Not answered yet: an empty box, not a 0 she did not type.
        initial["survey_experience_count"] = None
    if step == steps.SKILLS and not_answered_yet:
        initial["ict_skill"] = None  # no answer ticked for her
    return initial
