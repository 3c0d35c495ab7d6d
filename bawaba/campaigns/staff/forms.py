from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.staff.selectors import campaigns_for_staff
from bawaba.core.params import DB_INT_MAX, no_control_characters
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
