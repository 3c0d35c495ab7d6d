"""`{{ number|lottery }}`: a lottery number as people read it aloud (docs/decisions/0006).

Sixteen hexadecimal digits in one block ("3f9a21c07b2e0d41") are hard to read, compare or dictate: they are shown
in four groups of four ("3f9a 21c0 7b2e 0d41"), the way the report's verification recipe prints them. The groups
are separated by a narrow no-break space (U+202F), so that a number never breaks across lines.
"""

from django import template

register = template.Library()

GROUP = 4
SEPARATOR = "\u202f"


@register.filter
def lottery(value: object) -> str:
    """The number in groups of four digits; anything else (an empty cutoff) as it is."""
    digits = str(value or "")
    return SEPARATOR.join(digits[start : start + GROUP] for start in range(0, len(digits), GROUP))
