"""Request types the views can annotate with."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (settings.MIDDLEWARE), so `request.htmx` is set."""

    htmx: HtmxDetails
