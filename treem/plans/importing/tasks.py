"""Tasks with their lead, coordinating agencies and timeframe, and the
reporting regime."""

import re

from . import phrases
from .agencies import AGENCY_START, partner_agencies, split_agencies
from .lines import section_kind
from .phrases import fold


class TasksMixin:
    """Reads tasks and the reporting regime into self.out (a _Document mixin)."""

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
                if depth == 1 and AGENCY_START.match(title) and started:
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
            assignment = has_attributes and m and re.match(r"^(.+?)\s+(?:căn cứ|chủ động|có trách nhiệm)\b", m.group(2)) and AGENCY_START.match(m.group(2))
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
                if m and not owner["lead"] and AGENCY_START.match(m.group(1)):
                    owner["lead"] = [m.group(1).strip()]
                m = re.match(r"^(?:[a-zđ]\)\s+)?(.+?)\s+(?:căn cứ|chủ động|có trách nhiệm)\b", text)
                if has_attributes and m and AGENCY_START.match(m.group(1)) and len(m.group(1)) < 150:
                    owner["lead"] += [a for a in split_agencies(m.group(1)) if a not in owner["lead"]]
                for partner in partner_agencies(text):
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
        heading = heading_section = ""  # the agency whose duties are listed ("11. Ủy ban nhân dân các huyện")
        for e in self.entries:
            if self.section(e) in ("appendix",):
                continue
            m = re.match(r"^\d+\.\s+(.{3,150})$", e.text)
            if m:
                named = m.group(1).strip(" .:;")
                heading, heading_section = (named if AGENCY_START.match(named) else ""), self.section(e)
            elif heading and (self.section(e) != heading_section or re.match(r"^(?:[IVX]+\.|Trên đây)", e.text)):
                heading = ""  # a new part, or the closing paragraph
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
                        "reporters": _reporters(e.text, clause) or heading, "recipient": _recipient(clause),
                        "text": re.sub(r"^(?:[-+•]|[a-zđ]\))\s*", "", clause.strip()).rstrip("."),
                        "line": e.line_at(e.text.find(clause) + start),
                    })




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
            if key == "giao" and (len(m.group(1)) > 120 or not AGENCY_START.match(m.group(1))):
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


def _recipient(clause):
    m = re.search(r"\(qua\s+([^)]+)\)", clause)
    if m:
        return m.group(1).strip().rstrip(".")
    m = re.search(r"(?:gửi về|gửi|về)\s+((?:Sở|Phòng|Ủy ban|UBND|Bộ)[^,;()]*?)(?=\s+(?:để|trước|theo|trong)\b|[,;().]|$)", clause)
    return m.group(1).strip() if m else ""


def _reporters(paragraph, clause):
    m = re.search(r"((?:Các|các)\s+(?:Sở|sở)[^;]*?|(?:UBND|Ủy ban nhân dân)\s+các[^;]*?)\s+(?:căn cứ|có trách nhiệm|chủ động|báo cáo|định kỳ|tổng hợp)", paragraph)
    return m.group(1).strip(" ,") if m else ""
