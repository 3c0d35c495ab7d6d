"""Her in-person training, for her personal-data page and download (law 09-08): her group, her status and her
attendance day by day."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bawaba.core.contributions import PersonalRecord
from bawaba.core.names import localised
from bawaba.fieldwork.models import GroupMember


def training_records(user) -> Sequence[PersonalRecord]:
    members = (
        GroupMember.objects.filter(application__user=user)
        .select_related("group__campaign", "commune")
        .prefetch_related("attendances")
        .order_by("pk")
    )
    return [
        PersonalRecord(
            title=_("In-person training: %(campaign)s")
            % {"campaign": localised(member.group.campaign, "title")},
            fields=(
                ("place", _("place"), member.group.place_name),
                ("address", _("address"), member.group.address),
                ("first_day", _("first day"), member.group.starts_on.isoformat()),
                ("last_day", _("last day"), member.group.ends_on.isoformat()),
                ("trainer", _("trainer"), member.group.trainer_name),
                ("commune", _("commune"), localised(member.commune)),
                ("status", _("status"), str(member.get_status_display())),
                (
                    "attendance",
                    _("attendance"),
                    [
                        _("%(day)s: %(presence)s")
                        % {
                            "day": record.day.isoformat(),
                            "presence": _("present") if record.present else _("absent"),
                        }
                        for record in member.attendances.all()
                    ],
                ),
            ),
        )
        for member in members
    ]
