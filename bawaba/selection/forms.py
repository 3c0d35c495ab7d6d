"""The public report's form: "find my commune"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.core.params import no_control_characters

# The longest commune name is under 60 characters; a longer query names none.
QUERY_MAX_LENGTH = 100


class CommuneSearchForm(forms.Form):
    commune = forms.CharField(
        label=_("Name or code of the commune"),
        help_text=_("In Arabic or in French; part of the name is enough."),
        max_length=QUERY_MAX_LENGTH,
        validators=[no_control_characters],
    )

    def clean_commune(self) -> str:
        query = self.cleaned_data["commune"]
        # One letter matches hundreds of names; a code has more than one character too.
        if len(query) < 2:
            raise forms.ValidationError(_("Type at least two letters of the name, or the code."))
        return query
