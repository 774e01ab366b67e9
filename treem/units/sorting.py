"""Names in Vietnamese alphabetical order, without ICU.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
(f, j, w, z of foreign names in their Latin places). Letters decide first,
tones only between names spelt alike (Ha, Hà, Hả, Hã, Há, Hạ, the order of
Vietnamese dictionaries), then capitals. Numbers compare as numbers, so
"Phường 2" comes before "Phường 10"."""

import re
import unicodedata
from functools import lru_cache

_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
# Each letter as one character above any other in the key (plain strings
# compare fast: the whole country's communes sort in a few hundredths of a second).
_LETTER = {letter: chr(0x100 + rank) for rank, letter in enumerate(_ALPHABET)}
# Marks that make another letter (ă â ê ô ơ ư), and the tones.
_SHAPES = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}  # huyền hỏi ngã sắc nặng
_PIECES = re.compile(r"\d+|\D")
# Spaces and punctuation first, then numbers, then other characters, then letters.
_SPACE, _NUMBER, _OTHER = "\x01", "\x02", "\x03"


@lru_cache(maxsize=4096)
def _char(char):
    """(primary weight, tone, capital) of one character; tone and capital
    are "" when it is not a letter."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0].lower()
    letter = unicodedata.normalize("NFC", base + "".join(m for m in decomposed[1:] if m in _SHAPES))
    if letter in _LETTER:
        tone = next((_TONES[m] for m in decomposed[1:] if m in _TONES), "0")
        return _LETTER[letter], tone, "1" if char != char.lower() else "0"
    if char.isspace() or not char.isalnum():
        return _SPACE + char, "", ""
    return _OTHER + letter, "", ""


@lru_cache(maxsize=50_000)
def vietnamese_key(name):
    """A sort key putting names in Vietnamese order: sorted(units, key=lambda u: vietnamese_key(u.name))."""
    name = unicodedata.normalize("NFC", " ".join((name or "").split()))
    primary, tones, capitals = [], [], []
    for piece in _PIECES.findall(name):
        if piece.isdecimal():  # a run of digits, by its value: its length, then its digits
            digits = str(int(piece))
            primary.append(f"{_NUMBER}{chr(0x30 + len(digits))}{digits}")
            continue
        weight, tone, capital = _char(piece)
        primary.append(weight)
        tones.append(tone)
        capitals.append(capital)
    return "".join(primary), "".join(tones), "".join(capitals), name


def by_name(items):
    """Units (or anything with a `name`) in the Vietnamese order of their names."""
    return sorted(items, key=lambda item: vietnamese_key(item.name))
