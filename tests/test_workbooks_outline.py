"""The Excel template of the report outline (form BC) is worded as the
unit's entry page words it (FormRow.label_for): the ministry's as a
ministry's, a 34-province unit's without districts, a row the page leaves
out hidden and locked. A template downloaded before, in the form's own
(province) wording, still imports; a label that is neither is refused."""

import io
import re

import openpyxl
import pytest

from treem.accounts.models import User
from treem.reporting import actions
from treem.reporting.models import DataValue, Period
from treem.workbooks.read_workbook import import_workbook
from treem.workbooks.template_workbook import (
    CODE_COL,
    FIRST_ROW,
    IDENTITY_SHEET,
    LABEL_COL,
    TemplateBuilder,
    input_cell_refs,
    template_for,
)

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms  # noqa: F401
from .workbook_helpers import fill, inline_tasks, post_file, refused, template_url, upload_url  # noqa: F401

pytestmark = pytest.mark.django_db

# What the ministry types offline.
MINISTRY_TEXTS = {
    ("BC_A_I_4_a", "total"): "Các bộ, ngành tổ chức 12 hội nghị tập huấn.",
    ("BC_A_I_6_2", "total"): "Ngân sách địa phương bố trí 1.200 tỷ đồng.",
    ("BC_A_III_1", "total"): "Đề nghị Quốc hội giám sát chuyên đề về trẻ em.",
}


@pytest.fixture
def bc(forms):  # noqa: F811
    return forms["BC"]


@pytest.fixture
def ministry(db):
    return make_user("bo", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)


def page_labels(client, form, period, unit_):
    """The row labels of the entry page, without the notes and badges beside them."""
    page = client.get(f"/reporting/{form.code}/{period.code}/{unit_.pk}/").content.decode()
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.sub(r"<span.*?</span>", "", cell, flags=re.S))).strip()
            for cell in re.findall(r'<th scope="row" class="label">(.*?)</th>', page, re.S)]


def sheet(data, form):
    return openpyxl.load_workbook(io.BytesIO(data))[form.code]


def rows_by_code(ws):
    """{row code: sheet row} of the form's rows."""
    return {ws.cell(r, CODE_COL).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, CODE_COL).value}


def hidden(ws, r):
    return bool(ws.row_dimensions[r].hidden)


def shown_labels(ws):
    """Column C of the rows an officer sees in Excel."""
    return [ws.cell(r, LABEL_COL).value for r in rows_by_code(ws).values() if not hidden(ws, r)]


def texts(unit_, period):
    return {v.element.code: v.text for v in DataValue.objects.filter(unit=unit_, period=period).select_related(
        "element")}


def edited(data, change):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def in_the_forms_wording(form, period):
    """The template as Treem made it before it worded the outline by level:
    every row with the form's own label, none hidden or locked, and no
    fingerprint of the wording."""
    by_code = {row.code: row for row in form.rows.all()}

    def change(wb):
        ws = wb[form.code]
        for code, r in rows_by_code(ws).items():
            ws.cell(r, LABEL_COL).value = by_code[code].label
            ws.row_dimensions[r].hidden = False
        for ref in input_cell_refs(form, period).values():
            ws[ref].protection = openpyxl.styles.Protection(locked=False)
        identity = wb[IDENTITY_SHEET]
        for cell in identity["A"]:
            if cell.value == "wording":
                identity.delete_rows(cell.row)
    return change


def test_the_ministrys_template_is_worded_as_its_page_and_round_trips(client, bc, ministry):
    nation = ministry.unit
    for code in ("2024", "2026"):  # with districts before the reform, without after
        period = Period.objects.get(code=code)
        client_for(client, ministry)
        data = client.get(template_url(bc, period, nation)).content
        ws = sheet(data, bc)
        assert shown_labels(ws) == page_labels(client, bc, period, nation), code
        for wording in ("Đối với Quốc hội, Chính phủ", "Cấp trung ương:", "Các địa phương:", "Ngân sách trung ương",
                        "Ngân sách địa phương"):
            assert wording in shown_labels(ws), (code, wording)
        for provincial in ("Đối với Trung ương", "Ngân sách cấp tỉnh", "Cấp xã", "Ngân sách cấp xã"):
            assert provincial not in shown_labels(ws), (code, provincial)
        # The rows the ministry is not asked about are hidden, and cannot be typed in.
        by_code = rows_by_code(ws)
        refs = input_cell_refs(bc, period)
        for row_code, key in (("A.I.4.c", "BC_A_I_4_c"), ("A.I.6.3", "BC_A_I_6_3")):
            assert hidden(ws, by_code[row_code]) and ws[refs[(key, "total")]].protection.locked
        assert not hidden(ws, by_code["A.III.1"]) and not ws[refs[("BC_A_III_1", "total")]].protection.locked

        response = post_file(client, upload_url(bc, period, nation), fill(data, bc, period, MINISTRY_TEXTS))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert texts(nation, period) == {e: t for (e, _o), t in MINISTRY_TEXTS.items()}
        # Downloaded again: prefilled, worded the same.
        again = sheet(client.get(template_url(bc, period, nation)).content, bc)
        assert again[refs[("BC_A_III_1", "total")]].value == "Đề nghị Quốc hội giám sát chuyên đề về trẻ em."
        assert again.cell(by_code["A.III.1"], LABEL_COL).value == "Đối với Quốc hội, Chính phủ"


def test_a_34_province_units_template_has_no_districts_and_round_trips(client, bc, successor_coordinator,
                                                                        national_plan):
    thai_nguyen, period = successor_coordinator.unit, Period.objects.get(code="2026H1")
    client_for(client, successor_coordinator)
    data = client.get(template_url(bc, period, thai_nguyen)).content
    ws = sheet(data, bc)
    labels = shown_labels(ws)
    assert labels == page_labels(client, bc, period, thai_nguyen)
    assert "Cấp xã:" in labels and "Đối với cấp xã" in labels and labels.count("Ngân sách cấp xã") == 1
    assert not any("huyện" in label for label in labels), [x for x in labels if "huyện" in x]
    by_code = rows_by_code(ws)
    assert hidden(ws, by_code["A.I.4.c"]) and hidden(ws, by_code["A.I.6.3"])

    typed = {("BC_A_I_4_b", "total"): "Các xã tổ chức 40 buổi truyền thông.",
             ("BC_A_III_3", "total"): "Bố trí công chức làm công tác trẻ em ở mọi xã."}
    response = post_file(client, upload_url(bc, period, thai_nguyen), fill(data, bc, period, typed))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert texts(thai_nguyen, period) == {e: t for (e, _o), t in typed.items()}


def test_a_template_in_the_forms_own_wording_still_imports(client, bc, ministry, successor_coordinator):
    """An officer's file downloaded before the outline was worded by level:
    its labels are the province's, and it may hold text in a row the
    unit's page no longer asks about; that text is imported, and shown."""
    thai_nguyen, period = successor_coordinator.unit, Period.objects.get(code="2026")
    old = edited(template_for(bc, thai_nguyen, period), in_the_forms_wording(bc, period))
    ws = sheet(old, bc)
    assert ws.cell(rows_by_code(ws)["A.I.4.b"], LABEL_COL).value == "Cấp huyện"
    typed = {("BC_A_I_4_b", "total"): "Các xã tổ chức 40 buổi truyền thông.",
             ("BC_A_I_6_3", "total"): "Ngân sách xã chi 120 triệu đồng."}
    import_workbook(successor_coordinator, fill(old, bc, period, typed), expected=(bc, thai_nguyen, period))
    assert texts(thai_nguyen, period) == {e: t for (e, _o), t in typed.items()}
    # The row with text is shown, under the form's label, as on the unit's page, and can be corrected.
    client_for(client, successor_coordinator)
    ws = sheet(client.get(template_url(bc, period, thai_nguyen)).content, bc)
    r = rows_by_code(ws)["A.I.6.3"]
    ref = input_cell_refs(bc, period)[("BC_A_I_6_3", "total")]
    assert not hidden(ws, r) and ws.cell(r, LABEL_COL).value == "Ngân sách cấp xã"
    assert ws[ref].value == "Ngân sách xã chi 120 triệu đồng." and not ws[ref].protection.locked
    assert "Ngân sách cấp xã" in page_labels(client, bc, period, thai_nguyen)
    assert hidden(ws, rows_by_code(ws)["A.I.4.c"])  # nothing typed there: left out, as on the page

    nation = ministry.unit
    old = edited(template_for(bc, nation, period), in_the_forms_wording(bc, period))
    import_workbook(ministry, fill(old, bc, period, MINISTRY_TEXTS), expected=(bc, nation, period))
    assert texts(nation, period) == {e: t for (e, _o), t in MINISTRY_TEXTS.items()}


def test_a_bc_row_labelled_neither_way_is_refused(client, bc, ministry):
    nation, period = ministry.unit, Period.objects.get(code="2026")
    template = fill(template_for(bc, nation, period), bc, period, MINISTRY_TEXTS)
    r = rows_by_code(sheet(template, bc))["A.III.1"]

    def relabel(wb):
        wb[bc.code].cell(r, LABEL_COL).value = "Đối với các tỉnh"

    for data in (template, edited(template, in_the_forms_wording(bc, period))):  # a new template, and an old one
        error = refused("changed", import_workbook, ministry, edited(data, relabel), expected=(bc, nation, period))
        assert error.message.startswith("Cấu trúc của tệp mẫu đã bị thay đổi")
        [problem] = error.problems
        assert (problem.sheet, problem.cell) == ("BC", f"C{r}")
        assert "“Đối với các tỉnh”" in problem.message and "Đối với Quốc hội, Chính phủ" in problem.message
        assert not DataValue.objects.filter(unit=nation).exists()
    # The ministry's wording under a province's row is no more its row's.
    client_for(client, ministry)
    bac_kan = unit("legacy", "province", "06")
    y2024 = Period.objects.get(code="2024")
    data = edited(fill(template_for(bc, bac_kan, y2024), bc, y2024, MINISTRY_TEXTS),
                  lambda wb: setattr(wb[bc.code].cell(r, LABEL_COL), "value", "Đối với Quốc hội, Chính phủ"))
    refused("changed", import_workbook, ministry, data, expected=(bc, bac_kan, y2024))


def test_one_builder_words_each_units_template_as_its_own(bc):
    """The .zip of the templates below lays the sheet out once: the wording
    and the hidden rows of one unit do not stay in the next one's file."""
    y2024 = Period.objects.get(code="2024")
    nation, bac_kan = unit("national", "nation", "VN"), unit("legacy", "province", "06")
    builder = TemplateBuilder(bc, y2024)
    ministrys, provinces = (sheet(builder.render(u), bc) for u in (nation, bac_kan))
    by_code = rows_by_code(provinces)
    assert ministrys.cell(by_code["A.III.1"], LABEL_COL).value == "Đối với Quốc hội, Chính phủ"
    assert hidden(ministrys, by_code["A.I.4.c"])
    rows = {row.code: row for row in bc.rows.all()}
    assert [provinces.cell(r, LABEL_COL).value for r in by_code.values()] == [
        rows[c].label_for(bac_kan, y2024) for c in by_code]
    assert provinces.cell(by_code["A.III.2"], LABEL_COL).value == "Đối với các bộ, ngành Trung ương"
    assert not any(hidden(provinces, r) for r in by_code.values())
    refs = input_cell_refs(bc, y2024)
    assert not any(provinces[ref].protection.locked for ref in refs.values())


@pytest.mark.parametrize("code", ["PL1", "PL2", "PL3", "PL4", "PL5", "PL6", "PL7"])
def test_the_appendices_templates_keep_the_forms_labels(forms, code):  # noqa: F811
    """Forms without wording by level: every row as the form words it,
    none hidden, and the same identity as before."""
    form, y2026 = forms[code], Period.objects.get(code="2026")
    rows = {row.code: row for row in form.rows.all()}
    for unit_ in (unit("national", "nation", "VN"), unit("2025", "province", "19")):
        wb = openpyxl.load_workbook(io.BytesIO(template_for(form, unit_, y2026)))
        ws, by_code = wb[form.code], rows_by_code(wb[form.code])
        assert [ws.cell(r, LABEL_COL).value or "" for r in by_code.values()] == [rows[c].label for c in by_code]
        assert not any(hidden(ws, r) for r in by_code.values())
        assert "wording" not in {c.value for c in wb[IDENTITY_SHEET]["A"]}


def test_a_text_saved_on_the_web_in_a_row_not_asked_stays_in_the_template(bc, successor_coordinator):
    thai_nguyen, period = successor_coordinator.unit, Period.objects.get(code="2026H1")
    actions.save_report_values(successor_coordinator, bc, thai_nguyen, period, None, {
        ("BC_A_I_4_c", "total"): "Các xã đã rà soát trẻ em có hoàn cảnh đặc biệt."})
    data = template_for(bc, thai_nguyen, period)
    ws = sheet(data, bc)
    r = rows_by_code(ws)["A.I.4.c"]
    assert not hidden(ws, r) and ws.cell(r, LABEL_COL).value == "Cấp xã"
    # Uploaded as it is, with a text in another row: the text is kept.
    import_workbook(successor_coordinator, fill(data, bc, period, {("BC_A_III_3", "total"): "Bố trí công chức."}),
                    expected=(bc, thai_nguyen, period))
    assert texts(thai_nguyen, period)["BC_A_I_4_c"] == "Các xã đã rà soát trẻ em có hoàn cảnh đặc biệt."
