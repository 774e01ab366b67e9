"""Checking and importing a filled template. Every upload is hostile until
parsed: its size, its zip directory (zip bombs), its parts (an .xlsx, not a
renamed Word file) and its XML (no DOCTYPE or entities) are checked before
openpyxl opens it, and openpyxl itself parses through defusedxml. Then every
cell is checked; the import is all or nothing."""

import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from itertools import islice

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from treem.agencies.models import Agency
from treem.core.numbers import format_number
from treem.reporting import actions
from treem.reporting.models import DataValueChange, Form, Period
from treem.reporting.validation import ERROR, WARNING, cell_name, explanation, form_rows, validate_form_values
from treem.units.models import Unit

from .template_workbook import (
    CODE_COL,
    CODE_ROW,
    FIRST_ROW,
    FORMATS,
    IDENTITY_SHEET,
    LABEL_COL,
    ROW_CODE_MARK,
    WITH_AGENCY,
    build_layout,
    fingerprint,
    label_fingerprint,
    wording_fingerprint,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A filled template unpacks to well under 1 MB; Excel's XML compresses about
# 10:1, so 100:1 over the whole file, or 100 MB in all, is an attack.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ENTRY_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 500
EXTRA_ROWS = 200  # rows read below the form, to notice rows added at its end
MAX_COMMENT = 2000  # characters of a row's comment kept
WORKBOOK = "workbook"  # the source of the changes an import makes (DataValueChange.source)

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx


class WorkbookError(Exception):
    """The file cannot be imported. `code` says why (for tests and the batch
    page), `message` says it to the user, `problems` lists the cells."""

    def __init__(self, code, message, problems=()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = list(problems)


@dataclass
class CellProblem:
    sheet: str
    cell: str  # "E14"; "" when the problem is not one cell's
    row: str  # "1.1 Số trẻ em dưới 16 tuổi"
    message: str
    level: str = ERROR

    def as_dict(self):
        return asdict(self)


@dataclass
class ParsedWorkbook:
    form: object
    unit: object
    period: object
    rows: list
    sheet: str
    values: dict = field(default_factory=dict)  # (element code, option code) -> as typed
    cells: dict = field(default_factory=dict)  # same key -> (cell reference, FormRow)
    formulas: list = field(default_factory=list)  # CellProblem
    formula_cells: set = field(default_factory=set)  # the keys of the cells holding a formula
    comments: dict = field(default_factory=dict)  # row code -> the row's comment, "" when none
    comment_refs: dict = field(default_factory=dict)  # row code -> cell reference
    agency: object = None  # for an agency's report; None: the unit's own
    changes_upto: int = None  # the last change to the report when the template was made; None: not recorded
    download: str = ""  # the template download's mark ("" before templates carried one)


@dataclass
class ImportResult:
    parsed: ParsedWorkbook
    submission: object
    warnings: list = field(default_factory=list)  # CellProblem
    uncommented: list = field(default_factory=list)  # the warnings with no comment yet (they stop a submission)
    submitted: bool = False
    submit_refusal: str = ""
    submit_problems: list = field(default_factory=list)  # CellProblem
    few_filled: tuple = ()  # (filled, cells) when a unit's report went up mostly empty, as the web asks about


# --- the package ----------------------------------------------------------

def _damaged():
    return WorkbookError("damaged", _("The file is damaged or incomplete (perhaps cut off while being copied or "
                                      "e-mailed). Open it in Excel, save it again and upload it once more."))


def _not_xlsx():
    return WorkbookError("not_xlsx", _("This is not an Excel workbook (.xlsx). Upload the template downloaded "
                                       "from Treem, filled in and saved as .xlsx."))


def _zip_bomb():
    return WorkbookError("zip_bomb", _("The file unpacks to an abnormal size (possibly a malicious file); "
                                       "it was refused."))


def _xml_entities():
    return WorkbookError("xml_entities", _("The file declares XML entities (DOCTYPE/ENTITY), which Excel never "
                                           "writes; it was refused."))


def check_package(data):
    """Refuse anything that is not a plain, reasonably sized .xlsx before
    openpyxl sees it."""
    if not data:
        raise WorkbookError("empty", _("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError("too_large", _("The file is larger than %(size)s MB; a filled template is far "
                                           "smaller. Upload the template downloaded from Treem.")
                            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if data[:8] == _OLE:
        raise WorkbookError("old_format", _("This is an old-format Excel file (.xls) or a workbook with a "
                                            "password. Save it as “Excel Workbook (.xlsx)” without a password "
                                            "and upload it again."))
    if data[:4] != b"PK\x03\x04":
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged() from None
    if len(infos) > MAX_ENTRIES:
        raise _zip_bomb()
    total = 0
    for info in infos:
        # What the directory claims; reading below is capped to it as well.
        if info.file_size > MAX_ENTRY_BYTES or info.file_size < 0:
            raise _zip_bomb()
        total += info.file_size
    if total > MAX_UNZIPPED_BYTES or total > MAX_RATIO * len(data) + 1024 * 1024:
        raise _zip_bomb()
    names = {i.filename for i in infos}
    if "word/document.xml" in names:
        raise WorkbookError("docx", _("This is a Word document, not an Excel workbook (perhaps renamed to .xlsx). "
                                      "Upload the Excel template downloaded from Treem."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()
    for info in infos:
        if info.flag_bits & 0x1:  # encrypted entry
            raise _damaged()
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(info) as part:
                content = part.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise _damaged() from None
        if len(content) > info.file_size:
            raise _zip_bomb()
        # openpyxl parses with defusedxml, but Excel never writes a DOCTYPE:
        # refuse here too rather than trust every parser on the way.
        if _DOCTYPE.search(content):
            raise _xml_entities()


def open_workbook(data):
    """openpyxl's read-only workbook, parsed through defusedxml."""
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed to read uploaded workbooks")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as e:  # openpyxl raises many kinds on a broken package
        raise _refusal(e) from None


def _refusal(exc):
    """openpyxl wraps defusedxml's refusal in a ValueError: look at the causes."""
    seen = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return _xml_entities()
        seen = seen.__cause__ or seen.__context__
    return _damaged()


# --- what the file is for -------------------------------------------------

def _identity(wb):
    if IDENTITY_SHEET not in wb.sheetnames:
        raise WorkbookError("not_template", _("This workbook is not a Treem template. Download the template from "
                                              "the report's page, fill it in and upload that file."))
    found = {}
    ws = wb[IDENTITY_SHEET]
    last = min(ws.max_row or 30, 30)  # and no further: see _read
    for row in islice(ws.iter_rows(min_row=1, max_row=last, max_col=2, values_only=True), last):
        if row and row[0] is not None:
            found[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if found.get("format") not in FORMATS:
        raise WorkbookError("not_template", _("This workbook is not a Treem template. Download the template from "
                                              "the report's page, fill it in and upload that file."))
    return found


def describe(form, unit, period, agency=None):
    if agency is not None:
        return _("%(form)s of %(agency)s (%(unit)s) for %(period)s") % {
            "form": form.name, "agency": agency.name, "unit": unit.name, "period": period}
    return _("%(form)s of %(unit)s for %(period)s") % {"form": form.name, "unit": unit.name, "period": period}


def _resolve(identity, cache):
    """The form, unit, period and agency (None: the unit's own report) a
    template names, each as Treem has it now."""
    unknown = WorkbookError("unknown", _("This template names a form, unit or period that this Treem does not "
                                         "have. Download the template again from the report's page."))
    try:
        form_key = (identity["form_code"], int(identity["form_version"]))
        unit_id = int(identity["unit_id"])
        period_code = identity["period_code"]
        # Templates made before agencies reported are the unit's own report.
        agency_id = int(identity["agency_id"] or 0) if identity["format"] in WITH_AGENCY else 0
    except (KeyError, ValueError):
        raise unknown from None
    form = cache.get(("form", form_key))
    if form is None:
        form = Form.objects.filter(code=form_key[0], version=form_key[1]).first()
        cache[("form", form_key)] = form
    unit = Unit.objects.filter(pk=unit_id).first()
    period = cache.get(("period", period_code))
    if period is None:
        period = Period.objects.filter(code=period_code).first()
        cache[("period", period_code)] = period
    if form is None or unit is None or period is None:
        raise unknown
    if unit.structure != identity.get("unit_structure") or unit.code != identity.get("unit_code"):
        raise unknown
    agency = None
    if agency_id:
        agency = Agency.objects.filter(pk=agency_id, unit=unit).first()
        if agency is None:
            raise unknown
    current = cache.get(("current", form.code))
    if current is None:
        current = Form.objects.filter(code=form.code, is_active=True).order_by("-version").first()
        cache[("current", form.code)] = current
    if current is None or current.pk != form.pk:
        raise WorkbookError("outdated", _("This template is for an earlier version of %(form)s. Download a new "
                                          "template and copy your figures into it.") % {"form": form.name})
    return form, unit, period, agency


# --- the cells ------------------------------------------------------------

def _where(row):
    ref = getattr(row, "display_ref", "") or row.number
    if ref:
        return _("Row %(row)s “%(label)s”") % {"row": ref, "label": row.label}
    return _("Row “%(label)s”") % {"label": row.label}


def _row_name(row, label=None):
    ref = getattr(row, "display_ref", "") or row.number
    return f"{ref} {row.label if label is None else label}".strip()


def _typed(value):
    """A cell's value as validation takes it: Decimal for a number, the text
    as typed ("1.234,5") otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that reads back the same
    if isinstance(value, Decimal):
        return value
    if hasattr(value, "strftime"):  # Excel turned "1/2" into a date
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _layout(form, period, comments, cache):
    """The layout, the fingerprints (of the codes, of the labels, of the
    wording by level), the input cells of each sheet row [(column, key,
    FormRow, reference)] and the comment cell of each {sheet row: (column,
    FormRow, reference)}, worked out once per batch."""
    key = ("layout", form.pk, period.pk, comments)
    if key not in cache:
        rows = form_rows(form)
        layout = build_layout(form, rows, with_previous=actions.previous_period(period) is not None,
                              comments=comments)
        by_row = {}
        for row, cell_key, r, c in layout.input_cells():
            by_row.setdefault(r, []).append((c, cell_key, row, f"{get_column_letter(c)}{r}"))
        comment_cells = {r: (c, row, f"{get_column_letter(c)}{r}") for row, r, c in layout.comment_cells()}
        cache[key] = (layout, fingerprint(form, rows), label_fingerprint(rows), wording_fingerprint(rows), by_row,
                      comment_cells)
    return cache[key]


def read_workbook(data, expected=None, cache=None):
    """Check an uploaded template and read its input cells. Raises
    WorkbookError. `expected` = (form, unit, period) of the page it is
    uploaded on, or (form, unit, period, agency) on an agency's report page;
    `cache` keeps forms and layouts across a batch."""
    cache = {} if cache is None else cache
    check_package(data)
    wb = open_workbook(data)
    try:
        return _read(wb, expected, cache)
    except WorkbookError:
        raise
    except Exception as e:  # a sheet that cannot be parsed, found while reading it
        raise _refusal(e) from None
    finally:
        wb.close()


def _target(form, unit, period, agency):
    """What a template is for, to compare with the page it is uploaded on."""
    return form.code, unit.pk, period.pk, agency.pk if agency is not None else None


def _read(wb, expected, cache):
    identity = _identity(wb)
    form, unit, period, agency = _resolve(identity, cache)
    if expected is not None:
        e_form, e_unit, e_period, *e_agency = expected
        e_agency = e_agency[0] if e_agency else None
        if _target(form, unit, period, agency) != _target(e_form, e_unit, e_period, e_agency):
            raise WorkbookError("wrong_target", _(
                "This file is the template of %(file)s; this page takes %(page)s. Upload it on its own page, or "
                "download the template of this page.") % {
                "file": describe(form, unit, period, agency), "page": describe(e_form, e_unit, e_period, e_agency)})
    layout, current_print, current_labels, current_wording, by_row, comment_cells = _layout(
        form, period, FORMATS[identity["format"]], cache)
    if identity.get("fingerprint") != current_print:
        raise WorkbookError("outdated", _("The form %(form)s has changed since this template was made. Download a "
                                          "new template and copy your figures into it.") % {"form": form.name})
    sheet = identity.get("sheet", "")
    if sheet not in wb.sheetnames:
        raise _changed(_("the sheet “%(sheet)s” is missing") % {"sheet": sheet})
    ws = wb[sheet]
    last_col = max([c.index for c in layout.columns] + [LABEL_COL])
    # The labels are the form's unless edited in Treem since the template was
    # made (templates made before the labels were recorded are checked too);
    # so is its wording by level (templates made before it came have none).
    check_labels = (identity.get("labels", current_labels) == current_labels
                    and identity.get("wording", current_wording) == current_wording)
    relabelled = []  # CellProblem: rows whose label is not the form's
    parsed = ParsedWorkbook(form, unit, period, layout.rows, sheet, agency=agency,
                            changes_upto=int(identity["changes_upto"]) if identity.get(
                                "changes_upto", "").isdigit() else None,
                            download=re.sub(r"[^0-9a-f]", "", str(identity.get("download") or ""))[:12])
    expected_rows = {layout.sheet_row(i): row for i, row in enumerate(layout.rows)}
    # A computed (locked) total is named by its cell too, when a check finds
    # a problem there ("4.4 Các dạng tật" above its total: E27, not "—").
    for r, row in expected_rows.items():
        if row.element_id and row.computed:
            for o in row.options:
                col = layout.column(f"v:{o.code}")
                if col is not None:
                    parsed.cells[(row.element.code, o.code)] = (f"{get_column_letter(col.index)}{r}", row)
    last_row = FIRST_ROW + len(layout.rows) - 1
    seen_rows = set()
    # Rows below the form are read only when the sheet says it goes on (its
    # <dimension>, which Excel and LibreOffice keep): otherwise reading stops
    # at the form's last row, and openpyxl does not parse the rest of the
    # sheet (validations, page setup), which the import never uses.
    stop = last_row if ws.max_row is not None and ws.max_row <= last_row else last_row + EXTRA_ROWS
    sheet_rows = islice(ws.iter_rows(min_row=CODE_ROW, max_row=stop, max_col=last_col), stop - CODE_ROW + 1)
    for r, cells in enumerate(sheet_rows, start=CODE_ROW):
        values = [getattr(c, "value", None) for c in cells]
        values += [None] * (last_col - len(values))
        code = values[CODE_COL - 1]
        if r == CODE_ROW:
            found = [code] + [values[c.index - 1] for c in layout.columns]
            if found != [ROW_CODE_MARK] + [c.key for c in layout.columns]:
                raise _changed(_("its columns were inserted, deleted or moved"))
            continue
        row = expected_rows.get(r)
        if row is None:
            if code not in (None, ""):
                raise _changed(_("rows were added below the form (row %(row)s)") % {"row": r})
            continue
        label = values[LABEL_COL - 1]
        if str(code) != row.code:
            raise _changed(_("rows were inserted, deleted or moved (from row %(row)s)") % {"row": r},
                           relabelled + [_not_the_row(sheet, r, row, code, label, unit, period)])
        if check_labels and _label_key(label) not in _wordings(row, unit, period):
            relabelled.append(_not_the_row(sheet, r, row, code, label, unit, period))
        seen_rows.add(r)
        for c, key, form_row, ref in by_row.get(r, ()):
            cell = cells[c - 1] if c - 1 < len(cells) else None
            parsed.cells[key] = (ref, form_row)
            if getattr(cell, "data_type", None) == "f":
                # Named as the other checks name a cell: the row, and its column where it has several.
                option = next((o for o in form_row.options if o.code == key[1]), None)
                parsed.formulas.append(CellProblem(sheet, ref, _row_name(form_row), _(
                    "%(where)s: the cell holds a formula (%(formula)s); type the figure itself.") % {
                    "where": cell_name(form_row, option), "formula": str(cell.value)[:80]}))
                parsed.formula_cells.add(key)
                continue
            parsed.values[key] = _typed(values[c - 1])
        if r in comment_cells:
            c, form_row, ref = comment_cells[r]
            cell = cells[c - 1] if c - 1 < len(cells) else None
            parsed.comment_refs[row.code] = ref
            if getattr(cell, "data_type", None) == "f":
                parsed.formulas.append(CellProblem(sheet, ref, _row_name(form_row), _(
                    "%(where)s: the comment cell holds a formula (%(formula)s); type the comment itself.") % {
                    "where": _where(form_row), "formula": str(cell.value)[:80]}))
                continue
            parsed.comments[row.code] = str(_typed(values[c - 1]))[:MAX_COMMENT]
    if relabelled:
        raise _changed(ngettext("on sheet “%(sheet)s”, %(n)s row no longer has the form's label, so its figures "
                                "may be under another row's name",
                                "on sheet “%(sheet)s”, %(n)s rows no longer have the form's labels, so their "
                                "figures may be under other rows' names", len(relabelled))
                       % {"sheet": sheet, "n": len(relabelled)}, relabelled)
    if len(seen_rows) != len(expected_rows):
        raise _changed(_("rows were deleted"))
    return parsed


def _changed(detail, problems=()):
    return WorkbookError("changed", _("The structure of the template was changed: %(detail)s. Download a new "
                                      "template and copy your figures into it.") % {"detail": detail}, problems)


def _label_key(text):
    """A label as compared with the form's: spaces, line breaks and case
    do not matter."""
    text = unicodedata.normalize("NFC", ILLEGAL_CHARACTERS_RE.sub("", "" if text is None else str(text)))
    return " ".join(text.split()).casefold()


def _wordings(row, unit, period):
    """The labels (as _label_key) a template may show for `row`: the unit's
    level's wording, which templates show (FormRow.label_for), and the form's
    own, which templates made before showed for every unit, officers still
    holding them."""
    return {_label_key(row.label), _label_key(row.label_for(unit, period) or row.label)}


def _not_the_row(sheet, r, row, code, label, unit, period):
    """The problem of sheet row `r`, where the form has `row`: its label
    (column C) reads another, or only its hidden code (column A) changed.
    The row is named as the unit's template words it."""
    name = _row_name(row, row.label_for(unit, period) or row.label)
    if _label_key(label) in _wordings(row, unit, period):
        return CellProblem(sheet, f"{get_column_letter(CODE_COL)}{r}", name, _(
            "The hidden code of this row (column A) reads “%(found)s” instead of “%(code)s”, the code of row "
            "“%(expected)s” of the form.") % {"found": "" if code is None else str(code)[:40], "code": row.code,
                                             "expected": name})
    return CellProblem(sheet, f"{get_column_letter(LABEL_COL)}{r}", name, _(
        "The label reads “%(found)s”; the form has row “%(expected)s” here. Rows were moved or the label was "
        "changed.") % {"found": "" if label is None else str(label)[:80], "expected": name})


def cell_problems(parsed, problems):
    """Validation problems as the workbook's cells: sheet, reference, row."""
    out = []
    for p in problems:
        key = p.cell or ((p.row.element.code, p.option) if p.row.element_id else None)
        ref = parsed.cells.get(key, ("", None))[0] if key else ""
        out.append(CellProblem(parsed.sheet, ref, _row_name(p.row), p.message, p.level))
    return out


# --- the import -----------------------------------------------------------


def import_workbook(user, data, filename="", expected=None, submit=False, cache=None, batch=None):
    """Import a filled template, all or nothing, as a draft (and submit it if
    `submit`). Raises WorkbookError; nothing is saved then."""
    parsed = read_workbook(data, expected=expected, cache=cache)
    form, unit, period, agency = parsed.form, parsed.unit, parsed.period, parsed.agency
    if not actions.may_report(user, unit, agency):
        if agency is not None:
            raise WorkbookError("not_allowed", _("You may not report for %(agency)s (%(unit)s); the file was not "
                                                 "imported.") % {"agency": agency.name, "unit": unit.name})
        raise WorkbookError("not_allowed", _("You may not report for %(unit)s; the file was not imported.")
                            % {"unit": unit.name})
    refusal = actions.reporting_refusal(unit, period)
    if refusal:
        raise WorkbookError("period", refusal)
    if parsed.formulas:
        # The other errors of the file too, so that one round of corrections
        # does. A formula stands for a figure not read: checked as a cell
        # that is not a number, so that no sum or rate is checked without
        # it (its row's, nor the computed total above it), and that error
        # left out, the formula's own being listed.
        unread = {key: "=" for key in parsed.formula_cells}
        others = [p for p in validate_form_values(form, {**parsed.values, **unread}, rows=parsed.rows)
                  if p.level == ERROR and p.cell not in unread]
        message = ngettext("Nothing was imported: %(n)s cell holds a formula instead of a figure.",
                           "Nothing was imported: %(n)s cells hold a formula instead of a figure.",
                           len(parsed.formulas)) % {"n": len(parsed.formulas)}
        if others:
            message += " " + ngettext("%(n)s other error of the file is listed after them.",
                                      "%(n)s other errors of the file are listed after them.",
                                      len(others)) % {"n": len(others)}
        raise WorkbookError("formula", message, parsed.formulas + cell_problems(parsed, others))
    if batch is not None:
        _check_once_in_batch(batch, parsed)
    if not any(str(v).strip() for v in parsed.values.values()) and not any(
            c.strip() for c in parsed.comments.values()):
        # A blank template, uploaded by mistake among the filled ones, would
        # otherwise count as a report, and could even be sent up.
        raise WorkbookError("empty", _("Nothing was imported: the file holds no figure, every white cell is empty. "
                                       "Fill it in first; to clear a report's figures, do so on its page."))
    try:
        with transaction.atomic():
            log = actions.Log(user)  # its history and audit rows, written together at the end
            submission, created = actions.lock_or_open(user, form, unit, period, agency, log)
            stored_comments, seen = {}, {}
            if not created:
                stored_comments = actions.stored_comments(submission)
                seen = _seen_at_download(user, submission, parsed.changes_upto, _source(parsed))
            comments = cell_comments(parsed, stored_comments)
            # The same checks as the web form; any error undoes the whole import.
            after = actions.save_locked_values(user, submission, parsed.values, log, comments=comments,
                                               rows=parsed.rows, expected=seen, created=created,
                                               source=_source(parsed))
            errors = [p for p in after if p.level == ERROR]
            if errors:
                raise _invalid(parsed, errors)
            log.audit("workbooks.imported", submission, file=filename[:200], form=form.code, period=period.code,
                      agency=agency.name if agency else "", batch=batch.pk if batch is not None else None)
            log.write()
    except actions.ReportingError as e:
        if any(p.kind == "conflict" for p in e.problems):
            raise WorkbookError("conflict", _(
                "Nothing was imported: these cells were changed in Treem after this template was downloaded, and "
                "the file holds other figures there, or none. Check them with whoever changed them, then type them into the file "
                "as they should be, or download the template again."), cell_problems(parsed, e.problems)) from None
        if any(p.kind == "not_a_number" for p in e.problems):
            # save_values names only the unreadable cells: list every error of the file at once.
            problems = validate_form_values(form, parsed.values, rows=parsed.rows)
            raise _invalid(parsed, [p for p in problems if p.level == ERROR]) from None
        # Named as a success is ("Phụ lục 6 của Xã …, kỳ Năm 2022"): among a hundred files, which one.
        raise WorkbookError("refused", _("%(what)s: %(reason)s") % {
            "what": describe(form, unit, period, agency), "reason": e.message},
            cell_problems(parsed, e.problems)) from None
    # As on the web, a warning does not stop the import; it stops the
    # submission until its cell carries a comment.
    warnings = [p for p in after if p.level != ERROR]
    kept = {key: text for key, text in {**stored_comments, **comments}.items() if text and text.strip()}
    result = ImportResult(parsed, submission, warnings=cell_problems(parsed, warnings),
                          uncommented=cell_problems(parsed, [p for p in warnings if not explanation(p, kept)]))
    if submit:
        try:
            actions.submit(user, submission)
            result.submitted = True
            result.few_filled = _few_filled(parsed, submission)
        except actions.ReportingError as e:
            result.submit_refusal = e.message
            result.submit_problems = cell_problems(parsed, e.problems)
    return result


def _check_once_in_batch(batch, parsed):
    """Two files of one upload for the same report: the second would
    overwrite the first unseen (a trial's 700 then 800 children, both
    "imported"). The first stands; the second is refused, naming it."""
    earlier = batch.files.filter(
        status="imported", submission__form__code=parsed.form.code, submission__unit=parsed.unit,
        submission__period=parsed.period, submission__agency=parsed.agency).order_by("order").first()
    if earlier is not None:
        raise WorkbookError("duplicate", _(
            "Nothing was imported: “%(file)s”, earlier in this upload, is the report of %(what)s too and was "
            "imported. Keep one file per report: correct that one, or upload this one on its own.") % {
            "file": earlier.name, "what": describe(parsed.form, parsed.unit, parsed.period, parsed.agency)})


def _source(parsed):
    """What the import's changes are marked with: "workbook" and the mark of
    the template's download ("workbook:3f9a1c0b7d2e")."""
    return f"{WORKBOOK}:{parsed.download}" if parsed.download else WORKBOOK


def _seen_at_download(user, submission, upto, source):
    """{cell: the figure its template showed} for each cell changed in Treem
    since the template was made (the old figure of its first change since),
    so that save_values refuses to overwrite a newer figure: a colleague's,
    one typed on the web under the same login (a commune's one account,
    shared), or one imported from another file, an older template holding
    blanks where the newer file gave figures (a trial lost 19 that way).
    Only this same download's earlier uploads (of the same file, corrected
    since) are its own to overwrite."""
    if upto is None:
        return {}
    seen = {}
    for element, option, old in DataValueChange.objects.filter(
            data_value__submission=submission, pk__gt=upto).exclude(user=user, source=source).order_by(
            "pk").values_list("data_value__element__code", "data_value__option__code", "old"):
        seen.setdefault((element, option), old)
    return seen


def cell_comments(parsed, stored):
    """{cell key: comment} to save from the comment column, as the web keeps
    comments (per cell): a row's comment goes on the row's figures that raise
    a warning and on those that carry a comment already (so an edited or
    emptied comment changes there too); on the row's first figure when none
    does, so that nothing typed is lost. `stored`: the comments saved now."""
    if not any(parsed.comments.values()) and not stored:
        return {}
    previous = actions.previous_values(parsed.form, parsed.unit, parsed.period, parsed.agency)
    warned = {p.cell for p in validate_form_values(parsed.form, parsed.values, previous=previous, rows=parsed.rows)
              if p.level == WARNING}
    out = {}
    for row in parsed.rows:
        if row.code not in parsed.comments:  # a template without the comment column leaves comments alone
            continue
        text = parsed.comments[row.code]
        keys = [(row.element.code, o.code) for o in row.options]
        targets = [key for key in keys if key in warned or stored.get(key)]
        if text and not targets and keys:
            targets = [next((key for key in keys if key[1] == "total"), keys[0])]
        out.update((key, text) for key in targets)
    return out


def _invalid(parsed, errors):
    return WorkbookError("invalid", ngettext(
        "Nothing was imported: the file has %(n)s error. Correct it in the file and upload it again.",
        "Nothing was imported: the file has %(n)s errors. Correct them in the file and upload it again.",
        len(errors)) % {"n": len(errors)}, cell_problems(parsed, errors))


def _few_filled(parsed, submission):
    """(filled, cells) when fewer than half the cells of a unit's own report
    hold a figure, as the web page asks "submit all the same?" (not an
    agency's report, which fills its own rows); () otherwise."""
    # Only the cells one types in are counted, as on the page: not the totals Treem computes.
    computed = {r.element.code for r in parsed.rows if r.element_id and r.computed}
    cells = [key for key in parsed.cells if key[0] not in computed]
    if parsed.agency is not None or not cells:
        return ()
    filled = submission.values.exclude(value=None, text="").exclude(element__code__in=computed).count()
    return (filled, len(cells)) if filled * 2 < len(cells) else ()


def summary(result):
    """One line saying what an import did."""
    what = describe(result.parsed.form, result.parsed.unit, result.parsed.period, result.parsed.agency)
    if result.submitted:
        text = _("Imported and submitted: %(what)s.") % {"what": what}
        if result.few_filled:
            # The web asks before sending a report mostly empty; a file sent so is at least told.
            text += " " + _("Only %(filled)s of its %(total)s cells are filled: if a part is missing, ask the "
                            "level above to return it.") % {"filled": format_number(result.few_filled[0]),
                                                          "total": format_number(result.few_filled[1])}
        return text
    text = _("Imported as a draft: %(what)s.") % {"what": what}
    if result.submit_problems:  # the refusal says so itself: "The report cannot be submitted: …"
        text += " " + result.submit_refusal
    elif result.submit_refusal:
        text += " " + _("Not submitted: %(reason)s") % {"reason": result.submit_refusal}
    return text

