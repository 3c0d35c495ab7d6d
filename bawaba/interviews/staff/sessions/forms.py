from django import forms
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.models import User
from bawaba.interviews.models import InterviewSession
from bawaba.interviews.services.sessions import MAX_PLACES_PER_SLOT, SessionPlan, interviewers_for
from bawaba.territory.models import Province


class SessionForm(forms.Form):
    place_name = forms.CharField(
        label=_("Place"), max_length=InterviewSession._meta.get_field("place_name").max_length
    )
    address = forms.CharField(label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=20.0, max_value=36.5)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-17.5, max_value=-0.9)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label=_("Minutes per slot"), min_value=5, max_value=240, initial=30)
    places_per_slot = forms.IntegerField(
        label=_("Candidates per slot"), min_value=1, max_value=MAX_PLACES_PER_SLOT, initial=4
    )
    interviewers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Interviewers"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, province: Province, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["interviewers"]
        if isinstance(field, forms.ModelMultipleChoiceField):  # always: the field declared above
            field.queryset = interviewers_for(province)
        self.fields["latitude"].help_text = _("The map point of the place, in decimal degrees (optional).")

    def plan(self) -> SessionPlan:
        data = self.cleaned_data
        return SessionPlan(
            place_name=data["place_name"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            day=data["day"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            slot_minutes=data["slot_minutes"],
            places_per_slot=data["places_per_slot"],
        )
