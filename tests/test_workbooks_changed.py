"""A filled template whose rows no longer are the form's (a label edited,
rows swapped once the sheet is unprotected) is refused, each row named by
sheet, cell and the form's label, and nothing is imported; harmless changes
(spaces, case, a label edited in Treem since) are not refused. Text in a
number cell is reported once, as not a number, not also as an empty cell."""

import io

import openpyxl
import pytest

from treem.reporting.models import DataValue, FormRow, Submission
from treem.workbooks.read_workbook import import_workbook
from treem.workbooks.template_workbook import (
    CODE_COL,
    FIRST_ROW,
    IDENTITY_SHEET,
    LABEL_COL,
    NUMBER_COL,
    input_cell_refs,
    template_for,
)

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .workbook_helpers import (  # noqa: F401 (fixtures)
    VALUES,
    commune,
    fill,
    filled,
    inline_tasks,
    post_file,
    refused,
    saved,
    upload_url,
)

pytestmark = pytest.mark.django_db

# Sheet rows of the template of PL6 (the form's rows from FIRST_ROW on).
I_1, I_2 = FIRST_ROW + 1, FIRST_ROW + 3  # "1 Số trẻ em dưới 16 tuổi", "2 Số trẻ em dưới 6 tuổi"
II = FIRST_ROW + 10  # "II Tổng số trẻ em có hoàn cảnh đặc biệt"


def edited(data, sheet, change):
    """The workbook as a user leaves it after `change(worksheet)` in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb[sheet])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def relabel(row, text):
    def change(ws):
        ws.cell(row, LABEL_COL).value = text
    return change


def swap(a, b, first_col):
    """Rows `a` and `b` swapped from column `first_col` on (the sheet unprotected)."""
    def change(ws):
        for col in range(first_col, ws.max_column + 1):
            x, y = ws.cell(a, col), ws.cell(b, col)
            x.value, y.value = y.value, x.value
    return change


def nothing_imported(commune):
    return not Submission.objects.filter(unit=commune).exists() and not DataValue.objects.filter(
        unit=commune).exists()


# --- a changed template ---------------------------------------------------

def test_an_edited_label_is_refused_naming_sheet_cell_and_the_forms_row(client, commune_officer, commune, pl6,
                                                                         y2023):
    data = edited(filled(pl6, commune, y2023), "PL6", relabel(II, "Tổng số trẻ em"))
    error = refused("changed", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert "“PL6”" in error.message
    [problem] = error.problems
    assert (problem.sheet, problem.cell, problem.row) == ("PL6", f"C{II}", "II Tổng số trẻ em có hoàn cảnh đặc biệt")
    assert "“Tổng số trẻ em”" in problem.message and "“II Tổng số trẻ em có hoàn cảnh đặc biệt”" in problem.message
    assert nothing_imported(commune)

    # On the page: status 400, the cell and the form's row named.
    client_for(client, commune_officer)
    response = post_file(client, upload_url(pl6, y2023, commune), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"C{II}" in page and "Tổng số trẻ em có hoàn cảnh đặc biệt" in page
    assert nothing_imported(commune)


def test_rows_swapped_under_their_codes_are_refused_not_imported_on_the_wrong_row(commune_officer, commune, pl6,
                                                                                 y2023):
    """The sheet unprotected, the visible cells of rows 1 and 2 swapped (the
    hidden codes of column A stay): the figures typed beside "Số trẻ em
    dưới 16 tuổi" would have gone to "Số trẻ em dưới 6 tuổi"."""
    data = edited(filled(pl6, commune, y2023), "PL6", swap(I_1, I_2, NUMBER_COL))
    error = refused("changed", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [(p.sheet, p.cell, p.row) for p in error.problems] == [
        ("PL6", f"C{I_1}", "I.1 Số trẻ em dưới 16 tuổi"), ("PL6", f"C{I_2}", "I.2 Số trẻ em dưới 6 tuổi")]
    assert "“Số trẻ em dưới 6 tuổi”" in error.problems[0].message  # what the cell reads now
    assert "2" in error.message  # two rows
    assert nothing_imported(commune)


def test_whole_rows_swapped_are_refused_naming_the_first_one(commune_officer, commune, pl6, y2023):
    """Rows moved with their hidden codes: the first row out of place is named."""
    data = edited(filled(pl6, commune, y2023), "PL6", swap(I_1, I_2, CODE_COL))
    error = refused("changed", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    [problem] = error.problems
    assert (problem.sheet, problem.cell, problem.row) == ("PL6", f"C{I_1}", "I.1 Số trẻ em dưới 16 tuổi")
    assert "“Số trẻ em dưới 6 tuổi”" in problem.message
    assert str(I_1) in error.message
    assert nothing_imported(commune)

    # Only a hidden code changed: column A is named, with the form's code.
    def recode(ws):
        ws.cell(I_1, CODE_COL).value = "I.9"
    error = refused("changed", import_workbook, commune_officer, edited(filled(pl6, commune, y2023), "PL6", recode),
                    expected=(pl6, commune, y2023))
    [problem] = error.problems
    assert problem.cell == f"A{I_1}" and "“I.9”" in problem.message and "“I.1”" in problem.message
    assert nothing_imported(commune)


def test_spaces_line_breaks_and_case_in_a_label_are_not_a_change(commune_officer, commune, pl6, y2023):
    data = filled(pl6, commune, y2023)
    for change in (relabel(I_1, "  SỐ TRẺ EM   dưới 16\ntuổi "), relabel(II, "tổng số trẻ em có hoàn cảnh đặc biệt")):
        data = edited(data, "PL6", change)
    result = import_workbook(commune_officer, data, expected=(pl6, commune, y2023))
    assert result.submission.status == "draft"
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234


def test_a_label_edited_in_treem_since_the_template_was_made_is_not_held_against_it(commune_officer, commune,
                                                                                     pl6, y2023):
    data = filled(pl6, commune, y2023)
    row = FormRow.objects.get(form=pl6, code="II")
    row.label = "Tổng số trẻ em có hoàn cảnh đặc biệt (HCĐB)"
    row.save()
    import_workbook(commune_officer, data, expected=(pl6, commune, y2023))
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234
    # A template made now carries the new label, and is checked against it.
    again = edited(template_for(pl6, commune, y2023), "PL6", relabel(II, "Tổng số trẻ em có hoàn cảnh đặc biệt"))
    refused("changed", import_workbook, commune_officer, again, expected=(pl6, commune, y2023))


def test_a_template_made_before_labels_were_recorded_is_checked_too(commune_officer, commune, pl6, y2023):
    def older(data):
        wb = openpyxl.load_workbook(io.BytesIO(data))
        identity = wb[IDENTITY_SHEET]
        identity.delete_rows(next(c.row for c in identity["A"] if c.value == "labels"))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    data = older(filled(pl6, commune, y2023))
    refused("changed", import_workbook, commune_officer, edited(data, "PL6", swap(I_1, I_2, NUMBER_COL)),
            expected=(pl6, commune, y2023))
    assert nothing_imported(commune)
    import_workbook(commune_officer, data, expected=(pl6, commune, y2023))
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234


# --- text in a number cell ------------------------------------------------

@pytest.mark.parametrize("typed", [
    {("PL7_CT1", "actual"): "abc", ("PL7_CT1_d", "actual"): 12},  # a numerator beside its denominator
    {("PL7_CT1", "actual"): 5, ("PL7_CT1_d", "actual"): "abc"},  # a denominator beside its numerator
])
def test_text_in_a_rates_part_is_reported_once_as_not_a_number(client, commune_officer, commune, forms, y2023,
                                                                typed):
    pl7 = forms["PL7"]
    refs = input_cell_refs(pl7, y2023)
    [(text_key, _text)] = [(k, v) for k, v in typed.items() if v == "abc"]
    data = fill(template_for(pl7, commune, y2023), pl7, y2023, {**typed, ("PL7_CT2", "actual"): 3})
    error = refused("invalid", import_workbook, commune_officer, data, expected=(pl7, commune, y2023))
    # Row CT2's numerator without denominator is still listed; the text once, nothing about it being empty.
    assert [p.cell for p in error.problems] == [refs[text_key], refs[("PL7_CT2_d", "actual")]]
    assert "“abc” không phải là số" in error.problems[0].message
    assert "1 lỗi" not in error.message and "2 lỗi" in error.message
    assert nothing_imported(commune)

    client_for(client, commune_officer)
    page = post_file(client, upload_url(pl7, y2023, commune), data).content.decode()
    assert page.count("“abc”") == 1
    assert nothing_imported(commune)


def test_text_in_a_sub_item_is_not_also_a_wrong_sum_in_its_total(commune_officer, commune, pl6, y2023):
    """II.4.4 adds up its sub-items: the boys of II.4.4.1, unreadable, are
    not taken for 0 there (boys plus girls would then differ from the total)."""
    refs = input_cell_refs(pl6, y2023)
    typed = {**VALUES, ("PL6_II_4_4_1", "total"): 2, ("PL6_II_4_4_1", "male"): "abc",
             ("PL6_II_4_4_1", "female"): 1, ("PL6_II_4_4_2", "total"): 1, ("PL6_II_4_4_2", "male"): 0,
             ("PL6_II_4_4_2", "female"): 1}
    error = refused("invalid", import_workbook, commune_officer, filled(pl6, commune, y2023, typed),
                    expected=(pl6, commune, y2023))
    assert [(p.cell, p.row) for p in error.problems] == [(refs[("PL6_II_4_4_1", "male")],
                                                         "-Trẻ em khuyết tật vận động")]
    assert nothing_imported(commune)


def test_text_beside_a_formula_is_reported_once_too(commune_officer, commune, forms, y2023):
    pl7 = forms["PL7"]
    refs = input_cell_refs(pl7, y2023)
    data = fill(template_for(pl7, commune, y2023), pl7, y2023, {
        ("PL7_CT1", "actual"): "abc", ("PL7_CT1_d", "actual"): 12, ("PL7_CT2", "plan"): "=1+1"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl7, commune, y2023))
    assert [p.cell for p in error.problems] == [refs[("PL7_CT2", "plan")], refs[("PL7_CT1", "actual")]]
    assert nothing_imported(commune)
