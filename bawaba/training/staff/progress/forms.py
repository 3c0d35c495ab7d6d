from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProgressFileForm(forms.Form):
    file = forms.FileField(
        label=_("Completion report of the e-learning platform (CSV)"),
        help_text=_(
            "One line per candidate under the header shown above: her username (her e-mail address), the dates of "
            "her first and last access (e.g. 2026-05-04 or 2026-05-04T09:30:00+01:00, Moroccan time when no offset "
            "is given; empty if she never signed in), her completion from 0 to 100 and her grade (empty if none). "
            "Commas or semicolons between the columns, UTF-8 text."
        ),
        error_messages={
            "required": _("Choose the file to import."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        maximum = settings.BAWABA_PROGRESS_MAX_BYTES
        # Refused before it is read: whatever its size, a stray file costs no more than this.
        if upload.size > maximum:
            raise forms.ValidationError(
                _("The file is larger than %(maximum)s MB: split it or check that it is the right file."),
                code="too_big",
                params={"maximum": max(1, maximum // (1024 * 1024))},
            )
        return upload

    def data_and_name(self) -> tuple[bytes, str]:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(settings.BAWABA_PROGRESS_MAX_BYTES + 1), upload.name or ""


class ReminderForm(forms.Form):
    not_started_by = forms.DateField(
        label=_("Not started by"),
        help_text=_(
            "Every candidate holding a place whose account was handed over and who had not signed in to the "
            "platform by the end of this day (according to the last imported report) receives the reminder. "
            "Format: 2026-05-04."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date."), "invalid": _("Give a date such as 2026-05-04.")},
    )
