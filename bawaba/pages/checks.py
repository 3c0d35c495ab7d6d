"""`manage.py check --deploy`: a production run names its operator, host and CNDP declaration (law 09-08 requires
the notice to name them), and has an address for the contact form."""

from django.conf import settings
from django.core.checks import Warning, register

REQUIRED_IN_PRODUCTION = (
    "BAWABA_OPERATOR_NAME",
    "BAWABA_OPERATOR_ADDRESS",
    "BAWABA_DATA_CONTROLLER",
    "BAWABA_HOST_NAME",
    "BAWABA_PUBLICATION_DIRECTOR",
    "BAWABA_CNDP_DECLARATION",
    "BAWABA_CONTACT_EMAIL",
)


@register(deploy=True)
def legal_settings_check(app_configs, **kwargs) -> list[Warning]:
    if settings.BAWABA_LOCAL:
        return []
    return [
        Warning(
            f"{name} is empty: the legal notice and the personal-data notice name it.",
            hint="Set it in the environment (.env.example, 'The operator, the legal pages and the contact form').",
            id="bawaba.pages.W001",
        )
        for name in REQUIRED_IN_PRODUCTION
        if not getattr(settings, name, "")
    ]
