import re
from collections import Counter

from bawaba.training import passwords

SHAPE = re.compile(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}")


def test_every_password_has_the_typable_shape_and_every_class():
    for password in passwords.generate(5000):
        assert SHAPE.fullmatch(password), password
        assert re.search("[a-z]", password) and re.search("[A-Z]", password) and re.search("[0-9]", password)


def test_no_character_people_confuse():
    drawn = set("".join(passwords.generate(2000)))
    assert not drawn & set("0Oo1lI5S2Z8Buv")


def test_passwords_differ_and_use_the_whole_alphabet_evenly():
    drawn = passwords.generate(20_000)
    assert len(set(drawn)) == len(drawn)
    counts = Counter("".join(drawn).replace("-", ""))
    assert set(counts) == set(passwords.ALPHABET)
    # 240,000 characters over 46 symbols: about 5,200 each; a biased draw (a modulo without rejection) would
    # show a symbol at least a third off. The class guarantee shifts the digits up a little, not that far.
    expected = 20_000 * passwords.LENGTH / len(passwords.ALPHABET)
    assert all(0.75 * expected < count < 1.6 * expected for count in counts.values())


def test_none_asked_none_given():
    assert passwords.generate(0) == []
