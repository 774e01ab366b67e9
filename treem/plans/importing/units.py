"""Find the unit a parsed plan belongs to, by level and name."""

import datetime
import re
import unicodedata

from treem.units.models import Unit

_KINDS = r"^(tỉnh|thành phố|thị xã|thị trấn|huyện|quận|xã|phường)\s+"


def _key(name):
    s = unicodedata.normalize("NFC", name or "").casefold().replace("uỷ", "ủy")
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def find_unit_by_name(level, name, on=None):
    """The Unit of `level` called `name` ("Tỉnh Bắc Kạn", "Thị xã Hương Trà").

    Two structures may both hold the name (Ninh Bình before and after 2025):
    the one valid on the document's date wins, else the newest.
    """
    if not level or not name:
        return None
    key = _key(name)
    bare = re.sub(_KINDS, "", key)
    candidates = [
        u for u in Unit.objects.filter(level=level)
        if _key(u.name) == key or (bare and _key(u.short_name) == bare) or re.sub(_KINDS, "", _key(u.name)) == bare
    ]
    exact = [u for u in candidates if _key(u.name) == key]
    candidates = exact or candidates
    if not candidates:
        return None
    if isinstance(on, str):
        try:
            on = datetime.date.fromisoformat(on)
        except ValueError:
            on = None
    if on:
        valid = [u for u in candidates if u.is_valid_on(on)]
        if valid:
            candidates = valid
    return max(candidates, key=lambda u: (u.valid_from or datetime.date.min, u.structure == "2025"))


def complete_unit(doc):
    """Give doc["unit"] its structure and code from the loaded units, if found."""
    ref = doc.get("unit") or {}
    if ref.get("code") and ref.get("structure"):
        return Unit.objects.filter(structure=ref["structure"], level=ref["level"], code=ref["code"]).first()
    unit = find_unit_by_name(ref.get("level"), ref.get("name"), doc.get("date"))
    if unit:
        doc["unit"] = {"level": unit.level, "structure": unit.structure, "code": unit.code, "name": unit.name}
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
