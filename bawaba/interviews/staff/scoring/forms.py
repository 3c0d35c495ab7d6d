import json

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bawaba.interviews.grid import Grid, GridError, read_grid


class ScoreForm(forms.Form):
    """One radio group per criterion, each level with its written descriptor in the page's language."""

    def __init__(self, *args, grid: Grid, correcting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "ar")[:2]
        for criterion in grid.criteria:
            self.fields[f"level_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.name.get(language) or criterion.name["fr"],
                coerce=int,
                widget=forms.RadioSelect,
                choices=[
                    (
                        level.value,
                        f"{level.value} — {level.descriptor.get(language) or level.descriptor['fr']}",
                    )
                    for level in criterion.levels
                ],
                help_text=_("Weight %(weight)d") % {"weight": criterion.weight},
            )
        if correcting:
            self.fields["reason"] = forms.CharField(
                label=_("Why the score is corrected"),
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.grid = grid

    def levels(self) -> dict[str, int]:
        return {
            criterion.key: self.cleaned_data[f"level_{criterion.key}"] for criterion in self.grid.criteria
        }


class GridForm(forms.Form):
    grid = forms.CharField(
        label=_("The grid, as JSON"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 20, "dir": "ltr", "spellcheck": "false"}),
        help_text=_(
            "Criteria with a short key, a weight and levels from 0, each level described in Arabic and French."
        ),
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def clean_grid(self) -> object:
        try:
            data = json.loads(self.cleaned_data["grid"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON.")) from error
        try:
            read_grid(data)
        except GridError as error:
            raise forms.ValidationError(str(error)) from error
        return data
