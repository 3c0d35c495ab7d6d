"""Temporary passwords for the e-learning platform: strong, but easy to read off an e-mail and type on a phone.

Twelve characters from an alphabet without the ones people confuse (0 O o, 1 l I, 5 S, 2 Z, 8 B, u v …), in
three groups of four joined by dashes: about 66 bits of entropy, and every password has a lower-case letter, an
upper-case letter, a digit and a dash, which Moodle's default password policy asks for. The bytes come from
the operating system's random source (`os.urandom`, as `secrets` does), turned into characters by rejection
sampling, so that every character of the alphabet is equally likely; whole arrays at a time, because a
publication issues some 200,000 of them in its transaction.
"""

import os

import numpy as np

LOWER = "abcdefghijkmnpqrstwxyz"
UPPER = "ACDEFGHJKLMNPQRTWXY"
DIGITS = "34679"
ALPHABET = LOWER + UPPER + DIGITS
GROUPS = 3
GROUP_LENGTH = 4
LENGTH = GROUPS * GROUP_LENGTH

_SYMBOLS = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
# Bytes at or above this are rejected, so that `byte % len(ALPHABET)` is uniform.
_LIMIT = 256 - 256 % len(ALPHABET)
# The class of each ASCII code: a bit each for lower-case, upper-case and digit.
_CLASS_BITS = np.zeros(256, dtype=np.uint8)
for _bit, _chars in enumerate((LOWER, UPPER, DIGITS)):
    _CLASS_BITS[np.frombuffer(_chars.encode("ascii"), dtype=np.uint8)] = 1 << _bit
_ALL_CLASSES = 0b111


def _characters(count: int) -> np.ndarray:
    """`count` characters drawn uniformly from ALPHABET, as ASCII codes."""
    drawn = np.empty(0, dtype=np.uint8)
    while drawn.shape[0] < count:
        raw = np.frombuffer(os.urandom(int((count - drawn.shape[0]) * 1.2) + 16), dtype=np.uint8)
        drawn = np.concatenate((drawn, raw[raw < _LIMIT]))
    return _SYMBOLS[drawn[:count] % len(ALPHABET)]


def generate(count: int) -> list[str]:
    """`count` new temporary passwords, e.g. `Kx7m-P3qa-Zt9w`."""
    codes = _characters(count * LENGTH).reshape(count, LENGTH)
    while True:
        # Redraw the few that lack a class (about 11 % of them) until each has one of every class.
        lacking = np.bitwise_or.reduce(_CLASS_BITS[codes], axis=1) != _ALL_CLASSES
        if not lacking.any():
            break
        codes[lacking] = _characters(int(lacking.sum()) * LENGTH).reshape(-1, LENGTH)
    dash = np.full((count, 1), ord("-"), dtype=np.uint8)
    parts = [codes[:, i * GROUP_LENGTH : (i + 1) * GROUP_LENGTH] for i in range(GROUPS)]
    joined = np.hstack([parts[0], dash, parts[1], dash, parts[2]])
    text = joined.tobytes().decode("ascii")
    width = LENGTH + GROUPS - 1
    return [text[i : i + width] for i in range(0, count * width, width)]
