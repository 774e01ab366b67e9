"""The fifth trial of the official report (Bắc Kạn, merged on 01/07/2025, so
its last annual period is 2024): the mid-term review judges the 2025 target
on the latest year with a result and says so; Appendix 7 judges a rate, not
its numerator and denominator; the recipients follow the day the report is
issued; the report page reads in English where it is UI."""

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from treem.analytics import judging
from treem.analytics.judging import EXCEEDED, MET, NOT_MET
from treem.analytics.models import IndicatorValue
from treem.analytics.results import indicator_results
from treem.reporting.models import Period
from treem.reports.appendices import build_appendices
from treem.reports.docx_report import ReportOptions, build_mid_term_review, build_report, default_recipients

from .conftest import client_for
from .reporting_helpers import forms, y2023  # noqa: F401
from .test_reports import approved, communes, paragraphs, pl7_lines, reported, table_texts  # noqa: F401

pytestmark = pytest.mark.django_db

JUDGED = {MET: "Đạt", EXCEEDED: "Vượt", NOT_MET: "Không đạt"}


def child_friendly(officer, reviewer, form, year, num, den):
    approved(officer, reviewer, form, Period.objects.get(code=year),
             {("PL7_CT1", "actual"): num, ("PL7_CT1_d", "actual"): den})


def review_rows(doc):
    table = next(t for t in doc.tables if len(t.rows[0].cells) == 11)
    return table_texts(table)


def test_mid_term_review_judges_2025_on_the_latest_year_with_a_result(reported, forms, coordinator,  # noqa: F811
                                                                      commune_officer, bac_kan, bac_kan_plan):
    """Bắc Kạn reports up to 2024: every commune child-friendly in 2024 (100 %)."""
    for year in ("2021", "2022", "2024"):
        child_friendly(commune_officer, coordinator, forms["PL7"], year, "1", "1")
        child_friendly(reported["officer_b"], coordinator, forms["PL7"], year, "1", "1")
    review = Period.objects.get(code="2025MTR")
    doc = Document(BytesIO(build_mid_term_review(bac_kan_plan, bac_kan, review)))
    rows = review_rows(doc)
    result = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2025) if r.indicator_number == "1")
    target = result.target or result.target_2025
    assert result.actual is None and target is not None
    line = next(r for r in rows if r[1] == result.name)
    assert line[4:9] == ["100%", "100%", "50%", "100%", ""]  # 2025: nothing reported
    expected = judging.judge(100, target.comparator, target.value, target.value_max, result.direction)
    assert expected in JUDGED
    assert line[10] == f"{JUDGED[expected]} (số liệu năm 2024)"
    # A line with no result in any year stays "Chưa có số liệu"; none is judged silently on an earlier year.
    judged_earlier = [r for r in rows[1:] if "(số liệu năm" in r[-1]]
    assert judged_earlier and all(r[8] == "" for r in judged_earlier)
    assert all(r[-1] in ("", "Chưa có số liệu", "Không có chỉ tiêu năm") or "(số liệu năm " in r[-1]
               for r in rows[1:] if not r[1].startswith("Mục tiêu"))
    texts = paragraphs(doc)
    assert any(t.startswith("Ghi chú: chỉ tiêu chưa có số liệu năm 2025 được đánh giá") for t in texts)
    summary = next(t for t in texts if "đạt và vượt mục tiêu năm 2025" in t)
    # Lines last reported in 2023 (fixture `reported`) are judged on 2023, and the sentence names both years.
    assert any(r[-1].endswith("(số liệu năm 2023)") and r[6] and not r[7] and not r[8] for r in rows[1:])
    assert summary.startswith("Chưa có số liệu năm 2025; theo số liệu của năm gần nhất có số liệu (năm 2023, 2024), ")
    assert f"/{len(judged_earlier)} chỉ tiêu thành phần có mục tiêu và số liệu đạt và vượt" in summary


def test_mid_term_review_of_a_unit_with_2025_results_judges_2025(reported, forms, coordinator,  # noqa: F811
                                                                 commune_officer, bac_kan, bac_kan_plan):
    for officer in (commune_officer, reported["officer_b"]):
        child_friendly(officer, coordinator, forms["PL7"], "2024", "1", "1")
    # The communes ended on 30/06/2025 report no 2025; the province's 2025 result is entered by hand.
    sub = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2025) if r.indicator_number == "1").sub_indicator
    IndicatorValue.objects.create(sub_indicator=sub, unit=bac_kan, year=2025, value=0)
    review = Period.objects.get(code="2025MTR")
    doc = Document(BytesIO(build_mid_term_review(bac_kan_plan, bac_kan, review)))
    result = next(r for r in indicator_results(bac_kan_plan, bac_kan, 2025) if r.indicator_number == "1")
    line = next(r for r in review_rows(doc) if r[1] == result.name)
    assert line[7:9] == ["100%", "0%"]
    assert line[10] == JUDGED[result.judgement] == "Không đạt"  # 2025's 0 %, not 2024's 100 %


def test_appendix_7_judges_the_rate_not_its_numerator_and_denominator(reported, forms, coordinator,  # noqa: F811
                                                                      commune_officer, bac_kan):
    """Chỉ tiêu 2: 85 of 90 children against a plan of 90 of 100: the count
    alone is below its plan, the rate (94,4 % against 90 %) exceeds it."""
    y2024 = Period.objects.get(code="2024")
    approved(commune_officer, coordinator, forms["PL7"], y2024,
             {("PL7_CT2", "plan"): "90", ("PL7_CT2_d", "plan"): "100",
              ("PL7_CT2", "actual"): "85", ("PL7_CT2_d", "actual"): "90",
              ("PL7_CT1", "plan"): "1", ("PL7_CT1_d", "plan"): "1",
              ("PL7_CT1", "actual"): "0", ("PL7_CT1_d", "actual"): "1"})
    ws = load_workbook(BytesIO(build_appendices(y2024, bac_kan)))["Phụ lục 7"]
    lines = pl7_lines(ws, forms["PL7"])
    judged = slice(6, 9)  # Không đạt KH, Đạt KH, Vượt KH
    assert (lines["PL7_CT2"][3].value, lines["PL7_CT2"][4].value) == (90, 85)
    assert [c.value for c in lines["PL7_CT2_r"][judged]] == [None, None, "x"]
    for part in ("PL7_CT2", "PL7_CT2_d", "PL7_CT1", "PL7_CT1_d"):
        assert [c.value for c in lines[part][judged]] == [None, None, None], part
    assert [c.value for c in lines["PL7_CT1_r"][judged]] == ["x", None, None]
    # A figure that is no part of a rate is still judged (2023: CT14's rate; the count rows are parts).
    ws = load_workbook(BytesIO(build_appendices(Period.objects.get(code="2023"), bac_kan)))["Phụ lục 7"]
    lines = pl7_lines(ws, forms["PL7"])
    assert [c.value for c in lines["PL7_CT14_r"][judged]] == [None, None, "x"]
    assert [c.value for c in lines["PL7_CT14"][judged]] == [None, None, None]


def recipients(doc):
    return table_texts(doc.tables[-1])[0][0].split("\n")


def test_recipients_follow_the_day_the_report_is_issued(reported, y2023, bac_kan, bac_kan_plan,  # noqa: F811
                                                        communes):
    y2024 = Period.objects.get(code="2024")
    issued = ReportOptions(day=date(2026, 11, 23))
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2024, issued)))
    assert recipients(doc)[:2] == ["Nơi nhận:", "- Bộ Y tế (b/c);"]
    assert not any("Lao động" in line for line in recipients(doc))
    district = communes[0].parent
    assert district.level == "district"
    doc = Document(BytesIO(build_report(bac_kan_plan, district, y2024, issued)))
    assert "- Sở Y tế (b/c);" in recipients(doc)
    # Issued before 01/03/2025, a report still went to the labour ministry and departments.
    doc = Document(BytesIO(build_report(bac_kan_plan, district, y2024, ReportOptions(day=date(2025, 2, 28)))))
    assert "- Sở Lao động - Thương binh và Xã hội (b/c);" in recipients(doc)
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023, ReportOptions(day=date(2025, 3, 1)))))
    assert recipients(doc)[1] == "- Bộ Y tế (b/c);"
    # The mid-term review likewise.
    doc = Document(BytesIO(build_mid_term_review(bac_kan_plan, bac_kan, Period.objects.get(code="2025MTR"),
                                                 ReportOptions(day=date(2025, 2, 1)))))
    assert recipients(doc)[1] == "- Bộ Lao động - Thương binh và Xã hội (b/c);"


def test_report_page_recipients_follow_the_date_set_on_it(client, reported, coordinator, bac_kan,  # noqa: F811
                                                          bac_kan_plan):
    client_for(client, coordinator)
    args = [bac_kan_plan.pk, bac_kan.pk, "2024"]
    page = client.get(reverse("reports:report", args=args)).content.decode()
    day = date.today()
    listed = "Bộ Y tế (b/c);" if day >= date(2025, 3, 1) else "Bộ Lao động - Thương binh và Xã hội (b/c);"
    assert f'<textarea name="recipients" rows="6">{listed}' in page
    # The list left as the page gave it follows the date typed on the page.
    shown = "\n".join(default_recipients(bac_kan))
    for typed, first in (("15/12/2024", "- Bộ Lao động - Thương binh và Xã hội (b/c);"),
                         ("23/11/2026", "- Bộ Y tế (b/c);")):
        response = client.get(reverse("reports:docx", args=args), {"day": typed, "recipients": shown})
        assert recipients(Document(BytesIO(response.content)))[1] == first
    # A list the person changed is kept as written.
    response = client.get(reverse("reports:docx", args=args), {"day": "15/12/2024", "recipients": "Bộ Y tế (b/c);"})
    assert recipients(Document(BytesIO(response.content)))[1:] == ["- Bộ Y tế (b/c);"]


def test_report_page_in_english_names_the_period_and_the_forms_in_english(client, reported, coordinator,  # noqa: F811
                                                                         bac_kan, bac_kan_plan):
    client_for(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    args = [bac_kan_plan.pk, bac_kan.pk, "2024"]
    page = client.get(reverse("reports:report", args=args)).content.decode()
    assert "<h1>Official report: Tỉnh Bắc Kạn, Year 2024</h1>" in page
    assert "năm 2024" not in page
    assert ">Appendix 7</a> · " in page and ">Appendix 1</a> · " in page and ">Report (text)</a>" in page
    assert "Phụ lục" not in page and ">Báo cáo</a>" not in page
    review = client.get(reverse("reports:report", args=[bac_kan_plan.pk, bac_kan.pk, "2025MTR"])).content.decode()
    assert "<h1>Mid-term review 2021–2025: Tỉnh Bắc Kạn</h1>" in review
    assert "giai đoạn 2021 - 2025" not in review
    # The document itself stays Vietnamese, an official document.
    doc = Document(BytesIO(client.get(reverse("reports:docx", args=args)).content))
    assert "Kết quả thực hiện công tác trẻ em năm 2024" in paragraphs(doc)
