"""Arabic prose uses Arabic punctuation: the comma ،, the semicolon ؛ and the question mark ؟, never the Latin
, ; ? beside an Arabic word. Latin marks stay inside Latin runs (CSV headers, codes, URLs, placeholders)."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ARABIC = "\u0600-\u06ff\u0750-\u077f"
# A Latin mark whose nearest character on either side, across spaces, quotes and brackets, is an Arabic letter.
LATIN_MARK_IN_ARABIC = re.compile(rf"[{ARABIC}][\s»”)]*[,;?]|[,;?][\s«“(]*[{ARABIC}]")
# Marks that are the thing being named, not punctuation: the CSV separators a file may use, and yesno's argument
# (Django splits it on a Latin comma).
LITERAL_MARKS = {"Yes,No": ["نعم,لا"], "*": ["مع , أو ; بين", "مفصولة بـ ;"]}


def _arabic_messages() -> list[tuple[str, str]]:
    """(msgid, Arabic text) of every message, each plural form apart (a plural's key is (msgid, index))."""
    with (ROOT / "locale/ar/LC_MESSAGES/django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    messages = [(key[0] if isinstance(key, tuple) else key, text) for key, text in catalogue.items()]
    return [(msgid, text) for msgid, text in messages if msgid]  # not the header


def test_no_arabic_message_puts_a_latin_comma_semicolon_or_question_mark_beside_arabic_words():
    offenders = []
    for msgid, text in _arabic_messages():
        for literal in LITERAL_MARKS.get(msgid, []) + LITERAL_MARKS["*"]:
            text = text.replace(literal, "")
        if LATIN_MARK_IN_ARABIC.search(text):
            offenders.append(text)
    assert not offenders, offenders


def test_the_check_finds_a_latin_comma_in_arabic_prose():
    assert LATIN_MARK_IN_ARABIC.search("الرباط, سلا")
    assert LATIN_MARK_IN_ARABIC.search("هل أنت متأكد?")
    assert LATIN_MARK_IN_ARABIC.search("%(a)s ; الشرط")
    assert not LATIN_MARK_IN_ARABIC.search("الأعمدة email,full_name,language؛ بترميز UTF-8")
    assert not LATIN_MARK_IN_ARABIC.search("الرباط، سلا؟")
