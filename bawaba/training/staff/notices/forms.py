"""The form of a notice's text: a subject and a body whose placeholders are the notice's own."""

import string
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bawaba.training.models import NoticeText
from bawaba.training.notices import ALLOWED_PLACEHOLDERS, REQUIRED_PLACEHOLDERS


def _braced(names: list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


class NoticeTextForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=NoticeText._meta.get_field("subject").max_length,
        # The Arabic text is edited right to left, the French and English left to right, on any page.
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=NoticeText._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 16, "dir": "auto"}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["body"].help_text = format_lazy(
            gettext_lazy("Placeholders this notice may use: {names}. It must use: {required}."),
            names=_braced(list(ALLOWED_PLACEHOLDERS[kind])),
            required=_braced(list(REQUIRED_PLACEHOLDERS[kind])),
        )

    def _placeholders(self, field: str) -> list[str]:
        """The placeholders of one field's text; an error on that field for each one the notice does not know."""
        text = self.cleaned_data.get(field)
        if text is None:
            return []
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError:
            self.add_error(
                field,
                _(
                    "A brace is not closed or not opened: write placeholders as {first_name}, and a brace alone as {{ or }}."
                ),
            )
            return []
        allowed = ALLOWED_PLACEHOLDERS[self.kind]
        names: list[str] = []
        unknown: list[str] = []
        for _literal, name, spec, conversion in parts:
            if name is None:
                continue
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            if name in allowed and written == name:
                names.append(name)
            elif written not in unknown:
                unknown.append(written)
        if unknown:
            self.add_error(
                field,
                _("This notice has no placeholder %(names)s. It may use: %(allowed)s.")
                % {"names": _braced(unknown), "allowed": _braced(list(allowed))},
            )
        return names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        used = set(self._placeholders("subject")) | set(self._placeholders("body"))
        subject = cleaned.get("subject") or ""
        if "\n" in subject or "\r" in subject:
            self.add_error("subject", _("The subject is one line."))
        missing = [name for name in REQUIRED_PLACEHOLDERS[self.kind] if name not in used]
        if missing and "body" in cleaned and not self.has_error("body"):
            self.add_error(
                "body",
                _("The text must contain %(names)s: the candidate needs them.") % {"names": _braced(missing)},
            )
        return cleaned
