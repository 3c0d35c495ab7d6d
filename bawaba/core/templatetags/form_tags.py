"""Helpers of the form partials (core/includes/error_summary.html)."""

from django import template

register = template.Library()


@register.filter
def after_label(message: str) -> str:
    """An error message written as a sentence, continued after its field's label: "This field is required." ->
    "this field is required.", for "Date of birth: this field is required.".

    Only a first letter followed by a lower-case one is lowered, so that a message starting with an acronym or a
    code ("CIN ...", "PDF ...") keeps it; scripts without case (Arabic) are left as they are.
    """
    message = str(message)
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message
