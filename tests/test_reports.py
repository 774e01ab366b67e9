"""The official report and its appendices: approved reports of two Bắc Kạn
communes and the province's own text go in through the reporting actions;
the files are built, opened again with python-docx and openpyxl, and read."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from treem.agencies.models import Agency
from treem.analytics.judging import EXCEEDED, MET, NOT_MET
from treem.analytics.loading import load_indicator_sources
from treem.analytics.models import IndicatorSource
from treem.analytics.results import MIXED, OWN, ROLLUP, indicator_results
from treem.core.numbers import format_number
from treem.reporting import actions
from treem.reporting.models import DataElement, DataValue, Period
from treem.reporting.rollup import rollup_form
from treem.reporting.validation import form_rows
from treem.reports.appendices import build_appendices
from treem.reports.docx_report import ReportOptions, build_mid_term_review, build_report
from treem.reports.indicator_table import MEASURE_UNITS, actual_text
from treem.units.models import Unit

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

# Two communes' Appendix 6 for 2023 (and the first one's for 2022).
PL6_A = {("PL6_I_1", "total"): "1.234", ("PL6_I_1", "male"): "600", ("PL6_I_1", "female"): "634",
         ("PL6_II", "total"): "12", ("PL6_II_1", "total"): "3", ("PL6_II_1", "male"): "1",
         ("PL6_II_1", "female"): "2", ("PL6_IV_2_2", "total"): "2", ("PL6_IV_2_2_1", "total"): "1"}
PL6_B = {("PL6_I_1", "total"): "766", ("PL6_I_1", "male"): "400", ("PL6_I_1", "female"): "366",
         ("PL6_II", "total"): "8", ("PL6_II_1", "total"): "1", ("PL6_II_1", "male"): "1",
         ("PL6_II_1", "female"): "0", ("PL6_IV_2_2", "total"): "1", ("PL6_IV_2_2_1", "total"): "1"}
PL6_A_2022 = {("PL6_I_1", "total"): "1.200", ("PL6_II", "total"): "15"}


def pl7_values(num, den, plan_num, reg, reg_plan, under5, special, special_plan, children):
    """Appendix 7 of one commune: child-friendly commune (CT1), special
    circumstances (CT14, lower is better), birth registration (CT22), and
    the neonatal mortality rate typed as a rate, without its counts (CT3)."""
    return {("PL7_CT3", "actual"): "4,5", ("PL7_CT3", "plan"): "5", ("PL7_CT3", "next_plan"): "4",
            ("PL7_CT1", "actual"): num, ("PL7_CT1_d", "actual"): den,
            ("PL7_CT1", "plan"): plan_num, ("PL7_CT1_d", "plan"): den,
            ("PL7_CT14", "actual"): special, ("PL7_CT14", "plan"): special_plan,
            ("PL7_CT14_d", "actual"): children, ("PL7_CT14_d", "plan"): children,
            ("PL7_CT22", "actual"): reg, ("PL7_CT22", "plan"): reg_plan,
            ("PL7_CT22_d", "actual"): under5, ("PL7_CT22_d", "plan"): under5}


PL7_A = pl7_values("1", "1", "1", "95", "90", "100", "5", "6", "500")
PL7_B = pl7_values("0", "1", "1", "190", "180", "200", "3", "4", "300")

BC_TEXT = {
    ("BC_A_I_1", "total"): "UBND tỉnh ban hành 5 văn bản chỉ đạo về công tác trẻ em.\n"
                           "Các sở, ngành triển khai kịp thời.",
    ("BC_A_II_2", "total"): "Tình trạng trẻ em đuối nước vẫn còn xảy ra ở vùng sâu.",
    ("BC_B_1", "total"): "Bảo đảm thực hiện các quyền của trẻ em.",
}


def approved(officer, reviewer, form, period, values, unit_=None):
    submission = actions.open_submission(officer, form, unit_ or officer.unit, period)
    problems = actions.save_values(officer, submission, values)
    assert [p.message for p in problems if p.is_error] == []
    actions.submit(officer, submission)
    return actions.approve(reviewer, submission)


@pytest.fixture
def communes(commune_officer):
    a = commune_officer.unit
    b = a.parent.children.exclude(pk=a.pk).order_by("code").first()
    return a, b


@pytest.fixture
def reported(forms, y2023, coordinator, commune_officer, communes, system_admin):  # noqa: F811
    """Approved PL6 and PL7 of two communes for 2023, PL6 of one for 2022,
    and the province's own report text (form BC) for 2023."""
    load_indicator_sources()
    a, b = communes
    officer_b = make_user("commune-b", "commune_officer", b)
    y2022 = Period.objects.get(code="2022")
    approved(commune_officer, coordinator, forms["PL6"], y2022, PL6_A_2022)
    approved(commune_officer, coordinator, forms["PL6"], y2023, PL6_A)
    approved(officer_b, coordinator, forms["PL6"], y2023, PL6_B)
    approved(commune_officer, coordinator, forms["PL7"], y2023, PL7_A)
    approved(commune_officer, coordinator, forms["PL4"], y2023,
             {("PL4_1_1", "plan"): "1.000", ("PL4_1_1", "actual"): "1.100", ("PL4_1_1_a", "actual"): "600",
              ("PL4_2_1_a", "actual"): "250"})
    approved(officer_b, coordinator, forms["PL7"], y2023, PL7_B)
    # The province's own narrative; the level above it (the nation) approves.
    approved(coordinator, system_admin, forms["BC"], y2023, BC_TEXT, unit_=coordinator.unit)
    return {"a": a, "b": b, "officer_b": officer_b}


def sheet_row(ws, label, column=2):
    for row in ws.iter_rows(min_row=1):
        if row[column - 1].value == label:
            return row
    raise AssertionError(f"no row {label!r}")


def header_cell(ws, text):
    for row in ws.iter_rows(min_row=1, max_row=12):
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"no header {text!r}")


def merged_range_of(ws, cell):
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return str(rng)
    return None


def test_appendix_6_adds_up_the_two_communes(reported, forms, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    wb = load_workbook(BytesIO(build_appendices(y2023, bac_kan, plan=bac_kan_plan)))
    assert wb.sheetnames == [f"Phụ lục {n}" for n in range(1, 8)]
    ws = wb["Phụ lục 6"]
    assert ws["A1"].value == "PHỤ LỤC 6"
    assert ws["A2"].value == "TÊN ĐƠN VỊ: ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"
    assert ws["A3"].value == "SỐ LIỆU CƠ BẢN VỀ DÂN SỐ TRẺ EM VÀ TÌNH HÌNH TRẺ EM NĂM 2023"

    # Merged headers: "Năm 2023" over Tổng số, Nam, Nữ; the single columns down both header rows.
    year = header_cell(ws, "Năm 2023")
    assert merged_range_of(ws, year) == f"E{year.row}:G{year.row}"
    assert [ws.cell(row=year.row + 1, column=c).value for c in (5, 6, 7)] == ["Tổng số", "Nam", "Nữ"]
    assert merged_range_of(ws, header_cell(ws, "NỘI DUNG")) == f"B{year.row}:B{year.row + 1}"
    assert header_cell(ws, "Năm 2022").column == 4

    rolled = rollup_form(forms["PL6"], y2023, bac_kan)
    children = sheet_row(ws, "Số trẻ em dưới 16 tuổi")
    total, male, female = (c.value for c in children[4:7])
    assert (total, male, female) == (2000, 1000, 1000)
    assert (total, male, female) == tuple(int(rolled[("PL6_I_1", o)]) for o in ("total", "male", "female"))
    assert children[3].value == 1200  # 2022: commune A alone
    assert children[2].value == "Người" and children[4].number_format == "#,##0"
    assert sheet_row(ws, "Tổng số trẻ em có hoàn cảnh đặc biệt")[4].value == 20
    # The lead agency cell spans its group of rows, as in the appendix.
    lead = children[7]
    assert lead.value.startswith("Lao động - Thương binh và Xã hội")
    assert merged_range_of(ws, lead) is not None

    # Printing: A4 landscape, one page wide, header rows repeated, a print area.
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == f"${year.row}:${year.row + 2}"
    assert ws.print_area.startswith("'Phụ lục 6'!$A$1:$H$")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


def test_appendix_7_recomputes_rates_and_judges_plan_against_actual(reported, y2023, bac_kan):  # noqa: F811
    ws = load_workbook(BytesIO(build_appendices(y2023, bac_kan)))["Phụ lục 7"]
    header = header_cell(ws, "Các mục tiêu, chỉ tiêu")
    assert merged_range_of(ws, header) == f"A{header.row}:B{header.row + 1}"
    judged = header_cell(ws, "Đánh giá kết quả thực hiện năm 2023")
    assert merged_range_of(ws, judged) == f"G{judged.row}:I{judged.row}"
    columns = {ws.cell(row=judged.row + 1, column=c).value: c for c in range(7, 10)}
    assert set(columns) == {"Không đạt KH", "Đạt KH", "Vượt KH"}

    # 1 of 2 communes child-friendly: 50 %, not the average of 100 % and 0 %;
    # the plan was both (100 %): not met.
    rate = sheet_row(ws, "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em")
    assert (rate[3].value, rate[4].value) == (100, 50)
    # Figures shown as the report prints them: two decimals at most, none for a whole number.
    assert rate[4].number_format == "#,##0"
    assert rate[columns["Không đạt KH"] - 1].value == "x" and rate[columns["Vượt KH"] - 1].value is None
    # Special circumstances, lower is better: 8/800 = 1 % against a plan of 1,25 %: exceeded.
    special = next(r for r in ws.iter_rows() if str(r[1].value or "").startswith("Giảm tỷ lệ trẻ em có hoàn cảnh"))
    assert (special[3].value, special[4].value) == (1.25, 1)
    assert (special[3].number_format, special[4].number_format) == ("#,##0.00", "#,##0")
    assert special[columns["Vượt KH"] - 1].value == "x"
    objective = sheet_row(ws, "Mục tiêu 1", column=1)
    assert merged_range_of(ws, objective[1]) is not None and objective[0].font.b


def test_appendix_layouts_follow_the_official_headers(reported, y2023, bac_kan):  # noqa: F811
    wb = load_workbook(BytesIO(build_appendices(y2023, bac_kan)))
    ws = wb["Phụ lục 2"]
    assessed = header_cell(ws, "Đánh giá kết quả thực hiện năm 2023")
    assert merged_range_of(ws, assessed) == f"G{assessed.row}:I{assessed.row}"
    for title in ("Kết quả thực hiện năm 2022", "Kế hoạch thực hiện năm 2023", "Kết quả thực hiện năm 2023",
                  "Kế hoạch năm 2024", "ĐVT", "Ghi chú"):
        assert merged_range_of(ws, header_cell(ws, title)) is not None
    ws = wb["Phụ lục 3"]
    assert merged_range_of(ws, header_cell(ws, "Số lượt người tham gia, trong đó")) is not None
    ws = wb["Phụ lục 4"]
    assert ws["A5"].value == "Đơn vị tính: 1000đ"
    assert header_cell(ws, "Đạt KH (%)")
    total = sheet_row(ws, "Tổng cộng", column=1)  # number and name merged, as printed
    assert merged_range_of(ws, total[0]) == f"A{total[0].row}:B{total[0].row}" and total[0].font.b
    # 1.100 + 250 spent against a plan of 1.000: 135 % of the plan, under "Vượt KH (%)".
    assert [c.value for c in total[3:8]] == [1000, 1350, None, None, 135]
    # Appendix 5: three header levels, staff type over sex, "Có (số lượng)" over Nam and Nữ.
    ws = wb["Phụ lục 5"]
    top = header_cell(ws, "Số lượng người làm công tác BVCSTE (người)")
    assert merged_range_of(ws, top) == f"C{top.row}:J{top.row}"
    assert merged_range_of(ws, header_cell(ws, "Chuyên trách")) == f"C{top.row + 1}:D{top.row + 1}"
    assert merged_range_of(ws, header_cell(ws, "Có (số lượng)")) == f"L{top.row + 1}:M{top.row + 1}"
    assert merged_range_of(ws, header_cell(ws, "Thứ tự")) == f"A{top.row}:A{top.row + 2}"
    for name in wb.sheetnames:
        assert wb[name].page_setup.orientation == "landscape"
        assert wb[name].print_area and wb[name].print_title_rows


def paragraphs(doc):
    return [p.text for p in doc.paragraphs]


def table_texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_annual_report_reads_as_the_official_form(reported, forms, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    options = ReportOptions(number="125", day=date(2024, 1, 5), signer_name="Nguyễn Văn A")
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023, options)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert doc.styles["Normal"].font.name == "Times New Roman"

    header = table_texts(doc.tables[0])
    assert header[0][0].split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC KẠN"]
    assert header[0][1].split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header[1][0] == "Số: 125/BC-UBND"
    assert header[1][1] == "Bắc Kạn, ngày 05 tháng 01 năm 2024"
    assert doc.tables[0].rows[1].cells[1].paragraphs[0].runs[0].italic

    texts = paragraphs(doc)
    start = texts.index("BÁO CÁO")
    assert texts[start + 1:start + 3] == ["Kết quả thực hiện công tác trẻ em năm 2023",
                                          "và phương hướng, nhiệm vụ năm 2024"]
    for heading in ("A. KẾT QUẢ THỰC HIỆN CÔNG TÁC TRẺ EM NĂM 2023",
                    "I. Tổ chức thực hiện quản lý nhà nước về trẻ em", "II. Đánh giá kết quả đạt được",
                    "III. Kiến nghị, đề xuất:", "B. KẾ HOẠCH THỰC HIỆN CÔNG TÁC TRẺ EM NĂM 2024",
                    "1. Mục tiêu chung"):
        assert heading in texts
    # The province's text, each line a paragraph, under its heading.
    first = texts.index("UBND tỉnh ban hành 5 văn bản chỉ đạo về công tác trẻ em.")
    assert texts[first - 1].startswith("1. Công tác tham mưu lãnh đạo")
    assert texts[first + 1] == "Các sở, ngành triển khai kịp thời."
    assert "Bảo đảm thực hiện các quyền của trẻ em." in texts
    assert any(t.startswith("Thực hiện Quyết định số 592/QĐ-UBND ngày 05/05/2021") for t in texts)
    assert ("Tổng kinh phí thực hiện công tác trẻ em năm 2023: 1.350 nghìn đồng, đạt 135% kế hoạch; "
            "trong đó nguồn vận động xã hội 250 nghìn đồng (chi tiết tại Phụ lục 4).") in texts

    # The indicator table holds what indicator_results says, judged there.
    results = indicator_results(bac_kan_plan, bac_kan, 2023)
    with_actual = [r for r in results if r.actual is not None]
    assert len(with_actual) >= 3
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    rows = table_texts(table)
    assert rows[0] == ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm 2023", "Thực hiện năm 2023", "Đánh giá"]
    by_name = {r[1]: r for r in rows[1:]}
    # Objectives are numbered I, II… and the indicators 1 to 24 in the same column, each number once.
    objectives = [r[0] for r in rows[1:] if r[1].startswith("Mục tiêu ")]
    assert objectives == ["I", "II", "III", "IV"][:len(objectives)] and len(objectives) >= 2
    numbers = [r[0] for r in rows[1:] if r[0] and not r[1].startswith("Mục tiêu ")]
    assert numbers == [str(n) for n in range(1, 25)]
    judged_text = {MET: "Đạt", EXCEEDED: "Vượt", NOT_MET: "Không đạt"}
    for r in with_actual:
        line = by_name[r.name]
        assert line[2] == MEASURE_UNITS[r.measure_unit]
        if r.measure_unit == "percent" or r.measure_unit.startswith("per_"):
            # The unit column and the figures write a rate alike: "‰" and "2,3‰", "1/1.000" and "5/1.000".
            assert line[2].lstrip("1") == r.unit_suffix
        assert line[4] == actual_text(r.actual, r.unit_suffix) and line[3] == (r.target.text if r.target else "")
        assert line[5] == judged_text[r.judgement]
    child_friendly = next(r for r in with_actual if r.indicator_number == "1")
    # The result carries the indicator's unit as the plan does.
    assert by_name[child_friendly.name][3:5] == ["100%", "50%"] and child_friendly.judgement == NOT_MET
    good = sum(r.judgement in (MET, EXCEEDED) for r in results)
    judged = sum(r.judgement in (MET, EXCEEDED, NOT_MET) for r in results)
    # 35 lines for 24 indicators: the sentence says it counts sub-indicators.
    assert any(f"kế hoạch có 24 chỉ tiêu, gồm {len(results)} chỉ tiêu thành phần" in t
               and f"{good}/{judged} chỉ tiêu thành phần đạt và vượt kế hoạch" in t for t in texts)

    # Appendix 6 compared with the year before, from the same figures.
    compare = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Tăng (+), giảm (−)")
    line = next(r for r in table_texts(compare) if r[1] == "Tổng số trẻ em có hoàn cảnh đặc biệt")
    assert line[3:] == ["15", "20", "+5"]
    # Numbered 1, 2… in the appendix's order, not by the appendix's references ("II.11").
    # A sub-item of a listed row reads under it, unnumbered (the drowned among the children who died of accidents).
    numbers = [r[0] for r in table_texts(compare)[1:]]
    assert [n for n in numbers if n] == [str(i) for i in range(1, len(numbers))] and numbers[-1] == ""
    assert table_texts(compare)[-1][1] == "Trong đó: + Số trẻ em tử vong do đuối nước"
    order = {r.label: r.order for r in form_rows(forms["PL6"])}
    labels = [r[1] for r in table_texts(compare)[1:]]
    assert labels == sorted(labels, key=order.get)

    signature = table_texts(doc.tables[-1])[0]
    assert signature[0].startswith("Nơi nhận:\n- Bộ Lao động - Thương binh và Xã hội (b/c);")
    # The signer's block as issued documents have it: no instruction to sign left in (tenth trial).
    assert signature[1].split("\n")[:3] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", ""]
    assert "Ký, ghi rõ" not in signature[1]
    # A province recommends to the centre and its ministries, not to "cấp tỉnh", itself (tenth trial).
    texts = paragraphs(doc)
    assert "2. Đối với các bộ, ngành Trung ương" in texts and "Đối với cấp tỉnh" not in " ".join(texts)
    assert signature[1].rstrip().endswith("Nguyễn Văn A")


def test_mid_term_review_shows_every_year_and_the_2025_target(reported, forms, coordinator, commune_officer,
                                                              bac_kan, bac_kan_plan):
    officer_b = reported["officer_b"]
    # Bắc Kạn's communes ceased on 30/06/2025: their last year is 2024.
    for year, a, b in (("2021", ("0", "1"), ("0", "1")), ("2024", ("1", "1"), ("1", "1"))):
        period = Period.objects.get(code=year)
        approved(commune_officer, coordinator, forms["PL7"], period,
                 {("PL7_CT1", "actual"): a[0], ("PL7_CT1_d", "actual"): a[1]})
        approved(officer_b, coordinator, forms["PL7"], period,
                 {("PL7_CT1", "actual"): b[0], ("PL7_CT1_d", "actual"): b[1]})
    review = Period.objects.get(code="2025MTR")
    doc = Document(BytesIO(build_mid_term_review(bac_kan_plan, bac_kan, review)))
    texts = paragraphs(doc)
    start = texts.index("BÁO CÁO")
    assert texts[start + 1:start + 3] == ["Sơ kết giữa kỳ thực hiện Chương trình hành động vì trẻ em",
                                          "giai đoạn 2021 - 2025"]
    table = next(t for t in doc.tables if len(t.rows[0].cells) == 11)
    rows = table_texts(table)
    assert rows[0][3:] == ["Năm 2020 (cơ sở)", "Năm 2021", "Năm 2022", "Năm 2023", "Năm 2024", "Năm 2025",
                           "Mục tiêu 2025", "Đánh giá 2025"]
    result = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2024) if r.indicator_number == "1")
    line = next(r for r in rows if r[1] == result.name)
    assert line[4:9] == ["0%", "", "50%", "100%", ""]
    assert line[3] == result.baseline_text and line[9] == result.target_2025.text
    # No 2025 result: the 2025 target is judged on the last year with one, and the cell says so.
    assert line[10] in ("Đạt (số liệu năm 2024)", "Vượt (số liệu năm 2024)")
    # The wide table has its own landscape pages.
    assert any(s.page_width > s.page_height for s in doc.sections)
    # The review's appendices print its latest year with figures, and say so.
    ws = load_workbook(BytesIO(build_appendices(review, bac_kan, plan=bac_kan_plan)))["Phụ lục 7"]
    assert ws["A3"].value.endswith("NĂM 2024")
    lines = pl7_lines(ws, forms["PL7"])
    assert lines["PL7_CT1"][4].value == 2 and lines["PL7_CT1_d"][4].value == 2


def test_report_page_and_downloads(client, reported, coordinator, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    client_for(client, coordinator)
    assert reverse("reports:choose", args=[bac_kan_plan.pk]) in client.get(
        reverse("plans:detail", args=[bac_kan_plan.pk])).content.decode()
    choose = client.get(reverse("reports:choose", args=[bac_kan_plan.pk]), {"unit": bac_kan.pk, "period": "2023"})
    url = reverse("reports:report", args=[bac_kan_plan.pk, bac_kan.pk, "2023"])
    assert choose.status_code == 302 and choose["Location"] == url
    page = client.get(url).content.decode()
    assert reverse("reports:docx", args=[bac_kan_plan.pk, bac_kan.pk, "2023"]) in page
    assert "(DOCX)" in page and "(XLSX)" in page

    docx = client.get(reverse("reports:docx", args=[bac_kan_plan.pk, bac_kan.pk, "2023"]),
                      {"number": "7", "day": "15/12/2023", "signer_name": "Trần Thị B"})
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    disposition = docx["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bao_cao_cong_tac_tre_em_-_Tinh_Bac_Kan_-_nam_2023.docx"')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20c%C3%B4ng%20t%C3%A1c" in disposition
    doc = Document(BytesIO(docx.content))
    assert table_texts(doc.tables[0])[1] == ["Số: 7/BC-UBND", "Bắc Kạn, ngày 15 tháng 12 năm 2023"]

    xlsx = client.get(reverse("reports:xlsx", args=[bac_kan_plan.pk, bac_kan.pk, "2023"]), {"number": "7"})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith(".xlsx")
    ws = load_workbook(BytesIO(xlsx.content))["Phụ lục 6"]
    assert ws["A4"].value.startswith("(Kèm theo Báo cáo số 7/BC-UBND ngày ")

    # A date that is not one (31/02) makes no file dated today without a word: the page again, saying why,
    # with everything typed still there.
    for kind in ("reports:docx", "reports:xlsx"):
        refused = client.get(reverse(kind, args=[bac_kan_plan.pk, bac_kan.pk, "2023"]),
                             {"number": "7", "day": "31/02/2023", "signer_name": "Trần Thị B"})
        assert refused.status_code == 302 and refused["Location"].startswith(url + "?")
        again = client.get(refused["Location"]).content.decode()
        assert "“31/02/2023” không phải là ngày hợp lệ" in again and "Chưa tải xuống tệp nào" in again
        assert 'name="day" value="31/02/2023"' in again and 'value="Trần Thị B"' in again
        assert 'name="number" size="8" maxlength="20" value="7"' in again
    # An empty date is the default: for Bắc Kạn, which ceased on 30/06/2025, its last day, as the page
    # proposes it; a report of a province gone is not issued after it was.
    assert 'name="day" value="30/06/2025"' in page and "(Tỉnh Bắc Kạn hoạt động đến hết ngày 30/06/2025: báo cáo ghi ngày cuối cùng đó)" in page
    for kind in ("reports:docx", "reports:xlsx"):
        response = client.get(reverse(kind, args=[bac_kan_plan.pk, bac_kan.pk, "2023"]), {"day": "", "number": "7"})
        if kind == "reports:docx":
            header = table_texts(Document(BytesIO(response.content)).tables[0])[1]
            assert header == ["Số: 7/BC-UBND", "Bắc Kạn, ngày 30 tháng 6 năm 2025"]  # months 1 and 2 alone take a 0
        else:
            sheet = load_workbook(BytesIO(response.content))["Phụ lục 6"]
            assert sheet["A4"].value.startswith("(Kèm theo Báo cáo số 7/BC-UBND ngày 30/06/2025 ")


def test_the_official_files_are_in_vietnamese_whatever_the_pages_language(client, reported, coordinator, y2023,  # noqa: F811
                                                                          bac_kan, bac_kan_plan):
    client_for(client, coordinator)
    files = {}
    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        docx = client.get(reverse("reports:docx", args=[bac_kan_plan.pk, bac_kan.pk, "2023"]), {"day": "15/12/2023"})
        xlsx = client.get(reverse("reports:xlsx", args=[bac_kan_plan.pk, bac_kan.pk, "2023"]), {"day": "15/12/2023"})
        doc, book = Document(BytesIO(docx.content)), load_workbook(BytesIO(xlsx.content))
        texts = [p.text for p in doc.paragraphs] + [c for t in doc.tables for row in table_texts(t) for c in row]
        files[language] = (texts,
                           [[c.value for row in ws.iter_rows() for c in row] for ws in book.worksheets])
    assert files["en"] == files["vi"]
    assert "BÁO CÁO" in files["en"][0]


def test_outsider_and_units_outside_the_plan_get_404(client, reported, outsider, system_admin, y2023,  # noqa: F811
                                                     bac_kan, bac_kan_plan, commune_officer, coordinator):
    client_for(client, outsider)
    args = [bac_kan_plan.pk, bac_kan.pk, "2023"]
    for name in ("reports:report", "reports:docx", "reports:xlsx"):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.get(reverse("reports:choose", args=[bac_kan_plan.pk])).status_code == 404
    # A commune reads the province's plan, not the report the province sends up, and builds its own.
    officer = client_for(Client(), commune_officer)
    for name in ("reports:report", "reports:docx", "reports:xlsx"):
        assert officer.get(reverse(name, args=args)).status_code == 404
    own = [bac_kan_plan.pk, commune_officer.unit_id, "2023"]
    assert officer.get(reverse("reports:docx", args=own)).status_code == 200
    choice = officer.get(reverse("reports:choose", args=[bac_kan_plan.pk])).content.decode()
    assert f'value="{commune_officer.unit_id}"' in choice and f'value="{bac_kan.pk}"' not in choice
    # The province's results page it may read offers no link to that report.
    overview = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])
    assert 'id="official-report"' not in officer.get(overview).content.decode()
    assert 'id="official-report"' in client_for(Client(), coordinator).get(overview).content.decode()
    # Even the administrator gets no Bắc Kạn plan report for a Ninh Bình unit.
    client_for(client, system_admin)
    ninh_binh = unit("2025", "province", "37")
    assert client.get(reverse("reports:report", args=[bac_kan_plan.pk, ninh_binh.pk, "2023"])).status_code == 404


def test_building_the_files_writes_nothing(reported, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    with CaptureQueriesContext(connection) as queries:
        build_report(bac_kan_plan, bac_kan, y2023)
        build_appendices(y2023, bac_kan, plan=bac_kan_plan)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert queries.captured_queries and writes == []


def test_a_commune_report_uses_its_own_approved_figures(reported, y2023, bac_kan_plan, communes):  # noqa: F811
    a, _b = communes
    ws = load_workbook(BytesIO(build_appendices(y2023, a, plan=bac_kan_plan)))["Phụ lục 6"]
    assert ws["A2"].value == f"TÊN ĐƠN VỊ: ỦY BAN NHÂN DÂN {a.name.upper()}"
    assert [c.value for c in sheet_row(ws, "Số trẻ em dưới 16 tuổi")[3:7]] == [1200, 1234, 600, 634]
    rate = sheet_row(load_workbook(BytesIO(build_appendices(y2023, a)))["Phụ lục 7"],
                     "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn phù hợp với trẻ em")
    assert rate[4].value == 100 and format_number(Decimal(rate[4].value)) == "100"


def pl7_lines(ws, form):
    """{element code: XLSX row} of Appendix 7: its lines follow the form's rows."""
    first = next(c.row for c in ws["A"] if c.value == "(1)") + 1
    return {r.element.code: ws[first + i] for i, r in enumerate(form_rows(form)) if r.element_id}


def test_appendix_7_completes_the_provinces_own_report_with_the_communes(client, reported, forms, y2023, coordinator,
                                                                       system_admin, bac_kan, bac_kan_plan):
    """The trial: Sở Y tế and Sở Tư pháp report their part of Appendix 7, the
    coordinator fills the province's own report with them (only those
    cells), sends it and it is approved. The communes' approved reports
    below (fixture `reported`) still give every cell the province's report
    leaves empty, in the appendix as in the report's indicator table."""
    pl7 = forms["PL7"]
    health = Agency.objects.get(unit=bac_kan, name="Sở Y tế")
    justice = Agency.objects.get(unit=bac_kan, name="Sở Tư pháp")
    health_reporter = make_user("suyte", "reporter", bac_kan, agency=health)
    for who, agency, figures in (
            (health_reporter, health, {("PL7_CT3", "actual"): "9,5", ("PL7_CT3", "plan"): "10"}),
            (coordinator, justice, {("PL7_CT22", "actual"): "1.234", ("PL7_CT22_d", "actual"): "1.300"})):
        submission = actions.open_submission(who, pl7, bac_kan, y2023, agency)
        actions.save_values(who, submission, figures)
        actions.submit(who, submission)
        actions.approve(coordinator, submission)
    own = actions.open_submission(coordinator, pl7, bac_kan, y2023)
    assert actions.fill_from_agencies(coordinator, own) == 4  # CT3 plan and result, CT22 and its denominator
    actions.submit(coordinator, own)
    actions.approve(system_admin, own)
    # A report approved before a rate's parts had to go together may hold a
    # numerator alone: the province's own count of children in special circumstances.
    actual = DataValue.objects.get(submission=own, element__code="PL7_CT22").option  # "Thực hiện"
    DataValue.objects.create(element=DataElement.objects.get(code="PL7_CT14"), option=actual, unit=bac_kan,
                             period=y2023, submission=own, value=6)

    ws = load_workbook(BytesIO(build_appendices(y2023, bac_kan, plan=bac_kan_plan)))["Phụ lục 7"]
    lines = pl7_lines(ws, pl7)

    def plan_actual(code):
        return lines[code][3].value, lines[code][4].value

    # Child-friendly communes: nothing in the province's report, the communes' sums: 1 of 2 (plan 2 of 2).
    assert [plan_actual(c) for c in ("PL7_CT1", "PL7_CT1_d", "PL7_CT1_r")] == [(2, 1), (2, 2), (100, 50)]
    # The lead column names Bắc Kạn's plan's agency, not Nghệ An's form's ("Công an" for child abuse).
    assert lines["PL7_CT16"][-1].value == "Sở Lao động - Thương binh và Xã hội"
    assert lines["PL7_CT1_r"][6].value == "x"  # not met, judged on the figures shown
    # Infant mortality: the province's own figure (Sở Y tế's), which no sum gives.
    assert plan_actual("PL7_CT3") == (10, 9.5)
    # Birth registration: the province's own result (Sở Tư pháp's 1.234/1.300 = 94,92 %), and where
    # it gave no plan, the communes' plan: 270/300 = 90 %, recomputed from the sums, never averaged.
    assert [plan_actual(c) for c in ("PL7_CT22", "PL7_CT22_d", "PL7_CT22_r")] == [
        (270, 1234), (300, 1300), (90, 94.92)]
    # Special circumstances: the province counted 6 children, the communes 800 children in all;
    # the rate follows the figures printed, 6/800 = 0,75 %, not the communes' 8/800 (plan: 10/800).
    assert [plan_actual(c) for c in ("PL7_CT14", "PL7_CT14_d", "PL7_CT14_r")] == [(10, 6), (800, 800), (1.25, 0.75)]

    # The report's indicator table prints the same results as the appendix.
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    by_name = {r[1]: r for r in table_texts(table)[1:]}
    compared = set()
    for r in indicator_results(bac_kan_plan, bac_kan, 2023):
        source = r.source
        if (r.actual is None or source is None or source.kind != IndicatorSource.Kind.VALUE
                or source.element_code not in lines or source.note):  # a note: converted to another unit
            continue
        shown = lines[source.element_code][4].value
        assert shown is not None, source.element_code
        assert by_name[r.name][4] == actual_text(Decimal(str(shown)), r.unit_suffix), source.element_code
        compared.add((source.element_code, r.actual_from))
    assert {("PL7_CT1_r", ROLLUP), ("PL7_CT3", OWN), ("PL7_CT22_r", OWN), ("PL7_CT14_r", MIXED)} <= compared
    infant = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2023) if r.source
                  and r.source.element_code == "PL7_CT3")
    assert by_name[infant.name][4] == "9,5‰" and by_name[infant.name][3].endswith("‰")

    # The report page says where Appendix 7's figures come from, and the indicator page where the rate does.
    client_for(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    special = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2023) if r.source
                   and r.source.element_code == "PL7_CT14_r")
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, special.sub_indicator.pk]))
    assert ("0,75%</strong> (reported, the unit's own report, the missing part of the rate added up from the "
            "units below)") in page.content.decode()
    page = client.get(reverse("reports:report", args=[bac_kan_plan.pk, bac_kan.pk, "2023"])).content.decode()
    assert ("the unit&#x27;s own approved report, completed where it is empty with the sum of 2 approved commune "
            "reports") in page
    assert "the sum of 2 approved commune reports</td>" in page  # Appendix 6: no report of its own


def test_a_year_on_year_comparison_says_when_it_adds_up_different_numbers_of_communes(
        reported, forms, coordinator, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    """2022 adds up one commune's report and 2023 two: the change is partly
    the second commune, and both the report and Appendix 6 say so."""
    note = ("Số liệu năm 2022 tổng hợp từ báo cáo của 1 đơn vị cấp xã, năm 2023 của 2 đơn vị: mức tăng, giảm có "
            "phần do số đơn vị báo cáo khác nhau.")
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023, ReportOptions())))
    texts = paragraphs(doc)
    comparison = next(i for i, t in enumerate(texts) if t.startswith("Một số chỉ số cơ bản về trẻ em năm 2023"))
    assert "Ghi chú: " + note in texts[comparison:comparison + 4]
    ws = load_workbook(BytesIO(build_appendices(y2023, bac_kan, plan=bac_kan_plan)))["Phụ lục 6"]
    assert note in [c.value for row in ws.iter_rows(max_row=8) for c in row]
    # The same communes both years: no note.
    approved(reported["officer_b"], coordinator, forms["PL6"], Period.objects.get(code="2022"), PL6_B)
    texts = paragraphs(Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023, ReportOptions()))))
    assert not any("đơn vị cấp xã" in t for t in texts)


def test_figures_of_too_few_communes_are_not_given_as_the_countrys(reported, y2023, bac_kan, national_plan):  # noqa: F811
    # Two of Bắc Kạn's communes have approved 2023 reports: the ministry's report adds up those two.
    nation = bac_kan.parent
    owing = Unit.objects.filter(level="commune", path__startswith=nation.path).exclude(
        valid_to__lt=y2023.end).exclude(valid_from__gt=y2023.end).count()
    expected = f"2/{format_number(owing)} xã ({200 / owing:.1f}%)".replace(".", ",")
    doc = Document(BytesIO(build_report(national_plan, nation, y2023, ReportOptions(day=date(2026, 11, 24)))))
    texts = paragraphs(doc)
    # The ministry in charge reports, not the Prime Minister to himself.
    header = table_texts(doc.tables[0])[0][0]
    assert header.startswith("BỘ Y TẾ") and "THỦ TƯỚNG" not in header
    assert table_texts(doc.tables[0])[1][0].split() == ["Số:", "/BC-BYT"]
    signature = " ".join(c for row in table_texts(doc.tables[-1]) for c in row)
    assert "BỘ TRƯỞNG" in signature and "THỦ TRƯỞNG CƠ QUAN" not in signature
    # The programme is carried by a decision: "Chương trình số 23/QĐ-TTg" is no document's name.
    opening = next(t for t in texts if t.startswith("Thực hiện"))
    assert opening.startswith("Thực hiện Quyết định số 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ")
    assert "Bộ Y tế báo cáo" in opening
    # Said before any figure, in the words of the results page.
    note = next(i for i, t in enumerate(texts) if t.startswith("Lưu ý: "))
    assert (f"mới gồm báo cáo Phụ lục 7 năm 2023 đã được phê duyệt của {expected}, chưa phải số liệu "
            f"của cả nước." in texts[note])
    assert not any("chỉ tiêu thành phần đạt" in t for t in texts[:note])
    # A report issued before 01/03/2025 came from the labour ministry.
    before = Document(BytesIO(build_report(national_plan, nation, y2023, ReportOptions(day=date(2024, 1, 5)))))
    assert table_texts(before.tables[0])[0][0].startswith("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert table_texts(before.tables[0])[1][0].split() == ["Số:", "/BC-LĐTBXH"]

    # The appendices say it under each table added up from the communes.
    wb = load_workbook(BytesIO(build_appendices(y2023, nation, plan=national_plan)))
    # Their lead column names no province's departments (the form's own column is Nghệ An's).
    leads = [r[-1] for r in wb["Phụ lục 7"].iter_rows(values_only=True) if isinstance(r[-1], str)]
    assert not any(word in lead for lead in leads for word in ("Sở ", "Tỉnh đoàn", "Ngành "))
    texts = [c for c in wb["Phụ lục 6"].iter_rows(values_only=True) for c in c if isinstance(c, str)]
    assert any(f"mới gồm báo cáo Phụ lục 6 năm 2023 đã được phê duyệt của {expected}" in t for t in texts)


def test_a_sub_item_in_the_appendix_6_comparison_reads_under_its_total_unnumbered(forms):
    """Eighth trial: "Trong đó: + Số trẻ em tử vong do đuối nước" was item 9
    of the DOCX comparison, under item 8, the deaths it is part of."""
    from decimal import Decimal as D

    from treem.reports.docx_report import comparison_lines
    from treem.reports.values import FormFigures

    rows = form_rows(forms["PL6"])
    now = {("PL6_I_1", "total"): D(1000), ("PL6_IV_2_2", "total"): D(7), ("PL6_IV_2_2_1", "total"): D(4)}
    before = {("PL6_I_1", "total"): D(990), ("PL6_IV_2_2", "total"): D(9), ("PL6_IV_2_2_1", "total"): D(5)}
    lines = comparison_lines(FormFigures(forms["PL6"], rows, now, previous=before))
    assert [(line[0], line[1].split(":")[0], line[3:]) for line in lines] == [
        ("1", "Số trẻ em dưới 16 tuổi", ["990", "1.000", "+10"]),
        ("2", next(r.label for r in rows if r.code == "IV.2.2"), ["9", "7", "−2"]),
        ("", "Trong đó", ["5", "4", "−1"])]
