"""What a careful reader flags in a parsed plan, before anyone confirms it.

`review_flags(doc, national)` returns [{"kind", "message", "lines"}]; messages
are in Vietnamese for the coordinator who reviews the draft.
"""

from treem.core.numbers import format_number

from .phrases import SCALE


def review_flags(doc, national=None):
    flags = []

    def flag(kind, message, lines):
        flags.append({"kind": kind, "message": message, "lines": sorted({x for x in lines if x})})

    lines = doc.get("lines") or {}
    if not doc.get("number"):
        flag("missing_number", "Văn bản không có số hiệu (số văn bản để trống hoặc bản chép thiếu phần đầu).",
             [lines.get("title")])
    if not doc.get("date"):
        flag("missing_date", "Văn bản không ghi đủ ngày ban hành.", [lines.get("place") or lines.get("title")])

    period = doc.get("period") or {}
    start, end = period.get("start"), period.get("end")
    national_index = _index(national) if national else {}
    for ind in doc.get("indicators") or []:
        number = ind.get("number")
        if not ind.get("lead_agency"):
            flag("no_lead_agency", f"Chỉ tiêu {number} chưa có đơn vị chủ trì.", [ind.get("line")])
        if ind.get("_lead_conflict"):
            flag("lead_disagreement", f"Chỉ tiêu {number}: các phần của văn bản ghi đơn vị chủ trì khác nhau.",
                 ind["_lead_conflict"])
        for position, sub in enumerate(ind.get("sub_indicators") or [], start=1):
            label = f"Chỉ tiêu {number}" + (f" (ý {position})" if len(ind["sub_indicators"]) > 1 else "")
            targets = sub.get("targets") or []
            if not targets:
                flag("no_target", f"{label}: chưa có mức chỉ tiêu.", [sub.get("line")])
            for t in targets:
                if start and end and not (start <= t["year"] <= end):
                    flag("target_year_outside_period",
                         f"{label}: chỉ tiêu năm {t['year']} nằm ngoài thời kỳ {start}–{end} của kế hoạch.",
                         [t.get("line")])
            if sub.get("_narrative_targets"):
                flag("narrative_table_disagree",
                     f"{label}: phần mục tiêu và bảng tổng hợp ghi khác nhau; số liệu lấy theo bảng.",
                     [t.get("line") for t in sub["_narrative_targets"]] + [t.get("line") for t in targets])
            national_sub = _national_sub(national_index, ind, sub, position)
            if national_sub:
                for t in targets:
                    weaker = _weaker_than(t, sub, national_sub)
                    if weaker:
                        flag("weaker_than_national", f"{label}: {weaker}", [t.get("line")])
    return flags


def _index(national):
    return {str(i.get("number")): i for i in national.get("indicators") or []}


def _national_sub(index, ind, sub, position):
    number = ind.get("national_indicator")
    if not number or str(number) not in index:
        return None
    subs = index[str(number)].get("sub_indicators") or []
    at = sub.get("national_sub_indicator") or position
    return subs[at - 1] if 0 < at <= len(subs) else None


def _as_rate(value, unit):
    """The value as a fraction of one, so 4/1.000 and 550/100.000 compare."""
    scale = SCALE.get(unit)
    return None if value is None or scale is None else value / scale


def _weaker_than(target, sub, national_sub):
    direction = sub.get("direction")
    if direction not in ("increase", "decrease"):
        return None
    # The national target of the same year, or else of the latest year before
    # it: a 2026 target is held to what the nation wanted by 2025.
    same_scope = [nt for nt in national_sub.get("targets") or []
                  if (nt.get("scope") or "") == (target.get("scope") or "") and nt["year"] <= target["year"]]
    latest = max((nt["year"] for nt in same_scope), default=None)
    for nt in same_scope:
        if nt["year"] != latest:
            continue
        mine = _as_rate(_bound(target, direction), sub.get("unit"))
        theirs = _as_rate(_bound(nt, direction), national_sub.get("unit"))
        if mine is None or theirs is None:
            return None
        worse = mine < theirs if direction == "increase" else mine > theirs
        if worse and abs(mine - theirs) > 1e-12:
            return (
                f"chỉ tiêu năm {target['year']} của địa phương ({_show(target, sub)}) thấp hơn yêu cầu của "
                f"Chương trình quốc gia cho năm {nt['year']} ({_show(nt, national_sub)})."
                if direction == "increase" else
                f"chỉ tiêu năm {target['year']} của địa phương ({_show(target, sub)}) cao hơn mức "
                f"Chương trình quốc gia đặt ra cho năm {nt['year']} ({_show(nt, national_sub)}), "
                "trong khi chỉ tiêu cần giảm."
            )
    return None


def _bound(t, direction):
    # A range promises its lower bound when more is better, its upper when less is.
    if t.get("comparator") == "range" and direction == "decrease":
        return t.get("value_max")
    return t.get("value")


_SIGNS = {"percent": "%", "per_mille": "‰", "per_1000_live_births": "‰", "per_1000_children": "/1.000",
          "per_100000_children": "/100.000"}
_WORDS = {"<": "dưới ", "<=": "tối đa ", ">": "trên ", ">=": "từ ", "=": "", "": "", "range": "từ "}


def _show(t, sub):
    value = format_number(t["value"])
    if t.get("comparator") == "range":
        value = f"{value} đến {format_number(t['value_max'])}"
    return f"{_WORDS.get(t.get('comparator', ''), '')}{value}{_SIGNS.get(sub.get('unit'), '')}"
