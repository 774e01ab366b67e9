"""How an official Vietnamese document words periods, dates and the issuing
body. These are the fixed phrases of the administrative form (Decree
30/2020/NĐ-CP and the reporting regime's appendices), printed in Vietnamese
whatever the interface language, like the forms' own labels."""

import re
import unicodedata
from datetime import date

from django.utils import timezone

from treem.units.models import Unit


def _phrase(half, year):
    """'6 tháng đầu năm 2023' (half "H1"), '6 tháng cuối năm 2023' ("H2"), 'năm 2023' ("")."""
    return {"H1": f"6 tháng đầu năm {year}", "H2": f"6 tháng cuối năm {year}"}.get(half, f"năm {year}")


def period_phrase(period):
    """'năm 2023', '6 tháng đầu năm 2023', '6 tháng cuối năm 2023', 'giai đoạn 2021 - 2025'."""
    code = period.code
    if code.endswith("MTR"):
        return f"giai đoạn {period.start.year} - {code[:4]}"
    return _phrase(code[4:], code[:4])


def previous_phrase(period):
    code = period.code
    if code.endswith("MTR"):
        return f"năm {period.start.year - 1}"
    return _phrase(code[4:], int(code[:4]) - 1)


def next_phrase(period):
    code = period.code
    if code.endswith("MTR"):
        return f"giai đoạn {int(code[:4]) + 1} - 2030"
    year = int(code[:4])
    return _phrase("H2", year) if code.endswith("H1") else _phrase("", year + 1)


HEALTH_TAKES_CHILD_AFFAIRS = date(2025, 3, 1)  # child affairs moved to the Ministry of Health


def ministry_in_charge(day):
    """The ministry in charge of child affairs on `day`."""
    return "Bộ Y tế" if day >= HEALTH_TAKES_CHILD_AFFAIRS else "Bộ Lao động - Thương binh và Xã hội"


def issuer_for(plan, unit, day=None):
    """The body that issues the unit's report (on `day`, today by default):
    for the nation the ministry in charge, which reports on the programme
    (the Prime Minister's decision) to the Prime Minister; the plan's issuer
    for the plan's own unit; otherwise the people's committee of the unit."""
    if unit.level == Unit.Level.NATION:
        return ministry_in_charge(report_date(day))
    if plan is not None and plan.unit_id == unit.pk and plan.issuer:
        return plan.issuer
    return f"Ủy ban nhân dân {lower_first(unit.name)}"


def issuer_lines(issuer):
    """The issuer in capitals on two lines as the header prints it:
    'ỦY BAN NHÂN DÂN' / 'TỈNH BẮC KẠN'."""
    upper = issuer.upper()
    for head in ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"):
        if upper.startswith(head + " "):
            return [head, upper[len(head) + 1:]]
    return [upper]


# The ministries' own abbreviations in their documents' numbers ("Số: 12/BC-BYT").
MINISTRY_CODES = {"Bộ Y tế": "BYT", "Bộ Lao động - Thương binh và Xã hội": "LĐTBXH"}


def issuer_code(issuer):
    """The issuer's abbreviation in the document number: 'UBND' for a people's committee."""
    if issuer.upper().startswith(("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN")):
        return "UBND"
    if issuer in MINISTRY_CODES:
        return MINISTRY_CODES[issuer]
    words = [w for w in re.split(r"\s+", issuer) if w and w[0].isupper()]
    return "".join(w[0] for w in words)[:8].upper() or "UBND"


def place_for(plan, unit):
    if plan is not None and plan.unit_id == unit.pk and plan.place:
        return plan.place
    return unit.short_name or unit.name


def place_and_date(place, day):
    """'Bắc Kạn, ngày 05 tháng 02 năm 2026': a zero before days below 10 and
    months 1 and 2, as the decree asks."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def lower_first(text):
    return text[:1].lower() + text[1:] if text else text


def ascii_name(text):
    """A file name without accents: 'Bắc Kạn' -> 'Bac Kan' (đ has no decomposition)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._ -]+", "", text).strip()


def report_date(value=None):
    return value or timezone.localdate()


def default_day(unit, today=None):
    """The date a report is issued on unless one is typed: today; for a unit
    that has ceased, its last day. Bắc Kạn's committee, which ceased on
    30/06/2025, issues nothing after it: its 2024 report made today reads as
    issued then."""
    today = today or timezone.localdate()
    return min(today, unit.valid_to) if unit.valid_to else today
