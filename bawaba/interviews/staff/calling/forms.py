from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from bawaba.interviews.calling import MAX_GRADE, CallRules, LeftOut
from bawaba.interviews.models import CallRules as CallRulesVersion


class CallRulesForm(forms.Form):
    min_completion_percent = forms.IntegerField(
        label=_("Minimum completion of the remote training (%)"),
        min_value=0,
        max_value=100,
        help_text=_("0 calls candidates whatever their progress."),
    )
    min_grade = forms.DecimalField(
        label=_("Minimum training grade"),
        required=False,
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_GRADE)],
        help_text=_("Leave empty to call candidates whatever their grade."),
    )
    documents_accepted = forms.BooleanField(
        label=_("Supporting documents must have been accepted"), required=False
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=CallRulesVersion._meta.get_field("note").max_length,
        required=False,
    )

    @classmethod
    def of(cls, rules: CallRules) -> "CallRulesForm":
        return cls(
            initial={
                "min_completion_percent": rules.min_completion_percent,
                "min_grade": rules.min_grade,
                "documents_accepted": rules.documents_accepted,
            }
        )

    def rules(self) -> CallRules:
        return CallRules(
            min_completion_percent=self.cleaned_data["min_completion_percent"],
            min_grade=self.cleaned_data["min_grade"],
            documents_accepted=self.cleaned_data["documents_accepted"],
        )


def reason_choices() -> list[tuple[str, str]]:
    return [("", _("Everyone")), ("called", _("Called"))] + [
        (reason.value, reason.label) for reason in LeftOut
    ]


class ReasonFilterForm(forms.Form):
    reason = forms.ChoiceField(label=_("Show"), required=False, choices=reason_choices)
