"""What every uploaded CSV file's parser needs, whatever its columns (the staff file, the needs file).

Pure functions, no Django: the parsers built on them are pure too, and their problems are translated at the edge.
Spreadsheets save "CSV UTF-8" with a byte-order mark, French ones with ";" between columns, and "Unicode text" as
UTF-16, which a reader must name rather than misread.
"""

import unicodedata

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A value quoted in a problem is cut to this length: the sentence must stay readable whatever the file holds.
SHOWN_LENGTH = 40


def is_utf16(data: bytes) -> bool:
    """Saved as UTF-16 ("Unicode text"): the parser should ask for CSV UTF-8 instead of reading noise."""
    return data.startswith(UTF16_BOMS)


def shown(value: str) -> str:
    """The value as a problem's sentence quotes it: cut to SHOWN_LENGTH characters with an ellipsis."""
    return value if len(value) <= SHOWN_LENGTH else value[: SHOWN_LENGTH - 1] + "…"


def has_control_character(text: str, *, tab_allowed: bool = False) -> bool:
    """Whether the text holds an invisible control character (NUL and the like), which no cell may hold."""
    return any(
        unicodedata.category(character) == "Cc" and not (tab_allowed and character == "\t")
        for character in text
    )


def delimiter_of(header_line: str) -> str:
    """The column separator the header line uses: ";" (a French spreadsheet) when it has no ",", else ","."""
    return ";" if ";" in header_line and "," not in header_line else ","
