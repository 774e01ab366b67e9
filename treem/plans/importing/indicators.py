"""Objectives, indicators and sub-indicators from the narrative, the summary
table that overrides their figures, and the lead agency of each."""

import re

from treem.core.numbers import format_number

from . import phrases
from .agencies import AGENCY_START, agency_key, first_agency, indicator_numbers
from .lines import capitalize, flat, is_table_row, sentences
from .phrases import fold


class IndicatorsMixin:
    """Reads objectives, indicators and the summary table into self.out (a _Document mixin)."""

    def _objectives_and_indicators(self):
        out = self.out
        objective = None
        candidates = []  # numbered lines that may be objectives (confirmed by indicators)
        indicator_re = re.compile(r"^[-–•+*]?\s*chi\s*tieu\s*(?:so\s*)?(\d+)\s*[:.]\s*")
        period_end = out["period"]["end"]
        single = out["period"]["start"] == period_end
        self.default_years = [period_end] if period_end else []
        for e in self.entries:
            sec = self.section(e)
            if sec in ("organization", "funding", "reporting", "appendix", "summary"):
                continue
            f = fold(e.text)
            m = re.match(r"^(?:[a-zđ]\)|\d+(?:\.\d+)*\.?)?\s*muc tieu\s+(\d+)\s*[:.]\s*", f)
            if m and sec in ("objectives", "header", "other", "purpose"):
                objective = m.group(1)
                out["objectives"].append({"number": objective, "title": e.text[m.end():].strip().rstrip("."),
                                          "line": e.line})
                continue
            m = re.match(r"^(\d+)\.\s+(.+)$", e.text)
            if m and sec == "objectives" and not re.match(r"muc tieu (chung|cu the)", fold(m.group(2))):
                candidates.append({"number": m.group(1), "title": m.group(2).strip().rstrip(".:"), "line": e.line})
                objective = ("?", len(candidates) - 1)
                continue
            m = indicator_re.match(f)
            if m and sec != "tasks":
                if isinstance(objective, tuple):
                    cand = candidates[objective[1]]
                    if cand not in out["objectives"]:
                        out["objectives"].append(cand)
                    obj_number = cand["number"]
                else:
                    obj_number = objective
                self._indicator(e, m, obj_number, single)
        out["objectives"].sort(key=lambda o: o["line"])

    def _indicator(self, entry, m, objective, single):
        number = str(int(m.group(1)))
        body = entry.text[m.end():].strip()
        offset = m.end() + (len(entry.text[m.end():]) - len(entry.text[m.end():].lstrip()))
        indicator = {
            "number": number, "objective": objective, "name": body, "line": entry.line,
            "lead_agency": None, "lead_agency_line": None, "coordinating_agencies": [],
            "coordinating_text": "", "national_indicator": None, "note": "", "sub_indicators": [],
        }
        for start, clause in _clauses(body):
            sub = self._sub_indicator(clause, entry, offset + start)
            if sub:
                indicator["sub_indicators"].append(sub)
        if not indicator["sub_indicators"]:
            indicator["sub_indicators"].append(_empty_sub(body, entry.line))
        self.out["indicators"].append(indicator)

    def _sub_indicator(self, clause, entry, offset):
        targets = phrases.scan_targets(clause, default_years=self.default_years)
        fc = fold(clause)
        if not targets:
            if re.search(r"xoa bo|cham dut|khong de xay ra|khong con", fc) and not re.search(r"\d", clause):
                return {
                    "name": capitalize(clause.strip().rstrip(".")), "unit": phrases.unit_hint(fc) or "percent",
                    "direction": "eliminate", "baseline": None,
                    "targets": [{"year": y, "comparator": "=", "value": 0, "value_max": None, "scope": "",
                                 "text": clause.strip().rstrip("."), "note": "", "line": entry.line_at(offset)}
                                for y in self.default_years],
                    "national_sub_indicator": None, "note": "", "line": entry.line_at(offset),
                }
            return None
        first = targets[0]
        name = _sub_name(clause, first["start"])
        unit = ""
        for t in targets:
            unit = phrases.unit_of_sign(t["sign"], fc)
            if unit:
                break
        unit = unit or phrases.unit_hint(fc) or "percent"
        # Child mortality is counted per 1,000 live births even where the text says only ‰.
        if unit == phrases.PER_MILLE and (phrases._LIVE_BIRTHS.search(fc) or re.search(r"tu vong (?:tre so sinh|(?:cua )?tre em duoi [15] tuoi)", fc)):
            unit = phrases.PER_1000_BIRTHS
        return {
            "name": name, "unit": unit, "direction": _direction(clause, targets), "baseline": None,
            "targets": [_public_target(t, entry.line_at(offset + t["start"])) for t in targets],
            "national_sub_indicator": None, "note": "", "line": entry.line_at(offset),
        }

    # -- summary table -----------------------------------------------------

    def _table(self):
        """Rows of a summary table: baseline, targets and lead per indicator."""
        self.table = {}  # number -> {"rows": [...], "line": first line, "national": bool}
        self.table_objectives = []
        self.general_coordination = None
        columns = None
        header_rows = []
        current = None
        for i in range(self.n):
            raw = self.lines[i]
            if not (is_table_row(raw) or (columns and "\t" in raw)):
                if flat(raw):
                    if columns:
                        columns, current = None, None
                    header_rows = []
                continue
            cells = [flat(c) for c in raw.split("\t")]
            if _is_header_row(cells):
                header_rows.append(cells)
                columns = _columns(header_rows)
                continue
            header_rows = []
            if not columns or not columns.get("targets"):
                continue
            name_col = columns.get("name", 0)
            name = cells[name_col] if name_col < len(cells) else ""
            fname = fold(name).lstrip("-–• ")
            m = re.match(r"^muc[\s-]*tieu\s+(\d+)\s*[:.]\s*", fname)
            if m:
                self.table_objectives.append({"number": m.group(1), "title": name.lstrip("-–• ")[m.end():].strip().rstrip("."), "line": i + 1})
                continue
            m = re.match(r"^chi\s*tieu\s*(?:so\s*)?(\d+)\s*[:.]?\s*", fname)
            if m:
                number = str(int(m.group(1)))
                current = self.table.setdefault(number, {"rows": [], "line": i + 1, "national": columns.get("national", False),
                                                         "name": name.lstrip("-–• ")[m.end():].strip()})
                name = name.lstrip("-–• ")[m.end():]
            elif current is None:
                continue
            self._table_row(current, cells, columns, i + 1, name)

    def _table_row(self, current, cells, columns, line, name):
        def cell(j):
            return cells[j] if j is not None and j < len(cells) else ""

        parts_by_col = {}
        width = 1
        for j in [columns.get("baseline", (None,))[0]] + [c for c, _y in columns["targets"]]:
            if j is None:
                continue
            parts = _cell_parts(cell(j))
            parts_by_col[j] = parts
            width = max(width, len(parts))
        for k in range(width):
            row = {"line": line, "baseline": None, "targets": [], "lead": None, "name": name}
            if "baseline" in columns:
                j, year = columns["baseline"]
                parts = parts_by_col.get(j) or [""]
                row["baseline"] = _baseline(parts[k] if k < len(parts) else "", year, line)
            for j, year in columns["targets"]:
                parts = parts_by_col.get(j) or [""]
                part = parts[k] if k < len(parts) else ""
                found = phrases.scan_targets(_after_label(part), cell=True, cell_year=year)
                for t in found:
                    # "< 5% (nông thôn) < 10% (thành thị)": each figure its own words.
                    text = t["text"] if len(found) > 1 else part.strip()
                    row["targets"].append(dict(_public_target(t, line), text=text, _sign=t["sign"]))
            if k == 0 and columns.get("lead") is not None and cell(columns["lead"]):
                row["lead"] = cell(columns["lead"])
            current["rows"].append(row)

    # -- leads from "Tổ chức thực hiện" and summary lists --------------------

    def _leads(self):
        """Who leads / coordinates each indicator, from the prose."""
        self.lead_mentions = {}  # number -> [(agency, line, strength)]
        self.coord_mentions = {}
        agency = None
        for e in self.entries:
            sec = self.section(e)
            text = e.text
            f = fold(text)
            if re.match(r"^[-–•+*]?\s*chi\s*tieu\s*(?:so\s*)?\d+\s*[:.]", f):
                continue
            m = re.match(r"^(?:\d+(?:\.\d+)*\.?|[a-zđ]\))\s+(.+)$", text)
            if m and sec in ("organization", "summary", "other", "reporting"):
                head = m.group(1)
                head_agency = re.split(r"\s*:\s*|\.\s", head)[0]
                if AGENCY_START.match(head_agency) and len(head_agency) < 120:
                    agency = (re.sub(r"^đề nghị\s+", "", head_agency, flags=re.IGNORECASE).strip().rstrip(".:"), e.line)
                    text = head[len(head_agency):]
                    f = fold(text)
                elif sec == "organization" and not AGENCY_START.match(head):
                    agency = None
            m = re.match(r"^[-–•+]?\s*([^:]{3,100}):\s*(.*)$", text)
            local = agency
            if m and AGENCY_START.match(m.group(1).strip()) and re.search(r"chu tri|phoi hop|huong dan", fold(m.group(2))):
                local = (first_agency(m.group(1).strip()), e.line)
                text = m.group(2)
                f = fold(text)
                if "don vi phoi hop" in fold(m.group(1)) or "cac don vi phoi hop" in fold(m.group(1)):
                    continue
            if re.match(r"^(?:\d+\.\s*)?cac don vi phoi hop\s*:", fold(e.text)):
                self.general_coordination = (re.split(r":\s*", e.text, maxsplit=1)[1].strip().rstrip("."), e.line)
                continue
            if not local or "chi tieu" not in f:
                continue
            for sentence_start, sentence in sentences(f):
                for pos, numbers in indicator_numbers(sentence):
                    before = re.sub(r"^\d+\.\s*", "", sentence[:pos])
                    coordinating = re.search(r"phoi hop", before) and not re.match(r"^\s*chu tri\b(?!\s*,\s*phoi hop)", before)
                    if re.match(r"^\s*chu tri\s*,\s*phoi hop", before):
                        strength = 1
                        coordinating = False
                    elif coordinating:
                        strength = 0
                    elif "chu tri" in before:
                        strength = 3
                    elif re.search(r"huong dan|thuc hien|trien khai", before):
                        strength = 2
                    else:
                        continue
                    for number in numbers:
                        target = self.coord_mentions if coordinating else self.lead_mentions
                        target.setdefault(number, []).append((local[0], local[1], strength))

    # -- merging -------------------------------------------------------------

    def _finish_indicators(self):
        out = self.out
        if not out["indicators"] and self.table:
            # A plan that states its indicators only in the table.
            for number, tab in self.table.items():
                subs = [_empty_sub(r["name"].strip(" -;"), r["line"]) for r in tab["rows"]]
                out["indicators"].append({
                    "number": number, "objective": None, "name": tab["name"], "line": tab["line"],
                    "lead_agency": None, "lead_agency_line": None, "coordinating_agencies": [],
                    "coordinating_text": "", "national_indicator": None, "note": "", "sub_indicators": subs,
                })
        if not out["objectives"] and self.table_objectives:
            out["objectives"] = self.table_objectives
        for ind in out["indicators"]:
            tab = self.table.get(ind["number"])
            notes = []
            if tab:
                if tab["national"]:
                    ind["national_indicator"] = ind["number"]
                self._merge_table(ind, tab, notes)
            self._choose_lead(ind, tab, notes)
            if self.general_coordination:
                ind["coordinating_text"] = self.general_coordination[0]
            for sub in ind["sub_indicators"]:
                _settle_direction(sub)
            ind["note"] = " ".join(notes)
        self._link_national_numbering()

    def _link_national_numbering(self):
        """A plan that carries out the national programme (a Prime Minister's
        decision, "…/QĐ-TTg") and numbers its indicators 1–24 as the programme
        does carries out the national indicator of the same number, even
        without a table that says so (Ninh Bình 2025). The reviewer sees the
        links and can change them."""
        out = self.out
        indicators = out["indicators"]
        if not indicators or any(ind["national_indicator"] for ind in indicators):
            return
        carried_out = [x.get("number", "") for x in out["implements"]] + [(out["parent"] or {}).get("number", "")]
        if not any(re.search(r"/QĐ-TTg$", n or "") for n in carried_out):
            return
        numbers = [ind["number"] for ind in indicators]
        if len(numbers) < 20 or not all(n.isdigit() and 1 <= int(n) <= 24 for n in numbers):
            return
        for ind in indicators:
            ind["national_indicator"] = ind["number"]
            for k, sub in enumerate(ind["sub_indicators"]):
                sub["national_sub_indicator"] = k + 1

    def _merge_table(self, ind, tab, notes):
        subs = ind["sub_indicators"]
        for k, row in enumerate(tab["rows"]):
            if k >= len(subs):
                subs.append(_empty_sub(row["name"].strip(" -;"), row["line"]))
            sub = subs[k]
            if tab["national"]:
                sub["national_sub_indicator"] = k + 1
            if row["baseline"]:
                sub["baseline"] = row["baseline"]
            if not row["targets"]:
                continue
            narrative = sub["targets"]
            table_targets = []
            for t in row["targets"]:
                sign = t.pop("_sign", "")
                table_targets.append(t)
                unit = phrases.unit_of_sign(sign, fold(sub["name"]))
                if unit and not narrative:
                    sub["unit"] = unit
            differences = _differences(narrative, table_targets)
            if differences:
                sub["_narrative_targets"] = narrative
                lines = sorted({t["line"] for t in narrative})
                notes.append(
                    f"Phần mục tiêu (dòng {', '.join(map(str, lines))}) và bảng tổng hợp (dòng {row['line']}) "
                    f"khác nhau: {'; '.join(differences)}."
                )
            sub["targets"] = table_targets
        if tab["rows"] and len(subs) > len(tab["rows"]):
            # The table left out a part the objectives name ("… đạt trên 95% trẻ
            # em dưới 5 tuổi …"): kept from the narrative, in the same order.
            for k in range(len(tab["rows"]), len(subs)):
                if tab["national"]:
                    subs[k]["national_sub_indicator"] = k + 1
                if not subs[k]["note"]:
                    subs[k]["note"] = "Chỉ có trong phần mục tiêu, không có trong bảng tổng hợp."

    def _choose_lead(self, ind, tab, notes):
        mentions = []
        if tab:
            for row in tab["rows"]:
                if row["lead"]:
                    mentions.append((row["lead"], row["line"], 3, "table"))
                    break
        for agency, line, strength in self.lead_mentions.get(ind["number"], []):
            mentions.append((agency, line, strength, "list"))
        if not mentions:
            return
        best_strength = max(m[2] for m in mentions)
        strong = [m for m in mentions if m[2] >= min(best_strength, 2)] or mentions
        groups = {}
        for m in strong:
            groups.setdefault(agency_key(m[0]), []).append(m)
        ranked = sorted(groups.values(), key=lambda g: (len(g), any(x[3] == "table" for x in g)), reverse=True)
        chosen = ranked[0]
        pick = next((x for x in chosen if x[3] == "table"), None) if len(ranked) == 1 or len(ranked[0]) == len(ranked[1]) else None
        pick = pick or chosen[-1]
        ind["lead_agency"], ind["lead_agency_line"] = pick[0], pick[1]
        if len(ranked) > 1:
            others = "; ".join(f"{g[0][0]} (dòng {g[0][1]})" for g in ranked[1:])
            notes.append(f"Đơn vị chủ trì ghi khác nhau: {pick[0]} (dòng {pick[1]}) và {others}.")
            ind["_lead_conflict"] = [pick[1]] + [g[0][1] for g in ranked[1:]]
        coordinating = []
        lead_key = agency_key(pick[0])
        for agency, _line, _s in self.coord_mentions.get(ind["number"], []):
            if agency_key(agency) != lead_key and agency not in coordinating:
                coordinating.append(agency)
        for m in mentions:
            if agency_key(m[0]) != lead_key and m[2] < 2 and m[0] not in coordinating:
                coordinating.append(m[0])
        ind["coordinating_agencies"] = coordinating


# "… đạt 99% và 99% trẻ em hoàn thành cấp tiểu học": a second figure with its
# own subject starts a new sub-indicator.
_SUBJECT_SPLIT = (
    r"\s+(?:và|,)\s+(?=(?:có\s+)?(?:(?:trên|dưới|đạt)\s+)?\d+(?:[.,]\d+)?\s*%\s+"
    r"(?!(?:vào|đến|năm|đối|trở|hằng|hàng|trong|và|ở|tại|cho)\b)[a-zđà-ỹ])"
)


def _clauses(body):
    """(offset, clause) parts of an indicator: ';' separates sub-indicators,
    and so does ':' before a lower-case verb in careless transcriptions."""
    parts = []
    start = 0
    for m in re.finditer(r";|:\s(?=[a-zđà-ỹ])|,\s+trong đó\s+(?=(?:có\s+)?(?:trên|dưới|đạt)?\s*\d)|" + _SUBJECT_SPLIT, body):
        parts.append((start, body[start:m.start()]))
        start = m.end()
    parts.append((start, body[start:]))
    return [(s, c) for s, c in parts if c.strip()]


_LEADING_VERBS = re.compile(
    r"^(?:(?:từng bước|tiếp tục|phấn đấu|phần đầu|phân đầu|phấn đầu|giảm|tăng|nâng|nâng cao|duy trì|đảm bảo|bảo đảm)\s+)+",
    re.IGNORECASE,
)


_TRAILING_VERBS = re.compile(
    r"(?:\s+(?:đạt tỷ lệ|đạt|xuống còn|xuống|còn|là|dưới|trên|ở mức|mức|bằng|khoảng|từ|duy trì|giảm|tăng|phấn đấu|phần đầu|phân đầu|<|>|=|≤|≥))+\s*$",
    re.IGNORECASE,
)


def _sub_name(clause, first_value):
    before = clause[:first_value]
    before = re.sub(r"\([^)]*\)", "", before)
    before = _TRAILING_VERBS.sub("", " " + before.strip(" ,:-")).strip(" ,:-")
    annual = re.match(r"[^;]{0,30}?\b(?:hang|moi) nam\b", fold(clause[first_value:]))
    # "giảm số cuộc tảo hôn từ 2 đến 3% hằng năm": what is measured is the yearly reduction.
    reduction = annual and re.search(r"(?:^|,\s*|\s)(?:phấn đấu\s+|duy trì\s+)?giảm\s+(?!tỷ lệ|tỉ lệ)(.+)$", before,
                                     re.IGNORECASE)
    before = _LEADING_VERBS.sub("", before).strip(" ,:-")
    before = re.sub(r"^(?:có|chỉ tiêu)\s+", "", before).strip()
    if before and len(before) > 6:
        # "Từng bước xóa bỏ tình trạng tảo hôn, duy trì mức giảm …": the preamble goes.
        before = re.sub(r"^[^,]*(?:xóa bỏ|xoá bỏ|chấm dứt)[^,]*,\s*(?:duy trì\s+|giảm\s+)?", "", before)
        if reduction and not re.match(r"mức", before, re.IGNORECASE):
            before = "mức giảm " + re.sub(r"^(?:số\s+)?", "số ", reduction.group(1).strip(" ,:-"))
        name = _percent_name(capitalize(before), clause)
        # "mức giảm số cuộc tảo hôn từ 2 đến 3% hằng năm": an amount per year.
        if annual and re.match(r"(?:mức|số)\b", name, re.IGNORECASE) and "năm" not in name:
            name += " hằng năm"
        return name
    # "Phấn đấu 100% trẻ em gặp thiên tai … được cứu trợ": the subject follows the figure.
    after = clause[first_value:]
    after = re.sub(r"^\s*(?:[<>=≤≥]\s*)?\d+(?:[.,]\d+)*\s*(?:%|‰)?\s*", "", after)
    after = re.split(r"\s+(?:vào|đến|trong|tới)\s+năm\s+\d{4}|\s+giai đoạn|\s+hằng năm|\s+hàng năm|[;.]\s*$", after)[0]
    after = re.sub(r"\([^)]*\)", "", after).strip(" ,.")
    return capitalize("Tỷ lệ " + after) if after else capitalize(clause.strip())


def _percent_name(name, clause):
    """'Trẻ em 5 tuổi đi học mẫu giáo đạt tỷ lệ trên 99%' names a rate."""
    if "%" in clause and not re.match(r"(tỷ|tỉ) (lệ|suất)|mức|số|tổng", name, re.IGNORECASE):
        return "Tỷ lệ " + name[:1].lower() + name[1:]
    return name


_NEGATIVE = re.compile(
    r"tu vong|suy dinh duong|thap coi|nhe can|beo phi|thua can|lay truyen|xam hai|bao luc|tai nan|thuong tich|"
    r"lao dong tre em|bo hoc|tao hon|duoi nuoc|mua ban|vi pham phap luat|nghien|o nhiem"
)


def _direction(clause, targets):
    f = fold(clause)
    first = targets[0]["start"] if targets else len(f)
    before = f[:first]
    if re.search(r"muc giam|giam\b[^;]*\btu\s+\d+[.,]?\d*\s*(?:%|‰)?\s*den\s+\d", f) and re.search(r"hang nam|moi nam", f):
        return "increase"  # an annual reduction rate: the more the better
    if re.search(r"\bduy tri\b", f) and not re.search(r"\bgiam\b", before):
        return "maintain"
    if re.search(r"\bgiam\b|\bkiem che\b", before):
        return "decrease"
    if re.search(r"\btang\b|\bnang\b", before):
        return "increase"
    comparators = {t["comparator"] for t in targets}
    if comparators & {"<", "<="} and not comparators & {">", ">="}:
        return "decrease"
    if comparators & {">", ">="}:
        return "increase"
    subject = before.split(" duoc ")[0]
    if " duoc " not in f and _NEGATIVE.search(subject or f):
        return "decrease"
    return "increase"


def _settle_direction(sub):
    """A table holding the baseline at every milestone means 'maintain'."""
    baseline = sub.get("baseline") or {}
    if sub["direction"] != "increase" or baseline.get("value") is None or not sub["targets"]:
        return
    if all(t["value"] == baseline["value"] and t["comparator"] in ("", "=") for t in sub["targets"]):
        sub["direction"] = "maintain"


def _public_target(t, line):
    return {
        "year": t["year"], "comparator": t["comparator"], "value": t["value"], "value_max": t["value_max"],
        "scope": t["scope"], "text": t["text"], "note": t["note"], "line": line,
    }


def _empty_sub(name, line):
    return {"name": capitalize(name), "unit": phrases.unit_hint(fold(name)) or "percent", "direction": "increase",
            "baseline": None, "targets": [], "national_sub_indicator": None, "note": "", "line": line}


def _is_header_row(cells):
    joined = fold(" ".join(cells))
    if re.search(r"chi\s*tieu\s+\d+\s*[:.]|muc[\s-]*tieu\s+\d+", joined):
        return False
    if any(len(c) > 80 for c in cells) or re.search(r"\d\s*(?:%|‰)", joined):
        return False
    return any(re.search(p, joined) for p in (
        r"ket qua|thuc hien nam|hien trang|thuc trang", r"du kien|ke hoach nam|chi tieu (?:cua|nam|den)|muc tieu nam",
        r"don vi chu tri|co quan chu tri", r"chi tieu quoc gia",
    ))


def _columns(header_rows):
    width = max(len(r) for r in header_rows)
    labels = [fold(" ".join(r[j] for r in header_rows if j < len(r))) for j in range(width)]
    columns = {"targets": []}
    for j, label in enumerate(labels):
        year = re.search(r"(\d{4})", label)
        if "chu tri" in label:
            columns["lead"] = j
        elif "phoi hop" in label:
            columns["coordinating"] = j
        elif re.search(r"ket qua|hien trang|thuc trang|co so|uoc thuc hien|thuc hien nam", label) and year:
            columns["baseline"] = (j, int(year.group(1)))
        elif re.search(r"du kien|chi tieu|muc tieu|ke hoach|phan dau", label) and year:
            columns["targets"].append((j, int(year.group(1))))
        elif "quoc gia" in label:
            columns["national"] = True
            columns.setdefault("name", j)
        elif re.search(r"chi tieu|noi dung|ten", label):
            columns.setdefault("name", j)
    return columns


def _cell_parts(text):
    """'- Tỷ lệ TE có HCĐB: 1% - Tỷ lệ … được chăm sóc: 90%' -> two parts."""
    text = text.strip()
    if not text:
        return []
    parts = [p.strip() for p in re.split(r"(?:^|\s)[-–]\s+(?=\D)", text) if p.strip()]
    return parts or [text]


def _after_label(part):
    m = re.match(r"^[^:\d<>]{3,}:\s*(.*)$", part)
    return m.group(1) if m else part


def _baseline(part, year, line):
    text = part.strip()
    if not text:
        return None
    f = fold(text)
    status = "value"
    if f.startswith("khong thong ke") or "chua thong ke" in f or "chua co so lieu" in f:
        status = "not_collected"
    elif f.startswith("khong danh gia") or "chua danh gia" in f:
        status = "not_assessed"
    value = comparator = None
    if status == "value":
        targets = phrases.scan_targets(_after_label(text), cell=True, cell_year=year)
        if not targets:
            return {"status": "none", "value": None, "comparator": "", "year": None, "text": text, "line": line}
        value, comparator = targets[0]["value"], targets[0]["comparator"]
    m = re.search(r"(?:so lieu|nam)\s*(\d{4})", f)
    return {
        "status": status, "value": value, "comparator": comparator or "",
        "year": int(m.group(1)) if m else year, "text": _after_label(text) if status != "value" else text.lstrip("- "),
        "line": line,
    } if status != "value" else {
        "status": status, "value": value, "comparator": comparator or "",
        "year": int(m.group(1)) if m else year, "text": text.lstrip("- "), "line": line,
    }


def _differences(narrative, table):
    """What the narrative says differently from the table, in Vietnamese."""
    if not narrative:
        return []
    by_key = {(t["year"], t["scope"]): t for t in table}
    out = []
    for t in narrative:
        other = by_key.get((t["year"], t["scope"]))
        if other is None:
            out.append(f"năm {t['year']}: phần mục tiêu ghi {_show(t)}, bảng không ghi")
        elif other["value"] != t["value"] or other["value_max"] != t["value_max"] or (
            other["comparator"] != t["comparator"] and t["comparator"] != "=" and other["comparator"] != "="
        ):
            out.append(f"năm {t['year']}: phần mục tiêu ghi {_show(t)}, bảng ghi {_show(other)}")
    keys = {(t["year"], t["scope"]) for t in narrative}
    for t in table:
        if (t["year"], t["scope"]) not in keys:
            out.append(f"năm {t['year']}: chỉ bảng ghi {_show(t)}")
    return out


def _show(t):
    words = {"<": "dưới ", "<=": "không quá ", ">": "trên ", ">=": "từ ", "=": "duy trì ", "": "", "range": "từ "}
    value = format_number(t["value"])
    if t["comparator"] == "range":
        value = f"{value} đến {format_number(t['value_max'])}"
    return f"{words.get(t['comparator'], '')}{value}"
