"""What the accounts app registers, in AccountsConfig.ready(): the e-mails it sends, her account in her
personal-data download, and the staff accounts page."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.models import Assignment
from bawaba.accounts.permissions import holds_any
from bawaba.accounts.personal_data import account_records
from bawaba.core.contributions import EmailKind, PersonalDataProvider, Registry, StaffMenuEntry

ACCOUNT_CONFIRMATION = EmailKind(
    key="account_confirmation",
    label=_("Account confirmation"),
    template_prefix="accounts/email/account_confirmation",
    secret_context=("confirm_url",),
)
PASSWORD_RESET = EmailKind(
    key="password_reset",
    label=_("Password reset"),
    template_prefix="accounts/email/password_reset",
    secret_context=("reset_url",),
)

STAFF_INVITATION = EmailKind(
    key="staff_invitation",
    label=_("Staff invitation"),
    template_prefix="accounts/email/staff_invitation",
    secret_context=("invitation_url",),
)


def register(registry: Registry) -> None:
    registry.add_email_kind(ACCOUNT_CONFIRMATION)
    registry.add_email_kind(PASSWORD_RESET)
    registry.add_email_kind(STAFF_INVITATION)
    registry.add_personal_data(
        PersonalDataProvider(key="accounts.account", label=_("Account"), records=account_records, order=10)
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="accounts.staff",
            label=_("Staff accounts"),
            url_name="staff_accounts:list",
            allowed=holds_any(Assignment.Role.CENTRAL_ADMIN),
            order=80,
            description=_("Create, import and invite staff members; change their roles; deactivate them."),
        )
    )
