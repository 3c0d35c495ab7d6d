"""The candidate's reply: no field to fill, the confirmation of a decline is the button's own POST."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeclineForm(forms.Form):
    """Declining is final: the confirmation page's button sends `confirm`, a plain POST without it asks again."""

    confirm = forms.BooleanField(
        label="",
        required=True,
        error_messages={"required": _("Confirm that you decline your training place.")},
    )
