import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Campaign, CampaignStage
from bawaba.campaigns.needs.csvfile import MAX_FILE_BYTES
from bawaba.campaigns.rules.versions import campaign_rules
from bawaba.campaigns.setup import CAMPAIGN_FIELDS, LATER_STAGES, SLUG_TAKEN, StageDates, calendar_problems
from bawaba.campaigns.staff.selectors import campaigns_for_staff
from bawaba.core.params import DB_INT_MAX, no_control_characters, no_control_characters_but_lines
from bawaba.territory.models import Commune


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class ApplicationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        validators=[no_control_characters],
        help_text=_("A CIN, an e-mail address, or names in Arabic or Latin script."),
    )
    campaign = CampaignChoiceField(
        label=_("Campaign"), required=False, queryset=campaigns_for_staff(), empty_label=_("All campaigns")
    )
    commune = forms.CharField(
        label=_("Commune (HCP code)"),
        required=False,
        max_length=16,
        validators=[no_control_characters],
        help_text=_("Residence or chosen commune."),
    )
    # Keyset cursors (see pagination.py): carried by the page links, never shown as fields.
    after = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)
    before = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)

    def clean_commune(self) -> Commune | None:
        code = self.cleaned_data["commune"].strip()
        if not code:
            return None
        try:
            return Commune.objects.get(code=code)
        except Commune.DoesNotExist:
            raise forms.ValidationError(
                _("No commune has the HCP code %(code)s."), code="unknown_commune", params={"code": code}
            ) from None


class RegistrationsForm(forms.Form):
    campaign = CampaignChoiceField(label=_("Campaign"), queryset=campaigns_for_staff(), empty_label=None)


# --- A campaign's set-up ---------------------------------------------------------------------------------------

# Dates a campaign can sensibly hold; beyond, a typing mistake (and no arithmetic on them overflows).
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Short names that are a page of their own under /staff/campaigns/.
RESERVED_SLUGS = frozenset({"new"})
MAX_CHOICES_LIMIT = 20  # the campaign_max_choices_1_to_20 constraint
# To the second: a window closing at 23:59:59 must not lose its last minute when the form is saved unchanged.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M:%S"


def _within_years(value: dt.date | dt.datetime | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Give a date between the years %(first)s and %(last)s."),
            code="year_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def _instant_field(label, *, required_message) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=DATETIME_LOCAL),
        help_text=_("Morocco time, such as 2027-02-07 08:00."),
        validators=[_within_years],
        error_messages={
            "required": required_message,
            "invalid": _("Enter a date and time such as 2027-02-07 08:00."),
        },
    )


def _day_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[_within_years],
        error_messages={"invalid": _("Enter a date such as 2027-03-15.")},
    )


class CampaignForm(forms.ModelForm):
    """A campaign and its calendar. The stages are two day fields each (`<kind>_starts_on`, `<kind>_ends_on`);
    the registration stage is the registration window's days (bawaba.campaigns.setup)."""

    registration_opens_at = _instant_field(
        _("Registration opens at"), required_message=_("Give the day and time registration opens.")
    )
    registration_closes_at = _instant_field(
        _("Registration closes at"), required_message=_("Give the day and time registration closes.")
    )

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)
        widgets = {
            "summary_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
            "summary_fr": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "fr"}),
            "summary_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "title_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "slug": forms.TextInput(attrs={"dir": "ltr"}),
        }
        help_texts = {
            "slug": _(
                "Lower-case letters, digits and hyphens, such as rgph-2024: the campaign's address on the site. "
                "Changing it changes the links already shared."
            ),
            "title_en": _("Optional: English pages show the French title without it."),
            "is_published": _("A published campaign is listed on the home page and open to applications."),
        }
        error_messages = {
            "administration": {"required": _("Choose the administration that runs the campaign.")},
            "slug": {
                "required": _("Give the campaign a short name."),
                "invalid": _("Use only lower-case letters, digits and hyphens."),
                "unique": SLUG_TAKEN,
            },
            "title_ar": {"required": _("Give the title in Arabic.")},
            "title_fr": {"required": _("Give the title in French.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = self.fields["max_commune_choices"]
        assert isinstance(choices, forms.IntegerField)  # noqa: S101 - the model field's form field
        choices.min_value, choices.max_value = 1, MAX_CHOICES_LIMIT
        choices.validators = [
            MinValueValidator(1, message=_("A candidate may choose at least 1 commune.")),
            MaxValueValidator(
                MAX_CHOICES_LIMIT,
                message=_("A candidate may choose at most %(limit_value)s communes."),
            ),
        ]
        choices.widget.attrs.update(min=1, max=MAX_CHOICES_LIMIT)
        choices.error_messages["invalid"] = _("Enter a whole number.")
        choices.error_messages["required"] = _("Give the number of communes a candidate may choose.")
        for name in ("title_ar", "title_fr", "title_en"):
            self.fields[name].validators.append(no_control_characters)
        for name in ("summary_ar", "summary_fr", "summary_en"):
            self.fields[name].validators.append(no_control_characters_but_lines)
        self.fields["slug"].validators.append(no_control_characters)
        stages = {stage.kind: stage for stage in self.instance.stages.all()} if self.instance.pk else {}
        for kind in LATER_STAGES:
            label = CampaignStage.Kind(kind).label
            self.fields[f"{kind}_starts_on"] = _day_field(_("%(stage)s: first day") % {"stage": label})
            self.fields[f"{kind}_ends_on"] = _day_field(_("%(stage)s: last day") % {"stage": label})
            if kind in stages:
                self.initial.setdefault(f"{kind}_starts_on", stages[kind].starts_on)
                self.initial.setdefault(f"{kind}_ends_on", stages[kind].ends_on)

    def campaign_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CAMPAIGN_FIELDS]

    def stage_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, first day, last day) of each stage after registration, in their order."""
        return [
            (str(CampaignStage.Kind(kind).label), self[f"{kind}_starts_on"], self[f"{kind}_ends_on"])
            for kind in LATER_STAGES
        ]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved: choose another."), code="reserved")
        return slug

    def clean_max_commune_choices(self) -> int:
        value = self.cleaned_data["max_commune_choices"]
        if self.instance.pk and value is not None:
            # The rules' minimum must stay reachable: a candidate could otherwise never be eligible.
            minimum = campaign_rules(self.instance).min_choices
            if value < minimum:
                raise forms.ValidationError(
                    _(
                        "The campaign's selection rules ask for at least %(minimum)s communes: lower that minimum "
                        "on the rules page first."
                    ),
                    code="below_rules_minimum",
                    params={"minimum": minimum},
                )
        return value

    def stage_dates(self) -> dict[str, StageDates]:
        data = self.cleaned_data
        return {
            kind: StageDates(data.get(f"{kind}_starts_on"), data.get(f"{kind}_ends_on"))
            for kind in LATER_STAGES
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        opens_at, closes_at = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens_at is None or closes_at is None:
            return data
        for problem in calendar_problems(opens_at=opens_at, closes_at=closes_at, stages=self.stage_dates()):
            if problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return data

    def campaign_values(self) -> dict:
        """The campaign's fields as the set-up services take them (after is_valid())."""
        return {name: self.cleaned_data[name] for name in CAMPAIGN_FIELDS}


class NeedsFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of needs (CSV)"),
        help_text=_(
            "One line per commune and stage, under the header commune_code,stage,need: the commune's HCP code, "
            "training or field, and the number of people needed. Commas or semicolons between the columns, "
            "UTF-8 text. The file replaces the needs of the stages it holds."
        ),
        error_messages={
            "required": _("Choose the file to check."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read: whatever its size, a stray file costs no more than this.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(maximum)s kB: it cannot be a file of needs."),
                code="too_big",
                params={"maximum": MAX_FILE_BYTES // 1024},
            )
        return upload

    def data_and_name(self) -> tuple[bytes, str]:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(MAX_FILE_BYTES + 1), upload.name or ""


class ApplyNeedsForm(forms.Form):
    """Applying has nothing to send but the button: what is applied is the import kept on the server."""
