"""The review's forms: the queue's filters (a GET form whose places are checked against the reviewer's scope) and
the decision (accept, or reject with reasons and a comment, naming the version of the dossier she saw)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Application
from bawaba.core.params import id_param, no_control_characters_but_lines
from bawaba.documents.models import Dossier, RejectionReason, ReviewDecision
from bawaba.documents.services.review import COMMENT_MAX_LENGTH
from bawaba.documents.staff.review.selectors import (
    Cursor,
    QueueFilters,
    scope_communes,
    scope_provinces,
)
from bawaba.territory.models import Commune, Province

Status = Dossier.Status
# The version column is a 32-bit integer on PostgreSQL: anything beyond is no version we ever wrote.
VERSION_MAX = 2**31 - 1
PLACE_NOT_IN_SCOPE = _("Choose one of the places you supervise.")
FORM_OUT_OF_DATE = _("This form is out of date: open the file again from the queue.")


class QueueForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=Status.choices)
    # Ids among those of the reviewer's scope (the choices are filled in per request): any other is refused.
    province = forms.ChoiceField(
        label=_("Province or prefecture"),
        required=False,
        error_messages={"invalid_choice": PLACE_NOT_IN_SCOPE},
    )
    commune = forms.ChoiceField(
        label=_("Commune"), required=False, error_messages={"invalid_choice": PLACE_NOT_IN_SCOPE}
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Application.Category.choices],
    )
    # Keyset cursors (selectors.Cursor), carried by the page links, never shown as fields.
    after = forms.CharField(required=False, max_length=40)
    before = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        provinces = list(scope_provinces(scope))
        self.provinces = {str(province.pk): province for province in provinces}
        self._field("province").choices = [("", _("All your provinces"))] + [
            (str(province.pk), province.name) for province in sorted(provinces, key=lambda p: p.name)
        ]
        # The communes of the province chosen (or of her only province): a national list would be 1,500 options.
        self.single_province = provinces[0] if len(provinces) == 1 else None
        chosen = self.provinces.get(str(self.data.get("province", ""))) or self.single_province
        communes = list(Commune.objects.filter(province=chosen)) if chosen is not None else []
        self.communes = {str(commune.pk): commune for commune in communes}
        self._field("commune").choices = [("", _("All communes"))] + [
            (str(commune.pk), commune.name) for commune in sorted(communes, key=lambda c: c.name)
        ]
        self.shows_communes = bool(communes)

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    def clean_province(self) -> Province | None:
        return self.provinces.get(self.cleaned_data["province"])

    def clean_commune(self) -> Commune | None:
        value = self.cleaned_data["commune"]
        return self.communes.get(value) if value else None

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Status.SUBMITTED

    def _cursor(self, name: str) -> Cursor | None:
        text = self.cleaned_data[name]
        if not text:
            return None
        cursor = Cursor.decode(text)
        if cursor is None:
            raise forms.ValidationError(_("This page link is not valid: start again from the first page."))
        return cursor

    def clean_after(self) -> Cursor | None:
        return self._cursor("after")

    def clean_before(self) -> Cursor | None:
        return self._cursor("before")

    def filters(self) -> QueueFilters:
        """The filters that are valid; a field in error is left out (the page says so)."""
        data = (self.cleaned_data if self.is_bound else None) or {}
        return QueueFilters(
            status=data.get("status") or Status.SUBMITTED,
            province=data.get("province"),
            commune=data.get("commune"),
            category=data.get("category") or "",
        )


def queue_filters(params, scope: Scope) -> tuple[QueueForm, QueueFilters]:
    """The queue form bound to the query string (unbound when it holds nothing), and its valid filters."""
    form = QueueForm(params or None, scope=scope)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


def review_filters(params, scope: Scope) -> QueueFilters:
    """The queue's filters that the review screen carries on (to find the next file), read without building the
    queue form's lists: a place is looked up only when one is named, and anything not valid is left out."""
    province = commune = None
    if (province_id := id_param(params, "province")) is not None:
        province = scope_provinces(scope).filter(pk=province_id).first()
    if (commune_id := id_param(params, "commune")) is not None:
        communes = scope_communes(scope).filter(pk=commune_id)
        commune = (communes.filter(province=province) if province else communes).first()
    category = params.get("category", "")
    return QueueFilters(
        province=province,
        commune=commune,
        category=category if category in Application.Category.values else "",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=ReviewDecision.Outcome.choices,
        error_messages={"required": _("Choose to accept or to reject the file.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for a rejection"),
        required=False,
        choices=RejectionReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose the reasons from the list.")},
        help_text=_("The candidate reads them in her language, with your comment."),
    )
    comment = forms.CharField(
        label=_("Comment for the candidate"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_but_lines],
        help_text=_('Say which document, and what to do. Needed with "Another reason".'),
    )
    # The version of the dossier she saw (services.review.decide): a form out of date is told, never applied.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=VERSION_MAX,
        error_messages={key: FORM_OUT_OF_DATE for key in ("required", "invalid", "min_value", "max_value")},
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == ReviewDecision.Outcome.REJECTED:
            reasons = cleaned.get("reasons")
            if "reasons" not in self.errors and not reasons:
                self.add_error("reasons", _("Choose at least one reason for the rejection."))
            if reasons and RejectionReason.OTHER in reasons and not (cleaned.get("comment") or "").strip():
                if "comment" not in self.errors:
                    self.add_error("comment", _("Explain the other reason in the comment."))
        return cleaned
