"""The semi-annual or annual report, and the 2025 mid-term review, as a Word
document in the official administrative form of Decree 30/2020/NĐ-CP: the
two-column header (issuer, number; national motto, place and date), the
title, the outline A. I–III and B of the reporting regime with the text the
unit entered in form BC, tables and sentences generated from the figures, the
recipients and the signature block. Times New Roman, A4, margins 20/20/30/15 mm.

The fixed wording is the decree's and the outline's, in Vietnamese whatever
the interface language. Building reads, never writes.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from treem.analytics.judging import rounded
from treem.analytics.results import completeness
from treem.core.numbers import format_change, format_number
from treem.reporting.models import Submission
from treem.units.models import Unit

from . import indicator_table
from .indicator_table import actual_text
from .values import current_form, form_figures, shortfall_note
from .wording import (
    HEALTH_TAKES_CHILD_AFFAIRS,
    MINISTRY_CODES,
    issuer_code,
    issuer_for,
    issuer_lines,
    lower_first,
    ministry_in_charge,
    next_phrase,
    period_phrase,
    place_and_date,
    place_for,
    previous_phrase,
    report_date,
)

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.5  # A4 210 mm less 30 mm left and 15 mm right
PLACEHOLDER = "…" * 30  # one line to fill in by hand
KINDS = {"decision": "Quyết định", "plan": "Kế hoạch", "programme": "Chương trình"}
JUDGEMENT_TEXT = {"met": "Đạt", "exceeded": "Vượt", "not_met": "Không đạt", "not_collected": "Không thống kê",
                  "empty_group": "Không có trẻ thuộc diện", "no_data": "Chưa có số liệu",
                  "no_target": "Không có chỉ tiêu năm"}  # as the pages say: the plan sets none for this year

# Where the generated parts go in the outline (codes of form BC's rows).
RESULTS_AFTER = "A.I.5"  # Kết quả thực hiện các mục tiêu, chỉ tiêu: the indicator table
FUNDING_AFTER = "A.I.6"  # Nguồn lực: the sums of Appendix 4
COMPARISON_AFTER = "A.II.1"  # So sánh với cùng kỳ năm trước: key figures of Appendix 6
_TRAILING_NOTE = re.compile(r"\s*\(.*?\)\s*$")
PL6_KEY_ROWS = ["PL6_I_1", "PL6_I_2", "PL6_II", "PL6_III", "PL6_II_11", "PL6_II_12", "PL6_IV_2_1",
                "PL6_IV_2_2", "PL6_IV_2_2_1"]


def default_signer_title(issuer):
    """Who signs when the page leaves it empty: the people's committee's chair
    on its behalf, a minister, or the head of another agency."""
    if issuer.upper().startswith(("ỦY BAN", "UỶ BAN")):
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    return "BỘ TRƯỞNG" if issuer in MINISTRY_CODES else "THỦ TRƯỞNG CƠ QUAN"


@dataclass
class ReportOptions:
    """What the person issuing the report may set; everything has a default."""

    number: str = ""  # "125" -> "Số: 125/BC-UBND"
    day: object = None  # date; today by default
    signer_name: str = ""
    signer_title: str = ""  # lines separated by "\n"; "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" by default
    recipients: list = field(default_factory=list)


# --- small helpers over python-docx ----------------------------------------

def _set_font(run, size=None, bold=False, italic=False):
    # The face comes from the Normal style (Times New Roman, East Asian too).
    if size:
        run.font.size = Pt(size)
    # Only what differs from Normal: an explicit "not bold" costs an element per run.
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return run


def _para(container, text="", size=14, bold=False, italic=False, align=None, indent=False, before=0, after=6):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _set_font(p.add_run(text), size, bold, italic)
    return p


def _border_line(p, edge):
    """Make the empty paragraph `p` a thin line along its `edge` ("top" or
    "bottom"), the short rules the decree draws under header lines."""
    _set_font(p.add_run(""), 2)
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{edge}")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        line.set(qn(k), v)
    borders.append(line)
    p._p.get_or_add_pPr().append(borders)


def _rule(cell, length_cm, width_cm):
    """A short centred line under a header block, as the decree draws it."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = max((width_cm - length_cm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_before, fmt.space_after = Pt(2), Pt(4)
    _border_line(p, "top")
    return p


def _cell_text(cell, text, size=12, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    if text not in (None, ""):
        _set_font(p.add_run(str(text)), size, bold, italic)
    return p


def _widths(table, widths_cm):
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def _row_flag(row, name):
    """Set a row property: w:tblHeader (repeat on every page), w:cantSplit
    (keep the row on one page)."""
    el = OxmlElement(name)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _grid_table(doc, headers, rows, widths_cm, numeric_from=2, size=11):
    """A bordered table with a bold header row repeated on every page;
    columns from `numeric_from` are right-aligned."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_cm)  # before adding rows: new rows take the grid's widths
    for cell, text in zip(table.rows[0].cells, headers):
        _cell_text(cell, text, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_flag(table.rows[0], "w:tblHeader")
    _row_flag(table.rows[0], "w:cantSplit")
    merges = []
    for values in rows:
        heading = False
        if isinstance(values, tuple) and len(values) == 2 and isinstance(values[1], bool):
            values, heading = values
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        cells = row.cells
        for i, (cell, text) in enumerate(zip(cells, values)):
            if heading and i > 1:
                continue
            align = WD_ALIGN_PARAGRAPH.CENTER if i == 0 or i >= numeric_from else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cell, text, size, bold=heading, align=align)
        if heading:
            merges.append(cells)
    # A heading row (an objective) runs across every column after its number.
    for cells in merges:
        cells[1].merge(cells[-1])
    return table


# --- the frame: page, header, title, recipients, signature -----------------

def _new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    _page_numbers(section)
    return doc


def _page_numbers(section):
    """The page number centred in the header, from the second page (decree 30)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _set_font(p.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _header(doc, issuer, place, day, number):
    left_w, right_w = 6.3, 10.2
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    lines = issuer_lines(issuer)
    _cell_text(left, lines[0], 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in lines[1:]:
        _para(left, line, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(left, 2.2, left_w)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 13.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(right, 6.0, right_w)
    left, right = table.rows[1].cells
    code = issuer_code(issuer)
    number_text = f"Số: {number}/BC-{code}" if number else f"Số:        /BC-{code}"
    _cell_text(left, number_text, 13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(right, place_and_date(place, day), 14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _widths(table, [left_w, right_w])
    return table


def _title(doc, lines):
    _para(doc, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    for line in lines:
        _para(doc, line, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(6.25), Cm(6.25)
    fmt.space_after = Pt(12)
    _border_line(p, "bottom")


def default_recipients(unit, day=None):
    """The usual "Nơi nhận" of a unit's report to the level above, as of the
    day the report is issued (today by default), whatever period it covers."""
    # Child affairs moved from the labour ministry to the Ministry of Health on 01/03/2025:
    # a 2024 report issued after that goes to the health ministry and departments.
    health = report_date(day) >= HEALTH_TAKES_CHILD_AFFAIRS
    ministry = ministry_in_charge(report_date(day))
    department = "Sở Y tế" if health else "Sở Lao động - Thương binh và Xã hội"
    if unit.level == Unit.Level.PROVINCE:
        return [f"{ministry} (b/c);", "Thường trực Tỉnh ủy (b/c);", "Thường trực HĐND tỉnh (b/c);",
                "Chủ tịch, các PCT UBND tỉnh;", "Các sở, ban, ngành, đoàn thể tỉnh;", "Lưu: VT."]
    if unit.level == Unit.Level.DISTRICT:
        kind = lower_first(unit.kind or "huyện")
        return ["UBND tỉnh (b/c);", f"{department} (b/c);", f"Thường trực {kind.capitalize()} ủy, HĐND {kind};",
                f"Các phòng, ban, đoàn thể {kind};", "Lưu: VT."]
    if unit.level == Unit.Level.COMMUNE:
        above = unit.parent.name if unit.parent_id else "cấp trên"
        return [f"UBND {lower_first(above)} (b/c);", "Lưu: VT."]
    return ["Thủ tướng Chính phủ (b/c);", "Lưu: VT."]


def _signature(doc, issuer, options, recipients):
    table = doc.add_table(rows=1, cols=2)
    _row_flag(table.rows[0], "w:cantSplit")  # the signature block stays on one page
    left, right = table.rows[0].cells
    p = _cell_text(left, "Nơi nhận:", 12, bold=True, italic=True)
    p.paragraph_format.space_before = Pt(12)
    for line in recipients:
        _para(left, f"- {line}", 11, after=0)
    title = options.signer_title or default_signer_title(issuer)
    lines = [t.strip() for t in title.split("\n") if t.strip()]
    p = _cell_text(right, lines[0].upper(), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_before = Pt(12)
    for line in lines[1:]:
        _para(right, line.upper(), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    for _ in range(4):
        _para(right, "", 14, after=0)
    _para(right, options.signer_name or "", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _widths(table, [7.5, 9.0])


# --- the outline with the unit's text -----------------------------------------

def narrative(unit, period):
    """(rows of form BC, {element code: text}) of the unit's own BC report
    for the period: the approved one, or else the text as last saved (the
    unit writes its own report before sending it up)."""
    form = current_form("BC")
    if form is None:
        return [], {}
    from treem.reporting.validation import form_rows

    rows = form_rows(form)
    submission = (Submission.objects.filter(form=form, unit=unit, period=period, agency=None)
                  .order_by("-updated_at").first())
    texts = {}
    if submission is not None:
        for code, text in submission.values.filter(element__value_type="text").values_list("element__code", "text"):
            texts[code] = text
    return rows, texts


def _depth(row, by_pk):
    d, r = 0, row
    while r.parent_id in by_pk:
        d, r = d + 1, by_pk[r.parent_id]
    return d


def _heading_text(row, label, period):
    label = label.strip()
    if row.code == "A":
        label = f"{label} {period_phrase(period).upper()}"
    elif row.code == "B":
        # "(6 tháng cuối năm/năm sau)" becomes the period itself.
        label = f"{_TRAILING_NOTE.sub('', label)} {next_phrase(period).upper()}"
    number = row.number.strip()
    if not number:
        return label
    if number in ("-", "+"):
        return f"{number} {label}"
    if number.endswith(")"):
        return f"{number} {label}"
    return f"{number}. {label}"


def _subtree_ends(rows):
    """{row code: code of the last row of its subtree}."""
    by_pk = {r.pk: r for r in rows}
    last = {}
    for r in rows:
        last[r.code] = r.code
        p = r
        while p.parent_id in by_pk:
            p = by_pk[p.parent_id]
            last[p.code] = r.code
    return last


def _outline(doc, rows, texts, unit, period, after_hooks):
    """The outline's headings, worded for the unit's level, and the unit's
    text; `after_hooks` maps a row code to a function writing generated
    content after that row's subtree."""
    by_pk = {r.pk: r for r in rows}
    ends = _subtree_ends(rows)
    hooks_at = {}
    for code, hook in after_hooks.items():
        hooks_at.setdefault(ends.get(code, code), []).append(hook)
    for row in rows:
        depth = _depth(row, by_pk)
        label = row.label_for(unit, period)
        own_text = row.element_id and (texts.get(row.element.code) or "").strip()
        if not label and not own_text:  # not asked of this unit (no district level, say)
            for hook in hooks_at.get(row.code, []):
                hook(doc)
            continue
        text = _heading_text(row, label or row.label, period)
        if row.element_id is None and not row.number:
            _para(doc, text, 14, italic=True, indent=True)
        else:
            bold = depth <= 3
            italic = depth >= 3
            _para(doc, text, 14, bold=bold, italic=italic, indent=True, before=6 if depth == 0 else 0,
                  align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if row.element_id and row.element.value_type == "text":
            body = (texts.get(row.element.code) or "").strip()
            for line in [t.strip() for t in body.splitlines() if t.strip()] or [PLACEHOLDER]:
                _para(doc, line, 14, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        for hook in hooks_at.get(row.code, []):
            hook(doc)


# --- generated parts ----------------------------------------------------------

def _funding(doc, period, unit):
    f = form_figures("PL4", period, unit, with_previous=False)
    if f is None or not f.values:
        return
    total = next((r.element for r in f.rows if r.element_id and r.code == "T"), None)
    social = next((r.element for r in f.rows if r.element_id and r.code == "2"), None)
    parts = []
    if total is not None:
        actual, plan = f.values.get((total.code, "actual")), f.values.get((total.code, "plan"))
        if actual is not None:
            text = (f"Tổng kinh phí thực hiện công tác trẻ em {period_phrase(period)}: "
                    f"{format_number(actual)} nghìn đồng")
            if plan:
                text += f", đạt {actual_text(Decimal(actual) * 100 / Decimal(plan))}% kế hoạch"
            parts.append(text)
    if social is not None and f.values.get((social.code, "actual")) is not None:
        parts.append(f"trong đó nguồn vận động xã hội {format_number(f.values[(social.code, 'actual')])} nghìn đồng")
    if parts:
        _para(doc, "; ".join(parts) + " (chi tiết tại Phụ lục 4).", 14, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def comparison_lines(f):
    """The lines [TT, row, ĐVT, last year, this year, change] of the key
    Appendix 6 rows `f` (FormFigures) has, in the appendix's order, numbered
    1, 2…: its own references ("II.11") mean nothing in the report. A
    sub-item of a listed row ("Trong đó: + Số trẻ em tử vong do đuối nước")
    is not a number of its own: it reads under its total, unnumbered."""
    lines, listed = [], set()
    for row in (r for r in f.rows if r.element_id and r.element.code in PL6_KEY_ROWS):
        code = row.element.code
        now, before = f.values.get((code, "total")), f.previous.get((code, "total"))
        if now is None and before is None:
            continue
        change = ""
        if now is not None and before is not None:
            diff = Decimal(now) - Decimal(before)
            change = format_change(rounded(diff))
        listed.add(row.pk)
        number = "" if row.parent_id in listed else str(sum(1 for line in lines if line[0]) + 1)
        lines.append([number, row.label, row.element.unit_label, actual_text(before), actual_text(now), change])
    return lines


def _comparison(doc, period, unit):
    f = form_figures("PL6", period, unit)
    if f is None or not (f.values or f.previous):
        return
    lines = comparison_lines(f)
    if not lines:
        return
    _para(doc, f"Một số chỉ số cơ bản về trẻ em {period_phrase(period)} so với cùng kỳ "
               f"{previous_phrase(period)} (chi tiết tại Phụ lục 6):", 14, indent=True,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    prev = previous_phrase(period)
    _grid_table(doc, ["TT", "Nội dung", "ĐVT", prev[:1].upper() + prev[1:],
                      period_phrase(period)[:1].upper() + period_phrase(period)[1:], "Tăng (+), giảm (−)"],
                lines, [1.6, 7.0, 1.6, 2.1, 2.1, 2.1])
    if f.coverage_note():
        _para(doc, "Ghi chú: " + f.coverage_note(), 12, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(doc, "", 6, after=0)


def _results_block(doc, plan, unit, period):
    """The indicator results table and the sentences read from it."""
    if plan is None:
        return
    year = int(period.code[:4])
    table = indicator_table.results_table(plan, unit, year)
    for sentence in indicator_table.sentences(table):
        _para(doc, sentence, 14, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if not table.rows:
        return
    _para(doc, f"Kết quả thực hiện các chỉ tiêu của {plan_reference(plan)} {period_phrase(period)}:", 14,
          indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _grid_table(doc, ["TT", "Chỉ tiêu", "ĐVT", f"Kế hoạch {period_phrase(period)}",
                      f"Thực hiện {period_phrase(period)}", "Đánh giá"],
                [([r.number, r.name, r.unit, r.target, r.actual, JUDGEMENT_TEXT.get(r.judgement, "")], r.heading)
                 for r in table.rows], [1.1, 6.6, 1.4, 2.2, 2.1, 3.1], size=11)
    note = indicator_table.typed_rate_note(table)
    if note:
        _para(doc, f"Ghi chú: {note}", 12, italic=True, before=6)
    _para(doc, "", 6, after=0)


def plan_reference(plan):
    kind = KINDS.get(plan.document_kind, "Kế hoạch")
    text = f"{kind} số {plan.number}" if plan.number else kind
    if plan.issued_on:
        text += f" ngày {plan.issued_on.day:02d}/{plan.issued_on.month:02d}/{plan.issued_on.year}"
    if plan.issuer:
        text += f" của {plan.issuer}"
    return text


def _introduction(doc, plan, issuer, period, subject):
    if plan is not None:
        text = (f"Thực hiện {plan_reference(plan)} {lower_first(plan.title.strip().rstrip('.'))}, "
                f"{issuer} báo cáo {subject} như sau:")
    else:
        text = f"{issuer} báo cáo {subject} như sau:"
    _para(doc, text, 14, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _shortfall(doc, unit, period):
    """Said before any figure: the indicators are added up from too few
    communes to be the unit's, as the results page warns."""
    if unit.level == Unit.Level.COMMUNE or not period.code[:4].isdigit():
        return
    year = int(period.code[:4])
    (reported, expected), _children = completeness(unit, year)
    note = shortfall_note(unit, reported, expected, f"báo cáo Phụ lục 7 năm {year}")
    if note:
        _para(doc, f"Lưu ý: {note} Các chỉ tiêu dưới đây được đánh giá trên số liệu đó.", 14, italic=True,
              indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _finish(doc):
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- the two documents --------------------------------------------------------

def build_report(plan, unit, period, options=None):
    """The semi-annual or annual report (bytes of a .docx) of `unit` for `period`."""
    options = options or ReportOptions()
    day = report_date(options.day)
    issuer = issuer_for(plan, unit, day)
    doc = _new_document()
    doc.core_properties.title = f"Báo cáo kết quả thực hiện công tác trẻ em {period_phrase(period)}"
    doc.core_properties.author = issuer
    _header(doc, issuer, place_for(plan, unit), day, options.number)
    _title(doc, [f"Kết quả thực hiện công tác trẻ em {period_phrase(period)}",
                 f"và phương hướng, nhiệm vụ {next_phrase(period)}"])
    _introduction(doc, plan, issuer, period,
                  f"kết quả thực hiện công tác trẻ em {period_phrase(period)} và phương hướng, nhiệm vụ "
                  f"{next_phrase(period)}")
    _shortfall(doc, unit, period)
    rows, texts = narrative(unit, period)
    _outline(doc, rows, texts, unit, period, {
        RESULTS_AFTER: lambda d: _results_block(d, plan, unit, period),
        FUNDING_AFTER: lambda d: _funding(d, period, unit),
        COMPARISON_AFTER: lambda d: _comparison(d, period, unit),
    })
    if not rows:
        _results_block(doc, plan, unit, period)
    _signature(doc, issuer, options, options.recipients or default_recipients(unit, day))
    return _finish(doc)


def _landscape(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(30), Mm(15)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    return section


def _portrait(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return section


def _review_judgement(row):
    """'Đạt', or 'Đạt (số liệu năm 2024)' where the last year had no result."""
    text = JUDGEMENT_TEXT.get(row.judgement, "")
    if row.judged_year is not None and text:
        text += f" (số liệu năm {row.judged_year})"
    return text


def build_mid_term_review(plan, unit, period, options=None):
    """The 2025 mid-term review (period 2025MTR, 2021–2025): for each
    indicator the baseline, each year's actual, the 2025 target and the
    judgement, with the unit's text in the report outline."""
    options = options or ReportOptions()
    day = report_date(options.day)
    issuer = issuer_for(plan, unit, day)
    first, last = period.start.year, int(period.code[:4])
    doc = _new_document()
    doc.core_properties.title = f"Báo cáo sơ kết giữa kỳ giai đoạn {first} - {last}"
    doc.core_properties.author = issuer
    _header(doc, issuer, place_for(plan, unit), day, options.number)
    _title(doc, ["Sơ kết giữa kỳ thực hiện Chương trình hành động vì trẻ em", f"giai đoạn {first} - {last}",
                 f"và phương hướng, nhiệm vụ giai đoạn {last + 1} - 2030"])
    _introduction(doc, plan, issuer, period, f"kết quả sơ kết giữa kỳ giai đoạn {first} - {last}")
    review = indicator_table.mid_term_table(plan, unit, first, last)

    def table_hook(d):
        for sentence in indicator_table.mid_term_sentences(review, last):
            _para(d, sentence, 14, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if not review.rows:
            return
        _landscape(d)
        _para(d, f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU GIAI ĐOẠN {first} - {last}", 13, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER)
        years = list(range(first, last + 1))
        headers = ["TT", "Chỉ tiêu", "ĐVT", review.baseline_label, *[f"Năm {y}" for y in years],
                   f"Mục tiêu {last}", f"Đánh giá {last}"]
        widths = [1.1, 8.0, 1.4, 2.0, *[1.8] * len(years), 2.2, 2.0]  # 25,7 cm: A4 landscape less 2 × 20 mm
        _grid_table(d, headers, [([r.number, r.name, r.unit, r.baseline, *r.actuals, r.target,
                                   _review_judgement(r)], r.heading) for r in review.rows],
                    widths, size=10)
        if indicator_table.judged_elsewhere(review):
            _para(d, f"Ghi chú: chỉ tiêu chưa có số liệu năm {last} được đánh giá so với mục tiêu năm {last} theo "
                     f"số liệu của năm gần nhất có số liệu, ghi trong ngoặc tại cột “Đánh giá {last}”.", 12,
                  italic=True, before=6)
        note = indicator_table.typed_rate_note(review)
        if note:
            _para(d, f"Ghi chú: {note}", 12, italic=True, before=6)
        _portrait(d)

    rows, texts = narrative(unit, period)
    _outline(doc, rows, texts, unit, period, {RESULTS_AFTER: table_hook,
                                               FUNDING_AFTER: lambda d: _funding(d, period, unit)})
    if not rows:
        table_hook(doc)
    _signature(doc, issuer, options, options.recipients or default_recipients(unit, day))
    return _finish(doc)

