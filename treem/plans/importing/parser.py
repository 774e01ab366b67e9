"""Read a plan document's text into Treem's plan format (docs/plan-format.md).

The parser follows how these documents are written, not one document:

    header     issuer block, "Số: 592/QĐ-UBND", "Bắc Kạn, ngày 05 tháng 5 năm 2021",
               KẾ HOẠCH / QUYẾT ĐỊNH + title lines, "Thực hiện / Căn cứ … số …"
    sections   upper-case headings ("I. MỤC TIÊU", "II. NHIỆM VỤ VÀ GIẢI PHÁP",
               "IV. TỔ CHỨC THỰC HIỆN", "CHẾ ĐỘ BÁO CÁO", "PHỤ LỤC" ends the body)
    objectives "a) Mục tiêu 1: …" or numbered lines that hold indicators
    indicators "- Chỉ tiêu N: …", clauses split at ";", each clause a
               sub-indicator with its own figures (phrases.scan_targets)
    table      tab-separated rows under a header naming baseline/target years
               and the lead agency; it overrides the narrative's figures and
               the differences become notes
    leads      "Chủ trì … các chỉ tiêu 1, 2, 8" under an agency's heading
    tasks      numbered headings "1.", "1.1.", "a)" with "Đơn vị chủ trì:",
               "Đơn vị phối hợp:", "Thời gian thực hiện:"
    reporting  clauses about reports with deadlines or review years

Every value carries the 1-based line it came from.
"""

import re

from . import phrases
from .phrases import fold

FORMAT = "treem-plan/1"

# --- lines ----------------------------------------------------------------

# Emphasis stars touch their words ("*Căn cứ …;*"); a bullet star is followed by a space.
_MARKUP = re.compile(r"\*\*|\*(?=[^\s*])|(?<=[^\s*])\*|^#{1,6}\s*|</?sub>|</?sup>|</?b>|</?i>|__")


def clean(line):
    """A line without Markdown emphasis or odd spaces; tabs are kept."""
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    line = _MARKUP.sub("", line)
    line = _MARKUP.sub("", line)
    return re.sub(r"[ \u2002\u2003\u2009]+", " ", line)


def flat(line):
    return re.sub(r"\s+", " ", line.replace("\t", " ")).strip()


class Entry:
    """A logical line: a paragraph or item, possibly continued on later lines."""

    __slots__ = ("line", "text", "spans")

    def __init__(self, line, text):
        self.line = line
        self.text = text
        self.spans = [(0, line)]

    def extend(self, line, text):
        self.spans.append((len(self.text) + 1, line))
        self.text = f"{self.text} {text}"

    def line_at(self, offset):
        line = self.line
        for start, ln in self.spans:
            if start <= offset:
                line = ln
        return line


_ITEM_START = re.compile(r"^(?:[a-zđ][).]\s|[-–•+*]\s|\d)")


def is_table_row(raw):
    return "\t" in raw.strip(" ") and len([c for c in raw.split("\t") if c.strip()]) >= 2


def has_cells(raw):
    """A tab-separated line, even with one filled cell (a merged row)."""
    return "\t" in raw and bool(raw.split("\t", 1)[0].strip() or raw.strip("\t ").count("\t") or raw.rstrip().endswith("\t"))


# --- headings and sections ------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?:[IVXL]+|[A-Z]|\d+(?:\.\d+)*)\s*[.):]?\s+(.+)$")


def _upper_ratio(text):
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return 0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def section_kind(text):
    """What an upper-case heading opens, or None if the line is no heading."""
    m = _NUMBERED.match(text)
    rest = m.group(1) if m else text
    if _upper_ratio(rest) < 0.85:
        return None
    f = fold(rest)
    if f.startswith(("muc tieu 1", "muc tieu 2", "muc tieu 3", "muc tieu 4", "muc-tieu")):
        return None
    if re.match(r"^phu luc|^de cuong|^bao cao$|^hieu luc van ban|^mau bao cao", f):
        return "appendix"
    if "bang tong hop" in f or "bieu tong hop" in f:
        return "summary"
    if "kinh phi" in f:
        return "funding"
    if "to chuc thuc hien" in f or "trach nhiem" in f or "phan cong" in f:
        return "organization"
    if "bao cao" in f:
        return "reporting"
    if "muc dich" in f or "yeu cau" in f:
        return "purpose"
    if "muc tieu" in f or "chi tieu" in f:
        return "objectives"
    if "nhiem vu" in f or "giai phap" in f or "noi dung" in f or "hoat dong" in f:
        return "tasks"
    if "doi tuong" in f or "pham vi" in f or "thoi gian" in f:
        return "scope"
    if re.match(r"^(quyet dinh|ke hoach|chuong trinh)\b", f):
        return "header"
    return "other"


# --- agencies -------------------------------------------------------------

_AGENCY_START = re.compile(
    r"^(?:đề nghị\s+)?(?:sở|phòng|bộ|ban(?!\s+hành)|công an|ủy ban|uỷ ban|ubnd|ubmttq|tỉnh đoàn|huyện đoàn|"
    r"thị đoàn|đoàn thanh niên|hội (?:liên hiệp|nông dân|cựu chiến binh|chữ thập|bảo trợ|người cao tuổi|khuyến học|luật gia|bảo vệ)|"
    r"trung tâm|văn phòng|các sở|các bộ|các cơ quan|bảo hiểm xã hội|cục|chi cục|"
    r"báo(?!\s+cáo)|đài|viện kiểm sát|tòa án|toà án|liên đoàn|mặt trận|quỹ|bệnh viện|ngân hàng)\b",
    re.IGNORECASE,
)

_ABBREVIATIONS = [
    (r"\blđ\s*[-,&]?\s*tb\s*(?:&|và)?\s*xh\b|\blđtbxh\b", "lao động thương binh và xã hội"),
    (r"\blao động\s*[-,]?\s*tb\s*(?:&|và)?\s*xh\b", "lao động thương binh và xã hội"),
    (r"\bgd\s*(?:&|và)?\s*đt\b", "giáo dục và đào tạo"),
    (r"\bvh\s*,?\s*tt\s*(?:&|và)?\s*dl\b|\bvhttdl\b", "văn hóa thể thao và du lịch"),
    (r"\btt\s*(?:&|và)\s*tt\b", "thông tin và truyền thông"),
    (r"\bkh\s*(?:&|và)\s*đt\b", "kế hoạch và đầu tư"),
    (r"\bubnd\b", "ủy ban nhân dân"),
]


def agency_key(name):
    """A key under which different spellings of one agency agree."""
    s = (name or "").lower().replace("uỷ", "ủy").replace("hoá", "hóa").replace("xoá", "xóa")
    for pattern, full in _ABBREVIATIONS:
        s = re.sub(pattern, full, s)
    s = re.sub(r"[^\w]+", " ", s)
    s = re.sub(r"\b(và|các)\b", " ", s)
    return " ".join(s.split())


def split_agencies(text):
    """'Sở A; Sở B.' -> ['Sở A', 'Sở B'] (the documents separate agencies with ';')."""
    text = text.strip().rstrip(".;,")
    return [p.strip().rstrip(".") for p in re.split(r"\s*;\s*", text) if p.strip()]


# --- numbers lists ("các chỉ tiêu 1, 2, 8 và 11") ---------------------------

_INDICATOR_LIST = re.compile(
    r"chi tieu\s*(?:so\s*)?(?:\d+\s+chi tieu\s*)?(?:gom\s*:?\s*)?"
    r"(\d+(?:\s*(?:,|;|va|-|–)\s*(?:chi tieu\s*)?(?:so\s*)?\d+)*)"
)


def indicator_numbers(folded):
    out = []
    for m in re.finditer(r"(\d+)\s+chi tieu\s+gom\s*:?\s*(\d+(?:\s*(?:,|;|va)\s*\d+)*)", folded):
        out.append((m.start(), [str(int(n)) for n in re.findall(r"\d+", m.group(2))]))
    for m in _INDICATOR_LIST.finditer(folded):
        if any(abs(m.start() - s) < 30 for s, _ in out):
            continue
        out.append((m.start(), [str(int(n)) for n in re.findall(r"\d+", m.group(1))]))
    return out


# --- the document ---------------------------------------------------------


def public_document(doc):
    """The document without the parser's working keys (those starting with '_')."""
    if isinstance(doc, dict):
        return {k: public_document(v) for k, v in doc.items() if not k.startswith("_")}
    if isinstance(doc, list):
        return [public_document(v) for v in doc]
    return doc


def parse_plan(text: str) -> dict:
    """The plan format document for a plan's text (see the module docstring)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [clean(line) for line in raw_lines]
    doc = _Document(lines)
    return doc.result()


class _Document:
    def __init__(self, lines):
        self.lines = lines  # index i is line i+1
        self.n = len(lines)
        self.kinds = {}
        self.body_end = self.n
        self._sections()
        self.entries = self._entries()
        self.out = {
            "format": FORMAT, "number": "", "kind": "plan", "title": "", "issuer": "", "place": "",
            "date": None, "unit": {}, "period": {"start": None, "end": None}, "parent": None,
            "implements": [], "signer": "", "objectives": [], "indicators": [], "tasks": [],
            "reporting": [],
            "lines": {"number": None, "date": None, "title": None, "issuer": None, "place": None,
                      "signer": None, "period": None},
        }

    # -- structure ---------------------------------------------------------

    def _sections(self):
        """Section kind of every line: the last upper-case heading above it."""
        current = "header"
        self.section_of = []
        for i, line in enumerate(self.lines):
            text = flat(line)
            if text and not is_table_row(line) and len(text) < 200:
                kind = section_kind(text)
                if kind == "appendix" and i > 5 and self.body_end == self.n:
                    self.body_end = i
                if kind and kind != "other":
                    current = kind
                elif kind == "other" and current in ("summary",):
                    current = "other"
            self.section_of.append(current)

    def _entries(self):
        """Logical lines of the body: paragraphs joined across broken lines."""
        entries = []
        last = None
        for i in range(self.body_end):
            raw = self.lines[i]
            if is_table_row(raw):
                last = None
                continue
            text = flat(raw)
            if not text:
                continue
            starts_lower = text[0].islower() and not re.match(r"^[a-zđ][).]\s", text)
            if last is not None and starts_lower and self.section_of[i] == self.section_of[last.line - 1]:
                last.extend(i + 1, text)
                continue
            # "… đến năm 2030. b) Mục tiêu 2: Về bảo vệ trẻ em": two items on one line.
            m = re.search(r"\s([a-zđ]\)\s+Mục tiêu\s+\d+\s*:)", text)
            if m and m.start() > 0:
                entries.append(Entry(i + 1, text[:m.start()].strip()))
                text = text[m.start():].strip()
            # "… vấn đề của trẻ em.5. Bảo đảm nguồn lực …": a heading glued to the
            # end of a paragraph; drop it when the next line repeats it.
            m = re.search(r"(?<=[^\W\d]\.)(\d+\.\s+[A-ZĐ].*)$", text)
            if m and i + 1 < self.body_end and flat(self.lines[i + 1]) == m.group(1).strip():
                text = text[:m.start()].strip()
            last = Entry(i + 1, text)
            entries.append(last)
        return entries

    def section(self, entry):
        return self.section_of[entry.line - 1]

    # -- result ------------------------------------------------------------

    def result(self):
        self._header()
        self._period()
        self._implements()
        self._signer()
        self._objectives_and_indicators()
        self._table()
        self._leads()
        self._finish_indicators()
        self._tasks()
        self._reporting()
        self.out["unit"] = unit_of_issuer(self.out["issuer"], self.out["kind"])
        return self.out

    # -- header ------------------------------------------------------------

    def _header(self):
        out, lines = self.out, self.out["lines"]
        head = min(self.n, 80)
        for i in range(head):
            text = flat(self.lines[i])
            f = fold(text)
            m = re.match(r"^so\s*:?\s*(\d*)\s*/\s*([\w&.-]+(?:-[\w&.]+)*)", f)
            if m and not out["number"] and lines["number"] is None:
                start = m.start(2)
                suffix = re.match(r"[\wĐđ&.-]+", text[start:]).group(0)
                out["number"] = f"{m.group(1)}/{suffix}" if m.group(1) else ""
                lines["number"] = i + 1  # the line is there even when the number is left blank
                continue
            m = re.match(r"^(.{2,40}?),\s*ngay\s*(\d{0,2})\s*thang\s*(\d{0,2})\s*nam\s*(\d{4})", f)
            if m and lines["place"] is None:
                out["place"] = text[:m.end(1)].strip()
                lines["place"] = lines["date"] = i + 1
                if m.group(2) and m.group(3):
                    try:
                        import datetime

                        out["date"] = datetime.date(int(m.group(4)), int(m.group(3)), int(m.group(2))).isoformat()
                        lines["date"] = i + 1
                    except ValueError:
                        pass
                self.year = int(m.group(4))
        self._title(head)
        self._issuer(head)

    def _issuer(self, head):
        out = self.out
        for i in range(min(head, 30)):
            f = fold(flat(self.lines[i]))
            if f.startswith("thu tuong chinh phu") and i < 10:
                out["issuer"], out["lines"]["issuer"] = "Thủ tướng Chính phủ", i + 1
                return
            if f.startswith(("uy ban nhan dan", "ubnd")) and not f.startswith(("uy ban nhan dan tinh ban", )):
                rest = flat(self.lines[i])[len("ỦY BAN NHÂN DÂN"):].strip() if f.startswith("uy") else ""
                j = i + 1
                while not rest and j < min(self.n, i + 4):
                    rest = flat(self.lines[j])
                    j += 1
                if rest and _upper_ratio(rest) > 0.85 and re.match(r"^(tinh|thanh pho|thi xa|huyen|quan|xa|phuong|thi tran)\b", fold(rest)):
                    out["issuer"] = "Ủy ban nhân dân " + _level_name(rest)
                    out["lines"]["issuer"] = i + 1
                    return
        # No issuer block in the copy: "Ủy ban nhân dân tỉnh ban hành Kế hoạch …"
        # in the opening paragraph; the place comes from the title or the text.
        for e in self.entries[:12]:
            m = re.search(r"(?:uy ban nhan dan|ubnd)\s+(tinh|thi xa|huyen|thanh pho|quan|xa|phuong)\s+ban hanh", fold(e.text))
            if not m:
                continue
            word = e.text[m.start(1):m.end(1)]
            name = ""
            for t in [out["title"]] + [x.text for x in self.entries[:6]]:
                pm = re.search(rf"\b{word}\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)", t, re.IGNORECASE)
                if pm:
                    words = []
                    for w in pm.group(1).split():
                        if fold(w) in ("nam", "giai", "den", "ve", "tren", "thuc", "ban") or not w[0].isupper():
                            break
                        words.append(w)
                    if words:
                        name = " ".join(words)
                        name = name.title() if name.isupper() else name
                        break
            name = name or out["place"]
            if name:
                out["issuer"] = f"Ủy ban nhân dân {word.lower()} {name}"
                out["lines"]["issuer"] = e.line
            return

    def _title(self, head):
        out = self.out
        for i in range(head):
            text = flat(self.lines[i])
            f = fold(text)
            if re.fullmatch(r"(quyet dinh|ke hoach|chuong trinh)\s*:?", f) and not f.endswith(":"):
                out["kind"] = {"quyet dinh": "decision", "ke hoach": "plan"}.get(f.rstrip(": "), "programme")
                parts, first = [], None
                j = i + 1
                while j < self.n and len(parts) < 4:
                    t = flat(self.lines[j])
                    ft = fold(t)
                    if not t:
                        if parts:
                            break
                        j += 1
                        continue
                    # "Thực hiện Quyết định số …" opens the preamble; "Thực hiện
                    # Chương trình … giai đoạn …" may be the title itself.
                    preamble = re.match(r"^(thuc hien\s+(?:\S+\s+){1,3}so\s|can cu|\(kem theo|uy ban nhan dan|so\s*:)", ft)
                    if (preamble and _upper_ratio(t) < 0.85) or _is_issuer_line(t):
                        break
                    parts.append(t)
                    first = first or j + 1
                    j += 1
                if parts:
                    out["title"] = " ".join(parts)
                    out["lines"]["title"] = first
                    return
        # A copy without its header: "Điều 1. Phê duyệt Chương trình … (sau đây …) với những nội dung sau:"
        for e in self.entries[:40]:
            m = re.match(r"^Điều 1\.\s*(Phê duyệt|Ban hành)\s+(.+)$", e.text)
            if m:
                title = re.split(r"\s*\(sau đây|\s+với (?:những|các) nội dung|\s+kèm theo", m.group(0)[len("Điều 1."):].strip())[0]
                out["title"] = title.strip().rstrip(":.")
                out["lines"]["title"] = e.line
                out["kind"] = "programme" if "chương trình hành động quốc gia" in title.lower() else "decision"
                if out["kind"] == "programme" and not out["issuer"]:
                    out["issuer"] = "Thủ tướng Chính phủ"
                return

    # -- period, implements, signer ----------------------------------------

    def _period(self):
        out = self.out
        title = out["title"]
        ft = fold(title)
        year = getattr(self, "year", None)
        start = end = None
        line = out["lines"]["title"]
        m = re.search(r"(?:giai doan|tu nam)\s*(\d{4})\s*(?:-|–|den|đến)\s*(?:nam\s*)?(\d{4})", ft)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
        else:
            m = re.search(r"(?:den|toi)\s+nam\s+(\d{4})", ft)
            if m:
                end = int(m.group(1))
            else:
                m = re.search(r"\bnam\s+(\d{4})\b", ft)
                if m:
                    start = end = int(m.group(1))
        # "Thời gian thực hiện: Từ năm 2025 đến năm 2030" states it outright.
        for e in self.entries:
            f = fold(e.text)
            m = re.search(r"thoi gian thuc hien\s*:?\s*(?:tu\s+)?nam\s+(\d{4})\s*(?:den|-|–)\s*(?:het\s+)?nam\s+(\d{4})", f)
            if m:
                start, end = int(m.group(1)), int(m.group(2))
                line = e.line
                break
        if end and not start:
            start = year if year and year <= end else None
        if start is None and end is None and year:
            start = end = year
        if start and not end:
            end = start
        out["period"] = {"start": start, "end": end}
        out["lines"]["period"] = line if (start or end) else None

    def _implements(self):
        out = self.out
        doc_ref = re.compile(
            r"(Quyết định|Kế hoạch|Nghị quyết|Công văn|Chỉ thị|Chương trình|Thông tư|Nghị định|Hướng dẫn)"
            r"\s+(?:liên ngành\s+)?số\s+([\w./&-]+/[\w./&Đđ-]+)"
            r"(?:\s+ngày\s+(\d{1,2})(?:/|\s+tháng\s+)(\d{1,2})(?:/|\s+năm\s+)(\d{4}))?"
        )
        for e in self.entries[:40]:
            f = fold(e.text)
            if not re.match(r"^(thuc hien|can cu)\b", f):
                continue
            if self.out["lines"]["title"] and e.line < (self.out["lines"]["title"] or 0):
                continue
            is_basis = f.startswith("can cu")
            for k, m in enumerate(doc_ref.finditer(e.text)):
                kind = m.group(1)
                context = fold(e.text[m.end():m.end() + 200])
                before = fold(e.text[max(0, m.start() - 15):m.start()])
                if is_basis:
                    # A legal basis is carried out only if it approves a programme or plan.
                    if not re.match(r"^[^;]*?(phe duyet|ban hanh)\s+(chuong trinh|ke hoach|de an)", context):
                        continue
                elif k > 0:
                    continue  # "Thực hiện Kế hoạch số 208 … về thực hiện Nghị quyết số 07": 208 is carried out
                date = None
                if m.group(3):
                    date = f"{int(m.group(5)):04d}-{int(m.group(4)):02d}-{int(m.group(3)):02d}"
                if any(x["number"] == m.group(2) for x in out["implements"]):
                    continue
                out["implements"].append({"number": m.group(2), "date": date, "text": e.text, "line": e.line,
                                          "_kind": kind, "_approves": context})
        parent = None
        for item in out["implements"]:
            if item["_kind"] in ("Quyết định", "Kế hoạch", "Chương trình") or "chuong trinh hanh dong" in item["_approves"]:
                parent = {"number": item["number"]}
                break
        out["parent"] = parent
        for item in out["implements"]:
            item.pop("_kind")
            item.pop("_approves")

    def _signer(self):
        out = self.out
        for i in range(self.n):
            f = fold(flat(self.lines[i]))
            if re.match(r"^(tm\.|kt\.|q\.|tl\.)?\s*(pho )?chu tich$|^(kt\.\s*)?(pho )?thu tuong$|^(pho )?giam doc$", f):
                for j in range(i + 1, min(self.n, i + 8)):
                    t = flat(self.lines[j])
                    if not t:
                        continue
                    if re.fullmatch(r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}", t):
                        out["signer"], out["lines"]["signer"] = t, j + 1
                        return
                    if re.match(r"^(tm\.|kt\.|pho chu tich|chu tich)", fold(t)):
                        continue
                    break

    # -- objectives and indicators -----------------------------------------

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
                    "name": _capitalize(clause.strip().rstrip(".")), "unit": phrases.unit_hint(fc) or "percent",
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
                for t in phrases.scan_targets(_after_label(part), cell=True, cell_year=year):
                    row["targets"].append(dict(_public_target(t, line), text=part.strip(), _sign=t["sign"]))
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
                if _AGENCY_START.match(head_agency) and len(head_agency) < 120:
                    agency = (re.sub(r"^đề nghị\s+", "", head_agency, flags=re.IGNORECASE).strip().rstrip(".:"), e.line)
                    text = head[len(head_agency):]
                    f = fold(text)
                elif sec == "organization" and not _AGENCY_START.match(head):
                    agency = None
            m = re.match(r"^[-–•+]?\s*([^:]{3,100}):\s*(.*)$", text)
            local = agency
            if m and _AGENCY_START.match(m.group(1).strip()) and re.search(r"chu tri|phoi hop|huong dan", fold(m.group(2))):
                local = (_first_agency(m.group(1).strip()), e.line)
                text = m.group(2)
                f = fold(text)
                if "don vi phoi hop" in fold(m.group(1)) or "cac don vi phoi hop" in fold(m.group(1)):
                    continue
            if re.match(r"^(?:\d+\.\s*)?cac don vi phoi hop\s*:", fold(e.text)):
                self.general_coordination = (re.split(r":\s*", e.text, maxsplit=1)[1].strip().rstrip("."), e.line)
                continue
            if not local or "chi tieu" not in f:
                continue
            for sentence_start, sentence in _sentences(f):
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

    # -- tasks -------------------------------------------------------------

    def _tasks(self):
        out = self.out
        year = out["period"]["end"] if out["period"]["start"] == out["period"]["end"] else None
        stack = []  # (depth, task)
        roots = []
        current = None
        ranges = []  # "Từ mục 2.3.1 đến 2.3.4": attributes for several tasks
        started = False
        task_entries = [e for e in self.entries if self.section(e) == "tasks"]
        # Plans that give each task its lead, partners and time ("a) Đơn vị chủ
        # trì: …") use prose as description; plans without them list sub-tasks
        # as plain paragraphs under a numbered heading.
        has_attributes = any(_attribute(e.text) for e in task_entries)
        plain_prose = not has_attributes
        for e in self.entries:
            if self.section(e) != "tasks":
                if started and self.section(e) in ("organization", "funding", "reporting", "appendix", "summary"):
                    break
                continue
            text = e.text
            f = fold(text)
            m = re.match(r"^(\d+(?:\.\d+)*)\.?\s+(.+)$", text)
            if m and not section_kind(text):
                number, title = m.group(1), m.group(2).strip()
                depth = number.count(".") + 1
                if depth == 1 and _AGENCY_START.match(title) and started:
                    break  # responsibilities of agencies begin: no longer tasks
                # A footnote mark glued to the last word ("… về trẻ em1.") is not the title's.
                title = re.sub(r"(?<=[^\W\d])\d{1,2}(?=\.?$)", "", title)
                task = _task(number, title, e.line)
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                (stack[-1][1]["tasks"] if stack else roots).append(task)
                stack.append((depth, task))
                current, ranges, started = task, [], True
                continue
            if not started:
                continue
            m = re.match(r"^tu muc\s+([\d.]+)\s+den\s+(?:muc\s+)?([\d.]+)", f)
            if m:
                ranges = _tasks_between(roots, m.group(1).rstrip("."), m.group(2).rstrip("."))
                continue
            attr = _attribute(text)
            if attr:
                for task in ranges or ([current] if current else []):
                    key, value = attr
                    if key == "timeframe":
                        task["timeframe"] = phrases.parse_timeframe(value, year)
                    elif key == "giao":
                        if not task["lead"]:
                            task["lead"] = split_agencies(value)
                    else:
                        task[key] = split_agencies(value)
                continue
            m = re.match(r"^([a-zđ])\)\s+(.+)$", text)
            assignment = has_attributes and m and re.match(r"^(.+?)\s+(?:căn cứ|chủ động|có trách nhiệm)\b", m.group(2)) and _AGENCY_START.match(m.group(2))
            partner_item = m and re.match(r"^phối hợp\b", m.group(2), re.IGNORECASE) and has_attributes
            if m and stack and not assignment and not partner_item:
                parent_depth, parent = next(((d, t) for d, t in reversed(stack) if t["number"][:1].isdigit()), stack[0])
                task = _task(m.group(1), m.group(2).strip(), e.line)
                while stack and stack[-1][0] > parent_depth:
                    stack.pop()
                parent["tasks"].append(task)
                stack.append((parent_depth + 1, task))
                current, ranges = task, []
                continue
            m = re.match(r"^\*\s*(.+)$", text)
            if m and stack:
                parent_depth, parent = next(((d, t) for d, t in reversed(stack) if t["number"][:1].isdigit()), stack[0])
                task = _task("", m.group(1).strip(), e.line)
                while stack and stack[-1][0] > parent_depth:
                    stack.pop()
                parent["tasks"].append(task)
                stack.append((parent_depth + 1, task))
                current, ranges = task, []
                continue
            if current is not None:
                # Prose under a task: "Giao Sở … phối hợp …", "Thời gian thực hiện …",
                # "b) Các Sở …; UBND cấp huyện căn cứ …", "- Phối hợp với UBND huyện X …".
                owner = next((t for d, t in reversed(stack) if t["number"][:1].isdigit()), current)
                m = re.search(r"(?:^|[-.]\s*)Giao\s+(.+?)\s+(?:phối hợp|chủ trì|tổ chức|triển khai|thực hiện|tham mưu)", text)
                if m and not owner["lead"] and _AGENCY_START.match(m.group(1)):
                    owner["lead"] = [m.group(1).strip()]
                m = re.match(r"^(?:[a-zđ]\)\s+)?(.+?)\s+(?:căn cứ|chủ động|có trách nhiệm)\b", text)
                if has_attributes and m and _AGENCY_START.match(m.group(1)) and len(m.group(1)) < 150:
                    owner["lead"] += [a for a in split_agencies(m.group(1)) if a not in owner["lead"]]
                for partner in _partners(text):
                    if partner not in owner["coordinating"] and partner not in owner["lead"]:
                        owner["coordinating"].append(partner)
                m = re.search(r"(?:^|\.\s+)(?:[a-zđ]\)\s*)?Thời gian thực hiện\s*:?\s*(.+)$", text)
                if m and not current["timeframe"]["text"]:
                    current["timeframe"] = phrases.parse_timeframe(m.group(1), year)
                elif plain_prose and not _attribute(text) and not re.match(r"^[a-zđ]\)|^[-–+]", text) and not m:
                    task = _task("", text, e.line)
                    current_parent = next((t for d, t in reversed(stack) if t["number"][:1].isdigit()), None)
                    if current_parent is not None:
                        current_parent["tasks"].append(task)
        out["tasks"] = roots

    # -- reporting -------------------------------------------------------------

    def _reporting(self):
        out = self.out
        seen = set()
        for e in self.entries:
            if self.section(e) in ("appendix",):
                continue
            for clause in re.split(r";\s*", e.text):
                f = fold(clause)
                in_section = self.section(e) == "reporting" and re.search(r"truoc ngay|han chot|cham nhat", f)
                if not (re.search(r"bao cao|so ket|tong ket", f) or in_section):
                    continue
                for frequency, deadline, start in phrases.find_deadlines(clause):
                    key = (frequency, tuple(sorted(deadline.items())))
                    if key in seen:
                        continue
                    seen.add(key)
                    out["reporting"].append({
                        "frequency": frequency, "deadline": deadline,
                        "reporters": _reporters(e.text, clause), "recipient": _recipient(clause),
                        "text": clause.strip().rstrip("."), "line": e.line_at(e.text.find(clause) + start),
                    })


# --- helpers ------------------------------------------------------------------

_MUNICIPALITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def unit_of_issuer(issuer, kind=""):
    """{"level", "name"} of the unit whose plan this is, from its issuer.

    The code is left to whoever has the unit list (the import command);
    only the nation is certain from the text alone.
    """
    f = fold(issuer or "")
    if f.startswith(("thu tuong", "chinh phu")) or kind == "programme":
        return {"level": "nation", "structure": "national", "code": "VN", "name": "Việt Nam"}
    m = re.match(r"^(?:uy ban nhan dan|ubnd)\s+(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong)\s+(.+)$", f)
    if not m:
        return {}
    word, place = m.group(1), issuer[len(issuer) - len(m.group(2)):]
    if word == "tinh" or (word == "thanh pho" and m.group(2) in _MUNICIPALITIES):
        level = "province"
    elif word in ("thanh pho", "thi xa", "huyen", "quan"):
        level = "district"
    else:
        level = "commune"
    label = issuer[len(issuer) - len(m.group(2)) - len(word) - 1:len(issuer) - len(m.group(2))].strip()
    return {"level": level, "name": f"{_capitalize(label)} {place}"}



def _is_issuer_line(text):
    return _upper_ratio(text) > 0.85 and re.match(r"^(uy ban nhan dan|cong hoa|doc lap)", fold(text))


def _level_name(text):
    """'TỈNH BẮC KẠN' -> 'tỉnh Bắc Kạn'; 'THỊ XÃ HƯƠNG TRÀ' -> 'thị xã Hương Trà'."""
    text = flat(text).strip()
    f = fold(text)
    for word in ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong"):
        if f.startswith(word + " "):
            level = text[:len(word)].lower()
            rest = text[len(word):].strip()
            return f"{level} {rest.title() if rest.isupper() else rest}"
    return text


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
    before = _LEADING_VERBS.sub("", before).strip(" ,:-")
    before = re.sub(r"^(?:có|chỉ tiêu)\s+", "", before).strip()
    if before and len(before) > 6:
        # "Từng bước xóa bỏ tình trạng tảo hôn, duy trì mức giảm …": the preamble goes.
        before = re.sub(r"^[^,]*(?:xóa bỏ|xoá bỏ|chấm dứt)[^,]*,\s*(?:duy trì\s+|giảm\s+)?", "", before)
        return _percent_name(_capitalize(before), clause)
    # "Phấn đấu 100% trẻ em gặp thiên tai … được cứu trợ": the subject follows the figure.
    after = clause[first_value:]
    after = re.sub(r"^\s*(?:[<>=≤≥]\s*)?\d+(?:[.,]\d+)*\s*(?:%|‰)?\s*", "", after)
    after = re.split(r"\s+(?:vào|đến|trong|tới)\s+năm\s+\d{4}|\s+giai đoạn|\s+hằng năm|\s+hàng năm|[;.]\s*$", after)[0]
    after = re.sub(r"\([^)]*\)", "", after).strip(" ,.")
    return _capitalize("Tỷ lệ " + after) if after else _capitalize(clause.strip())


def _percent_name(name, clause):
    """'Trẻ em 5 tuổi đi học mẫu giáo đạt tỷ lệ trên 99%' names a rate."""
    if "%" in clause and not re.match(r"(tỷ|tỉ) (lệ|suất)|mức|số|tổng", name, re.IGNORECASE):
        return "Tỷ lệ " + name[:1].lower() + name[1:]
    return name


def _capitalize(text):
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


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
    return {"name": _capitalize(name), "unit": phrases.unit_hint(fold(name)) or "percent", "direction": "increase",
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
    from treem.core.numbers import format_number

    words = {"<": "dưới ", "<=": "không quá ", ">": "trên ", ">=": "từ ", "=": "duy trì ", "": "", "range": "từ "}
    value = format_number(t["value"])
    if t["comparator"] == "range":
        value = f"{value} đến {format_number(t['value_max'])}"
    return f"{words.get(t['comparator'], '')}{value}"


def _first_agency(text):
    text = re.sub(r"^đề nghị\s+", "", text.strip(), flags=re.IGNORECASE)
    parts = re.split(r",\s+(?=(?:Trung tâm|Sở|Phòng|Ban|Công an|Hội|Đoàn|Ủy ban|UBND|Tỉnh đoàn)\b)", text)
    return parts[0].strip().rstrip(".:")


def _sentences(folded):
    start = 0
    for m in re.finditer(r"\.\s+", folded):
        yield start, folded[start:m.start()].lstrip("-–•+ ")
        start = m.end()
    yield start, folded[start:].lstrip("-–•+ ")


def _task(number, title, line):
    return {"number": number, "title": title, "lead": [], "coordinating": [],
            "timeframe": {"kind": "", "text": "", "start": None, "end": None}, "line": line, "tasks": []}


_ATTRIBUTES = [
    (re.compile(r"^(?:[a-zđ]\)\s*)?(?:đơn vị|cơ quan)\s+chủ trì(?:\s+thực hiện)?\s*:\s*(.*)$", re.IGNORECASE), "lead"),
    (re.compile(r"^(?:[a-zđ]\)\s*)?(?:đơn vị|cơ quan)\s+phối hợp(?:\s+thực hiện)?\s*:\s*(.*)$", re.IGNORECASE), "coordinating"),
    (re.compile(r"^(?:[a-zđ]\)\s*)?(?:thời gian|thời hạn)(?:\s+thực hiện|\s+hoàn thành)?\s*:\s*(.*)$", re.IGNORECASE), "timeframe"),
    (re.compile(r"^(?:[a-zđ]\)\s*)?giao\s+(.+?)\s*:?\s*$", re.IGNORECASE), "giao"),
]


def _attribute(text):
    for pattern, key in _ATTRIBUTES:
        m = pattern.match(text)
        if m:
            if key == "giao" and (len(m.group(1)) > 120 or not _AGENCY_START.match(m.group(1))):
                continue
            return key, m.group(1)
    return None


def _tasks_between(roots, first, last):
    def key(number):
        return tuple(int(x) for x in number.split(".") if x.isdigit())

    found = []

    def walk(tasks):
        for t in tasks:
            if t["number"][:1].isdigit() and key(first) <= key(t["number"]) <= key(last) and len(key(t["number"])) == len(key(first)):
                found.append(t)
            walk(t["tasks"])

    walk(roots)
    return found


def _partners(text):
    """Agencies named after "Phối hợp (với)": "UBND huyện X và Làng trẻ em SOS Vinh"."""
    out = []
    for m in re.finditer(r"(?:^|[-,;]\s*|\s)[Pp]hối hợp(?:\s+với)?\s+(.+?)(?=\s+(?:tham mưu|tổ chức|triển khai|thực hiện|xây dựng|trong|để|kiểm tra|đánh giá)\b|[;.:]|$)", text):
        for part in re.split(r",\s*|\s+và\s+(?=(?:Sở|Phòng|Ban|Công an|Hội|Đoàn|Tỉnh đoàn|Ủy ban|UBND|Làng|Trung tâm|Bệnh viện)\b)", m.group(1)):
            part = part.strip()
            if part and part[0].isupper() and len(part) < 80 and not re.match(r"^(Các|các)\s+(cơ quan|đơn vị|ngành)", part):
                out.append(part)
    return out


def _recipient(clause):
    m = re.search(r"\(qua\s+([^)]+)\)", clause)
    if m:
        return m.group(1).strip().rstrip(".")
    m = re.search(r"(?:gửi về|gửi|về)\s+((?:Sở|Phòng|Ủy ban|UBND|Bộ)[^,;()]*?)(?=\s+(?:để|trước|theo|trong)\b|[,;().]|$)", clause)
    return m.group(1).strip() if m else ""


def _reporters(paragraph, clause):
    m = re.search(r"((?:Các|các)\s+(?:Sở|sở)[^;]*?|(?:UBND|Ủy ban nhân dân)\s+các[^;]*?)\s+(?:căn cứ|có trách nhiệm|chủ động|báo cáo|định kỳ|tổng hợp)", paragraph)
    return m.group(1).strip(" ,") if m else ""
