from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.core.contributions import registry
from bawaba.notifications.models import Notification


def _kind_choices() -> list[tuple[str, object]]:
    return [("", _("All")), *registry.email_kind_choices()]


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Notification.Status.choices
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_kind_choices)
    email = forms.EmailField(label=_("Recipient"), required=False)


class MailingActionForm(forms.Form):
    """What a central administrator does to a mailing from its page: one of three buttons."""

    action = forms.ChoiceField(
        choices=[("pause", _("Pause")), ("resume", _("Resume")), ("cancel", _("Cancel"))]
    )


class MailboxFilterForm(forms.Form):
    """The demo mailbox's one filter: the messages to one address."""

    to = forms.EmailField(label=_("Messages to"), required=False, max_length=254)
