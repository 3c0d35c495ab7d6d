"""The code forms. They check the shape of what was typed; whether the code is right is the services' job."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.twofactor import codes

# Generous for "1234 5678" or "abcd-efgh" typed with spaces; anything longer is not a code.
TYPED_MAX_LENGTH = 20


class CodeForm(forms.Form):
    """A code from her authenticator, or (when `recovery` is allowed) one of her recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=TYPED_MAX_LENGTH,
        error_messages={"required": _("Enter the code."), "max_length": _("This is not a code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "dir": "ltr",
            }
        ),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        if recovery:
            self.fields["code"].help_text = _(
                "The 6 digits your authenticator app shows for Bawaba, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _("The 6 digits your authenticator app shows for Bawaba.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"]
        code = codes.normalised(typed)
        if not (codes.is_totp_code(code) or (self.recovery and codes.is_recovery_code(code))):
            if self.recovery:
                raise forms.ValidationError(
                    _("Enter the 6 digits from your authenticator app, or a recovery code of 8 characters.")
                )
            raise forms.ValidationError(_("Enter the 6 digits from your authenticator app."))
        return code
