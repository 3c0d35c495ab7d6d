"""Start-up checks: the sign-in lockout must speak to people, count them by address, and never lock an address
for everyone."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

# setting: (expected value, what goes wrong without it)
EXPECTED_AXES_SETTINGS = {
    "AXES_LOCKOUT_CALLABLE": (
        "bawaba.accounts.lockout.lockout_response",
        "A locked-out visitor gets django-axes' bare English sentence instead of the translated sign-in page.",
    ),
    "AXES_USERNAME_CALLABLE": (
        "bawaba.accounts.lockout.username_from_credentials",
        "Failed sign-ins through the admin's form are not counted per address, so they never lock an account.",
    ),
    "AXES_LOCKOUT_PARAMETERS": (
        [["ip_address", "username"]],
        "A lockout per address alone lets anyone keep its owner out with a few wrong passwords "
        "(docs/decisions, sign-in throttling).",
    ),
}


@register(Tags.security)
def check_axes_settings(app_configs, **kwargs) -> list[CheckMessage]:
    return [
        Warning(f"{name} is not set to {expected!r}.", hint=consequence, id="accounts.W001")
        for name, (expected, consequence) in EXPECTED_AXES_SETTINGS.items()
        if getattr(settings, name, None) != expected
    ]
