"""`manage.py check --deploy`: the site's address for the links of the notices (written by a worker, with no
request to take it from)."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def site_url_check(app_configs, **kwargs) -> list[Warning]:
    if settings.BAWABA_SITE_URL.startswith("https://") or settings.BAWABA_LOCAL:
        return []
    return [
        Warning(
            "BAWABA_SITE_URL is not an https:// address: the decision notices' links (dashboard, explanation) "
            "are made from it.",
            hint="Set it in the environment to the site's address, e.g. https://bawaba.example.ma.",
            id="bawaba.training.W001",
        )
    ]
