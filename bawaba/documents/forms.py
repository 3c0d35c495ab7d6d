"""The forms of the documents stage: a requirement (the central administrator's), a file (the candidate's), the
stage of an invitation."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.params import no_control_characters, no_control_characters_but_lines
from bawaba.documents.models import Requirement
from bawaba.documents.services.invitations import Stage

# What the file input offers: the types we accept, images of any kind included so that a phone offers its camera
# beside its files (no `capture`, which would force the camera). The content decides, not this list.
ACCEPT = "application/pdf,image/jpeg,image/png,image/*"
MAX_ORDER = 1000


class RequirementForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categories asked"),
        choices=Application.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every category."),
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=MAX_ORDER,
        initial=0,
        help_text=_("Smaller numbers come first on the candidate's page."),
    )

    class Meta:
        model = Requirement
        fields = [
            "key",
            "name_ar",
            "name_fr",
            "name_en",
            "help_ar",
            "help_fr",
            "help_en",
            "categories",
            "order",
            "is_active",
        ]
        help_texts = {
            "key": _("Lower-case letters, digits and dashes, unique in the campaign (e.g. national-id)."),
            "is_active": _("Unticked: no longer asked of the candidates (the files already given are kept)."),
        }
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "help_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "help_fr": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "fr"}),
            "help_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
        }

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        for name in ("key", "name_ar", "name_fr", "name_en"):
            self.fields[name].validators.append(no_control_characters)
        for name in ("help_ar", "help_fr", "help_en"):
            self.fields[name].validators.append(no_control_characters_but_lines)
        if self.instance.pk:
            self.initial["categories"] = list(self.instance.categories or [])

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip().lower()
        others = Requirement.objects.filter(campaign=self.campaign, key=key)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Another document of this campaign already has this short name. Choose another one."),
                code="duplicate_key",
            )
        return key

    def clean_categories(self) -> list[str]:
        chosen = set(self.cleaned_data["categories"])
        # In the categories' own order, so that the same choice always reads the same.
        return [value for value, _label in Application.Category.choices if value in chosen]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Choose a file or take a photo"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        # The name she gave is never used (bawaba.documents.storage draws a random one): no limit on it to trip.
        max_length=None,
        allow_empty_file=True,  # the validation says "the file is empty" in its own words
    )


class InvitationForm(forms.Form):
    stage = forms.ChoiceField(label=_("Whom to invite"), choices=Stage.CHOICES, widget=forms.RadioSelect)
