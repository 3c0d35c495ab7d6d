"""What the accounts app registers, in AccountsConfig.ready(): the e-mails it sends, and her account in her
personal-data download."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.personal_data import account_records
from bawaba.core.contributions import EmailKind, PersonalDataProvider, Registry

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


def register(registry: Registry) -> None:
    registry.add_email_kind(ACCOUNT_CONFIRMATION)
    registry.add_email_kind(PASSWORD_RESET)
    registry.add_personal_data(
        PersonalDataProvider(key="accounts.account", label=_("Account"), records=account_records, order=10)
    )
