"""Offline Excel workbooks: the template, importing one filled file, bulk
imports. Real .xlsx files built with openpyxl, through the plain functions and
the Django test client."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from treem.core.models import AuditEntry
from treem.core.search import fold
from treem.reporting import actions, calendar
from treem.reporting.models import DataValue, FormRow, Period, Schedule, Submission
from treem.workbooks import batches
from treem.workbooks.models import WorkbookBatch, WorkbookFile
from treem.workbooks.read_workbook import WorkbookError, import_workbook, read_workbook
from treem.workbooks.template_workbook import (
    CODE_COL,
    FIRST_ROW,
    IDENTITY_SHEET,
    build_template,
    comment_cell_refs,
    input_cell_refs,
    template_for,
)

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

# What a commune officer types: Vietnamese text and plain Excel numbers mixed.
VALUES = {
    ("PL6_I_1", "total"): "1.234", ("PL6_I_1", "male"): 600, ("PL6_I_1", "female"): 634,
    ("PL6_I_1r", "total"): "24,5",
    ("PL6_II", "total"): 12,
    ("PL6_II_1", "total"): 3, ("PL6_II_1", "male"): 1, ("PL6_II_1", "female"): 2,
    ("PL6_II_1_3", "total"): 2,
    ("PL6_II_4", "total"): 5, ("PL6_II_4_4_1", "total"): 2, ("PL6_II_4_4_2", "total"): 1,
}
# The same figures as typed on the web page.
WEB_VALUES = {key: str(v) for key, v in VALUES.items()}


@pytest.fixture(autouse=True)
def inline_tasks(settings):
    settings.TREEM_TASKS_INLINE = True


@pytest.fixture
def commune(commune_officer):
    return commune_officer.unit


@pytest.fixture
def sibling(commune):
    """Another commune of the same district."""
    return commune.parent.children.exclude(pk=commune.pk).order_by("code").first()


def fill(data, form, period, values):
    """Type `values` into a template as a user does in Excel."""
    refs = input_cell_refs(form, period)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[form.code]
    for key, value in values.items():
        ws[refs[key]] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled(form, unit_, period, values=VALUES):
    return fill(template_for(form, unit_, period), form, period, values)


def upload_url(form, period, unit_):
    return reverse("workbooks:upload", args=[form.code, period.code, unit_.pk])


def template_url(form, period, unit_):
    return reverse("workbooks:template", args=[form.code, period.code, unit_.pk])


def entry_url(form, period, unit_):
    return reverse("reporting:entry", args=[form.code, period.code, unit_.pk])


def post_file(client, url, data, name="bao-cao.xlsx", **extra):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"workbook": upload, **extra})


def saved(unit_, period, form):
    return {(v.element.code, v.option.code): v.value for v in
            DataValue.objects.filter(unit=unit_, period=period, element__rows__form=form)
            .select_related("element", "option")}


def refused(code, fn, *args, **kwargs):
    with pytest.raises(WorkbookError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


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
    assert ws[refs[("PL6_I_1r", "total")]].number_format == "#,##0.0#"
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
    assert "=1+2" in error.problems[0].message and "Trẻ em mồ côi cả cha và mẹ" in error.problems[0].message
    assert not DataValue.objects.filter(unit=commune).exists()


def test_a_formula_is_listed_with_the_files_other_errors(commune_officer, commune, pl6, y2023):
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023, {**VALUES, ("PL6_II_1", "total"): "=1+2", ("PL6_I_1", "female"): "abc"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    # The formula first, then the text in a number cell: one round of corrections.
    assert [p.cell for p in error.problems] == [refs[("PL6_II_1", "total")], refs[("PL6_I_1", "female")]]
    assert not DataValue.objects.filter(unit=commune).exists()


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


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_openpyxl(commune_officer, commune, pl6, y2023):
    base = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    # 20 MB of spaces pack into a few KB: far beyond the ratio of any workbook.
    bomb = _zip({**base, "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    refused("zip_bomb", import_workbook, commune_officer, bomb, expected=(pl6, commune, y2023))
    # A directory that claims an entry larger than any sheet.
    honest = _zip({**base, "xl/worksheets/sheet1.xml": b"<worksheet/>"})
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
    return _zip(entries)


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


# --- bulk -----------------------------------------------------------------

def _upload(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_bulk_upload_imports_each_file_on_its_own(client, coordinator, outsider, pl6, y2023, commune, sibling):
    communes = [commune, sibling, *commune.parent.children.exclude(pk__in=[commune.pk, sibling.pk])
                .order_by("code")[:1]]
    ninh_binh = unit("2025", "province", "37").children.order_by("code").first()
    bad = {**VALUES, ("PL6_II_1_3", "total"): -2}
    files = [_upload(f"{u.code}.xlsx", filled(pl6, u, y2023)) for u in communes[:2]]
    files.append(_upload("loi.xlsx", filled(pl6, communes[2], y2023, bad)))
    files.append(_upload("ninh-binh.xlsx", filled(pl6, ninh_binh, y2023)))
    files.append(_upload("ghi-chu.xlsx", b"not a workbook"))
    client_for(client, coordinator)
    response = client.post(reverse("workbooks:batch_new"), {"files": files})
    assert response.status_code == 302
    batch = WorkbookBatch.objects.get(created_by=coordinator)
    assert response["Location"] == reverse("workbooks:batch", args=[batch.pk])
    results = {f.name: f for f in batch.files.all()}
    assert batch.status == "done" and len(results) == 5
    assert results[f"{commune.code}.xlsx"].status == "imported"
    assert results[f"{commune.code}.xlsx"].submission.unit == commune
    assert results[f"{sibling.code}.xlsx"].status == "imported"
    assert results["loi.xlsx"].status == "refused"
    assert [p["cell"] for p in results["loi.xlsx"].problems] == [input_cell_refs(pl6, y2023)[("PL6_II_1_3", "total")]]
    assert results["ninh-binh.xlsx"].status == "refused" and ninh_binh.name in results["ninh-binh.xlsx"].message
    assert results["ghi-chu.xlsx"].status == "refused"
    assert all(bytes(f.data) == b"" for f in results.values())
    assert saved(commune, y2023, pl6) == saved(sibling, y2023, pl6) and saved(commune, y2023, pl6)
    assert not saved(communes[2], y2023, pl6) and not saved(ninh_binh, y2023, pl6)
    assert AuditEntry.objects.filter(action="workbooks.batch_created", object_id=str(batch.pk)).count() == 1
    finished = AuditEntry.objects.get(action="workbooks.batch_finished", object_id=str(batch.pk))
    assert finished.detail == {"imported": 2, "refused": 3}

    # The progress page and its JSON.
    page = client.get(reverse("workbooks:batch", args=[batch.pk])).content.decode()
    assert "loi.xlsx" in page and input_cell_refs(pl6, y2023)[("PL6_II_1_3", "total")] in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    status = client.get(reverse("workbooks:batch_status", args=[batch.pk])).json()
    assert (status["done"], status["total"], status["imported"], status["refused"]) == (5, 5, 2, 3)
    assert status["is_done"] and [f["name"] for f in status["files"]][-1] == "ghi-chu.xlsx"
    assert len(client.get(reverse("workbooks:batch_status", args=[batch.pk]), {"from": 3}).json()["files"]) == 2
    # Nobody else sees it.
    client_for(client, outsider)
    assert client.get(reverse("workbooks:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("workbooks:batch_status", args=[batch.pk])).status_code == 404


def test_bulk_upload_of_a_zip_and_the_page_while_waiting(client, coordinator, commune, sibling, pl6, y2023):
    archive = _zip({f"bao-cao/{u.code}.xlsx": filled(pl6, u, y2023) for u in (commune, sibling)}
                   | {"bao-cao/doc-truoc.txt": b"..."})
    batch = batches.create_batch(coordinator, [("huyen.zip", archive)], submit=True)
    files = {f.name: f for f in batch.files.all()}
    assert set(files) == {f"huyen.zip/{commune.code}.xlsx", f"huyen.zip/{sibling.code}.xlsx",
                          "huyen.zip/doc-truoc.txt"}
    assert files["huyen.zip/doc-truoc.txt"].status == "refused"
    # Before the work runs, the page refreshes itself without JavaScript.
    client_for(client, coordinator)
    page = client.get(reverse("workbooks:batch", args=[batch.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh"' in page and "workbooks/batch.js" in page
    assert client.get(reverse("workbooks:batch_status", args=[batch.pk])).json()["done"] == 1
    batches.run_batch(batch.pk)
    assert set(WorkbookFile.objects.filter(batch=batch).values_list("status", flat=True)) == {"imported", "refused"}
    assert set(Submission.objects.filter(unit__in=[commune, sibling], form=pl6).values_list("status", flat=True)) \
        == {"submitted"}


def test_bulk_upload_needs_a_reporting_role(client, viewer, coordinator):
    client_for(client, viewer)
    assert client.get(reverse("workbooks:batch_new")).status_code == 404
    client_for(client, coordinator)
    assert client.get(reverse("workbooks:batch_new")).status_code == 200
    response = client.post(reverse("workbooks:batch_new"), {})
    assert response.status_code == 400 and not WorkbookBatch.objects.exists()


def test_a_bad_file_does_not_stop_the_batch_even_on_an_unexpected_error(coordinator, commune, sibling, pl6, y2023,
                                                                        monkeypatch):
    batch = batches.create_batch(coordinator, [("a.xlsx", filled(pl6, commune, y2023)),
                                               ("b.xlsx", filled(pl6, sibling, y2023))])
    real = batches.import_workbook
    calls = []

    def flaky(user, data, name, **kw):
        calls.append(name)
        if name == "a.xlsx":
            raise RuntimeError("disk full")
        return real(user, data, name, **kw)

    monkeypatch.setattr(batches, "import_workbook", flaky)
    batches.run_batch(batch.pk)
    results = {f.name: f.status for f in batch.files.all()}
    assert calls == ["a.xlsx", "b.xlsx"] and results == {"a.xlsx": "refused", "b.xlsx": "imported"}


def test_build_template_without_a_previous_period(pl6, commune):
    first = Period.objects.get(code="2021")
    data = build_template(pl6, commune, first)
    ws = openpyxl.load_workbook(io.BytesIO(data))["PL6"]
    refs = input_cell_refs(pl6, first)
    # No last-period columns: the inputs stand side by side.
    assert [refs[("PL6_I_1", o)][0] for o in ("total", "male", "female")] == ["E", "F", "G"]
    assert ws["E6"].value and read_workbook(data).values[("PL6_I_1", "total")] == ""


# --- comments on warnings -------------------------------------------------

def fill_comments(data, form, period, comments):
    """Type `comments` ({row code: text}) into the comment column."""
    refs = comment_cell_refs(form, period)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for code, text in comments.items():
        wb[form.code][refs[code]] = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def last_year(commune_officer, commune, pl6):
    """2022 figures of row I.1 such that 2023's 1.234 total and 634 girls are
    ten times as many or more, and 600 boys are not."""
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(commune_officer, pl6, commune, y2022)
    actions.save_values(commune_officer, before, {("PL6_I_1", "total"): "120", ("PL6_I_1", "male"): "61",
                                                  ("PL6_I_1", "female"): "59"})


def comments_of(unit_, period):
    return {(v.element.code, v.option.code): v.comment
            for v in DataValue.objects.filter(unit=unit_, period=period).exclude(comment="")
            .select_related("element", "option")}


def test_a_warning_without_a_comment_is_imported_and_shown_and_stops_the_submission(
        client, commune_officer, commune, pl6, y2023, last_year):
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023)
    result = import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023), submit=True)
    # Imported as a draft, as the web saves it; the two warnings named by cell.
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234
    assert {p.cell for p in result.uncommented} == {refs[("PL6_I_1", "total")], refs[("PL6_I_1", "female")]}
    assert all(p.level == "warning" and p.row == "I.1 Số trẻ em dưới 16 tuổi" for p in result.uncommented)
    assert not result.submitted and result.submit_refusal
    assert {p.cell for p in result.submit_problems} == {p.cell for p in result.uncommented}
    assert Submission.objects.get(form=pl6, unit=commune, period=y2023).status == "draft"

    # On the page: imported, and told that figures need a comment.
    client_for(client, commune_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(data)
    upload.name = "x.xlsx"
    response = client.post(upload_url(pl6, y2023, commune), {"workbook": upload, "submit": "1"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "2 figures are ten times last period" in page
    # In bulk: the file is imported; its warnings are listed.
    batch = batches.create_batch(commune_officer, [("a.xlsx", data)])
    batches.run_batch(batch.pk)
    f = batch.files.get()
    assert f.status == "imported" and {p["cell"] for p in f.problems} == {p.cell for p in result.uncommented}


def test_a_comment_typed_in_the_workbook_is_saved_like_one_typed_on_the_web(
        client, commune_officer, coordinator, commune, sibling, pl6, y2023, last_year):
    comment = "Điều tra lại toàn bộ trẻ em trên địa bàn năm 2023"
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": comment})
    result = import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023), submit=True)
    # The comment sits on the cells that warn, as the web puts it beside them;
    # nothing is left to explain, so the report is submitted.
    assert comments_of(commune, y2023) == {("PL6_I_1", "total"): comment, ("PL6_I_1", "female"): comment}
    assert result.warnings and not result.uncommented and result.submitted
    value = DataValue.objects.get(unit=commune, period=y2023, element__code="PL6_I_1", option__code="total")
    assert value.changes.get().new_comment == comment

    # Typed on the web for the same warnings, the same is stored.
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(coordinator, pl6, sibling, y2022)
    actions.save_values(coordinator, before, {("PL6_I_1", "total"): "120", ("PL6_I_1", "male"): "61",
                                              ("PL6_I_1", "female"): "59"})
    client_for(client, coordinator)
    post = {f"v:{e}:{o}": v for (e, o), v in WEB_VALUES.items()}
    post |= {"c:PL6_I_1:total": comment, "c:PL6_I_1:female": comment, "action": "submit"}
    assert client.post(entry_url(pl6, y2023, sibling), post).status_code == 302
    assert comments_of(sibling, y2023) == comments_of(commune, y2023)
    assert Submission.objects.get(form=pl6, unit=sibling, period=y2023).status == "submitted"


def test_the_comment_column_is_prefilled_and_an_emptied_comment_is_cleared(
        commune_officer, commune, pl6, y2023, last_year):
    refs = comment_cell_refs(pl6, y2023)
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": "Điều tra lại", "II.1": "Ghi chú"})
    import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    # A comment on a row without a warning is kept on the row's first figure.
    assert comments_of(commune, y2023) == {("PL6_I_1", "total"): "Điều tra lại",
                                           ("PL6_I_1", "female"): "Điều tra lại", ("PL6_II_1", "total"): "Ghi chú"}
    # The template downloaded now shows them, in an unlocked cell of the row.
    ws = openpyxl.load_workbook(io.BytesIO(template_for(pl6, commune, y2023)))["PL6"]
    assert ws[refs["I.1"]].value == "Điều tra lại" and ws[refs["II.1"]].value == "Ghi chú"
    assert not ws[refs["I.1"]].protection.locked and ws.cell(7, ws[refs["I.1"]].column).value == "c"
    # Emptied in the file: cleared in Treem, the history keeps it.
    again = fill_comments(template_for(pl6, commune, y2023), pl6, y2023, {"II.1": None})
    import_workbook(commune_officer, again, "x.xlsx", expected=(pl6, commune, y2023))
    assert set(comments_of(commune, y2023)) == {("PL6_I_1", "total"), ("PL6_I_1", "female")}
    value = DataValue.objects.get(unit=commune, period=y2023, element__code="PL6_II_1", option__code="total")
    assert [(c.old_comment, c.new_comment) for c in value.changes.all()][-1] == ("Ghi chú", "")


def test_a_formula_in_a_comment_cell_is_refused(commune_officer, commune, pl6, y2023):
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": "=A1"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [p.cell for p in error.problems] == [comment_cell_refs(pl6, y2023)["I.1"]]


def test_a_template_made_before_the_comment_column_still_imports(commune_officer, commune, pl6, y2023):
    refs = comment_cell_refs(pl6, y2023)
    wb = openpyxl.load_workbook(io.BytesIO(filled(pl6, commune, y2023)))
    ws = wb["PL6"]
    ws.delete_cols(ws[refs["I.1"]].column)
    identity = wb[IDENTITY_SHEET]
    next(c for c in identity["B"] if c.value == "treem-workbook/2").value = "treem-workbook/1"
    out = io.BytesIO()
    wb.save(out)
    import_workbook(commune_officer, out.getvalue(), "old.xlsx", expected=(pl6, commune, y2023))
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234


# --- the templates of the units below, in one .zip --------------------------

def zip_url(form, period, unit_):
    return reverse("workbooks:templates_below", args=[form.code, period.code, unit_.pk])


def _templates(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_province_downloads_the_templates_of_its_communes_in_one_zip(
        client, coordinator, commune_officer, commune, pl6, y2023, bac_kan, bac_kan_plan):
    # The calendar asks every commune of the province for PL6 each year.
    calendar.add_schedule(coordinator, bac_kan_plan, [pl6], Period.Type.ANNUAL, Schedule.Reporters.COMMUNES, 15, 12)
    expected = calendar.expected_units(bac_kan_plan.schedules.get(), y2023)
    # One commune has reported already: its template comes prefilled.
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, WEB_VALUES)

    client_for(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(zip_url(pl6, y2023, bac_kan)).content.decode()
    assert f"Download the templates of {len(expected)} units (.zip)" in page and commune.name in page
    assert zip_url(pl6, y2023, bac_kan) in client.get(entry_url(pl6, y2023, bac_kan)).content.decode()

    response = client.get(zip_url(pl6, y2023, bac_kan), {"download": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"PL6_2023_{bac_kan.code}_" in response["Content-Disposition"]
    files = _templates(response)
    assert len(files) == len(expected) > 100
    names = sorted(files)
    assert all(name.isascii() and name.endswith(".xlsx") and " " not in name for name in names)
    by_code = {name.split("_")[2]: name for name in names}
    assert set(by_code) == {u.code for u in expected}
    assert by_code[commune.code] == f"PL6_2023_{commune.code}_{re.sub('[^a-z0-9]+', '-', fold(commune.name))}.xlsx"
    # Each file is the unit's own template, prefilled with what it saved.
    mine = read_workbook(files[by_code[commune.code]], expected=(pl6, commune, y2023))
    assert mine.values[("PL6_I_1", "total")] == Decimal("1234")
    other = next(u for u in expected if u != commune)
    theirs = read_workbook(files[by_code[other.code]], expected=(pl6, other, y2023))
    assert theirs.unit == other and set(theirs.values.values()) == {""}
    # Filled in and sent back in one .zip, they are imported by the bulk upload.
    back = _zip({name: fill(files[name], pl6, y2023, VALUES) for name in names[:3]})
    batch = batches.create_batch(coordinator, [("tra-ve.zip", back)])
    batches.run_batch(batch.pk)
    assert set(batch.files.values_list("status", flat=True)) == {"imported"}


def test_the_zip_holds_only_units_the_user_may_see(client, commune_officer, outsider, commune, pl6, y2023):
    district = commune.parent
    # The district's reporting pages are not the commune's to open.
    client_for(client, commune_officer)
    assert client.get(zip_url(pl6, y2023, district), {"download": "1"}).status_code == 404
    # No calendar line: the communes of the district.
    coordinator = make_user("district", "coordinator", district)
    client_for(client, coordinator)
    files = _templates(client.get(zip_url(pl6, y2023, district), {"download": "1"}))
    assert sorted(name.split("_")[2] for name in files) == sorted(district.children.values_list("code", flat=True))
    # Another province's coordinator: as if the district did not exist.
    client_for(client, outsider)
    assert client.get(zip_url(pl6, y2023, district)).status_code == 404
    assert client.get(zip_url(pl6, y2023, district), {"download": "1"}).status_code == 404
    # A commune has no unit below: nothing to download.
    client_for(client, commune_officer)
    assert client.get(zip_url(pl6, y2023, commune), {"download": "1"}).status_code == 404
