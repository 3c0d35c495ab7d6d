"""What a person types as a code, read the same way everywhere: spaces and dashes ignored, Arabic-Indic and
Persian digits read as ASCII ones (an Arabic phone keyboard types them), letters in lower case."""

import re
from base64 import b32encode

TOTP_DIGITS = 6
RECOVERY_CODE_LENGTH = 8  # django-otp's StaticToken.random_token(): 5 random bytes in base32
RECOVERY_CODES = 10

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TOTP = re.compile(r"[0-9]{6}")
_RECOVERY = re.compile(r"[a-z2-7]{8}")


def normalised(typed: str) -> str:
    return re.sub(r"[\s\-]", "", typed).translate(_DIGITS).lower()


def is_totp_code(code: str) -> bool:
    return bool(_TOTP.fullmatch(code))


def is_recovery_code(code: str) -> bool:
    return bool(_RECOVERY.fullmatch(code))


def grouped(text: str, size: int = 4) -> str:
    """'ABCDEFGH' -> 'ABCD EFGH': easier to read out and to type into an authenticator by hand."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def base32_key(hex_key: str) -> str:
    """The key as authenticator apps take it when typed in (RFC 4648 base32, no padding for 20 bytes)."""
    return b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
