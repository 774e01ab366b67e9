"""Find the unit a parsed plan belongs to, by level and name."""

import datetime
import re
import unicodedata

from treem.core.search import fold
from treem.units.models import Unit

_KINDS = r"^(tỉnh|thành phố|thị xã|thị trấn|đặc khu|huyện|quận|xã|phường)\s+"
# "Hoà", "Khoẻ", "Thuỷ" (the old place of the tone mark) and "Hòa", "Khỏe",
# "Thủy" (the new) are one name: the key moves the mark to the first vowel.
_OLD_TONES = re.compile(r"([ou])([àáảãạèéẻẽẹỳýỷỹỵ])")
# A province renamed with its capital's name (Thừa Thiên Huế became Thành phố Huế).
_PLACE_ALIASES = {"thua thien hue": "hue"}


def _new_tone(m):
    base, *tone = unicodedata.normalize("NFD", m.group(2))
    return unicodedata.normalize("NFC", m.group(1) + "".join(tone)) + base


def _key(name):
    s = unicodedata.normalize("NFC", name or "").casefold()
    s = _OLD_TONES.sub(_new_tone, s)
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def as_date(day):
    """A document's date ("2021-07-05") as a date; None if it is not one."""
    if isinstance(day, str):
        try:
            return datetime.date.fromisoformat(day)
        except ValueError:
            return None
    return day


def units_called(level, name, on=None):
    """The units of `level` called `name` ("Tỉnh Bắc Kạn", "Thị xã Hương Trà",
    "Hương Trà"): those valid on the document's date `on` if any is, and of
    two structures holding the name (Ninh Bình before and after 2025) only
    the one valid then, else the newest."""
    if not level or not name:
        return []
    key = _key(name)
    bare = re.sub(_KINDS, "", key)
    if not bare:
        return []
    # The folded name narrows the rows in SQL; the exact comparison is made here.
    rows = Unit.objects.filter(level=level, search_key__contains=fold(bare))
    candidates = [
        u for u in rows
        if _key(u.name) == key or _key(u.short_name) == bare or re.sub(_KINDS, "", _key(u.name)) == bare
    ]
    exact = [u for u in candidates if _key(u.name) == key]
    candidates = exact or candidates
    if not candidates:
        return []
    on = as_date(on)
    if on:
        valid = [u for u in candidates if u.is_valid_on(on)]
        if valid:
            candidates = valid
    newest = max(candidates, key=lambda u: (u.valid_from or datetime.date.min, u.structure == "2025"))
    return [u for u in candidates if u.structure == newest.structure]


def is_named(unit, places):
    """Whether the document names `unit` ("tỉnh Tiền Giang …" in `places`)."""
    short = fold(unit.short_name or re.sub(_KINDS, "", _key(unit.name)))
    return bool(short) and any(p == short or p.startswith(short + " ") for p in places)


def places_named(doc):
    """The places the parser found named in the document (parser._places), folded."""
    places = [fold(p) for p in doc.get("_places") or []]
    for place in list(places):
        for old, new in _PLACE_ALIASES.items():
            if place == old or place.startswith(old + " "):
                places.append(new + place[len(old):])
    return places


def choose_unit(candidates, places=(), within=None):
    """The one of several units of the same name the document means, or None.

    The one whose province (and district, for a commune) the document names;
    failing that, the only one the importing user may change (`within`, a Q
    object on Unit). Two left: the person importing chooses."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    ancestors = Unit.objects.in_bulk({pk for u in candidates for pk in u.ancestor_ids()})

    def score(u):
        return sum(1 for pk in u.ancestor_ids()
                   if pk in ancestors and ancestors[pk].level != Unit.Level.NATION and is_named(ancestors[pk], places))

    scores = {u.pk: score(u) for u in candidates}
    best = max(scores.values())
    top = [u for u in candidates if scores[u.pk] == best]
    if best and len(top) == 1:
        return top[0]
    if within is not None:
        mine = set(Unit.objects.filter(within, pk__in=[u.pk for u in top]).values_list("pk", flat=True))
        if len(mine) == 1:
            return next(u for u in top if u.pk in mine)
    return None


def find_unit_by_name(level, name, on=None, places=(), within=None):
    """The Unit of `level` called `name`, told apart from others of that name
    by the places the document names (see choose_unit); None if not found or
    if it cannot be told apart."""
    return choose_unit(units_called(level, name, on), places, within)


def unit_label(unit, ancestors):
    """The unit's name with the units above it, the nation left out:
    "Huyện Châu Thành — Tỉnh Tiền Giang" (`ancestors`: {pk: Unit})."""
    above = [ancestors[pk].name for pk in reversed(unit.ancestor_ids())
             if pk in ancestors and ancestors[pk].level != Unit.Level.NATION]
    return " — ".join([unit.name, *above])


def complete_unit(doc, within=None):
    """Give doc["unit"] its structure and code from the loaded units, if found.

    When it is not found, doc["unit"]["_candidates"] lists the units of that
    name the document does not tell apart ([] when none is called so), for
    the review to flag; `within` (a Q object on Unit: what the importing user
    may change) settles between them when only one is the user's."""
    ref = doc.get("unit") or {}
    if ref.get("code") and ref.get("structure"):
        return Unit.objects.filter(structure=ref["structure"], level=ref["level"], code=ref["code"]).first()
    if ref.get("_cleared"):  # the reviewer emptied the choice: do not guess again
        return None
    candidates = units_called(ref.get("level"), ref.get("name"), doc.get("date"))
    unit = choose_unit(candidates, places_named(doc), within)
    if unit:
        doc["unit"] = {"level": unit.level, "structure": unit.structure, "code": unit.code, "name": unit.name}
    else:
        ancestors = Unit.objects.in_bulk({pk for u in candidates for pk in u.ancestor_ids()})
        doc["unit"] = {**ref, "_candidates": [{"id": u.pk, "label": unit_label(u, ancestors)} for u in candidates]}
    return unit


def unit_by_code(doc, code):
    """Give doc["unit"] the unit of its level with this official code; of two
    structures, the one in force on the document's date."""
    ref = doc.setdefault("unit", {})
    units = list(Unit.objects.filter(level=ref.get("level"), code=code))
    if not units:
        ref.update(code=code)
        ref.pop("structure", None)
        return None
    newer = (doc.get("date") or "") >= "2025-07-01"
    unit = max(units, key=lambda u: u.structure == "2025" if newer else u.structure != "2025")
    doc["unit"] = {"level": unit.level, "structure": unit.structure, "code": unit.code, "name": unit.name}
    return unit
