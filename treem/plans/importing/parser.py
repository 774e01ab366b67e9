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

Every value carries the 1-based line it came from. The parts live in their own
modules: lines.py (cleaning, sections), header.py, indicators.py (narrative,
table, leads), tasks.py (tasks, reporting), agencies.py, phrases.py (figures,
comparators, units, timeframes).
"""

import re

from .header import HeaderMixin, unit_of_issuer
from .indicators import IndicatorsMixin
from .lines import Entry, clean, flat, is_table_row, section_kind
from .tasks import TasksMixin

FORMAT = "treem-plan/1"

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


class _Document(HeaderMixin, IndicatorsMixin, TasksMixin):
    """The whole document's state; each part of the grammar is a mixin in its own module."""

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
        self._places()
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
