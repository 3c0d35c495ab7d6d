"""A Latin value inside translated plain text is isolated with the Unicode marks (bawaba.core.bidi)."""

from bawaba.core.bidi import isolate


def test_isolate_wraps_the_value_in_invisible_first_strong_isolate_marks():
    message = "أرسلنا تأكيدا إلى %(email)s."  # as a catalogue gives it
    text = message % {"email": isolate("amina@example.ma")}
    assert text == "أرسلنا تأكيدا إلى \u2068amina@example.ma\u2069."
    assert isolate("AB123456").strip("\u2068\u2069") == "AB123456"
