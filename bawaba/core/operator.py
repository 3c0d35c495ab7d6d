"""Who operates this deployment, as the header and the footer name it beside the Kingdom of Morocco."""

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The demonstration's campaign is the census of the Haut-Commissariat au Plan: a checkout that names no operator
# shows it, in the page's language. A deployment names its own (BAWABA_OPERATOR_NAME, as it is written).
DEFAULT_OPERATOR = _("High Commission for Planning")


def operator_name() -> str | Promise:
    return settings.BAWABA_OPERATOR_NAME or DEFAULT_OPERATOR
