"""The sixth trial of the official files: a column of rates in the
appendices printed each figure with the decimals it happened to have (15,77
above 16,7); an injury rate read "1/1.000" in the report and "‰" in the
appendices and on the entry page. The plans write it "4/1.000 trẻ em", and
keep ‰ for the mortality of live births."""

import re
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from treem.core.numbers import format_number
from treem.reporting.models import Period
from treem.reports.appendices import build_appendices
from treem.reports.docx_report import build_report

from .conftest import client_for
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import approved_pl7, sub_of, two_communes_in_two_districts
from .test_results_display import sources  # noqa: F401

pytestmark = pytest.mark.django_db

CHILD_FRIENDLY = "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em"
SPECIAL = "Giảm tỷ lệ trẻ em có hoàn cảnh đặc biệt trên tổng số trẻ em"
BIRTHS = "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh/ số trẻ em dưới 5 tuổi"
BIRTHS_COUNT = "Số trẻ em dưới 5 tuổi được đăng ký khai sinh/ số trẻ em dưới 5 tuổi"
INJURED = "Giảm tỷ suất trẻ em bị TNTT / tổng số trẻ em"
INJURY_DEATHS = "Giảm tỷ suất trẻ em bị tử vong do TNTT /tổng số trẻ em"
NEONATAL = "Giảm tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống"


def sheet_line(ws, label):
    return next(r for r in ws.iter_rows() if r[1].value == label)


def as_printed(cell):
    """A figure as Excel or LibreOffice prints it with its number format, in Vietnamese."""
    decimals = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
    return format_number(cell.value, decimals)


def results_table(doc):
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    return {r.cells[1].text: [c.text for c in r.cells] for r in table.rows}


def test_a_column_of_rates_reads_with_the_same_decimals(sources, coordinator, bac_kan):  # noqa: F811
    a, b = two_communes_in_two_districts(bac_kan)
    # Births registered 379/400 = 94,75 %; special circumstances 167/1.000 = 16,7 %; one commune of two
    # child-friendly, 50 %. Planned: 380/400 = 95 % registered, both communes child-friendly (100 %).
    approved_pl7(coordinator, a, 2023, {
        ("PL7_CT22", "actual"): "90", ("PL7_CT22_d", "actual"): "100", ("PL7_CT22", "plan"): "95",
        ("PL7_CT22_d", "plan"): "100", ("PL7_CT14", "actual"): "100", ("PL7_CT14_d", "actual"): "600",
        ("PL7_CT1", "actual"): "1", ("PL7_CT1_d", "actual"): "1", ("PL7_CT1", "plan"): "1",
        ("PL7_CT1_d", "plan"): "1"})
    approved_pl7(coordinator, b, 2023, {
        ("PL7_CT22", "actual"): "289", ("PL7_CT22_d", "actual"): "300", ("PL7_CT22", "plan"): "285",
        ("PL7_CT22_d", "plan"): "300", ("PL7_CT14", "actual"): "67", ("PL7_CT14_d", "actual"): "400",
        ("PL7_CT1", "actual"): "0", ("PL7_CT1_d", "actual"): "1", ("PL7_CT1", "plan"): "1",
        ("PL7_CT1_d", "plan"): "1"})
    ws = load_workbook(BytesIO(build_appendices(Period.objects.get(code="2023"), bac_kan)))["Phụ lục 7"]
    plan, actual = 3, 4  # the columns "Kế hoạch thực hiện năm 2023" and "Kết quả thực hiện năm 2023"
    rates = [sheet_line(ws, label) for label in (BIRTHS, SPECIAL, CHILD_FRIENDLY)]

    # The results column: two decimals on every rate, as 94,75 needs; numbers still, not text.
    assert [r[actual].value for r in rates] == [94.75, 16.7, 50]
    assert [r[actual].number_format for r in rates] == ["#,##0.00"] * 3
    assert [as_printed(r[actual]) for r in rates] == ["94,75", "16,70", "50,00"]
    # The plan column has whole rates only (95 %, 100 %): none has decimals.
    assert [(r[plan].value, r[plan].number_format) for r in (rates[0], rates[2])] == [(95, "#,##0"), (100, "#,##0")]
    # Counts stay whole.
    count = sheet_line(ws, BIRTHS_COUNT)[actual]
    assert (count.value, count.number_format, as_printed(count)) == (379, "#,##0", "379")


def test_an_injury_rate_names_its_unit_as_the_plans_write_it(client, sources, coordinator, bac_kan,  # noqa: F811
                                                              bac_kan_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    # 50 injured and 1 killed among 10.000 children: 5/1.000 and 0,1/1.000; the neonatal mortality as typed, in ‰.
    approved_pl7(coordinator, a, 2023, {("PL7_CT18", "actual"): "30", ("PL7_CT18_d", "actual"): "6.000",
                                        ("PL7_CT19", "actual"): "1", ("PL7_CT19_d", "actual"): "6.000",
                                        ("PL7_CT3", "actual"): "4,5"})
    approved_pl7(coordinator, b, 2023, {("PL7_CT18", "actual"): "20", ("PL7_CT18_d", "actual"): "4.000",
                                        ("PL7_CT19", "actual"): "0", ("PL7_CT19_d", "actual"): "4.000"})
    period = Period.objects.get(code="2023")
    ws = load_workbook(BytesIO(build_appendices(period, bac_kan, plan=bac_kan_plan)))["Phụ lục 7"]
    unit_column = 2  # ĐVT
    assert sheet_line(ws, INJURED)[unit_column].value == "1/1.000"
    assert sheet_line(ws, INJURY_DEATHS)[unit_column].value == "1/1.000"
    assert sheet_line(ws, NEONATAL)[unit_column].value == "‰"
    assert [sheet_line(ws, label)[4].value for label in (INJURED, INJURY_DEATHS)] == [5, 0.1]

    # The report names them alike: the unit column, and the figure with it.
    rows = results_table(Document(BytesIO(build_report(bac_kan_plan, bac_kan, period))))
    injured, neonatal = sub_of(bac_kan_plan, "11"), sub_of(bac_kan_plan, "3")
    assert rows[injured.name][2] == sheet_line(ws, INJURED)[unit_column].value
    assert rows[injured.name][4] == "5/1.000"
    assert rows[neonatal.name][2] == sheet_line(ws, NEONATAL)[unit_column].value == "‰"

    # So does the entry page: its ĐVT column, and the rate computed beside the commune's figures.
    page = client_for(client, coordinator).get(f"/reporting/PL7/2023/{a.pk}/").content.decode()
    row = re.search(r'<th scope="row" class="label">' + re.escape(INJURED) + r".*?</tr>", page, re.S).group(0)
    assert "<td>1/1.000</td>" in row and "‰" not in row
    assert re.search(r'<span class="rate">5</span>/1.000', row), row
