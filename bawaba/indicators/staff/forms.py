from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.indicators.dashboard_exports import FORMATS


class ExportForm(forms.Form):
    """`?format=` of a download: one of the files offered (anything else is 404, as a file that does not exist)."""

    format = forms.ChoiceField(label=_("Format"), choices=[(name, name.upper()) for name in FORMATS])
