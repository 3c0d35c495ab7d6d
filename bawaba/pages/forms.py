from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.core.params import no_control_characters, no_control_characters_but_lines
from bawaba.pages.models import ContactMessage

MESSAGE_MAX_LENGTH = 5000


class ContactForm(forms.Form):
    """The contact page's form. A signed-in candidate may name one of her applications (only hers are offered)."""

    name = forms.CharField(label=_("Your name"), max_length=150, validators=[no_control_characters])
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you an acknowledgement there, then our answer."),
        validators=[no_control_characters],
    )
    category = forms.ChoiceField(label=_("Subject"), choices=[("", "—"), *ContactMessage.Category.choices])
    application_reference = forms.ChoiceField(label=_("Which application"), required=False, choices=[])
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5,000 characters. Never send your password."),
        validators=[no_control_characters_but_lines],
    )

    def __init__(self, *args, application_references: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "dir": "ltr"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        if application_references:
            field = cast(forms.ChoiceField, self.fields["application_reference"])
            field.choices = [
                ("", _("None in particular")),
                *((reference, reference) for reference in application_references),
            ]
        else:
            del self.fields["application_reference"]
