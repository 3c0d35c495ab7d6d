from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bawaba.core import dates
from bawaba.fieldwork.models import GroupMember, TrainingGroup
from bawaba.fieldwork.services.groups import MAX_CAPACITY, GroupPlan


class GroupForm(forms.Form):
    place_name = forms.CharField(
        label=_("Place"), max_length=TrainingGroup._meta.get_field("place_name").max_length
    )
    address = forms.CharField(label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=20.0, max_value=36.5)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-17.5, max_value=-0.9)
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    daily_starts_at = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    daily_ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    trainer_name = forms.CharField(
        label=_("Trainer"), max_length=TrainingGroup._meta.get_field("trainer_name").max_length
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_CAPACITY, initial=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["latitude"].help_text = _("The map point of the place, in decimal degrees (optional).")

    @classmethod
    def of(cls, group: TrainingGroup, data=None) -> "GroupForm":
        initial = {name: getattr(group, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def plan(self) -> GroupPlan:
        return GroupPlan(**{name: self.cleaned_data[name] for name in self.base_fields})


class DayForm(forms.Form):
    """The day whose attendance is shown and recorded (one of the group's days)."""

    day = forms.TypedChoiceField(label=_("Day"), choices=(), coerce=str)

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = {day.isoformat(): day for day in days}
        field = self.fields["day"]
        if isinstance(field, forms.ChoiceField):
            language = get_language()
            field.choices = [(key, dates.day(day, language)) for key, day in self.days.items()]

    def cleaned_day(self):
        return self.days[self.cleaned_data["day"]]


class AttendanceForm(DayForm):
    present = forms.TypedMultipleChoiceField(label=_("Present"), choices=(), coerce=int, required=False)

    def __init__(self, *args, days, member_ids, **kwargs):
        super().__init__(*args, days=days, **kwargs)
        field = self.fields["present"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(str(pk), str(pk)) for pk in member_ids]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Mark as"), choices=GroupMember.Status.choices)
    members = forms.TypedMultipleChoiceField(label=_("Agents"), choices=(), coerce=int)

    def __init__(self, *args, member_ids, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(str(pk), str(pk)) for pk in member_ids]


class AssignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the groups: assign the selected agents and send their convocations."),
        required=True,
    )
