import base64
import binascii

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.models import Assignment
from bawaba.accounts.staff import selectors
from bawaba.accounts.staff.csvfile import MAX_FILE_BYTES
from bawaba.accounts.staff.services import AssignmentSpec, StaffChangeRefused, check_assignment
from bawaba.administrations.models import Administration
from bawaba.core.params import has_control_character, no_control_characters
from bawaba.territory.models import Province, Region

Role = Assignment.Role


# Places are chosen by their code (HCP code, administration code), never by id: what a form posts is then no
# number a database column could overflow on, and a value that could be no code is refused before any query.
_MAX_CODE_LENGTH = 40


def _could_be_code(value: object) -> bool:
    return isinstance(value, str) and len(value) <= _MAX_CODE_LENGTH and not has_control_character(value)


class NamedChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(to_field_name="code", **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"

    def to_python(self, value):
        if value not in self.empty_values and not _could_be_code(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(to_field_name="code", **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"

    def clean(self, value):
        for code in value or ():
            if not _could_be_code(code):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": "…"}
                )
        return super().clean(value)


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language of her e-mails"), choices=settings.LANGUAGES)


def _name_field() -> forms.CharField:
    return forms.CharField(label=_("Full name"), max_length=150, validators=[no_control_characters])


class StaffSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        validators=[no_control_characters],
        help_text=_("A name or an e-mail address, or part of one."),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    province = forms.CharField(
        label=_("Province (HCP code)"),
        required=False,
        max_length=16,
        validators=[no_control_characters],
        help_text=_("Staff whose provinces or region include it."),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (selectors.ACTIVE, _("Active")),
            (selectors.INVITED, _("Invitation pending")),
            (selectors.DEACTIVATED, _("Deactivated")),
        ],
    )

    def clean_province(self) -> Province | None:
        code = self.cleaned_data["province"].strip()
        if not code:
            return None
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise forms.ValidationError(
                _("No province or prefecture has the HCP code %(code)s."),
                code="unknown_province",
                params={"code": code},
            )
        return province


class AssignmentForm(forms.Form):
    """A role and its scope; the role decides which one of the place fields is filled (checked in clean)."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    region = NamedChoiceField(
        label=_("Region (regional coordinator)"), required=False, queryset=Region.objects.order_by("code")
    )
    provinces = NamedMultipleChoiceField(
        label=_("Provinces (provincial supervisor, interviewer)"),
        required=False,
        queryset=Province.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    administration = NamedChoiceField(
        label=_("Administration (administration agent)"),
        required=False,
        queryset=Administration.objects.order_by("code"),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        spec = AssignmentSpec(
            role=cleaned["role"],
            region=cleaned.get("region"),
            provinces=tuple(cleaned.get("provinces") or ()),
            administration=cleaned.get("administration"),
        )
        try:
            check_assignment(spec)
        except StaffChangeRefused as refusal:
            raise forms.ValidationError(refusal.message, code="scope") from None
        cleaned["assignment"] = spec
        return cleaned


class StaffCreateForm(AssignmentForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = _name_field()
    language = _language_field()

    field_order = ["email", "full_name", "language", "role", "region", "provinces", "administration"]


class StaffDetailsForm(forms.Form):
    full_name = _name_field()
    language = _language_field()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV)"),
        help_text=_("Columns email,full_name,language,role,scope; UTF-8, with , or ; between the columns."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(maximum)s kB: it cannot be a file of staff."),
                code="too_big",
                params={"maximum": MAX_FILE_BYTES // 1024},
            )
        return upload.read()


class ImportApplyForm(forms.Form):
    """The previewed file (base64, carried by the preview page) and the digest of the plan the preview showed."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=(MAX_FILE_BYTES * 4) // 3 + 8, strip=False)
    digest = forms.RegexField(widget=forms.HiddenInput, regex=r"\A[0-9a-f]{64}\Z")

    def clean_content(self) -> bytes:
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(
                _("The file was damaged on the way: upload it again."), code="bad"
            ) from None

    @staticmethod
    def encoded(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")
