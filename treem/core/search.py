"""Search that forgives accents and capitals: "bac kan" finds "Bắc Kạn"."""

import unicodedata


def fold(text):
    """Lower-case, without Vietnamese accents: 'Tỉnh Bắc Kạn' -> 'tinh bac kan'."""
    decomposed = unicodedata.normalize("NFD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("đ", "d").replace("Đ", "D")
    return " ".join(plain.casefold().split())
