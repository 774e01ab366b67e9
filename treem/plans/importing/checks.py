"""What a careful reader flags in a parsed plan, before anyone confirms it.

`review_flags(doc, national)` returns [{"kind", "params", "message", "lines"}].
A flag is kept in a draft as its kind and figures; `flag_message` words it
in the reader's language ("message" is the wording when it was made, for the
command line and for drafts flagged before flags kept their figures).
"""

from django.utils.translation import gettext as _

from treem.core.numbers import format_number

from .phrases import SCALE


def flag_message(flag):
    """The flag in the active language."""
    params = flag.get("params")
    if params is None:
        return flag.get("message", "")
    words = dict(params)
    if "number" in params:
        words["label"] = (_("Indicator %(number)s (item %(position)s)") if params.get("position")
                          else _("Indicator %(number)s")) % params
    for side in ("mine", "theirs"):
        if side in params:
            words[side] = _show(params[side])
    kind = flag["kind"] + ("_decrease" if params.get("must_fall") else "")
    return _MESSAGES[kind]() % words


# Functions, so each is translated when a flag is read, not at import.
_MESSAGES = {
    "missing_number": lambda: _("The document has no number (the number is blank or the copy lacks its heading)."),
    "missing_date": lambda: _("The document does not give its full date of issue."),
    "unit_ambiguous": lambda: _(
        "Several units are called %(name)s (%(places)s) and the document does not say which one: "
        "choose the plan's unit."),
    "unit_not_found": lambda: _("No unit called %(name)s is in Treem: choose the plan's unit."),
    "unit_unknown": lambda: _("The document does not say which unit issued it: choose the plan's unit."),
    "no_lead_agency": lambda: _("Indicator %(number)s has no lead agency yet."),
    "lead_disagreement": lambda: _("Indicator %(number)s: parts of the document name different lead agencies."),
    "no_target": lambda: _("%(label)s: no target level yet."),
    "target_year_outside_period": lambda: _(
        "%(label)s: the target for %(year)s lies outside the plan's period %(start)s–%(end)s."),
    "narrative_table_disagree": lambda: _(
        "%(label)s: the objectives and the summary table differ; the figures are taken from the table."),
    "weaker_than_national": lambda: _(
        "%(label)s: the local target for %(year)s (%(mine)s) is below what the National Programme requires "
        "for %(national_year)s (%(theirs)s)."),
    "weaker_than_national_decrease": lambda: _(
        "%(label)s: the local target for %(year)s (%(mine)s) is above the level the National Programme sets "
        "for %(national_year)s (%(theirs)s), while the indicator must fall."),
}


def review_flags(doc, national=None):
    flags = []

    def flag(kind, lines, **params):
        found = {"kind": kind, "params": params, "lines": sorted({x for x in lines if x})}
        found["message"] = flag_message(found)
        flags.append(found)

    lines = doc.get("lines") or {}
    unit = doc.get("unit") or {}
    # "_candidates" is there when the unit list was searched and gave no one unit (units.complete_unit).
    if not unit.get("code") and "_candidates" in unit and not unit.get("_cleared"):
        candidates = unit["_candidates"]
        if len(candidates) > 1:
            flag("unit_ambiguous", [lines.get("issuer")], name=unit.get("name"),
                 places="; ".join(c["label"].partition(" — ")[2] or c["label"] for c in candidates))
        elif unit.get("name"):
            flag("unit_not_found", [lines.get("issuer")], name=unit["name"])
        else:
            flag("unit_unknown", [lines.get("issuer") or lines.get("title")])
    if not doc.get("number"):
        flag("missing_number", [lines.get("title")])
    if not doc.get("date"):
        flag("missing_date", [lines.get("place") or lines.get("title")])

    period = doc.get("period") or {}
    start, end = period.get("start"), period.get("end")
    national_index = _index(national) if national else {}
    for ind in doc.get("indicators") or []:
        number = ind.get("number")
        if not ind.get("lead_agency"):
            flag("no_lead_agency", [ind.get("line")], number=number)
        if ind.get("_lead_conflict"):
            flag("lead_disagreement", ind["_lead_conflict"], number=number)
        for position, sub in enumerate(ind.get("sub_indicators") or [], start=1):
            label = {"number": number, "position": position if len(ind["sub_indicators"]) > 1 else None}
            targets = sub.get("targets") or []
            if not targets:
                flag("no_target", [sub.get("line")], **label)
            for t in targets:
                if start and end and not (start <= t["year"] <= end):
                    flag("target_year_outside_period", [t.get("line")], year=t["year"], start=start, end=end,
                         **label)
            if sub.get("_narrative_targets"):
                flag("narrative_table_disagree",
                     [t.get("line") for t in sub["_narrative_targets"]] + [t.get("line") for t in targets], **label)
            national_sub = _national_sub(national_index, ind, sub, position)
            if national_sub:
                for t in targets:
                    weaker = _weaker_than(t, sub, national_sub)
                    if weaker:
                        flag("weaker_than_national", [t.get("line")], **label, **weaker)
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
            return {"year": target["year"], "national_year": nt["year"], "mine": _shown(target, sub),
                    "theirs": _shown(nt, national_sub), "must_fall": direction == "decrease"}
    return None


def _bound(t, direction):
    # A range promises its lower bound when more is better, its upper when less is.
    if t.get("comparator") == "range" and direction == "decrease":
        return t.get("value_max")
    return t.get("value")


_SIGNS = {"percent": "%", "per_mille": "‰", "per_1000_live_births": "‰", "per_1000_children": "/1.000",
          "per_100000_children": "/100.000"}


def _shown(t, sub):
    """A target as a flag keeps it: its figures written out, its words left to `_show`."""
    return {"comparator": t.get("comparator") or "", "value": format_number(t["value"]),
            "value_max": format_number(t["value_max"]) if t.get("comparator") == "range" else None,
            "sign": _SIGNS.get(sub.get("unit"), "")}


def _show(shown):
    words = {"value": shown["value"], "high": shown["value_max"]}
    comparator = shown["comparator"]
    if comparator == "range":
        text = _("from %(value)s to %(high)s") % words
    elif comparator == "<":
        text = _("below %(value)s") % words
    elif comparator == "<=":
        text = _("at most %(value)s") % words
    elif comparator == ">":
        text = _("above %(value)s") % words
    elif comparator == ">=":
        text = _("from %(value)s") % words
    else:
        text = shown["value"]
    return text + shown["sign"]
