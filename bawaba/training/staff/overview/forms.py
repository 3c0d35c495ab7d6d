"""The central administrator's settings of a campaign's training."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.core.params import no_control_characters
from bawaba.training.models import TrainingSettings

# Dates a training can sensibly hold; beyond, a typing mistake (and no arithmetic on them overflows).
FIRST_YEAR, LAST_YEAR = 2000, 2100
# To the second, as the campaign's own calendar is entered.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M:%S"


def _within_years(value: dt.datetime | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Give a date between the years %(first)s and %(last)s."),
            code="year_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def _instant_field(label, help_text) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=DATETIME_LOCAL),
        help_text=help_text,
        validators=[_within_years],
        error_messages={"invalid": _("Enter a date and time such as 2027-02-07 08:00.")},
    )


class TrainingSettingsForm(forms.ModelForm):
    platform_url = forms.URLField(
        label=_("Address of the e-learning platform"),
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("The web address candidates are sent to, to follow the training."),
    )
    reply_deadline = _instant_field(
        _("Reply deadline"),
        _(
            "Morocco time. Candidates accept or decline their place until then; a candidate promoted from a "
            "waiting list has a week from her promotion, never less. Empty: no deadline yet."
        ),
    )
    start_deadline = _instant_field(
        _("Start deadline"),
        _("Morocco time. Who has not started the training by then may lose her place. Empty: none yet."),
    )

    class Meta:
        model = TrainingSettings
        fields = ["platform_url", "cohort", "reply_deadline", "no_reply_declines", "start_deadline"]
        widgets = {
            "cohort": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        }
        help_texts = {
            "cohort": _(
                "The cohort the hand-over file puts every candidate in on the e-learning platform; empty for none."
            ),
            "no_reply_declines": _(
                "When the reply deadline has passed, the candidates without an answer lose their place to the "
                "waiting lists."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].validators.append(no_control_characters)

    def clean_platform_url(self) -> str:
        url = self.cleaned_data["platform_url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give the address of a web site."), code="scheme")
        return url
