"""The Bắc Kạn plan page reads like the summary table at the end of Decision
592/QĐ-UBND (lines 310–377 of the document)."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from treem.plans.models import Comparator, Direction, SubIndicator, Target
from treem.plans.summary import format_target

from .conftest import client_for
from .summary_table import SummaryTable

pytestmark = pytest.mark.django_db

# Written by reading the document's table, cell by cell: (indicator, row) ->
# (result 2020, target 2025, target 2030). Numbers are shown normalized with
# their unit (the table's "99,60%" is 99,6%; its "17,1" for malnutrition is %).
BAC_KAN_TABLE = {
    ("1", 1): ("Không đánh giá", "75% (81/108)", "80% (86/108)"),
    ("2", 1): ("Không thống kê", "80%", "85%"),
    ("3", 1): ("2,3‰", "< 5‰", "< 3‰"),
    ("3", 2): ("9‰", "< 10‰", "< 8‰"),
    ("3", 3): ("9,5‰", "< 15‰", "< 10‰"),
    ("4", 1): ("17,1% (số liệu 2019)", "16,5%", "< 16%"),
    ("4", 2): ("27,5% (số liệu 2019)", "26,9%", "< 26,4%"),
    ("4", 3): ("1% (số liệu 2019)", "< 5% (nông thôn) | < 10% (thành thị)", "< 5% (nông thôn) | < 10% (thành thị)"),
    ("5", 1): ("97,7%", "97,8%", "98%"),
    ("6", 1): ("< 2%", "< 2%", "0%"),
    ("7", 1): ("100%", "100%", "100%"),
    ("8", 1): ("1%", "< 1,2%", "< 1%"),
    ("8", 2): ("90%", "90%", "95%"),
    ("9", 1): ("0,08%", "< 0,2%", "< 0,1%"),
    ("10", 1): ("Không thống kê", "< 1,5%", "< 1%"),
    ("11", 1): ("5/1.000", "4/1.000", "3/1.000"),
    ("11", 2): ("0,1/1.000", "0,1/1.000", "0,1/1.000"),
    ("12", 1): ("100%", "100%", "100%"),
    ("13", 1): ("0,05%", "2%–3%", "2%–3%"),
    ("14", 1): ("97,2%", "98,5%", "100%"),
    ("15", 1): ("69,82%", "72%", "75%"),
    ("16", 1): ("100%", "100%", "100%"),
    ("17", 1): ("99,54%", "99,54%", "99,6%"),
    ("17", 2): ("0,01%", "0,1%", "0,08%"),
    ("18", 1): ("100%", "100%", "100%"),
    ("18", 2): ("0,21%", "0,15%", "0,1%"),
    ("19", 1): ("100%", "100%", "100%"),
    ("20", 1): ("Không thống kê", "55%", "60%"),
    ("20", 2): ("Không thống kê", "75%", "85%"),
    ("21", 1): ("33,3%", "40%", "45%"),
    ("22", 1): ("Không thống kê", "20%", "30%"),
    ("23", 1): ("Không thống kê", "80%", "90%"),
    ("24", 1): ("Không thống kê", "25%", "30%"),
}


@pytest.fixture
def table(client, coordinator, bac_kan_plan):
    client_for(client, coordinator)
    response = client.get(reverse("plans:detail", args=[bac_kan_plan.pk]))
    assert response.status_code == 200
    return SummaryTable(response.content.decode())


def test_all_24_indicators_are_on_the_page(table):
    assert sorted({ind for ind, _sub in table.rows}, key=int) == [str(n) for n in range(1, 25)]


@pytest.mark.parametrize("row, expected", BAC_KAN_TABLE.items(), ids=lambda v: "-".join(map(str, v)) if isinstance(v, tuple) and isinstance(v[1], int) else None)
def test_baseline_and_targets_as_the_table_gives_them(table, row, expected):
    baseline, target_2025, target_2030 = expected
    cells = table.rows[row]
    assert cells["baseline"] == baseline
    assert cells["targets"][2025] == target_2025
    assert cells["targets"][2030] == target_2030


def test_national_target_stands_beside_the_provincial_one(table):
    # Chỉ tiêu 3: national "dưới 9,5 vào năm 2025 và dưới 9 vào năm 2030"
    assert table.rows[("3", 1)]["national"] == {2025: "< 9,5‰", 2030: "< 9‰"}
    # Chỉ tiêu 11: national 550/100.000 and 500/100.000, provincial per 1.000
    assert table.rows[("11", 1)]["national"] == {2025: "550/100.000", 2030: "500/100.000"}


def test_a_target_to_hold_reads_as_the_plan_words_it(client, coordinator, table, national_plan):
    # Chỉ tiêu 7: national "Phấn đấu 100% … vào năm 2025 và duy trì 100% đến năm
    # 2030", stored as "= 100" for 2030; no one writes "= 100%".
    assert table.rows[("7", 1)]["national"] == {2025: "100%", 2030: "duy trì 100%"}
    client_for(client, coordinator)
    url = reverse("plans:detail", args=[national_plan.pk])
    national = SummaryTable(client.get(url).content.decode())
    assert national.rows[("7", 1)]["targets"] == {2025: "100%", 2030: "duy trì 100%"}
    shown = [text for row in national.rows.values() for text in row["targets"].values()]
    assert not [text for text in shown if text.startswith("=")]
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert SummaryTable(client.get(url).content.decode()).rows[("7", 1)]["targets"][2030] == "maintain 100%"


def test_an_eliminate_target_of_zero_is_the_zero():
    # "Chấm dứt …" with no figure is stored as "= 0" for an eliminate indicator: not "duy trì 0%".
    sub = SubIndicator(direction=Direction.ELIMINATE)
    with override("vi"):
        assert format_target(Target(sub_indicator=sub, year=2025, comparator=Comparator.EQ, value=0), "%") == "0%"
        held = SubIndicator(direction=Direction.DECREASE)  # "… xuống 5% vào năm 2025 và duy trì đến năm 2030"
        assert format_target(Target(sub_indicator=held, year=2030, comparator=Comparator.EQ, value=5), "%") == "duy trì 5%"


def test_lead_agency_column(table):
    assert table.rows[("3", 1)]["lead"] == "Sở Y tế"
    assert table.rows[("14", 1)]["lead"] == "Sở Tư pháp"


def test_plan_page_is_in_vietnamese_and_switches_to_english(client, coordinator, bac_kan_plan):
    client_for(client, coordinator)
    url = reverse("plans:detail", args=[bac_kan_plan.pk])
    assert "Chỉ tiêu" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "Lead agency" in english and "National target" in english


def test_each_figure_links_to_its_line_in_the_document(client, coordinator, bac_kan_plan):
    target = bac_kan_plan.indicators.get(number="3").sub_indicators.first().targets.get(year=2025)
    client_for(client, coordinator)
    page = client.get(reverse("plans:source", args=[bac_kan_plan.pk]), {"line": target.source_line}).content.decode()
    highlighted = page.split('class="hit"', 1)[1].split("</li>", 1)[0]
    assert "&lt; 5‰" in highlighted or "< 5‰" in highlighted


# Which indicators does each department lead? The document states it in lines
# 316–320; Treem computes it from the indicators.
LEADS = {
    "Sở Lao động - Thương binh và Xã hội": ["1", "2", "8", "9", "10", "11", "12", "22", "23", "24"],
    "Sở Giáo dục và Đào tạo": ["7", "15", "16", "17", "18", "19", "20"],
    "Sở Y tế": ["3", "4", "5", "6"],
    "Sở Tư pháp": ["14"],
    "Sở Văn hóa, Thể thao và Du lịch": ["13", "21"],
}


def test_who_leads_what_is_computed(client, coordinator, bac_kan_plan):
    from treem.plans.summary import agency_summary

    rows = agency_summary(bac_kan_plan)["rows"]
    leads = {r["agency"].name: [i.number for i in r["leads"]] for r in rows if r["leads"]}
    assert leads == LEADS
    health = next(r for r in rows if r["agency"].name == "Sở Y tế")
    assert [i.number for i in health["coordinates"]] == ["11"]

    client_for(client, coordinator)
    page = client.get(reverse("plans:agencies", args=[bac_kan_plan.pk]), {"agency": health["agency"].pk})
    html = page.content.decode()
    assert "Sở Y tế" in html and "Sở Tư pháp" not in html
