"""The hand-over form: the whole country or one region, and whether to include the accounts handed over before."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.territory.models import Region

NATIONAL = ""


class HandoverForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        error_messages={"invalid_choice": _("Choose the whole country or one of the regions.")},
    )
    include_exported = forms.BooleanField(
        label=_("Also the accounts handed over before, with new temporary passwords"),
        help_text=_(
            "Each of these candidates gets a new temporary password, in this file and by e-mail; the password "
            "she had stops working once the file is uploaded to the platform."
        ),
        required=False,
    )

    def __init__(self, *args, regions: list[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in regions}
        region_field = cast(forms.ChoiceField, self.fields["region"])
        region_field.choices = [(NATIONAL, _("The whole country"))] + [
            (region.code, region.name) for region in regions
        ]

    def chosen_region(self) -> Region | None:
        return self.regions.get(self.cleaned_data["region"])
