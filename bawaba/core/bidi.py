"""Latin values inside translated plain text (a flash message, an e-mail line): isolated so nothing reorders.

Templates wrap such values in `<bdi dir="ltr">`; a message built in Python is plain text, so it gets the Unicode
equivalent: FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE (U+2068, U+2069), invisible, understood by browsers
and mail clients. In an Arabic sentence an e-mail address then keeps its dots and its @ in place, and a full stop
after it stays at the end of the sentence.
"""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolate(value: object) -> str:
    """The value as one unit of its own direction inside the text around it."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"
