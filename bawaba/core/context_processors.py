from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_bidi

from bawaba.core.operator import operator_name


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: direction for RTL, the languages for the switcher, the demonstration
    banner, the operator named in the header and the footer."""
    return {
        "operator_name": operator_name(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "site_languages": settings.LANGUAGES,
        "demo_mailbox_enabled": settings.BAWABA_DEMO_MAILBOX,
        "demo_banner": settings.BAWABA_DEMO_BANNER,
    }
