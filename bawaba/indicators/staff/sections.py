"""The dashboard's sections as HTML, kept in the shared cache from one refresh to the next.

Their figures change only at a refresh, and rendering them is most of a page's cost (eight tables and their SVG
charts: some 15 ms for the nation, 60 ms and more for a province of a hundred communes). So the first reader of a
place after a refresh renders them, and the others at that place in her language get the same HTML. The key holds
everything the HTML depends on: the refresh (its generation, not its time: two refreshes can share one), the place
and its label, the language. Nothing of the reader is in it (no form, no token): her access was checked before.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

from bawaba.indicators.access import DashboardPlace
from bawaba.indicators.dashboard import Dashboard, section_chart
from bawaba.indicators.dashboard_selectors import dashboard_sections

SECTIONS_TEMPLATE = "indicators/staff/_sections.html"
# A new refresh changes the key at once; this only bounds how long sections rendered by a previous release's
# templates can outlive a deployment.
CACHE_SECONDS = 600
CACHE_VERSION = 1  # raise it when the cached HTML's shape changes and must not be served again


def cache_key(board: Dashboard, where: DashboardPlace) -> str:
    place = "\n".join([str(where.shown.level), *where.shown.codes, board.place_label])
    digest = hashlib.sha256(place.encode()).hexdigest()[:32]
    return (
        f"indicators:sections:{CACHE_VERSION}:{board.campaign.pk}:{board.refresh_generation}:"
        f"{get_language()}:{digest}"
    )


def sections_html(request: HttpRequest, board: Dashboard, where: DashboardPlace) -> SafeString:
    """The sections of the dashboard at the place, from the cache when a reader there has had them since the last
    refresh; empty when the figures were never counted."""
    if not board.has_figures:
        return mark_safe("")  # noqa: S308 - nothing to escape
    key = cache_key(board, where)
    html = cache.get(key)
    if html is None:
        rtl = get_language_bidi()
        sections = [
            (section, section_chart(section, rtl=rtl))
            for section in dashboard_sections(board.campaign, where)
        ]
        html = render_to_string(SECTIONS_TEMPLATE, {"board": board, "sections": sections}, request=request)
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes what it inserts
