from django import forms
from django.utils.translation import gettext_lazy as _

# The same bounds as OpenDataPolicy.threshold's validators.
THRESHOLD_MIN = 1
THRESHOLD_MAX = 1000


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Smallest count published"),
        min_value=THRESHOLD_MIN,
        max_value=THRESHOLD_MAX,
        help_text=_(
            "Counts from 1 to this value minus one are suppressed, with enough others that none can be worked "
            "out. 5 is the usual value; 1 suppresses nothing. Zeros are always published."
        ),
    )
