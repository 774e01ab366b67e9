"""Compare a parsed plan with its hand-written expected result, field by field.

`compare(expected, actual)` returns a Score: for each kind of field, the
true positives (the parser gave the expected value), false positives (it gave
a value that is not expected) and false negatives (an expected value it did
not give), plus the list of differences for reading. Indicators are matched
by number, sub-indicators by position, targets by (year, scope), tasks by
their title, reporting requirements by (frequency, deadline).
"""

import re
import unicodedata
from collections import defaultdict

KINDS = [
    "number", "date", "issuer", "title", "period", "kind", "place", "signer", "unit",
    "implements", "parent", "objectives", "indicator numbers", "indicator objective",
    "indicator lead agency", "sub-indicator count", "sub-indicator unit", "direction", "baseline",
    "target year/scope", "target comparator", "target value", "target scope",
    "task titles", "task lead", "task coordinating", "task timeframe",
    "reporting frequency/deadline", "reporting reporters", "line numbers",
]


class Score:
    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0, 0])  # kind -> [tp, fp, fn]
        self.diffs = []

    def add(self, kind, tp=0, fp=0, fn=0, diff=None):
        c = self.counts[kind]
        c[0] += tp
        c[1] += fp
        c[2] += fn
        if diff and (fp or fn):
            self.diffs.append(f"{kind}: {diff}")

    def merge(self, other):
        for kind, (tp, fp, fn) in other.counts.items():
            self.add(kind, tp, fp, fn)
        self.diffs.extend(other.diffs)

    def precision(self, kind):
        tp, fp, _fn = self.counts[kind]
        return tp / (tp + fp) if tp + fp else None

    def recall(self, kind):
        tp, _fp, fn = self.counts[kind]
        return tp / (tp + fn) if tp + fn else None

    def kinds(self):
        return [k for k in KINDS if k in self.counts] + sorted(k for k in self.counts if k not in KINDS)


def norm(text):
    """Compare text as a reader would: case, spacing, quotes and final stops ignored."""
    s = unicodedata.normalize("NFC", str(text or "")).casefold().replace("uỷ", "ủy").replace("hoá", "hóa")
    s = re.sub(r"[“”\"'*]", "", s)
    s = re.sub(r"\s+", " ", s).strip(" .;:,")
    return s


def agency(text):
    s = norm(text)
    for pattern, full in [
        (r"\blđ\s*[-,&]?\s*tb\s*(?:&|và)?\s*xh\b|\blđtbxh\b", "lao động thương binh và xã hội"),
        (r"\blao động\s*[-,]?\s*tb\s*(?:&|và)?\s*xh\b", "lao động thương binh và xã hội"),
        (r"\bgd\s*(?:&|và)?\s*đt\b", "giáo dục và đào tạo"),
        (r"\bubnd\b", "ủy ban nhân dân"),
    ]:
        s = re.sub(pattern, full, s)
    s = re.sub(r"[^\w]+", " ", s)
    s = re.sub(r"\b(và|các)\b", " ", s)
    return " ".join(s.split())


def _present(value):
    return value not in (None, "", [], {})


def scalar(score, kind, expected, actual, where=""):
    if _present(expected) and expected == actual:
        score.add(kind, tp=1)
        return
    fp = 1 if _present(actual) else 0
    fn = 1 if _present(expected) else 0
    score.add(kind, fp=fp, fn=fn, diff=f"{where} expected {expected!r}, got {actual!r}")


def sets(score, kind, expected, actual, where=""):
    expected, actual = set(expected), set(actual)
    tp = len(expected & actual)
    score.add(kind, tp=tp, fp=len(actual - expected), fn=len(expected - actual),
              diff=f"{where} missing {sorted(expected - actual, key=str)}, extra {sorted(actual - expected, key=str)}")


def line(score, expected, actual, where):
    scalar(score, "line numbers", expected, actual, where)


def compare(expected, actual):
    score = Score()
    for key, kind, f in [
        ("number", "number", lambda v: v or ""), ("date", "date", lambda v: v), ("issuer", "issuer", norm),
        ("title", "title", norm), ("kind", "kind", lambda v: v), ("place", "place", norm),
        ("signer", "signer", norm),
    ]:
        scalar(score, kind, f(expected.get(key)), f(actual.get(key)), key)
    ep, ap = expected.get("period") or {}, actual.get("period") or {}
    scalar(score, "period", (ep.get("start"), ep.get("end")) if ep.get("end") else None,
           (ap.get("start"), ap.get("end")) if ap.get("end") else None, "period")
    eu, au = expected.get("unit") or {}, actual.get("unit") or {}
    scalar(score, "unit", (eu.get("level"), norm(eu.get("name"))) if eu else None,
           (au.get("level"), norm(au.get("name"))) if au else None, "unit")
    sets(score, "implements", [i.get("number") for i in expected.get("implements") or []],
         [i.get("number") for i in actual.get("implements") or []], "implements")
    scalar(score, "parent", (expected.get("parent") or {}).get("number"), (actual.get("parent") or {}).get("number"), "parent")
    elines, alines = expected.get("lines") or {}, actual.get("lines") or {}
    for key in sorted(set(elines) | set(alines)):
        line(score, elines.get(key), alines.get(key), f"lines.{key}")
    for item in expected.get("implements") or []:
        other = next((a for a in actual.get("implements") or [] if a.get("number") == item.get("number")), None)
        if other:
            line(score, item.get("line"), other.get("line"), f"implements {item.get('number')}")

    # Objectives: by number and title.
    sets(score, "objectives", [(o["number"], norm(o["title"])) for o in expected.get("objectives") or []],
         [(o["number"], norm(o["title"])) for o in actual.get("objectives") or []], "objectives")
    aobj = {o["number"]: o for o in actual.get("objectives") or []}
    for o in expected.get("objectives") or []:
        if o["number"] in aobj:
            line(score, o.get("line"), aobj[o["number"]].get("line"), f"objective {o['number']}")

    _indicators(score, expected.get("indicators") or [], actual.get("indicators") or [])
    _tasks(score, expected.get("tasks") or [], actual.get("tasks") or [])
    _reporting(score, expected.get("reporting") or [], actual.get("reporting") or [])
    return score


def _indicators(score, expected, actual):
    by_number = {i["number"]: i for i in actual}
    sets(score, "indicator numbers", [i["number"] for i in expected], [i["number"] for i in actual], "indicators")
    expected_numbers = {i["number"] for i in expected}
    for a in actual:
        if a["number"] not in expected_numbers and a.get("lead_agency"):
            score.add("indicator lead agency", fp=1, diff=f"indicator {a['number']} not expected")
    for e in expected:
        n = e["number"]
        a = by_number.get(n)
        if a is None:
            if e.get("lead_agency"):
                score.add("indicator lead agency", fn=1, diff=f"indicator {n} missing")
            _subs(score, n, e.get("sub_indicators") or [], [])
            continue
        line(score, e.get("line"), a.get("line"), f"indicator {n}")
        scalar(score, "indicator objective", e.get("objective"), a.get("objective"), f"indicator {n}")
        scalar(score, "indicator lead agency", agency(e.get("lead_agency")), agency(a.get("lead_agency")), f"indicator {n}")
        if e.get("lead_agency") and agency(e.get("lead_agency")) == agency(a.get("lead_agency")):
            line(score, e.get("lead_agency_line"), a.get("lead_agency_line"), f"indicator {n} lead")
        _subs(score, n, e.get("sub_indicators") or [], a.get("sub_indicators") or [])


def _subs(score, n, expected, actual):
    scalar(score, "sub-indicator count", len(expected), len(actual) if actual else None, f"indicator {n}")
    for k, e in enumerate(expected):
        where = f"indicator {n}.{k + 1}"
        a = actual[k] if k < len(actual) else None
        if a is None:
            score.add("sub-indicator unit", fn=1, diff=f"{where} missing")
            score.add("direction", fn=1, diff=f"{where} missing")
            if e.get("baseline") and e["baseline"].get("status") != "none":
                score.add("baseline", fn=1, diff=f"{where} missing")
            _targets(score, where, e.get("targets") or [], [])
            continue
        line(score, e.get("line"), a.get("line"), where)
        scalar(score, "sub-indicator unit", e.get("unit"), a.get("unit"), where)
        scalar(score, "direction", e.get("direction"), a.get("direction"), where)
        scalar(score, "baseline", _baseline(e.get("baseline")), _baseline(a.get("baseline")), where)
        if e.get("baseline") and a.get("baseline"):
            line(score, e["baseline"].get("line"), a["baseline"].get("line"), f"{where} baseline")
        _targets(score, where, e.get("targets") or [], a.get("targets") or [])
    for k in range(len(expected), len(actual)):
        a = actual[k]
        score.add("sub-indicator unit", fp=1, diff=f"indicator {n}.{k + 1} not expected")
        score.add("direction", fp=1)
        _targets(score, f"indicator {n}.{k + 1}", [], a.get("targets") or [])


def _baseline(b):
    if not b or b.get("status") in (None, "none"):
        return None
    return (b.get("status"), _num(b.get("value")), b.get("year"))


def _num(v):
    return None if v is None else round(float(v), 6)


def _targets(score, where, expected, actual):
    ekeys = {(t["year"], t.get("scope") or ""): t for t in expected}
    akeys = {(t["year"], t.get("scope") or ""): t for t in actual}
    sets(score, "target year/scope", ekeys, akeys, where)
    sets(score, "target scope", [k for k in ekeys if k[1]], [k for k in akeys if k[1]], where)
    for key, e in ekeys.items():
        a = akeys.get(key)
        if a is None:
            score.add("target comparator", fn=1)
            score.add("target value", fn=1)
            continue
        scalar(score, "target comparator", e.get("comparator") or "=" if e.get("comparator") == "=" else e.get("comparator") or "-",
               (a.get("comparator") or "=" if a.get("comparator") == "=" else a.get("comparator") or "-"), f"{where} {key}")
        scalar(score, "target value", (_num(e.get("value")), _num(e.get("value_max"))),
               (_num(a.get("value")), _num(a.get("value_max"))), f"{where} {key}")
        line(score, e.get("line"), a.get("line"), f"{where} {key}")
    for key in akeys.keys() - ekeys.keys():
        score.add("target comparator", fp=1)
        score.add("target value", fp=1)


def flatten(tasks, out=None):
    out = [] if out is None else out
    for t in tasks:
        out.append(t)
        flatten(t.get("tasks") or [], out)
    return out


def _tasks(score, expected, actual):
    etasks, atasks = flatten(expected), flatten(actual)
    by_title = {}
    for t in atasks:
        by_title.setdefault(norm(t["title"]), t)
    sets(score, "task titles", [norm(t["title"]) for t in etasks], [norm(t["title"]) for t in atasks], "tasks")
    for e in etasks:
        a = by_title.get(norm(e["title"]))
        where = f"task {e.get('number')} {e['title'][:40]}"
        if a is None:
            if e.get("lead"):
                score.add("task lead", fn=1)
            if e.get("coordinating"):
                score.add("task coordinating", fn=1)
            if (e.get("timeframe") or {}).get("kind"):
                score.add("task timeframe", fn=1)
            continue
        line(score, e.get("line"), a.get("line"), where)
        scalar(score, "task lead", tuple(sorted(agency(x) for x in e.get("lead") or [])) or None,
               tuple(sorted(agency(x) for x in a.get("lead") or [])) or None, where)
        scalar(score, "task coordinating", tuple(sorted(agency(x) for x in e.get("coordinating") or [])) or None,
               tuple(sorted(agency(x) for x in a.get("coordinating") or [])) or None, where)
        et, at = e.get("timeframe") or {}, a.get("timeframe") or {}
        scalar(score, "task timeframe", (et.get("kind"), et.get("start"), et.get("end")) if et.get("kind") else None,
               (at.get("kind"), at.get("start"), at.get("end")) if at.get("kind") else None, where)
    matched = {norm(e["title"]) for e in etasks}
    for a in atasks:
        if norm(a["title"]) not in matched:
            if a.get("lead"):
                score.add("task lead", fp=1)
            if (a.get("timeframe") or {}).get("kind"):
                score.add("task timeframe", fp=1)


def _reporting(score, expected, actual):
    def key(r):
        return (r.get("frequency"), tuple(sorted((r.get("deadline") or {}).items())))

    sets(score, "reporting frequency/deadline", [key(r) for r in expected], [key(r) for r in actual], "reporting")
    alines = {key(r): r.get("line") for r in actual}
    areporters = {key(r): r.get("reporters") for r in actual}
    for r in expected:
        if key(r) in alines:
            line(score, r.get("line"), alines[key(r)], f"reporting {key(r)}")
            scalar(score, "reporting reporters", agency(r.get("reporters")), agency(areporters[key(r)]),
                   f"reporting {key(r)}")


def table(scores, kinds=None):
    """A plain-text precision/recall table: one row per kind, one column per document and the total."""
    names = list(scores)
    total = Score()
    for s in scores.values():
        total.merge(s)
    kinds = kinds or total.kinds()

    def cell(s, k):
        p, r = s.precision(k), s.recall(k)
        if p is None and r is None:
            return "—"
        return f"{'—' if p is None else f'{p:.2f}'}/{'—' if r is None else f'{r:.2f}'}"

    short = [n.split("_")[0] for n in names]
    rows = [["field (P/R)"] + short + ["all", "tp/fp/fn"]]
    for k in kinds:
        tp, fp, fn = total.counts[k]
        rows.append([k] + [cell(scores[n], k) for n in names] + [cell(total, k), f"{tp}/{fp}/{fn}"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows), total
