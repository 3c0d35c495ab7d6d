from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.notifications.models import Notification


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Notification.Status.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + Notification.Kind.choices
    )
    email = forms.EmailField(label=_("Recipient"), required=False)
