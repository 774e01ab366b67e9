"""The lines of a plan document: markup removed, tables told from prose,
the section each line belongs to."""

import re

from .phrases import fold

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


def upper_ratio(text):
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return 0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def section_kind(text):
    """What an upper-case heading opens, or None if the line is no heading."""
    m = _NUMBERED.match(text)
    rest = m.group(1) if m else text
    if upper_ratio(rest) < 0.85:
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


def capitalize(text):
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def sentences(folded):
    start = 0
    for m in re.finditer(r"\.\s+", folded):
        yield start, folded[start:m.start()].lstrip("-–•+ ")
        start = m.end()
    yield start, folded[start:].lstrip("-–•+ ")
