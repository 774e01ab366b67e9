"""Offline Excel workbooks: the template, and importing one filled file with
every check on hostile input. Real .xlsx files built with openpyxl, through
the plain functions and the Django test client."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from treem.core.models import AuditEntry
from treem.reporting import actions
from treem.reporting.models import DataValue, FormRow, Period, Submission
from treem.workbooks.read_workbook import WorkbookError, import_workbook, read_workbook
from treem.workbooks.template_workbook import (
    CODE_COL,
    FIRST_ROW,
    IDENTITY_SHEET,
    input_cell_refs,
    template_for,
)

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .workbook_helpers import (  # noqa: F401 (fixtures)
    make_zip,
    VALUES,
    WEB_VALUES,
    commune,
    entry_url,
    fill,
    filled,
    inline_tasks,
    post_file,
    refused,
    saved,
    sibling,
    template_url,
    upload_url,
)

pytestmark = pytest.mark.django_db


# --- the template ---------------------------------------------------------

def test_template_shows_the_form_protected_with_last_period_and_identity(client, commune_officer, commune, pl6,
                                                                          y2023):
    # Last year's figures, saved in Treem.
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(commune_officer, pl6, commune, y2022)
    actions.save_values(commune_officer, before, {("PL6_I_1", "total"): "1.100", ("PL6_I_1", "male"): "500",
                                                  ("PL6_I_1", "female"): "600"})
    client_for(client, commune_officer)
    response = client.get(template_url(pl6, y2023, commune))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"PL6_2023_{commune.code}.xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["PL6"]
    heading = " ".join(str(ws.cell(r, 2).value) for r in range(1, 5))
    assert commune.name in heading and commune.code in heading and "2023" in heading
    assert pl6.title in heading

    refs = input_cell_refs(pl6, y2023)
    total = ws[refs[("PL6_I_1", "total")]]
    row = total.row
    assert ws.cell(row, CODE_COL).value == "I.1" and ws.cell(row, 3).value == "Số trẻ em dưới 16 tuổi"
    assert ws.cell(row, 2).value == "1"
    # Input cells are unlocked with a number format; the sheet is protected.
    assert ws.protection.sheet and not total.protection.locked
    assert total.number_format == "#,##0"
    assert ws[refs[("PL6_I_1r", "total")]].number_format == "#,##0.0###"  # 12,345 ‰ shown whole
    # Last period's value stands greyed right beside the input, locked.
    beside = ws.cell(row, total.column + 1)
    assert beside.value == 1100 and beside.protection.locked and beside.fill.fgColor.rgb.endswith("E7E9EC")
    assert ws.cell(row, ws[refs[("PL6_I_1", "male")]].column + 1).value == 500
    # A label or heading cell is locked; the computed row II.4.4 shows a live sum, locked.
    assert ws.cell(row, 3).protection.locked
    computed = FormRow.objects.get(form=pl6, code="II.4.4")
    assert computed.computed and ("PL6_II_4_4", "total") not in refs
    computed_row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, CODE_COL).value == "II.4.4")
    formula_cell = ws.cell(computed_row, total.column)
    assert str(formula_cell.value).startswith("=SUM(") and formula_cell.protection.locked
    assert ws[refs[("PL6_II_4_4_1", "total")]].coordinate in formula_cell.value
    # What the file is for, in a sheet Excel does not list.
    identity = wb[IDENTITY_SHEET]
    assert identity.sheet_state == "veryHidden"
    found = {r[0]: r[1] for r in identity.iter_rows(values_only=True)}
    assert found["form_code"] == "PL6" and found["unit_id"] == str(commune.pk)
    assert found["unit_code"] == commune.code and found["period_code"] == "2023" and len(found["fingerprint"]) == 24


def test_the_entry_page_links_the_template_and_the_upload(client, commune_officer, commune, viewer, pl6, y2023):
    client_for(client, commune_officer)
    page = client.get(entry_url(pl6, y2023, commune)).content.decode()
    assert template_url(pl6, y2023, commune) in page and upload_url(pl6, y2023, commune) in page
    # A viewer may download the template of a unit they see, not upload.
    client_for(client, viewer)
    page = client.get(entry_url(pl6, y2023, commune)).content.decode()
    assert template_url(pl6, y2023, commune) in page and upload_url(pl6, y2023, commune) not in page
    assert client.get(template_url(pl6, y2023, commune)).status_code == 200
    assert client.get(upload_url(pl6, y2023, commune)).status_code == 404


@pytest.mark.parametrize("code", ["PL1", "PL2", "PL3", "PL4", "PL5", "PL6", "PL7"])
def test_every_appendix_makes_a_template_that_reads_back(forms, commune, code, y2023):
    form = forms[code]
    data = template_for(form, commune, y2023)
    parsed = read_workbook(data, expected=(form, commune, y2023))
    refs = input_cell_refs(form, y2023)
    assert set(parsed.values) == set(refs) and refs
    assert all(v == "" for v in parsed.values.values())


# --- one workbook ---------------------------------------------------------

def test_round_trip_saves_the_same_as_typed_on_the_web(client, coordinator, commune, sibling, pl6, y2023):
    """The province's coordinator types the figures of one commune on the web
    and uploads them for another commune in Excel: the same values are saved."""
    client_for(client, coordinator)
    post = {f"v:{e}:{o}": v for (e, o), v in WEB_VALUES.items()}
    assert client.post(entry_url(pl6, y2023, commune), {**post, "action": "save"}).status_code == 302

    template = client.get(template_url(pl6, y2023, sibling)).content
    response = post_file(client, upload_url(pl6, y2023, sibling), fill(template, pl6, y2023, VALUES))
    assert response.status_code == 302 and response["Location"] == entry_url(pl6, y2023, sibling)
    by_web, by_excel = saved(commune, y2023, pl6), saved(sibling, y2023, pl6)
    assert by_excel == by_web
    assert by_excel[("PL6_I_1", "total")] == Decimal("1234") and by_excel[("PL6_I_1r", "total")] == Decimal("24.5")
    assert by_excel[("PL6_II_4_4", "total")] == 3  # the computed row, recomputed by Treem
    submission = Submission.objects.get(form=pl6, unit=sibling, period=y2023)
    assert submission.status == "draft"
    # Audited, with the change history of every cell.
    assert AuditEntry.objects.filter(action="workbooks.imported", object_id=str(submission.pk),
                                     user=coordinator).count() == 1
    assert AuditEntry.objects.filter(action="reporting.values_saved", object_id=str(submission.pk)).count() == 1
    assert submission.values.get(element__code="PL6_I_1", option__code="male").changes.get().new == "600"

    # The template downloaded now is prefilled with what was saved; a value
    # emptied in Excel is cleared in Treem.
    again = openpyxl.load_workbook(io.BytesIO(client.get(template_url(pl6, y2023, sibling)).content))
    refs = input_cell_refs(pl6, y2023)
    assert again["PL6"][refs[("PL6_I_1", "total")]].value == 1234
    assert again["PL6"][refs[("PL6_I_1r", "total")]].value == 24.5
    data = fill(client.get(template_url(pl6, y2023, sibling)).content, pl6, y2023, {("PL6_II_1_3", "total"): None})
    assert post_file(client, upload_url(pl6, y2023, sibling), data).status_code == 302
    assert ("PL6_II_1_3", "total") not in {k for k, v in saved(sibling, y2023, pl6).items() if v is not None}


def test_upload_and_submit_at_once(client, commune_officer, commune, pl6, y2023):
    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), filled(pl6, commune, y2023), submit="1")
    assert response.status_code == 302
    submission = Submission.objects.get(form=pl6, unit=commune, period=y2023)
    assert submission.status == "submitted" and submission.submitted_by == commune_officer


def test_errors_are_listed_by_cell_and_nothing_is_saved(client, commune_officer, commune, pl6, y2023):
    refs = input_cell_refs(pl6, y2023)
    bad = {**VALUES, ("PL6_I_1", "female"): "abc", ("PL6_II_1_3", "total"): -2,
           ("PL6_I_2", "total"): 10, ("PL6_I_2", "male"): 4, ("PL6_I_2", "female"): 5}
    data = filled(pl6, commune, y2023, bad)
    error = refused("invalid", import_workbook, commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    cells = {p.cell: p for p in error.problems}
    assert set(cells) == {refs[("PL6_I_1", "female")], refs[("PL6_II_1_3", "total")], refs[("PL6_I_2", "total")]}
    abc = cells[refs[("PL6_I_1", "female")]]
    assert abc.sheet == "PL6" and abc.row == "I.1 Số trẻ em dưới 16 tuổi" and "abc" in abc.message
    assert "-2" in cells[refs[("PL6_II_1_3", "total")]].message
    assert not Submission.objects.filter(form=pl6, unit=commune).exists()
    assert not DataValue.objects.filter(unit=commune).exists()

    # On the page: the message and every cell, status 400, nothing saved.
    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert refs[("PL6_I_1", "female")] in page and "Số trẻ em dưới 16 tuổi" in page and "“abc”" in page
    assert not DataValue.objects.filter(unit=commune).exists()


def test_a_formula_in_an_input_cell_is_refused(commune_officer, commune, pl6, y2023):
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023, {**VALUES, ("PL6_II_1", "total"): "=1+2"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [p.cell for p in error.problems] == [refs[("PL6_II_1", "total")]]
    assert error.problems[0].message == ("Dòng II.1 “Trẻ em mồ côi cả cha và mẹ” (tổng số): ô chứa công thức (=1+2); "
                                         "hãy nhập trực tiếp số liệu.")
    assert not DataValue.objects.filter(unit=commune).exists()


def test_a_formula_is_listed_with_the_files_other_errors(commune_officer, commune, pl6, y2023):
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023, {**VALUES, ("PL6_II_1", "total"): "=1+2", ("PL6_I_1", "female"): "abc"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    # The formula first, then the text in a number cell: one round of corrections.
    assert [p.cell for p in error.problems] == [refs[("PL6_II_1", "total")], refs[("PL6_I_1", "female")]]
    assert "1 ô chứa công thức" in error.message and "1 lỗi khác" in error.message  # the heading counts both
    assert not DataValue.objects.filter(unit=commune).exists()


def test_a_cells_own_error_in_the_row_of_a_formula_is_listed_too(commune_officer, commune, pl6, y2023):
    """The trial: a formula in E9 hid "1.234,5" typed in G9 of the same row,
    found only at the second upload. A cell's own error is listed; the
    row's sums, which lack the formula's figure, are not."""
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023, {**VALUES, ("PL6_II_1", "total"): "=1+2", ("PL6_II_1", "male"): "1,5"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [p.cell for p in error.problems] == [refs[("PL6_II_1", "total")], refs[("PL6_II_1", "male")]]
    assert "số nguyên" in error.problems[1].message


def test_a_blank_template_is_refused_not_imported_as_a_report(client, coordinator, commune_officer, commune, pl6,
                                                              y2023):
    blank = filled(pl6, commune, y2023, {})
    error = refused("empty", import_workbook, commune_officer, blank, expected=(pl6, commune, y2023), submit=True)
    assert "không có số liệu" in error.message
    assert not Submission.objects.filter(unit=commune, period=y2023).exists()
    # Among a coordinator's uploads, it is listed as refused, not as a report imported.
    client_for(client, coordinator)
    response = post_file(client, upload_url(pl6, y2023, commune), blank)
    assert response.status_code == 400 and "không có số liệu" in response.content.decode()


def test_a_formula_in_a_sub_item_adds_no_false_error_on_its_computed_total(commune_officer, commune, pl6, y2023):
    """II.6.1 adds up its two sub-items. With the first one's total a
    formula, its male and female still count while its total does not:
    the sum of II.6.1 read without it (2 + 4 against 3) is not an error of
    the file."""
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023, {
        **VALUES, ("PL6_II_6_1_1", "total"): "=1+2", ("PL6_II_6_1_1", "male"): "1", ("PL6_II_6_1_1", "female"): "2",
        ("PL6_II_6_1_2", "total"): "3", ("PL6_II_6_1_2", "male"): "1", ("PL6_II_6_1_2", "female"): "2",
        ("PL6_I_1", "female"): "abc"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [p.cell for p in error.problems] == [refs[("PL6_II_6_1_1", "total")], refs[("PL6_I_1", "female")]]


def test_a_template_of_another_unit_period_or_form_is_refused_naming_it(client, coordinator, commune, sibling,
                                                                       forms, pl6, y2023):
    client_for(client, coordinator)
    other_unit = filled(pl6, sibling, y2023)
    response = post_file(client, upload_url(pl6, y2023, commune), other_unit)
    assert response.status_code == 400 and sibling.name in response.content.decode()
    error = refused("wrong_target", import_workbook, coordinator, other_unit, expected=(pl6, commune, y2023))
    assert sibling.name in error.message and commune.name in error.message

    y2022 = Period.objects.get(code="2022")
    error = refused("wrong_target", import_workbook, coordinator, filled(pl6, commune, y2022),
                    expected=(pl6, commune, y2023))
    assert str(y2022) in error.message
    pl4 = template_for(forms["PL4"], commune, y2023)
    error = refused("wrong_target", import_workbook, coordinator, pl4, expected=(pl6, commune, y2023))
    assert forms["PL4"].name in error.message
    assert not DataValue.objects.filter(unit__in=[commune, sibling]).exists()


def _edit(data, form, change):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb[form.code])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_changed_template_is_refused(commune_officer, commune, pl6, y2023):
    data = filled(pl6, commune, y2023)
    for change in (lambda ws: ws.insert_rows(FIRST_ROW + 3), lambda ws: ws.delete_rows(FIRST_ROW + 3),
                   lambda ws: ws.insert_cols(6), lambda ws: ws.delete_rows(ws.max_row),
                   lambda ws: ws.move_range(f"A{FIRST_ROW + 2}:Z{FIRST_ROW + 3}", rows=150)):
        refused("changed", import_workbook, commune_officer, _edit(data, pl6, change), expected=(pl6, commune, y2023))
    # Rows swapped: the codes of column A no longer follow the form.
    def swap(ws):
        a, b = ws.cell(FIRST_ROW + 1, CODE_COL), ws.cell(FIRST_ROW + 3, CODE_COL)
        a.value, b.value = b.value, a.value
    refused("changed", import_workbook, commune_officer, _edit(data, pl6, swap), expected=(pl6, commune, y2023))
    # The form itself changed in Treem since the template was downloaded.
    FormRow.objects.create(form=pl6, order=5, code="I.0", number="0", label="Dòng mới")
    error = refused("outdated", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert pl6.name in error.message
    assert not DataValue.objects.filter(unit=commune).exists()


def test_a_zip_bomb_is_refused_before_openpyxl(commune_officer, commune, pl6, y2023):
    base = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    # 20 MB of spaces pack into a few KB: far beyond the ratio of any workbook.
    bomb = make_zip({**base, "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    refused("zip_bomb", import_workbook, commune_officer, bomb, expected=(pl6, commune, y2023))
    # A directory that claims an entry larger than any sheet.
    honest = make_zip({**base, "xl/worksheets/sheet1.xml": b"<worksheet/>"})
    lying = honest.replace(len(b"<worksheet/>").to_bytes(4, "little") + len(b"xl/worksheets/sheet1.xml")
                           .to_bytes(2, "little"), (200 * 1024 * 1024).to_bytes(4, "little") +
                           len(b"xl/worksheets/sheet1.xml").to_bytes(2, "little"))
    assert lying != honest
    refused("zip_bomb", import_workbook, commune_officer, lying, expected=(pl6, commune, y2023))


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n')


def _with_entities(data, part):
    """The workbook with a "billion laughs" DOCTYPE in one of its XML parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {}
    for name in source.namelist():
        content = source.read(name)
        if name == part:
            if content.startswith(b"<?xml"):
                content = content.split(b"?>", 1)[1].lstrip()
            content = BILLION_LAUGHS + content
        entries[name] = content
    return make_zip(entries)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
def test_xml_entities_are_refused_with_a_clear_message(client, commune_officer, commune, pl6, y2023, part):
    data = _with_entities(filled(pl6, commune, y2023), part)
    error = refused("xml_entities", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert "DOCTYPE" in error.message
    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), data)
    assert response.status_code == 400 and "DOCTYPE" in response.content.decode()
    assert not DataValue.objects.filter(unit=commune).exists()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
def test_openpyxl_itself_refuses_entities_in_the_sheets(commune_officer, commune, pl6, y2023, part, monkeypatch):
    """The second line: with the first check skipped, openpyxl parses the
    sheets through defusedxml and the entities are still refused."""
    assert openpyxl.DEFUSEDXML is True
    from treem.workbooks import read_workbook as module

    monkeypatch.setattr(module, "check_package", lambda data: None)
    data = _with_entities(filled(pl6, commune, y2023), part)
    refused("xml_entities", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert not DataValue.objects.filter(unit=commune).exists()


def test_broken_and_foreign_files_are_refused_clearly(client, commune_officer, commune, pl6, y2023, tmp_path):
    import docx

    good = filled(pl6, commune, y2023)
    expected = (pl6, commune, y2023)
    refused("damaged", import_workbook, commune_officer, good[: len(good) // 2], expected=expected)
    refused("damaged", import_workbook, commune_officer, good[:-30], expected=expected)
    document = docx.Document()
    document.add_paragraph("Báo cáo")
    path = tmp_path / "bao-cao.docx"
    document.save(path)
    refused("docx", import_workbook, commune_officer, path.read_bytes(), "bao-cao.xlsx", expected=expected)
    refused("not_xlsx", import_workbook, commune_officer, "STT;Nội dung\n1;2".encode(), expected=expected)
    refused("old_format", import_workbook, commune_officer, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            expected=expected)
    refused("empty", import_workbook, commune_officer, b"", expected=expected)
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    refused("not_template", import_workbook, commune_officer, plain.getvalue(), expected=expected)

    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024))
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    response = post_file(client, upload_url(pl6, y2023, commune), path.read_bytes())
    assert response.status_code == 400 and "Word" in response.content.decode()
    assert not Submission.objects.filter(unit=commune).exists()


def test_a_submitted_report_is_not_overwritten(client, commune_officer, commune, pl6, y2023):
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, WEB_VALUES)
    actions.submit(commune_officer, submission)
    changed = filled(pl6, commune, y2023, {**VALUES, ("PL6_II", "total"): 20})
    error = refused("refused", import_workbook, commune_officer, changed, expected=(pl6, commune, y2023))
    submission.refresh_from_db()
    assert submission.get_status_display() in error.message
    # Named as an import is, so that among a hundred files the refused one is found.
    assert error.message.startswith(f"Phụ lục 6 của {commune.name}, kỳ {y2023}: ")
    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), changed)
    assert response.status_code == 400
    assert saved(commune, y2023, pl6)[("PL6_II", "total")] == 12
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_who_may_download_and_upload(client, outsider, commune_officer, coordinator, commune, sibling, pl6, y2023):
    data = filled(pl6, commune, y2023)
    client_for(client, outsider)
    assert client.get(template_url(pl6, y2023, commune)).status_code == 404
    assert client.get(upload_url(pl6, y2023, commune)).status_code == 404
    assert post_file(client, upload_url(pl6, y2023, commune), data).status_code == 404
    # The plain function checks too: a file of a unit the user may not report for.
    error = refused("not_allowed", import_workbook, outsider, data)
    assert commune.name in error.message
    # A commune officer cannot see the neighbouring commune's pages.
    client_for(client, commune_officer)
    assert client.get(template_url(pl6, y2023, sibling)).status_code == 404
    assert post_file(client, upload_url(pl6, y2023, sibling), filled(pl6, sibling, y2023)).status_code == 404
    refused("not_allowed", import_workbook, commune_officer, filled(pl6, sibling, y2023))
    assert not DataValue.objects.exists()
    # The province's coordinator may.
    assert import_workbook(coordinator, filled(pl6, sibling, y2023)).submission.unit == sibling


def test_a_period_not_begun_is_refused(commune_officer, commune, pl6):
    future = Period.objects.get(code="2030")
    error = refused("period", import_workbook, commune_officer, filled(pl6, commune, future))
    assert "2030" in error.message


def test_a_colleagues_change_since_the_download_is_not_overwritten(coordinator, commune_officer, commune, pl6,
                                                                   y2023):
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, {("PL6_II", "total"): "12", ("PL6_II_4", "total"): "5"})
    template = template_for(pl6, commune, y2023)
    # After the download, the district corrects one figure on the web.
    actions.save_values(coordinator, submission, {("PL6_II", "total"): "14"})
    # The file still holds the old 12 there: importing it would undo the correction.
    data = fill(template, pl6, y2023, {("PL6_II_4", "total"): 6})
    with pytest.raises(WorkbookError) as refused:
        import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    assert refused.value.code == "conflict" and "sau khi tải mẫu" in refused.value.message
    [problem] = refused.value.problems
    assert "14" in problem.message and problem.cell  # the cell of that row, named as Excel names it
    assert actions.stored_values(submission)[("PL6_II_4", "total")] == 5  # nothing imported

    # With the colleague's figure typed in (or a fresh template), the file goes in.
    import_workbook(commune_officer, fill(template, pl6, y2023, {("PL6_II_4", "total"): 6, ("PL6_II", "total"): 14}),
                    "x.xlsx", expected=(pl6, commune, y2023))
    assert actions.stored_values(submission)[("PL6_II_4", "total")] == 6
    # One's own earlier upload of the same file, corrected since, is no conflict.
    import_workbook(commune_officer, fill(template, pl6, y2023, {("PL6_II_4", "total"): 7, ("PL6_II", "total"): 14}),
                    "x.xlsx", expected=(pl6, commune, y2023))
    assert actions.stored_values(submission)[("PL6_II_4", "total")] == 7


def test_the_same_login_typing_on_the_web_since_the_download_is_not_overwritten(commune_officer, commune, pl6,
                                                                                  y2023):
    """The third trial: a commune's one login, shared by two officers. One
    typed 495 on the web after the other had downloaded the template; the
    old file's 510 replaced it without a word."""
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, {("PL6_I_2", "total"): "500"})
    template = template_for(pl6, commune, y2023)
    actions.save_values(commune_officer, submission, {("PL6_I_2", "total"): "495"})  # on the web, since
    data = fill(template, pl6, y2023, {("PL6_I_2", "total"): 510})
    with pytest.raises(WorkbookError) as refused:
        import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    assert refused.value.code == "conflict" and "495" in refused.value.problems[0].message
    assert actions.stored_values(submission)[("PL6_I_2", "total")] == 495


def test_a_problem_on_a_computed_total_names_its_locked_cell(commune_officer, commune, pl6, y2023):
    """4.4 "Các dạng tật" is the sum of the rows under it, locked in the
    sheet: above its own total (4, "Trẻ em khuyết tật") it is named by its
    cell, as typed cells are, so the officer finds where to look."""
    data = filled(pl6, commune, y2023, {("PL6_II_4", "male"): 7, ("PL6_II_4_4_1", "male"): 6,
                                        ("PL6_II_4_4_2", "male"): 4})
    error = refused("invalid", import_workbook, commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    [problem] = [p for p in error.problems if "Các dạng tật" in p.row]
    ws = openpyxl.load_workbook(io.BytesIO(data))[pl6.code]
    # The cell named is the locked one of row 4.4, male column, beside the typed 4.4.1.
    typed = ws[input_cell_refs(pl6, y2023)[("PL6_II_4_4_1", "male")]]
    named = ws[problem.cell]
    assert named.column == typed.column and named.row == typed.row - 1
    assert ws.cell(named.row, 3).value.endswith("Các dạng tật") and named.protection.locked
    assert "10" in problem.message and "(7)" in problem.message


def test_an_older_template_does_not_blank_what_another_file_imported_since(commune_officer, commune, pl6, y2023):
    """The ninth trial: a template downloaded before anything was imported,
    filled with one figure after another file had brought 22, blanked the 21
    others ("đã nhập"). Only a file's own download may overwrite what it
    imported; another file's figures are a change since, as a colleague's."""
    old = template_for(pl6, commune, y2023)  # downloaded first, while the report was empty
    newer = template_for(pl6, commune, y2023)
    import_workbook(commune_officer, fill(newer, pl6, y2023, {("PL6_I_1", "total"): 1000, ("PL6_I_2", "total"): 400}),
                    "moi.xlsx", expected=(pl6, commune, y2023))
    submission = Submission.objects.get(form=pl6, unit=commune, period=y2023)
    error = refused("conflict", import_workbook, commune_officer, fill(old, pl6, y2023, {("PL6_I_1", "total"): 990}),
                    "cu.xlsx", expected=(pl6, commune, y2023))
    assert any("400" in p.message for p in error.problems)  # the figure the old file would have blanked
    stored = actions.stored_values(submission)
    assert (stored[("PL6_I_1", "total")], stored[("PL6_I_2", "total")]) == (1000, 400)
    # The newer file itself, corrected and uploaded again, still goes in.
    import_workbook(commune_officer, fill(newer, pl6, y2023, {("PL6_I_1", "total"): 1001, ("PL6_I_2", "total"): 400}),
                    "moi.xlsx", expected=(pl6, commune, y2023))
    assert actions.stored_values(submission)[("PL6_I_1", "total")] == 1001
