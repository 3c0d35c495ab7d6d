"""How one value of the personal-data page is shown: a list as a list, yes or no, a dash for nothing, text isolated
from the page's direction (an e-mail address or a CIN in an Arabic page)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def personal_value(value: object) -> SafeString:
    if value is None or value == "" or value == []:
        return format_html("{}", "—")
    if isinstance(value, bool):
        return format_html("{}", _("Yes") if value else _("No"))
    if isinstance(value, list):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><bdi>{}</bdi></li>", ((item,) for item in value))
        )
    return format_html("<bdi>{}</bdi>", value)
