"""The Excel template of a form for one unit and period, to fill offline.

One visible sheet (named after the form) holds the form as on the web page:
printed number, label, unit of measure, one input column per disaggregation
option, last period's value greyed beside each, the text column where the
form has one, and a comment column for the figures validation warns about.
Only the input cells are unlocked. Column A and row 7 are hidden
and hold the row and column codes, so an upload whose rows or columns were
inserted, deleted or moved is recognised; so is a row whose label (column C)
no longer is the form's, its figures perhaps moved under another row's name.
Rows worded by level (the report outline, BC) read as on the unit's entry
page, and a row the page leaves out is hidden and locked (see outline_label).
A "veryHidden" sheet says which form, unit and period the file is for (and
which of the unit's agencies, for an agency's report), with a fingerprint of
the form's codes, one of its labels and one of its wording by level.
"""

import hashlib
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from treem.core.search import fold
from treem.reporting import actions
from treem.reporting.entry import outline_label
from treem.reporting.models import DataElement, DataValueChange
from treem.reporting.validation import form_rows

FORMAT = "treem-workbook/3"
# The formats read back, and whether their sheet has the comment column
# (templates made before it came are still accepted).
FORMATS = {"treem-workbook/1": False, "treem-workbook/2": True, FORMAT: True}
# The formats whose identity names the agency (empty: the unit's own report).
# A template made before agencies reported is the unit's own report.
WITH_AGENCY = {FORMAT}
IDENTITY_SHEET = "treem"
HEADER_ROW, CODE_ROW, FIRST_ROW = 6, 7, 8
CODE_COL, NUMBER_COL, LABEL_COL, UNIT_COL, FIRST_VALUE_COL = 1, 2, 3, 4, 5
ROW_CODE_MARK = "#"  # what column A holds in the code row

# Excel shows these with the separators of the user's own settings: 1.234,5
# on a Vietnamese Windows. Rates with every decimal Treem keeps (four): an
# officer who retypes what the sheet shows must not change the figure.
NUMBER_FORMATS = {
    DataElement.ValueType.COUNT: "#,##0",
    DataElement.ValueType.MONEY: "#,##0",
    DataElement.ValueType.NUMBER: "#,##0.0###",
    DataElement.ValueType.PERCENT: "#,##0.0###",
    DataElement.ValueType.TEXT: "@",
}

_thin = Side(style="thin", color="A0A8B0")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
GREY = PatternFill("solid", fgColor="E7E9EC")
TOTAL = PatternFill("solid", fgColor="DCE8F3")
HEADING = PatternFill("solid", fgColor="F3F5F7")
PREVIOUS_FONT = Font(color="6B7580", italic=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)


@dataclass
class Column:
    key: str  # "v:total" (input), "p:total" (last period), "t" (text column), "c" (comment)
    option: str
    name: str
    index: int  # 1-based sheet column


@dataclass
class Layout:
    form: object
    rows: list  # FormRow with .options (validation.form_rows)
    columns: list = field(default_factory=list)

    def column(self, key):
        return next((c for c in self.columns if c.key == key), None)

    def sheet_row(self, i):
        return FIRST_ROW + i

    def input_cells(self):
        """(row, key, sheet row, column) of every input cell: (element code,
        option code) keys, computed rows left out."""
        text_col = self.column("t")
        for i, row in enumerate(self.rows):
            r = self.sheet_row(i)
            if row.element_id and not row.computed:
                for o in row.options:
                    col = self.column(f"v:{o.code}")
                    yield row, (row.element.code, o.code), r, col.index
            if row.text_element_id and text_col is not None:
                yield row, (row.text_element.code, "total"), r, text_col.index

    def comment_cells(self):
        """(row, sheet row, column) of the comment of every row with figures."""
        col = self.column("c")
        if col is None:
            return
        for i, row in enumerate(self.rows):
            if row.element_id and row.element.is_numeric:
                yield row, self.sheet_row(i), col.index


def build_layout(form, rows=None, with_previous=True, comments=True):
    """Where every row and column of `form` goes on the sheet. The same for
    the template and for reading it back. The comment column (last) explains
    the figures validation warns about, as the comment beside a cell does on
    the web."""
    rows = rows if rows is not None else form_rows(form)
    options = []  # (code, name) in the order the entry page shows them
    for row in rows:
        if not row.element_id:
            continue
        for o in row.options:
            if o.code not in [c for c, _n in options]:
                options.append((o.code, o.name))
            elif o.disaggregation.code != "default":
                options[[c for c, _n in options].index(o.code)] = (o.code, o.name)
    layout = Layout(form, rows)
    index = FIRST_VALUE_COL
    for code, name in options:
        layout.columns.append(Column(f"v:{code}", code, name, index))
        index += 1
        if with_previous:
            layout.columns.append(Column(f"p:{code}", code, name, index))
            index += 1
    if form.text_column and any(r.text_element_id for r in rows):
        layout.columns.append(Column("t", "total", form.text_column, index))
        index += 1
    if comments and any(r.element_id and r.element.is_numeric for r in rows):
        layout.columns.append(Column("c", "", _("Comment (explain unusual figures)"), index))
    return layout


def fingerprint(form, rows):
    """A short hash of the form's row, element and option codes: it changes
    when a row is added, removed, moved or given other columns."""
    parts = [form.code, str(form.version)]
    for row in rows:
        parts.append("|".join([
            row.code, row.element.code if row.element_id else "",
            row.text_element.code if row.text_element_id else "",
            ",".join(o.code for o in row.options) if row.element_id else "", "c" if row.computed else "",
        ]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def label_fingerprint(rows):
    """A short hash of the rows' labels. An upload's labels are checked
    against the form's only while it matches: a label edited in Treem since
    the template was made is not held against the file."""
    return hashlib.sha256("\n".join(row.label for row in rows).encode()).hexdigest()[:24]


def wording_fingerprint(rows):
    """A short hash of the rows' wording by level (FormRow.level_labels), ""
    for a form without any: as label_fingerprint, a wording edited in Treem
    since the template was made is not held against the file."""
    worded = [[row.code, row.level_labels] for row in rows if row.level_labels]
    if not worded:
        return ""
    return hashlib.sha256(json.dumps(worded, sort_keys=True).encode()).hexdigest()[:24]


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _set_text(cell, text):
    # A text starting with "=" must stay text, not become a formula.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    cell.data_type = "s"


def _set_text_or_empty(cell, text):
    if text:
        _set_text(cell, text)
    else:
        cell.value = None


def template_filename(form, period, unit, agency=None):
    # Codes only, and only safe characters: the name goes into a header. An
    # agency has no code: its name without accents ("so-y-te").
    name = f"{form.code}_{period.code}_{unit.code}"
    if agency is not None:
        name += "_" + (re.sub(r"[^a-z0-9]+", "-", fold(agency.short_name or agency.name)).strip("-")[:40]
                       or str(agency.pk))
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".xlsx"


def row_comments(rows, comments):
    """{row code: text} from the comments stored per cell, as the template's
    comment column shows them: a row's different comments joined."""
    out = {}
    for row in rows:
        if row.element_id:
            found = [comments.get((row.element.code, o.code)) for o in row.options]
            out[row.code] = "; ".join(dict.fromkeys(c for c in found if c))
    return out


def build_template(form, unit, period, stored=None, previous=None, comments=None, agency=None, changes_upto=0):
    """The template as .xlsx bytes. `stored` (the values saved in Treem) are
    prefilled; `previous` (last period's) are shown greyed beside them;
    `comments` (stored per cell) fill the comment column. With `agency`, the
    template of that agency's report to its unit."""
    return TemplateBuilder(form, period).render(unit, stored, previous, comments, agency=agency,
                                                changes_upto=changes_upto)


def last_changes(form, period, unit_ids, agency=None):
    """{unit id: the id of the last change to its report of `form` and
    `period`}. Written into its template, it tells an upload which cells were
    changed in Treem since the template was made: a colleague's newer figure
    is not silently overwritten by the older one the template still holds."""
    return dict(DataValueChange.objects.filter(
        data_value__submission__form=form, data_value__submission__period=period,
        data_value__submission__agency=agency, data_value__submission__unit_id__in=unit_ids)
        .values_list("data_value__submission__unit_id").annotate(last=Max("pk")).values_list(
            "data_value__submission__unit_id", "last"))


def _free_text(cell):
    """A cell the officer types text in: unlocked, kept as text, wrapped."""
    cell.protection = UNLOCKED
    cell.number_format = "@"
    cell.alignment = Alignment(wrap_text=True, vertical="top")


class TemplateBuilder:
    """The templates of one form and period: the sheet is laid out and styled
    once, then filled and saved for each unit in turn (a province's 200
    communes at once). Every cell that differs between units is written
    anew for each, so nothing of one unit stays in the next one's file."""

    def __init__(self, form, period):
        self.form, self.period = form, period
        self.rows = rows = form_rows(form)
        before = actions.previous_period(period)
        self.layout = layout = build_layout(form, rows, with_previous=before is not None)
        self.value_cells, self.text_cells, self.previous_cells, self.comment_cells = [], [], [], []
        # The rows worded by level, written for each unit: (row, sheet row, label cell, its input cells).
        self.worded = []

        self.wb = wb = Workbook()
        self.ws = ws = wb.active
        ws.title = form.code
        last_col = max([c.index for c in layout.columns], default=UNIT_COL)

        # Heading: who (filled per unit), when, what.
        ws["B2"] = _("Reporting period: %(period)s") % {"period": period}
        ws["B3"] = f"{form.name}: {form.title}" if form.title else form.name
        ws["B4"] = _("Enter figures in the white cells only; grey cells show last period's values, blue rows are "
                     "totals of their sub-items. Explain in the Comment column any figure Treem flags as unusual "
                     "(ten times last period's or more). Then upload this file on the report's page "
                     "(Import from Excel).")
        for ref in ("B1", "B2", "B3"):
            ws[ref].font = Font(bold=True, size=12 if ref == "B3" else 11)
        ws["B4"].font = Font(italic=True, color="444444")
        ws.merge_cells(start_row=4, start_column=NUMBER_COL, end_row=4, end_column=max(last_col, LABEL_COL))
        ws["B4"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[4].height = 45

        # Column headers, and the hidden row of column codes.
        headers = {NUMBER_COL: _("Row no."), LABEL_COL: _("Item"), UNIT_COL: _("Unit of measure")}
        for c in layout.columns:
            if c.key.startswith("p:"):
                headers[c.index] = _("%(column)s – last period (%(period)s)") % {"column": c.name, "period": before}
            else:
                headers[c.index] = c.name
        grey_columns = {c.index for c in layout.columns if c.key.startswith("p:")}
        for index, text in headers.items():
            cell = ws.cell(HEADER_ROW, index, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = BORDER
            cell.fill = GREY if index in grey_columns else HEADING
        ws.row_dimensions[HEADER_ROW].height = 45
        ws.cell(CODE_ROW, CODE_COL, ROW_CODE_MARK)
        for c in layout.columns:
            ws.cell(CODE_ROW, c.index, c.key)
        ws.row_dimensions[CODE_ROW].hidden = True

        validations = {value_type: [] for value_type in _VALIDATIONS}
        children = {}
        for i, row in enumerate(rows):
            if row.parent_id:
                children.setdefault(row.parent_id, []).append((i, row))
        by_pk = {r.pk: r for r in rows}

        for i, row in enumerate(rows):
            r = layout.sheet_row(i)
            _set_text(ws.cell(r, CODE_COL), row.code)
            _set_text(ws.cell(r, NUMBER_COL), row.number)
            label = ws.cell(r, LABEL_COL)
            _set_text(label, row.label)
            label.alignment = Alignment(wrap_text=True, vertical="top", indent=min(_depth(row, by_pk), 4))
            ws.cell(r, UNIT_COL, row.element.unit_label if row.element_id else "")
            heading = not row.element_id
            if heading or row.computed:
                label.font = Font(bold=True)
            by_option = {o.code: o for o in row.options} if row.element_id else {}
            for c in layout.columns:
                cell = ws.cell(r, c.index)
                cell.border = BORDER
                if c.key == "t":
                    if row.text_element_id:
                        self.text_cells.append(((row.text_element.code, "total"), cell))
                        _free_text(cell)
                    else:
                        cell.fill = GREY
                    continue
                if c.key == "c":
                    # A warning may fall on any figure of the row, a total too.
                    if row.element_id and row.element.is_numeric:
                        self.comment_cells.append((row.code, cell))
                        _free_text(cell)
                    else:
                        cell.fill = GREY
                    continue
                option = by_option.get(c.option)
                if option is None:
                    cell.fill = HEADING if heading else GREY
                    continue
                element, key = row.element, (row.element.code, c.option)
                cell.number_format = NUMBER_FORMATS.get(element.value_type, "General")
                if c.key.startswith("p:"):
                    if element.is_numeric:
                        self.previous_cells.append((key, cell))
                    cell.fill, cell.font = GREY, PREVIOUS_FONT
                elif row.computed:
                    # Live sums in Excel; Treem recomputes them on import anyway.
                    parts = [ws.cell(layout.sheet_row(j), c.index).coordinate for j, child in children.get(row.pk, [])
                             if child.element_id and child.element.is_numeric
                             and c.option in {o.code for o in child.options}]
                    cell.value = f"=SUM({','.join(parts)})" if parts else None
                    cell.fill, cell.font = TOTAL, Font(bold=True)
                else:
                    if element.is_numeric:
                        self.value_cells.append((key, cell))
                        if element.value_type in validations:
                            validations[element.value_type].append(cell.coordinate)
                    else:
                        self.text_cells.append((key, cell))
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    cell.protection = UNLOCKED
            if row.level_labels:
                self.worded.append((row, r, label, [ws.cell(r, c.index) for c in layout.columns
                                                    if not ws.cell(r, c.index).protection.locked]))
            if heading:
                for index in (NUMBER_COL, LABEL_COL, UNIT_COL):
                    ws.cell(r, index).fill = HEADING
            elif row.computed:
                for index in (NUMBER_COL, LABEL_COL, UNIT_COL):
                    ws.cell(r, index).fill = TOTAL
            for index in (NUMBER_COL, LABEL_COL, UNIT_COL):
                ws.cell(r, index).border = BORDER
        _add_validations(ws, validations)

        # Widths, frozen headings, hidden code column, printing on A4 landscape.
        ws.column_dimensions[get_column_letter(CODE_COL)].hidden = True
        ws.column_dimensions[get_column_letter(NUMBER_COL)].width = 7
        ws.column_dimensions[get_column_letter(LABEL_COL)].width = 55
        ws.column_dimensions[get_column_letter(UNIT_COL)].width = 9
        for c in layout.columns:
            ws.column_dimensions[get_column_letter(c.index)].width = 40 if c.key in ("t", "c") else (
                11 if c.key.startswith("p:") else 14)
        ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_VALUE_COL)
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

        # Only the input cells can be changed; columns may still be widened.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        wb.security = WorkbookProtection(lockStructure=True)

        identity = wb.create_sheet(IDENTITY_SHEET)
        for key, value in (("format", FORMAT), ("sheet", ws.title), ("form_code", form.code),
                           ("form_version", form.version), ("unit_id", ""), ("unit_structure", ""),
                           ("unit_code", ""), ("agency_id", ""), ("agency_name", ""), ("period_code", period.code),
                           ("fingerprint", fingerprint(form, rows)), ("labels", label_fingerprint(rows)),
                           ("generated_at", ""), ("changes_upto", ""), ("download", ""),
                           ("wording", wording_fingerprint(rows))):
            if key == "wording" and not value:
                continue  # a form without wording by level: its templates as before
            identity.append([key, str(value)])
        self.identity = {identity.cell(r, 1).value: identity.cell(r, 2) for r in range(1, identity.max_row + 1)}
        identity.sheet_state = "veryHidden"
        identity.protection.sheet = True

    def render(self, unit, stored=None, previous=None, comments=None, agency=None, changes_upto=0):
        """The template of `unit` (of `agency`'s report to it) as .xlsx bytes.
        `changes_upto`: the last change to the report it is made from (see last_changes)."""
        stored, previous = stored or {}, previous or {}
        by_row = row_comments(self.rows, comments or {})
        if agency is None:
            self.ws["B1"] = _("Unit: %(unit)s (code %(code)s)") % {"unit": unit.name, "code": unit.code}
        else:
            self.ws["B1"] = _("Agency: %(agency)s, reporting to %(unit)s (code %(code)s)") % {
                "agency": agency.name, "unit": unit.name, "code": unit.code}
        for key, cell in self.value_cells:
            cell.value = _number(stored.get(key))
        for key, cell in self.previous_cells:
            cell.value = _number(previous.get(key))
        for key, cell in self.text_cells:
            _set_text_or_empty(cell, stored.get(key))
        for code, cell in self.comment_cells:
            _set_text_or_empty(cell, by_row.get(code))
        for row, r, label_cell, inputs in self.worded:
            # As the unit's entry page words the row; a row it leaves out is hidden, and locked.
            filled = row.element_id and any(stored.get((row.element.code, o.code)) not in (None, "")
                                            for o in row.options)
            label = outline_label(row, unit, self.period, filled)
            _set_text(label_cell, label or row.label)
            self.ws.row_dimensions[r].hidden = not label
            for cell in inputs:
                cell.protection = UNLOCKED if label else LOCKED
        for key, value in (("unit_id", unit.pk), ("unit_structure", unit.structure), ("unit_code", unit.code),
                           ("agency_id", agency.pk if agency else ""), ("agency_name", agency.name if agency else ""),
                           ("generated_at", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
                           ("changes_upto", changes_upto),
                           # This download's own mark: its imports, and only they, may be overwritten by it again.
                           ("download", secrets.token_hex(6))):
            self.identity[key].value = str(value)
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def _depth(row, by_pk):
    d, r = 0, row
    while r.parent_id in by_pk and d < 10:
        d, r = d + 1, by_pk[r.parent_id]
    return d


_VALIDATIONS = {
    DataElement.ValueType.COUNT: dict(type="whole", operator="greaterThanOrEqual", formula1="0"),
    DataElement.ValueType.MONEY: dict(type="decimal", operator="greaterThanOrEqual", formula1="0"),
    DataElement.ValueType.PERCENT: dict(type="decimal", operator="between", formula1="0", formula2="100"),
}


def _add_validations(ws, cells):
    """Excel's own checks on the input cells, a first line before Treem's.
    `cells` holds the cell references by value type, given at once (adding
    them one by one to openpyxl takes quadratic time)."""
    messages = {
        DataElement.ValueType.COUNT: _("Enter a whole number, 0 or more."),
        DataElement.ValueType.MONEY: _("Enter an amount, 0 or more."),
        DataElement.ValueType.PERCENT: _("Enter a percentage between 0 and 100."),
    }
    for value_type, spec in _VALIDATIONS.items():
        dv = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle=_("Not accepted"),
                            error=messages[value_type], **spec)
        if cells[value_type]:
            dv.sqref = MultiCellRange(" ".join(cells[value_type]))
        ws.add_data_validation(dv)


def template_for(form, unit, period, agency=None):
    """The template prefilled with what Treem holds for the unit (or its
    `agency`) and period, last period's figures of the same beside them."""
    from treem.reporting.models import Submission

    submission = Submission.objects.filter(form=form, unit=unit, period=period, agency=agency).first()
    stored = actions.stored_values(submission) if submission else {}
    comments = actions.stored_comments(submission) if submission else {}
    return build_template(form, unit, period, stored=stored, comments=comments, agency=agency,
                          previous=actions.previous_values(form, unit, period, agency),
                          changes_upto=last_changes(form, period, [unit.pk], agency).get(unit.pk, 0))


def input_cell_refs(form, period, rows=None):
    """{(element code, option code): "E14"}: where each input cell of the
    form's template is (for tests, and for anyone filling templates by program)."""
    layout = build_layout(form, rows, with_previous=actions.previous_period(period) is not None)
    return {key: f"{get_column_letter(c)}{r}" for _row, key, r, c in layout.input_cells()}


def comment_cell_refs(form, period, rows=None):
    """{row code: "K14"}: where the comment of each row goes."""
    layout = build_layout(form, rows, with_previous=actions.previous_period(period) is not None)
    return {row.code: f"{get_column_letter(c)}{r}" for row, r, c in layout.comment_cells()}
