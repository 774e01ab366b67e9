"""The small grammar of figures in Vietnamese plans: numbers, units, target
phrases ("dưới 5‰ vào năm 2025 và 3‰ vào năm 2030"), timeframes ("Quý 02/2023")
and reporting deadlines ("trước ngày 15/12").

All matching is done on a "folded" copy of the text (no diacritics, lower
case, same length), so misspellings of tones ("Chi tiêu", "Phần đầu") match
and every position still points into the original text.
"""

import calendar
import datetime
import re
import unicodedata

from treem.core.numbers import parse_number

_FOLD_CACHE = {}


def fold(text):
    """Lower case without diacritics, one character for one character."""
    out = []
    for ch in text:
        f = _FOLD_CACHE.get(ch)
        if f is None:
            base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
            f = "d" if ch in "đĐ" else base.lower()
            if len(f) != 1:
                f = ch
            _FOLD_CACHE[ch] = f
        out.append(f)
    return "".join(out)


def to_number(text):
    """'99,54' -> 99.54, '1.000' -> 1000, as a JSON-ready int or float."""
    value = parse_number(text)
    return int(value) if value == value.to_integral_value() else float(value)


# --- units ----------------------------------------------------------------

PERCENT, PER_MILLE = "percent", "per_mille"
PER_1000_BIRTHS, PER_1000, PER_100000 = "per_1000_live_births", "per_1000_children", "per_100000_children"

# How many of the unit make one "per one": lets checks compare 4/1.000 with 550/100.000.
SCALE = {PERCENT: 100, PER_MILLE: 1000, PER_1000_BIRTHS: 1000, PER_1000: 1000, PER_100000: 100000}

_LIVE_BIRTHS = re.compile(r"tre (?:de|sinh) song")
_DENOMINATOR = re.compile(
    r"tren\s+(?:tong\s+so\s+)?(1\.000|1000|100\.000|100000)\s+(tre (?:de|sinh) song|tre em|tre)"
)


def unit_of_sign(sign, folded_context=""):
    s = (sign or "").replace(" ", "")
    if not s:
        return ""
    if s == "%" or s.startswith("phantram"):
        return PERCENT
    live = bool(_LIVE_BIRTHS.search(folded_context))
    if s in ("‰", "p/1000") or s.startswith("phan"):
        return PER_1000_BIRTHS if live else PER_MILLE
    if s in ("/1.000", "/1000"):
        return PER_1000_BIRTHS if live else PER_1000
    if s in ("/100.000", "/100000"):
        return PER_100000
    return ""


def unit_hint(folded):
    """The unit a clause implies without a sign next to its figures."""
    m = _DENOMINATOR.search(folded)
    if m:
        per = m.group(1).replace(".", "")
        if _LIVE_BIRTHS.match(m.group(2)):
            return PER_1000_BIRTHS if per == "1000" else PER_100000
        return PER_1000 if per == "1000" else PER_100000
    if "p/1000" in folded or "‰" in folded or "phan nghin" in folded:
        return PER_1000_BIRTHS if _LIVE_BIRTHS.search(folded) else PER_MILLE
    if "/100.000" in folded:
        return PER_100000
    if "/1.000" in folded:
        return PER_1000
    if "%" in folded or "ty le" in folded or "phan tram" in folded:
        return PERCENT
    if "ty suat" in folded:
        return PER_MILLE
    if re.search(r"\b(trieu|ty|nghin)?\s*dong\b", folded):
        return "money"
    if re.match(r"\s*(so|so luong)\b", folded):
        return "count"
    return ""


# --- target phrases -------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)*"
_SIGN = r"%|‰|/\s?1\.000|/\s?100\.000|/1000(?!\d)|/100000(?!\d)|\s?phan\s+(?:nghin|ngan|tram)"
_YEAR_RANGE = re.compile(r"(?:giai doan\s+)?tu\s+nam\s+(\d{4})\s*(?:den|-|–)\s*(?:nam\s+)?(\d{4})")
_YEARS = re.compile(
    r"(?:(?:vao|den|trong|toi|cuoi|het)\s+)*nam\s+(\d{4})((?:\s*(?:va|,|-|–)\s*(?:nam\s+)?\d{4})*)"
)
_RANGE = re.compile(
    rf"(?:tu\s+)?({_NUM})\s*({_SIGN})?\s*(?:den|-|–)\s*({_NUM})\s*({_SIGN})"
)
_VALUE = re.compile(rf"(<=|>=|≤|≥|<|>|=)?\s*({_NUM})\s*({_SIGN})?")
_COMPARATOR_WORDS = [
    (re.compile(r"(?:khong vuot qua|khong qua|toi da|thap hon|duoi)\s*$"), "<"),
    (re.compile(r"(?:it nhat|toi thieu|khong duoi|khong thap hon)\s*$"), ">="),
    (re.compile(r"(?:cao hon|tren)\s*$"), ">"),
    (re.compile(r"duy tri(?:\s+(?:o\s+)?muc)?\s*$"), "="),
]
_TARGET_WORD = re.compile(
    r"(?:duoi|tren|xuong|con|dat|la|bang|khoang|toi thieu|toi da|it nhat|khong qua|duy tri|phan dau|"
    r"phan dau dat|muc|<=|>=|<|>|=|≤|≥)\s*$"
)
# Figures that are not targets: ages, counts of things, ordinals, references.
# The words that lead a figure ("xuống dưới 9%", "đạt trên 97%", "phấn đấu
# 100%"): a target's text, as written, starts at them.
_LEAD_WORD = re.compile(
    r"(?<![\w<>=≤≥])(?:phan dau|duy tri(?:\s+(?:o\s+)?muc)?|toi thieu|toi da|it nhat|khong vuot qua|khong qua|"
    r"khong duoi|khong thap hon|thap hon|cao hon|duoi|tren|xuong con|xuong|dat|la|bang|khoang|o muc|muc|"
    r"<=|>=|<|>|=|≤|≥)\s*$"
)
_NOT_VALUE_AFTER = re.compile(r"\s*(?:tuoi|loai|thang|ngay|lan|gio|nam\b|tuan|lop|nguoi|xa|truong|/[a-zđ])")
_NOT_VALUE_BEFORE = re.compile(r"(?:lop|so|chi tieu|muc tieu|dieu|khoan|quy|cap|tu|den|/)\s*$")
_SCOPE = re.compile(r"\s*\(?\s*(?:(?:doi voi|o|tai|khu vuc|vung)\s+)?(nong thon|thanh thi|do thi)\s*\)?")
_DUY_TRI = re.compile(r"duy tri\b")


def _mask(text, spans, ch=" "):
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = ch
    return "".join(chars)


def scan_targets(text, *, default_years=(), cell=False, cell_year=None):
    """Targets written in one clause or table cell.

    Returns a list of {"year", "comparator", "value", "value_max", "scope",
    "unit", "text", "note", "start"}; `start` is the offset in `text`.
    Figures without a year get `default_years` (the period's last year, or
    the plan's single year); in a table cell, the column's year.
    """
    folded = fold(text)
    # Parentheses: a scope "(nông thôn)" or a note "(81/108)" for the figure
    # before; anything else ("riêng trẻ em dưới 5 tuổi đạt 0%") is not a target.
    parens = []
    for m in re.finditer(r"\(([^()]*)\)", folded):
        parens.append((m.start(), m.end(), text[m.start() + 1:m.end() - 1].strip()))
    masked = _mask(folded, [(a, b) for a, b, _ in parens])
    # Denominators ("trên 1.000 trẻ đẻ sống") and years are not figures.
    masked = _mask(masked, [m.span() for m in _DENOMINATOR.finditer(masked)])
    tokens = []  # (start, end, kind, payload)
    year_spans = []
    for m in _YEAR_RANGE.finditer(masked):
        tokens.append((m.start(), m.end(), "years", [int(m.group(1)), int(m.group(2))]))
        year_spans.append(m.span())
    masked_years = _mask(masked, year_spans)
    for m in _YEARS.finditer(masked_years):
        years = [int(m.group(1))] + [int(y) for y in re.findall(r"\d{4}", m.group(2) or "")]
        tokens.append((m.start(), m.end(), "years", years))
        year_spans.append(m.span())
    masked = _mask(masked, year_spans)
    value_spans = []
    for m in _RANGE.finditer(masked):
        low, high = to_number(m.group(1)), to_number(m.group(3))
        if high < low:
            continue
        start = m.start()
        if masked[start:start + 2] != "tu" and _NOT_VALUE_BEFORE.search(masked[:start]):
            continue
        tokens.append((start, m.end(), "value", {
            "comparator": "range", "value": low, "value_max": high,
            "sign": (m.group(4) or m.group(2) or "").strip(),
        }))
        value_spans.append(m.span())
    masked = _mask(masked, value_spans)
    for m in _VALUE.finditer(masked):
        num_start = m.start(2)
        before, after = masked[:num_start], masked[m.end(2):]
        if num_start > 0 and (masked[num_start - 1].isalnum() or masked[num_start - 1] in "/.,"):
            continue
        if m.end(2) < len(masked) and (masked[m.end(2)].isalpha() or masked[m.end(2)] == "/") and not m.group(3):
            continue
        sign = (m.group(3) or "").strip()
        symbol = m.group(1)
        if not sign and _NOT_VALUE_AFTER.match(after):
            continue
        if not symbol and _NOT_VALUE_BEFORE.search(before):
            continue
        if not sign and not symbol and not cell:
            # A bare figure is a target only after a target word or right
            # before its year ("12,5 vào năm 2025").
            next_year = any(kind == "years" and 0 <= s - m.end(2) <= 2 for s, _e, kind, _p in tokens)
            if not (_TARGET_WORD.search(before) or next_year):
                continue
        try:
            value = to_number(m.group(2))
        except ValueError:
            continue
        comparator = {"≤": "<=", "≥": ">="}.get(symbol, symbol) if symbol else ""
        if not comparator:
            for pattern, comp in _COMPARATOR_WORDS:
                if pattern.search(before[-30:]):
                    comparator = comp
                    break
        end = m.end()
        if re.match(r"\s*tro len", masked[end:]):
            comparator = ">="
            end += len(re.match(r"\s*tro len", masked[end:]).group(0))
        elif re.match(r"\s*tro xuong", masked[end:]):
            comparator = "<="
        tokens.append((m.start(), end, "value", {
            "comparator": comparator, "value": value, "value_max": None, "sign": sign,
        }))
    tokens.sort(key=lambda t: t[0])

    # Scopes and notes attach to the figure just before them.
    for a, b, inner in parens:
        prior = [t for t in tokens if t[2] == "value" and t[1] <= a]
        if not prior:
            continue
        payload = prior[-1][3]
        fi = fold(inner)
        if re.fullmatch(r"\s*(nong thon|thanh thi|do thi)\s*", fi):
            payload["scope"] = "rural" if "nong" in fi else "urban"
        elif re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", fi):
            payload["note"] = inner.replace(" ", "")
    for i, (a, b, kind, payload) in enumerate(tokens):
        if kind == "value" and "scope" not in payload:
            m = _SCOPE.match(masked_years, b) if b < len(masked_years) else None
            if m and (m.group(0).strip().startswith(("doi voi", "o ", "tai", "khu vuc", "vung", "(")) or cell):
                payload["scope"] = "rural" if "nong" in m.group(1) else "urban"

    # A figure's own end: after its scope ("dưới 5% đối với nông thôn").
    for i, (a, b, kind, payload) in enumerate(tokens):
        if kind == "value":
            end = b
            m = _SCOPE.match(masked_years, b) if payload.get("scope") else None
            if m:
                end = m.end()
            paren = next((pb for pa, pb, _inner in parens if pa >= b and not masked_years[b:pa].strip()), None)
            if paren and payload.get("scope"):
                end = max(end, paren)
            payload["own_end"] = end

    targets = []
    pending = []
    last = None
    clause_start = 0
    for a, b, kind, payload in tokens:
        if kind == "value":
            payload["start"] = a
            payload["text_start"] = _lead_start(masked_years, a, clause_start)
            pending.append(payload)
            last = payload
            continue
        years = payload
        if cell:
            continue
        if not pending and last is not None and _DUY_TRI.search(masked_years[max(0, a - 40):a]):
            # "… vào năm 2026 và duy trì đến năm 2030": the same figure, held.
            held = dict(last, comparator="=" if last["comparator"] in ("", "=") else last["comparator"], start=a)
            held["text_start"] = max(clause_start, _DUY_TRI.search(masked_years, max(0, a - 40), a).start())
            pending.append(held)
        for year in years:
            for p in pending:
                # Figures sharing one year ("dưới 5% đối với nông thôn và dưới
                # 10% đối với thành thị vào năm 2025") each keep their own words.
                targets.append(_target(text, p, year, p["own_end"] if len(pending) > 1 else b))
        pending = []
        clause_start = b
    for p in pending:
        years = [cell_year] if cell and cell_year else list(default_years)
        for year in years:
            targets.append(_target(text, p, year, p["own_end"] if cell and len(pending) > 1 else len(text)))
    return targets


def _lead_start(masked, start, floor):
    """Where the words leading the figure at `start` begin (not before `floor`)."""
    while start > floor:
        m = _LEAD_WORD.search(masked, max(floor, start - 30), start)
        if not m or m.start() == start:
            break
        start = m.start()
    return start


def _target(text, p, year, end):
    start = p.get("text_start", p["start"])
    snippet = text[start:end].strip(" ,;:.")
    snippet = re.sub(r"^(?:và|,)\s+", "", snippet)
    return {
        "year": year,
        "comparator": p["comparator"],
        "value": p["value"],
        "value_max": p["value_max"],
        "scope": p.get("scope", ""),
        "sign": p.get("sign", ""),
        "text": snippet,
        "note": p.get("note", ""),
        "start": p["start"],
    }


# --- timeframes -----------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _iso(d):
    return d.isoformat() if d else None


def parse_timeframe(text, year=None):
    """{"kind", "text", "start", "end"} for "Tháng 11 năm 2023", "Quý 02/2023"…"""
    raw = (text or "").strip().rstrip(".;")
    f = fold(raw)
    result = {"kind": "", "text": raw, "start": None, "end": None}
    if not raw:
        return result

    def date(d, m, y):
        try:
            return datetime.date(int(y or year), int(m), int(d))
        except (TypeError, ValueError):
            return None

    m = re.search(r"tu\s+ngay\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*(?:den|-|–)\s*(?:ngay\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", f)
    if m:
        start = date(m.group(1), m.group(2), m.group(3) or m.group(6))
        end = date(m.group(4), m.group(5), m.group(6) or m.group(3))
        return dict(result, kind="range", start=_iso(start), end=_iso(end))
    m = re.search(r"(?:tu\s+)?thang\s+(\d{1,2})(?:/(\d{4})|\s+nam\s+(\d{4}))?\s*(?:den|-|–)\s*(?:thang\s+)?(\d{1,2})(?:/(\d{4})|\s+nam\s+(\d{4}))?", f)
    if m:
        y1 = m.group(2) or m.group(3) or m.group(5) or m.group(6) or year
        y2 = m.group(5) or m.group(6) or y1
        try:
            start = datetime.date(int(y1), int(m.group(1)), 1)
            end = _month_end(int(y2), int(m.group(4)))
            return dict(result, kind="range", start=_iso(start), end=_iso(end))
        except (TypeError, ValueError):
            pass
    m = re.search(r"(\d+)\s+thang\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?", f)
    if m and (m.group(3) or year):
        y, n = int(m.group(3) or year), int(m.group(1))
        if 0 < n <= 12:
            if m.group(2) == "dau":
                return dict(result, kind="range", start=_iso(datetime.date(y, 1, 1)), end=_iso(_month_end(y, n)))
            return dict(result, kind="range", start=_iso(datetime.date(y, 13 - n, 1)), end=_iso(datetime.date(y, 12, 31)))
    m = re.search(r"\bquy\s+(0?[1-4]|i{1,3}|iv)\b\s*(?:/|nam\s+)?\s*(\d{4})?", f)
    if m:
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        y = m.group(2) or year
        if y:
            start = datetime.date(int(y), 3 * q - 2, 1)
            return dict(result, kind="quarter", start=_iso(start), end=_iso(_month_end(int(y), 3 * q)))
    m = re.search(r"tu\s+thang\s+(\d{1,2})(?:/(\d{4})|\s+nam\s+(\d{4}))?", f)
    if m and (m.group(2) or m.group(3) or year):
        y = int(m.group(2) or m.group(3) or year)
        return dict(result, kind="range", start=_iso(datetime.date(y, int(m.group(1)), 1)), end=None)
    m = re.search(r"\bngay\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", f)
    if m:
        d = date(m.group(1), m.group(2), m.group(3))
        if d:
            return dict(result, kind="date", start=_iso(d), end=_iso(d))
    m = re.search(r"thang\s+(\d{1,2})(?:\s*/\s*(\d{4})|\s+nam\s+(\d{4}))?", f)
    if m and (m.group(2) or m.group(3) or year) and 1 <= int(m.group(1)) <= 12:
        y, mo = int(m.group(2) or m.group(3) or year), int(m.group(1))
        return dict(result, kind="month", start=_iso(datetime.date(y, mo, 1)), end=_iso(_month_end(y, mo)))
    if re.search(r"thuong xuyen|hang nam|hang thang|lien tuc|ca nam", f):
        if year and re.search(r"trong nam|ca nam", f):
            # "Thường xuyên trong năm" of a one-year plan: the whole year.
            return dict(result, kind="ongoing", start=_iso(datetime.date(int(year), 1, 1)),
                        end=_iso(datetime.date(int(year), 12, 31)))
        return dict(result, kind="ongoing")
    m = re.search(r"\bnam\s+(\d{4})\b", f)
    if m:
        y = int(m.group(1))
        return dict(result, kind="year", start=_iso(datetime.date(y, 1, 1)), end=_iso(datetime.date(y, 12, 31)))
    return result


# --- reporting deadlines --------------------------------------------------

_DEADLINE = re.compile(
    r"ngay\s+(\d{1,2})\s*(?:/|\s+thang\s+)\s*(\d{1,2})(?!\d)(?:\s*(?:/|\s+nam\s+)\s*(\d{4}))?"
)
_FREQUENCIES = [
    (re.compile(r"6 thang|sau thang|ban nien"), "semi_annual"),
    (re.compile(r"\bquy\b|hang quy"), "quarterly"),
    (re.compile(r"hang thang|hàng tháng|moi thang"), "monthly"),
    (re.compile(r"hang nam|bao cao nam|ca nam|cuoi nam|dinh ky nam|\bnam\b"), "annual"),
]
_REVIEWS = re.compile(r"(so ket|tong ket)[^;.]{0,80}?nam\s+(\d{4})")
_DOC_REF = re.compile(r"[\w.-]+/[\w&.-]+\s*$")


def find_deadlines(clause):
    """[(frequency, deadline, start)] for one clause that speaks of reports."""
    f = fold(clause)
    found = []
    previous_end = 0
    for m in _DEADLINE.finditer(f):
        before = f[:m.start()]
        if _DOC_REF.search(before.rstrip()) or re.search(r"(?:ban hanh|ky)\s*$", before):
            continue
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        window = f[previous_end:m.start()]
        frequency = ""
        best = -1
        for pattern, freq in _FREQUENCIES:
            for fm in pattern.finditer(window):
                if fm.start() > best:
                    best, frequency = fm.start(), freq
        if not frequency:
            for pattern, freq in _FREQUENCIES[:3]:
                if pattern.search(f):
                    frequency = freq
                    break
        deadline = {"day": day, "month": month}
        if year:
            deadline["year"] = int(year)
            frequency = frequency if frequency and frequency != "annual" else "one_off"
        found.append((frequency or "annual", deadline, m.start()))
        previous_end = m.end()
    for m in _REVIEWS.finditer(f):
        found.append(("one_off", {"year": int(m.group(2))}, m.start()))
        # "sơ kết vào năm 2025 và tổng kết vào năm 2030": both halves.
    for m in re.finditer(r"(so ket|tong ket)\s+(?:vao\s+)?nam\s+\d{4}\s+va\s+(?:so ket|tong ket)\s+(?:vao\s+)?nam\s+(\d{4})", f):
        found.append(("one_off", {"year": int(m.group(2))}, m.start()))
    seen, unique = set(), []
    for freq, deadline, start in sorted(found, key=lambda x: x[2]):
        key = (freq, tuple(sorted(deadline.items())))
        if key not in seen:
            seen.add(key)
            unique.append((freq, deadline, start))
    return unique
