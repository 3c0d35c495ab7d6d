"""How the site writes a number for a reader, in Western digits with the language's separators.

French groups thousands with a narrow no-break space (1 234 567), English with a comma (1,234,567) and Arabic as
written in Morocco with a dot (1.234.567), decimals after a comma (1.234,5). Django's Arabic locale groups nothing,
which leaves the report's national totals hard to read.

Why these Arabic separators (checked for issue 11): CLDR's ar-MA locale (common/main/ar_MA.xml, as built into ICU's
ar_MA.txt) sets Western digits ("latn", the default numbering system for Morocco, where Eastern Arabic digits are
not used) with decimal "," and group "."; Moroccan administrations' Arabic texts write Western digits and a decimal
comma, like their French ones, so a figure reads the same on both pages of the bilingual site. glibc's ar_MA
(".", ",") comes from older IBM data and is not what Moroccan readers see in official documents; Django's "ar"
(Mashriq, Eastern digits in print) has no grouping at all. We keep CLDR ar-MA.
"""

from decimal import Decimal

# (thousands separator, decimal separator)
SEPARATORS = {"ar": (".", ","), "fr": ("\u202f", ","), "en": (",", ".")}
DEFAULT_LANGUAGE = "ar"


def number(value: int | float | Decimal, language: str | None) -> str:
    """'1.234.567' (ar), '1 234 567' (fr), '1,234,567' (en); a fraction keeps its digits: '1 234,5' (fr)."""
    code = (language or "").split("-")[0].lower()
    thousands, decimal = SEPARATORS.get(code, SEPARATORS[DEFAULT_LANGUAGE])
    if isinstance(value, float | Decimal) and value == int(value):
        value = int(value)
    # Python writes "1,234,567.5"; the placeholder keeps the two separators apart while they are swapped.
    return f"{value:,}".replace(",", "\0").replace(".", decimal).replace("\0", thousands)
