"""Appendices 1–7 of the reporting regime as one workbook, one sheet each, in
the layout of the Nghệ An appendices: title rows, merged multi-level headers,
ĐVT, Vietnamese number formats, A4 landscape with the header rows repeated.

The headers are the official wording of the appendices (Vietnamese whatever
the interface language, like the forms' labels). Building reads, never writes.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

from treem.analytics.judging import rounded
from treem.analytics.sources import plan_leads
from treem.reporting.entry import lead_names, row_leads
from treem.reporting.rollup import typed_rate
from treem.reporting.validation import assess
from treem.units.models import Unit

from .indicator_table import TYPED_RATE_MARK
from .values import MIXED, ROLLUP, form_figures, sheet_shortfall_note
from .wording import issuer_for, next_phrase, period_phrase, previous_phrase

FONT = "Times New Roman"
# Excel shows 1.234,5 in a Vietnamese locale. DECIMAL marks a figure shown
# as the report (DOCX) and the pages print it: rounded half up to two
# decimals at most; a column of them reads with one number of decimals, the
# most any of them needs (see _shown).
INTEGER, DECIMAL = "#,##0", "#,##0.0"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CODES = ["PL1", "PL2", "PL3", "PL4", "PL5", "PL6", "PL7"]
JUDGEMENTS = ("met", "not_met", "exceeded")
WITH_PREVIOUS_YEAR = ("PL2", "PL4", "PL6")  # the appendices with a column for last year


@dataclass
class Col:
    """A header cell. A leaf is a data column; a group spans its children; a
    `flat` group prints its title over all its children's columns (the
    appendix's "Các mục tiêu, chỉ tiêu" over number and name)."""

    title: str
    key: str = ""
    width: float = 12
    kind: str = "num"  # num, text, center
    children: list = field(default_factory=list)
    flat: bool = False


def _leaves(cols):
    out = []
    for c in cols:
        out.extend(c.children if c.flat else _leaves(c.children) if c.children else [c])
    return out


def _depth(col):
    return 1 if not col.children or col.flat else 1 + max(_depth(c) for c in col.children)


def _span(col):
    return len(col.children) if col.flat else sum(_span(c) for c in col.children) if col.children else 1


def _place(col, row, column, rows_left, out):
    """Header cells as (row, column, row span, column span, title)."""
    width = _span(col)
    if not col.children or col.flat:
        out.append((row, column, rows_left, width, col.title))
        return
    out.append((row, column, 1, width, col.title))
    for child in col.children:
        _place(child, row + 1, column, rows_left - 1, out)
        column += _span(child)


def number(value):
    """A stored Decimal as Excel takes it: an int when whole."""
    if value is None or isinstance(value, str):
        return value
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _decimals(value):
    """The decimals a figure needs once rounded as the report prints it: 2 for 94,75, 1 for 16,7, 0 for 100."""
    return max(0, -rounded(value).normalize().as_tuple().exponent)


def _shown(value, fmt, decimals):
    """(cell value, number format) of a figure: a DECIMAL one rounded half up
    to two decimals, as the report prints it, and formatted with `decimals`,
    its column's: 15,77 above 16,70, not 16,7; 100 with none in a column of
    whole rates. The cell keeps the number."""
    if fmt != DECIMAL:
        return value, fmt
    return number(rounded(value)), INTEGER if decimals == 0 else "#,##0." + "0" * decimals


def _format_of(line, key, value):
    return line.formats.get(key, INTEGER if isinstance(value, int) else DECIMAL)


def _column_decimals(lines):
    """{column key: decimals} of the DECIMAL figures of each column: the most
    any of them needs, so that a column of rates reads alike."""
    out = {}
    for line in lines:
        for key, value in line.cells.items():
            if isinstance(value, (int, float)) and _format_of(line, key, value) == DECIMAL:
                out[key] = max(out.get(key, 0), _decimals(value))
    return out


@dataclass
class Line:
    cells: dict
    bold: bool = False
    merge: tuple = ()  # (first key, last key): one merged cell
    formats: dict = field(default_factory=dict)  # key -> number format


@dataclass
class Sheet:
    code: str
    title: str
    columns: list
    lines: list
    unit_note: str = ""  # "Đơn vị tính: 1000đ"
    lead_key: str = ""  # the column whose equal cells merge down a group of rows
    lead_blocks: list = field(default_factory=list)  # (first line index, last line index)
    period: object = None  # the period of its figures, when not the report's own (the mid-term review's year)
    footnote: str = ""  # printed under the table


def _format_for(element):
    if element is None:
        return INTEGER
    if element.is_rate or element.value_type in ("percent", "number"):
        return DECIMAL
    return INTEGER


def _judgement_marks(plan, actual, direction, percent=False):
    """The three assessment cells: 'x' (or the % of plan achieved, for money)
    under met, not met or exceeded."""
    # A row with no direction (a denominator, a rate of allowance) is not judged.
    verdict = assess(plan, actual, direction) if direction else ""
    if not verdict:
        return {}
    mark = "x"
    if percent and plan:
        mark = number(Decimal(actual) * 100 / Decimal(plan))
    return {verdict: mark}


def _lead_blocks(rows):
    """Rows sharing one lead agency cell: from a row naming a lead down to the
    row before the next lead or the next section (I, II, Mục tiêu 2)."""
    blocks, start = [], None
    for i, row in enumerate(rows):
        section = row.parent_id is None and row.number
        if row.lead or section:
            if start is not None:
                blocks.append((start, i - 1))
            start = i if row.lead else None
    if start is not None:
        blocks.append((start, len(rows) - 1))
    return [b for b in blocks if b[1] > b[0]]


def _heading(row):
    return row.element_id is None or row.computed or (row.parent_id is None and row.number not in ("", "-", "+"))


# --- one function per appendix: its columns and its lines -----------------

def _pl1(f, period):
    cols = [Col("STT", "no", 6, "center"), Col("TÊN ĐƠN VỊ", "label", 34, "text"),
            Col("SỐ HIỆU, NGÀY THÁNG, NỘI DUNG", "text", 60, "text"), Col("TỔNG SỐ", "total", 12)]
    lines = []
    for row in f.rows:
        cells = {"no": row.number, "label": row.label}
        if row.element_id:
            cells["total"] = number(f.values.get((row.element.code, "total")))
        if row.text_element_id:
            cells["text"] = f.values.get((row.text_element.code, "total"), "")
        lines.append(Line(cells, bold=_heading(row)))
    return cols, lines


def _plan_result_columns(period, percent):
    suffix = " (%)" if percent else ""
    return [
        Col(f"Kết quả thực hiện {previous_phrase(period)}", "previous", 13),
        Col(f"Kế hoạch thực hiện {period_phrase(period)}", "plan", 13),
        Col(f"Kết quả thực hiện {period_phrase(period)}", "actual", 13),
        Col(f"Đánh giá kết quả thực hiện {period_phrase(period)}", children=[
            Col(f"Đạt KH{suffix}", "met", 10, "center"), Col(f"Không đạt KH{suffix}", "not_met", 10, "center"),
            Col(f"Vượt KH{suffix}", "exceeded", 10, "center")]),
        Col(f"Kế hoạch {next_phrase(period)}", "next_plan", 13),
        Col("Ghi chú", "note", 16, "text"),
    ]


def rate_parts(rows):
    """The ids of the elements that are the numerator or denominator of a
    rate in these rows: parts of an indicator's figure, not the figure."""
    return {i for r in rows if r.element_id and r.element.is_rate
            for i in (r.element.numerator_id, r.element.denominator_id)}


def _plan_result_cells(f, row, percent, judged=True):
    """Plan and result cells of a row; the assessment too unless `judged` is
    false (a rate's numerator or denominator: the rate is what is judged,
    and its parts, judged alone, could say otherwise)."""
    e = row.element
    code = e.code
    plan, actual = f.values.get((code, "plan")), f.values.get((code, "actual"))
    cells = {"previous": number(f.previous.get((code, "actual"))), "plan": number(plan),
             "actual": number(actual), "next_plan": number(f.values.get((code, "next_plan")))}
    if judged:
        cells.update(_judgement_marks(plan, actual, e.direction, percent))
    return cells


def _pl2(f, period):
    cols = [Col("TT", "no", 6, "center"), Col("Nội dung", "label", 40, "text"), Col("ĐVT", "unit", 11, "center"),
            *_plan_result_columns(period, percent=False)]
    lines = []
    for row in f.rows:
        cells = {"no": row.number, "label": row.label}
        if row.element_id and row.element.is_numeric:
            cells["unit"] = row.element.unit_label
            cells.update(_plan_result_cells(f, row, percent=False))
        elif row.element_id:
            cells["note"] = f.values.get((row.element.code, "total"), "")
        lines.append(Line(cells, bold=row.element_id is None))
    return cols, lines


def _pl3(f, period):
    cols = [Col("THỜI GIAN", "time", 14, "text"), Col("NỘI DUNG BỒI DƯỠNG, TẬP HUẤN", "label", 44, "text"),
            Col("Số lớp", "classes", 9),
            Col("Số lượt người tham gia, trong đó", children=[
                Col("Tổng số", "total", 10), Col("Nam", "male", 9), Col("Nữ", "female", 9)]),
            Col("Kinh phí (1000đ)", "money", 14), Col("Đơn vị chủ trì thực hiện", "lead", 18, "text"),
            Col("Đơn vị phối hợp thực hiện", "partners", 18, "text")]
    by_code = {r.element.code: r.element for r in f.rows if r.element_id}
    lines = []
    # The appendix lists each class; Treem keeps that list as text (row 4),
    # one class a line, then the totals it collects per column.
    listing = next((f.values.get((c, "total")) for c, e in by_code.items() if e.value_type == "text"), "") or ""
    for text in [t.strip() for t in str(listing).splitlines() if t.strip()]:
        lines.append(Line({"label": text}))
    counts = [e for e in by_code.values() if e.value_type == "count"]
    money = next((e for e in by_code.values() if e.value_type == "money"), None)
    total = {"time": "Tổng cộng"}
    if counts:
        total["classes"] = number(f.values.get((counts[0].code, "total")))
    if len(counts) > 1:
        for o in ("total", "male", "female"):
            total[o] = number(f.values.get((counts[1].code, o)))
    if money is not None:
        total["money"] = number(f.values.get((money.code, "total")))
    lines.append(Line(total, bold=True, merge=("time", "label")))
    return cols, lines


def _pl4(f, period):
    cols = [Col("Thứ tự", "no", 7, "center"), Col("Chỉ tiêu", "label", 44, "text"),
            *_plan_result_columns(period, percent=True)]
    lines = []
    for row in f.rows:
        cells = {"no": row.number, "label": row.label}
        if row.element_id:
            cells.update(_plan_result_cells(f, row, percent=True))
        total = row.number == "" and row.computed
        lines.append(Line(cells, bold=_heading(row) or row.parent_id is None, merge=("no", "label") if total else (),
                          formats={k: DECIMAL for k in JUDGEMENTS}))
    return cols, lines


STAFF = [("Chuyên trách", "full_time"), ("Kiêm nhiệm", "part_time"),
         ("Mạng lưới cộng tác viên trẻ em", "collaborator"), ("Tổng số", "total")]


def _pl5(f, period):
    staff = [Col(title, children=[Col("Nam", f"{code}_male", 8), Col("Nữ", f"{code}_female", 8)])
             for title, code in STAFF]
    cols = [Col("Thứ tự", "no", 7, "center"), Col("Cấp quản lý", "label", 16, "text"),
            Col("Số lượng người làm công tác BVCSTE (người)", children=staff),
            Col("Mô hình tổ chức (chi cục, phòng)", "text", 18, "text"),
            Col("Tổ chức liên ngành (Ban BVCSTE)", children=[
                Col("Có (số lượng)", children=[Col("Nam", "board_male", 8), Col("Nữ", "board_female", 8)]),
                Col("Không", "board_none", 8, "center")])]
    lines = []
    for row in f.rows:
        cells = {"no": row.number, "label": row.label}
        if row.element_id:
            for o in row.options:
                cells[o.code] = number(f.values.get((row.element.code, o.code)))
        if row.text_element_id:
            cells["text"] = f.values.get((row.text_element.code, "total"), "")
        total = row.number == ""
        lines.append(Line(cells, bold=total, merge=("no", "label") if total else ()))
    return cols, lines


def _typed_below(f, element):
    """Whether the figures come from the units below and `element` is a rate
    they type directly (a percentage, a ‰ mortality rate, without numerator
    and denominator), which cannot be added up: its cell is marked, and the
    sheet's footnote says why it is blank."""
    return f.source in (ROLLUP, MIXED) and (typed_rate(element) or element.code in f.typed_below)


def _pl6(f, period):
    year = period_phrase(period)
    cols = [Col("TT", "no", 7, "center"), Col("NỘI DUNG", "label", 58, "text"), Col("ĐVT", "unit", 8, "center"),
            Col(previous_phrase(period)[:1].upper() + previous_phrase(period)[1:], "previous", 11),
            Col(year[:1].upper() + year[1:], children=[
                Col("Tổng số", "total", 11), Col("Nam", "male", 9), Col("Nữ", "female", 9)]),
            Col("Cơ quan chủ trì tham mưu thực hiện", "lead", 22, "text")]
    lines = []
    for row in f.rows:
        cells = {"no": row.number, "label": row.label, "lead": f.leads.get(row.pk, row.lead)}
        fmt = {}
        if row.element_id and row.element.is_numeric:
            e = row.element
            cells["unit"] = e.unit_label
            cells["previous"] = number(f.previous.get((e.code, "total")))
            for o in ("total", "male", "female"):
                cells[o] = number(f.values.get((e.code, o)))
            if cells["total"] is None and _typed_below(f, e):
                cells["total"] = TYPED_RATE_MARK
            if cells["previous"] is None and f.previous_below and typed_rate(e):
                cells["previous"] = TYPED_RATE_MARK  # last year's, added up from below too
            fmt = {k: _format_for(e) for k in ("previous", "total", "male", "female")}
        lines.append(Line(cells, bold=_heading(row), formats=fmt))
    return cols, lines


def _pl7(f, period):
    cols = [Col("Các mục tiêu, chỉ tiêu", flat=True, children=[Col("", "no", 11, "text"),
                                                                Col("", "label", 46, "text")]),
            Col("ĐVT", "unit", 10, "center"),
            Col(f"Kế hoạch thực hiện {period_phrase(period)}", "plan", 13),
            Col(f"Kết quả thực hiện {period_phrase(period)}", "actual", 13),
            Col(f"Kế hoạch thực hiện {next_phrase(period)}", "next_plan", 13),
            Col(f"Đánh giá kết quả thực hiện {period_phrase(period)}", children=[
                Col("Không đạt KH", "not_met", 10, "center"), Col("Đạt KH", "met", 10, "center"),
                Col("Vượt KH", "exceeded", 10, "center")]),
            Col("Cơ quan chủ trì tham mưu thực hiện", "lead", 22, "text")]
    lines = []
    parts = rate_parts(f.rows)
    for row in f.rows:
        cells = {"no": row.number, "label": row.label, "lead": f.leads.get(row.pk, row.lead)}
        e = row.element
        if e is None:
            lines.append(Line(cells, bold=True, merge=("label", "exceeded")))
            continue
        if not e.is_numeric:
            cells["actual"] = f.values.get((e.code, "total"), "")
            lines.append(Line(cells, merge=("plan", "next_plan")))
            continue
        cells["unit"] = e.unit_label
        cells.update(_plan_result_cells(f, row, percent=False, judged=e.pk not in parts))
        cells.pop("previous", None)
        if _typed_below(f, e):  # the plans, rates as well, cannot be added up either
            cells.update({k: TYPED_RATE_MARK for k in ("plan", "actual", "next_plan") if cells[k] is None})
        fmt = {k: _format_for(e) for k in ("plan", "actual", "next_plan")}
        lines.append(Line(cells, formats=fmt))
    return cols, lines


BUILDERS = {"PL1": _pl1, "PL2": _pl2, "PL3": _pl3, "PL4": _pl4, "PL5": _pl5, "PL6": _pl6, "PL7": _pl7}


def appendix_sheets(period, unit):
    """The seven appendices as Sheet descriptions (what the workbook prints)."""
    sheets = []
    for code in CODES:
        f = form_figures(code, period, unit, with_previous=code in WITH_PREVIOUS_YEAR)
        if f is None:
            continue
        shown = f.period or period  # the mid-term review prints its latest year with figures
        if code in ("PL6", "PL7"):
            # The lead agencies of the unit's own plan, where the form's column names Nghệ An's; a
            # ministry's appendix does not repeat a province's departments.
            default = {r.pk: "" for r in f.rows} if unit.level == Unit.Level.NATION else {}
            f.leads = {**default, **{pk: lead_names(pairs) for pk, pairs in row_leads(
                f.rows, plan_leads(unit, shown.end.year)).items()}}
        cols, lines = BUILDERS[code](f, shown)
        unit_note = "Đơn vị tính: 1000đ" if code == "PL4" else f.coverage_note() if code == "PL6" else ""
        sheet = Sheet(code, f.form.title.upper(), cols, lines, unit_note=unit_note,
                      period=shown)
        if any(c.key == "lead" for c in _leaves(cols)) and code in ("PL6", "PL7"):
            sheet.lead_key = "lead"
            sheet.lead_blocks = _lead_blocks(f.rows)
        if not f.source:
            sheet.footnote = "Chưa có báo cáo nào được phê duyệt cho phụ lục này trong kỳ: bảng để trống."
        else:
            notes = [sheet_shortfall_note(f, unit)]
            if any(TYPED_RATE_MARK in line.cells.values() for line in lines):
                notes.append(f"{TYPED_RATE_MARK} Chưa tổng hợp được: cấp dưới báo cáo trực tiếp tỷ lệ, không kèm tử "
                             f"số và mẫu số, nên không cộng được.")
            sheet.footnote = "\n".join(n for n in notes if n)
        sheet.figures = f
        sheets.append(sheet)
    return sheets


# --- writing the workbook -------------------------------------------------

def _lines(text, width, per_unit=1.4):
    """How many lines `text` takes in a column `width` wide (11 pt Times New
    Roman fits about 1,4 characters per unit of width, bold about 1,1)."""
    per_line = max(int(width * per_unit), 1)
    return sum(-(-len(part) // per_line) or 1 for part in str(text).split("\n"))


def _row_height(texts_and_widths, base=15):
    """An estimated height, so wrapped labels show whole in Excel as in
    LibreOffice (neither sizes rows written by openpyxl by itself)."""
    lines = max([_lines(t, w) for t, w in texts_and_widths if t] or [1])
    return base * lines + 2


def _add_styles(wb):
    """The cell styles, registered once: assigning a named style is much
    cheaper in openpyxl than setting font, border and alignment per cell."""
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")
    plain, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    styles = {
        "title": (Font(name=FONT, size=13, bold=True), center, None),
        "subtitle": (bold, center, None),
        "note": (Font(name=FONT, size=11, italic=True), center, None),
        "unit_note": (Font(name=FONT, size=11, italic=True), right, None),
        "footnote": (Font(name=FONT, size=11, italic=True), left, None),
        "header": (bold, center, BOX),
        "column_number": (Font(name=FONT, size=10, italic=True), center, BOX),
        "text": (plain, left, BOX), "text_bold": (bold, left, BOX),
        "center": (plain, center, BOX), "center_bold": (bold, center, BOX),
        "number": (plain, right, BOX), "number_bold": (bold, right, BOX),
    }
    for name, (font, alignment, border) in styles.items():
        style = NamedStyle(name=f"treem_{name}", font=font, alignment=alignment)
        if border is not None:
            style.border = border
        wb.add_named_style(style)


def _merge(ws, first_row, first_column, last_row, last_column, style):
    """ws.merge_cells, without its cost: openpyxl re-draws the borders of
    every merged range with new style objects, a second for a workbook of
    this size; here the covered cells simply take the named style."""
    ws.merged_cells.add(MergedCellRange(ws, CellRange(min_row=first_row, min_col=first_column, max_row=last_row,
                                                      max_col=last_column).coord))
    for r in range(first_row, last_row + 1):
        for c in range(first_column, last_column + 1):
            if (r, c) != (first_row, first_column):
                cell = MergedCell(ws, row=r, column=c)
                cell.style = style
                ws._cells[(r, c)] = cell


def _write_sheet(ws, sheet, period, issuer, report_ref):
    leaves = _leaves(sheet.columns)
    keys = [c.key for c in leaves]
    last = get_column_letter(len(leaves))
    width = len(leaves)

    def banner(row, text, style, height=None):
        ws.cell(row=row, column=1, value=text).style = f"treem_{style}"
        _merge(ws, row, 1, row, width, f"treem_{style}")
        if height:
            ws.row_dimensions[row].height = height

    number_of = sheet.code[2:]
    banner(1, f"PHỤ LỤC {number_of}", "title", 18)
    banner(2, f"TÊN ĐƠN VỊ: {issuer.upper()}", "subtitle", 16)
    total_width = sum(c.width for c in leaves)
    title = f"{sheet.title} {period_phrase(sheet.period or period).upper()}"
    banner(3, title, "title", _row_height([(title, total_width * 0.65)], 18))  # 13 pt bold capitals
    banner(4, f"(Kèm theo {report_ref})", "note", 16)
    row = 5
    if sheet.unit_note:
        banner(row, sheet.unit_note, "unit_note")
    row += 1

    # Headers, merged as the appendix prints them.
    depth = max(_depth(c) for c in sheet.columns)
    header_top = row
    placed, column = [], 1
    for col in sheet.columns:
        _place(col, header_top, column, depth, placed)
        column += _span(col)
    for r in range(header_top, header_top + depth):
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).style = "treem_header"
    for r, c, rows, cols, text in placed:
        ws.cell(row=r, column=c, value=text)
        if rows > 1 or cols > 1:
            _merge(ws, r, c, r + rows - 1, c + cols - 1, "treem_header")
    header_bottom = header_top + depth - 1
    # Each header row as tall as its tallest one-row cell; a cell spanning
    # several rows adds what it still lacks to its last row.
    heights = {r: 17.0 for r in range(header_top, header_bottom + 1)}
    for r, c, rows, n, text in sorted(placed, key=lambda p: p[2]):
        need = 14 * _lines(text, sum(leaves[i].width for i in range(c - 1, c - 1 + n)), 1.1) + 4
        have = sum(heights[x] for x in range(r, r + rows))
        if need > have:
            heights[r + rows - 1] += need - have
    for r, h in heights.items():
        ws.row_dimensions[r].height = h
    # The column numbers under the headers, as official tables carry them.
    row = header_bottom + 1
    for i in range(width):
        ws.cell(row=row, column=i + 1, value=f"({i + 1})").style = "treem_column_number"

    first_data = row + 1
    decimals = _column_decimals(sheet.lines)
    in_lead_block = {i for a, b in sheet.lead_blocks for i in range(a, b + 1)}
    for n, line in enumerate(sheet.lines):
        r = first_data + n
        merge_from = keys.index(line.merge[0]) if line.merge else None
        merge_to = keys.index(line.merge[1]) if line.merge else None
        texts = []
        cells = dict(line.cells)
        if merge_from is not None and not cells.get(keys[merge_from]):
            # A merged cell shows what the first filled cell of its range holds ("Tổng cộng").
            cells[keys[merge_from]] = next((cells.get(k) for k in keys[merge_from:merge_to + 1] if cells.get(k)), None)
        for i, col in enumerate(leaves):
            value = cells.get(col.key) if merge_from is None or not merge_from < i <= merge_to else None
            if value == "":
                value = None
            fmt = None
            if isinstance(value, (int, float)):
                value, fmt = _shown(value, _format_of(line, col.key, value), decimals.get(col.key, 0))
            cell = ws.cell(row=r, column=i + 1, value=value)
            weight = "_bold" if line.bold else ""
            if fmt is not None:
                cell.style = f"treem_number{weight}"
                cell.number_format = fmt
            elif col.kind == "center" or col.key == "no":
                cell.style = f"treem_center{weight}"
            else:
                cell.style = f"treem_text{weight}"
            if isinstance(value, str) and value and not (col.key == sheet.lead_key and n in in_lead_block):
                w = col.width
                if merge_from is not None and i == merge_from:
                    w = sum(c.width for c in leaves[merge_from:merge_to + 1])
                texts.append((value, w))
        if merge_from is not None and merge_to > merge_from:
            _merge(ws, r, merge_from + 1, r, merge_to + 1, ws.cell(row=r, column=merge_from + 1).style)
        ws.row_dimensions[r].height = _row_height(texts)
    if sheet.lead_key in keys:
        c = keys.index(sheet.lead_key) + 1
        for a, b in sheet.lead_blocks:
            _merge(ws, first_data + a, c, first_data + b, c, "treem_text")
    last_row = printed = first_data + len(sheet.lines) - 1
    if sheet.footnote:
        printed += 1
        ws.cell(row=printed, column=1, value=sheet.footnote).style = "treem_footnote"
        _merge(ws, printed, 1, printed, width, "treem_footnote")
        ws.row_dimensions[printed].height = _row_height([(sheet.footnote, sum(c.width for c in leaves))])

    for i, col in enumerate(leaves):
        ws.column_dimensions[get_column_letter(i + 1)].width = col.width
    ws.print_area = f"A1:{last}{max(printed, header_bottom + 1)}"
    ws.print_title_rows = f"{header_top}:{header_bottom + 1}"
    ws.freeze_panes = ws.cell(row=first_data, column=1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    return first_data, last_row


def build_appendices(period, unit, plan=None, report_ref=None):
    """The workbook (bytes) of Appendices 1–7 for `unit` in `period`."""
    issuer = issuer_for(plan, unit)
    report_ref = report_ref or f"Báo cáo số …/BC-… của {issuer}"
    wb = Workbook()
    wb.remove(wb.active)
    _add_styles(wb)
    for sheet in appendix_sheets(period, unit):
        ws = wb.create_sheet(f"Phụ lục {sheet.code[2:]}")
        _write_sheet(ws, sheet, period, issuer, report_ref)
    if not wb.worksheets:
        wb.create_sheet("Phụ lục")
    wb.properties.title = f"Phụ lục báo cáo công tác trẻ em {period_phrase(period)}"
    wb.properties.creator = "Treem"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
