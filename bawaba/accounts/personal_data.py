"""What the platform holds on a person's account, for her personal-data download (law 09-08, right of access).

Her password is held only as a one-way hash: it is not data she could read, and is left out on purpose.
"""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.models import User
from bawaba.accounts.scopes import assignments_of
from bawaba.core.contributions import PersonalRecord
from bawaba.core.names import localised


def _moment(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def account_records(user: User) -> Sequence[PersonalRecord]:
    account = PersonalRecord(
        title=_("Your account"),
        fields=(
            ("email", _("e-mail address"), user.email),
            ("full_name", _("full name"), user.full_name),
            ("kind", _("kind of account"), str(user.get_kind_display())),
            ("preferred_language", _("preferred language"), user.preferred_language),
            ("is_active", _("active"), user.is_active),
            ("date_joined", _("date joined"), _moment(user.date_joined)),
            ("last_login", _("last sign-in"), _moment(user.last_login)),
        ),
    )
    roles = [
        PersonalRecord(
            title=_("Staff role"),
            fields=(
                ("role", _("role"), str(assignment.get_role_display())),
                ("region", _("region"), localised(assignment.region) if assignment.region else None),
                (
                    "provinces",
                    _("provinces and prefectures"),
                    [localised(p) for p in assignment.provinces.all()],
                ),
                (
                    "administration",
                    _("administration"),
                    localised(assignment.administration) if assignment.administration else None,
                ),
                ("created_at", _("created at"), _moment(assignment.created_at)),
            ),
        )
        for assignment in assignments_of(user)
    ]
    return [account, *roles]
