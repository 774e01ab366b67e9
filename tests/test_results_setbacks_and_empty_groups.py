"""What a user trial of the results pages found: child marriages rose in the
latest year while the trend read "on track" without a word of it, and the
urban obesity rate of a district with no urban children (every commune
reported 0 of 0) read "no data"."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from treem.analytics import actions
from treem.analytics.judging import EMPTY_GROUP, EXCEEDED, MET, NO_DATA, NOT_MET
from treem.analytics.results import indicator_results, unit_comparison
from treem.analytics.trajectory import ON_TRACK
from treem.reports.docx_report import JUDGEMENT_TEXT
from treem.reports.indicator_table import mid_term_sentences, mid_term_table, results_table, sentences

from .conftest import client_for, make_user
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import approved_pl7, result_for, sub_of
from .test_national_results import nation, own_report, sources  # noqa: F401

pytestmark = pytest.mark.django_db

MARRIAGES = ("PL7_CT21_3", "actual")
BIRTHS, BIRTHS_D = ("PL7_CT22", "actual"), ("PL7_CT22_d", "actual")
RURAL = {("PL7_CT8_n", "actual"): "3", ("PL7_CT8_d", "actual"): "100"}
NO_URBAN_CHILD = {("PL7_CT9_n", "actual"): "0", ("PL7_CT9_d", "actual"): "0"}


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row(page, result):
    key = f'id="sub-{result.sub_indicator.pk}{"-" + result.scope if result.scope else ""}"'
    return page.split(key, 1)[1].split("</tr>", 1)[0]


# 1. A trend on track while the latest year went the wrong way.

@pytest.fixture
def marriages_rose(coordinator, bac_kan):
    """A commune's child marriages 157, 146, 148 (2022–2024), as in the
    demo's Bắc Kạn: 2024 rose by 1,37 % on 2023; births registered 93, 97,
    96 of 100: 2024 fell on 2023."""
    commune = bac_kan.descendants().filter(level="commune").order_by("code").first()
    for year, couples, births in ((2022, "157", "93"), (2023, "146", "97"), (2024, "148", "96")):
        approved_pl7(coordinator, commune, year, {MARRIAGES: couples, BIRTHS: births, BIRTHS_D: "100"})
    return commune


def test_the_trend_stays_on_track_and_the_rise_of_the_latest_year_is_said(client, sources, coordinator, bac_kan,
                                                                          bac_kan_plan, marriages_rose):
    child_marriage, birth = sub_of(bac_kan_plan, "13"), sub_of(bac_kan_plan, "14")
    results = indicator_results(bac_kan_plan, marriages_rose, 2024)
    r = result_for(results, child_marriage)
    # Nothing backwards: the figure is the yearly reduction, the more the better, and 2024's is below zero.
    assert r.direction == "increase" and r.rose_instead and r.actual.quantize(Decimal("0.01")) == Decimal("-1.37")
    # The trend is the average yearly reduction, not a line through 7,01 % and −1,37 %: 157 → 148 couples in
    # two years, 1 − (148/157)^(1/2) = 2,91 % fewer a year, inside "2%–3% a year" in 2025 and 2030 (the yearly
    # target holds from 2025: 2024 has none).
    assert (r.trajectory_2025.status, r.trajectory_2030.status, r.judgement) == (ON_TRACK, ON_TRACK, "no_target")
    assert r.trajectory_2030.average_reduction and r.trajectory_2030.slope is None
    assert r.trajectory_2025.projected.quantize(Decimal("0.01")) == Decimal("2.91")
    assert (r.trajectory_2030.first_year, r.trajectory_2030.last_year) == (2022, 2024)
    # …but 2024 went the wrong way, and the result says so.
    assert r.setback == "rose" and r.setback_against(r.trajectory_2030) == "rose"
    births = result_for(results, birth)
    assert births.trajectory == ON_TRACK and births.setback == "fell"  # 97 % then 96 %: an increase that fell

    rose, fell = gettext("%(year)s rose on the year before") % {"year": 2024}, \
        gettext("%(year)s fell on the year before") % {"year": 2024}
    client_for(client, coordinator)
    overview = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, marriages_rose.pk, 2024]))
    line = row(overview.content.decode(), r)
    assert "tr-on_track" in line and 'class="warn setback"' in line and rose in text(line)
    assert "tăng 1,37% so với năm trước" in text(line)
    assert fell in text(row(overview.content.decode(), births))
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, marriages_rose.pk, 2024,
                                                           child_marriage.pk])).content.decode()
    trend = text(page.split('<dl class="meta">')[1].split("</dl>")[0])
    # Said as what it is, the average yearly reduction over 2022–2024 ("giảm bình quân 2,91%/năm giai đoạn
    # 2022–2024"), not a value projected to 2030.
    average = gettext("an average reduction of %(n)s a year over %(first)s–%(last)s") % {
        "n": "2,91%", "first": 2022, "last": 2024}
    on_track = gettext("On track")
    assert trend.count(f"{on_track} ({average})") == 2, trend
    assert gettext("projected") not in trend and trend.index(rose) > trend.rindex(average), trend
    assert gettext("Trend: the average yearly reduction of the figure reduced from %(first)s to %(last)s, "
                   "compounded: 1 − (figure of %(last)s ÷ figure of %(first)s) raised to 1 ÷ the number of years "
                   "between; not a line through the yearly reductions.") % {"first": 2022, "last": 2024} in trend
    # The province ranks its districts by the year's reduction: this one's rise reads as a rise.
    district = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2024,
                                                               child_marriage.pk])).content.decode()
    ranking = district.split('<table class="list ranking">')[1].split("</table>")[0]
    cell = next(c for c in ranking.split("<tr>")[1:] if marriages_rose.parent.name in c)
    assert gettext("up %(n)s") % {"n": "1,37%"} in text(cell) and "−1,37" not in cell

    # The province's public page (the commune's figures added up) says it beside the verdict too.
    actions.set_public(coordinator, bac_kan, True)
    public = Client().get(reverse("public:province", args=[bac_kan.structure, bac_kan.code]), {"year": "2024"})
    line = row(public.content.decode(), result_for(indicator_results(bac_kan_plan, bac_kan, 2024), child_marriage))
    assert "tr-on_track" in line and rose in text(line) and "tăng 1,37% so với năm trước" in text(line)

    # The mid-term review counts it among the indicators likely to reach 2030, and names it.
    said = " ".join(mid_term_sentences(mid_term_table(bac_kan_plan, marriages_rose, 2021, 2024), 2024))
    assert ("kết quả năm gần nhất của chỉ tiêu 13, 14 diễn biến ngược chiều mục tiêu so với năm trước"
            in said), said


def test_no_average_reduction_over_years_that_went_nowhere(client, sources, coordinator, bac_kan, bac_kan_plan):
    """148, 157, 146, 148 couples (2021–2024): a line through the yearly
    reductions −6,08 %, 7,01 %, −1,37 % rose and read on track; as many
    couples in 2024 as in 2021 is no reduction a year at all: off track."""
    commune = bac_kan.descendants().filter(level="commune").order_by("code").first()
    for year, couples in ((2021, "148"), (2022, "157"), (2023, "146"), (2024, "148")):
        approved_pl7(coordinator, commune, year, {MARRIAGES: couples})
    child_marriage = sub_of(bac_kan_plan, "13")
    r = result_for(indicator_results(bac_kan_plan, commune, 2024), child_marriage)
    assert (r.trajectory_2025.status, r.trajectory_2030.status) == ("off_track", "off_track")
    assert r.trajectory_2030.projected == 0 and (r.trajectory_2030.first_year, r.trajectory_2030.last_year) == (
        2021, 2024)
    # Off track already says it goes badly: no word of the 2024 rise beside it.
    assert r.setback == "rose" and r.setback_against(r.trajectory_2025, r.trajectory_2030) == ""
    client_for(client, coordinator)
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, commune.pk, 2024,
                                                           child_marriage.pk])).content.decode()
    trend = text(page.split('<dl class="meta">')[1].split("</dl>")[0])
    assert gettext("an average reduction of %(n)s a year over %(first)s–%(last)s") % {
        "n": "0%", "first": 2021, "last": 2024} in trend, trend

    # Another commune, 140 couples then 150: a rise of 7,14 % a year, said as the rise it is.
    other = bac_kan.descendants().filter(level="commune").order_by("code")[1]
    for year, couples in ((2023, "140"), (2024, "150")):
        approved_pl7(coordinator, other, year, {MARRIAGES: couples})
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, other.pk, 2024,
                                                           child_marriage.pk])).content.decode()
    trend = text(page.split('<dl class="meta">')[1].split("</dl>")[0])
    rise = gettext("an average rise of %(n)s a year over %(first)s–%(last)s") % {
        "n": "7,14%", "first": 2023, "last": 2024}
    assert f"{gettext('Off track')} ({rise})" in trend and "−7,14" not in trend, trend


def test_no_word_when_the_latest_year_went_the_right_way_or_the_verdict_already_warns(client, sources,
                                                                                      coordinator, bac_kan,
                                                                                      bac_kan_plan):
    commune = bac_kan.descendants().filter(level="commune").order_by("code").first()
    # Child marriages 150, 146, 140: fewer each year. Births registered 99, 97, 95 of 100: off track.
    for year, couples, births in ((2022, "150", "99"), (2023, "146", "97"), (2024, "140", "95")):
        approved_pl7(coordinator, commune, year, {MARRIAGES: couples, BIRTHS: births, BIRTHS_D: "100"})
    results = indicator_results(bac_kan_plan, commune, 2024)
    r = result_for(results, sub_of(bac_kan_plan, "13"))
    assert r.actual > 0 and r.setback == "" and r.trajectory == ON_TRACK
    births = result_for(results, sub_of(bac_kan_plan, "14"))
    # The fall beside "off track" adds nothing: the verdict already says it goes badly.
    assert births.setback == "fell" and births.trajectory == "off_track"
    assert births.setback_against(births.trajectory_2025, births.trajectory_2030) == ""
    client_for(client, coordinator)
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, commune.pk, 2024])).content.decode()
    assert 'class="warn setback"' not in page


def test_a_yearly_reduction_is_judged_as_a_reduction_whatever_the_plan_calls_its_direction(sources, nation,
                                                                                           national_plan):
    """A plan writing "giảm 2–3% số cuộc tảo hôn mỗi năm" may read as an
    indicator to decrease; its figure is still the reduction, the more the
    better. Judged lower-is-better, a rise in child marriages would read as
    exceeded and a fall of 4,88 % as not met."""
    admin = make_user("admin", "admin", nation, is_superuser=True, is_staff=True)
    child_marriage = sub_of(national_plan, "13")
    child_marriage.direction = "decrease"
    child_marriage.save()
    for year, couples in ((2024, "40"), (2025, "41"), (2026, "39")):
        own_report(nation, admin, {MARRIAGES: couples}, year=year)
    rose = result_for(indicator_results(national_plan, nation, 2025), child_marriage)
    assert rose.rose_instead and (rose.direction, rose.judgement) == ("increase", NOT_MET)
    fell = result_for(indicator_results(national_plan, nation, 2026), child_marriage)
    assert fell.actual.quantize(Decimal("0.01")) == Decimal("4.88") and fell.judgement == EXCEEDED
    assert fell.setback == "" and rose.setback == "rose"



def test_yearly_reductions_entered_by_hand_are_averaged_too(sources, nation, national_plan):
    """Where no report gives the number of child marriages, the yearly
    reductions typed on the indicator page are chained into one: 3 %, then
    1 % fewer is 97 % of the start, then 96,03 %."""
    from treem.analytics.models import IndicatorValue

    admin = make_user("admin", "admin", nation, is_superuser=True, is_staff=True)
    child_marriage = sub_of(national_plan, "13")
    for year, reduction in ((2023, "3"), (2024, "1")):
        IndicatorValue.objects.create(sub_indicator=child_marriage, unit=nation, year=year, value=Decimal(reduction),
                                      updated_by=admin)
    r = result_for(indicator_results(national_plan, nation, 2024), child_marriage)
    # 1 − (96,03 / 100)^(1/2) = 2,01 % a year over 2022–2024: inside "2%–3%" (the plan's target of 2025).
    p = r.trajectory_2025
    assert (p.status, p.projected.quantize(Decimal("0.01")), p.first_year, p.last_year) == (
        ON_TRACK, Decimal("2.01"), 2022, 2024)
    # The reports give 2022 and 2023 (40, then 39 couples) and 2024 is typed (5 % fewer): 37,05 couples,
    # 1 − (37,05 / 40)^(1/2) = 3,76 % a year.
    IndicatorValue.objects.filter(year=2024).update(value=Decimal(5))
    for year, couples in ((2022, "40"), (2023, "39")):
        own_report(nation, admin, {MARRIAGES: couples}, year=year)
    p = result_for(indicator_results(national_plan, nation, 2024), child_marriage).trajectory_2025
    assert (p.projected.quantize(Decimal("0.01")), p.first_year, p.last_year) == (Decimal("3.76"), 2022, 2024)

# 2. A rate of a group with no child in it: 0 of 0, not "no data".

@pytest.fixture
def no_urban_child(coordinator, bac_kan):
    """Every commune of one district reports 0 urban children weighed (0/0)
    and rural ones; no other commune reports."""
    district = bac_kan.children.filter(level="district").order_by("code").first()
    communes = list(district.children.filter(level="commune").order_by("code"))[:2]
    for commune in communes:
        approved_pl7(coordinator, commune, 2023, {**RURAL, **NO_URBAN_CHILD})
    return district, communes


def test_a_rate_of_nobody_is_not_missing_and_is_not_judged(client, sources, coordinator, bac_kan, bac_kan_plan,
                                                            no_urban_child):
    district, communes = no_urban_child
    obesity = sub_of(bac_kan_plan, "4", 2)
    for place in (communes[0], district, bac_kan):
        results = indicator_results(bac_kan_plan, place, 2023)
        urban, rural = result_for(results, obesity, "urban"), result_for(results, obesity, "rural")
        assert (urban.actual, urban.empty_group, urban.judgement, urban.typed_rate) == (None, True, EMPTY_GROUP,
                                                                                        False), place
        assert urban.progress_2030 is None and urban.empty_years == {2023}
        assert rural.actual == 3 and not rural.empty_group
    # A district where nobody reported: no data, as before.
    other = next(d for d in bac_kan.children.filter(level="district") if d.pk != district.pk)
    urban = result_for(indicator_results(bac_kan_plan, other, 2023), obesity, "urban")
    assert (urban.empty_group, urban.judgement) == (False, NO_DATA)
    # The province's districts: 0/0 is unranked, judged by none, and not the "no data" of the others.
    ranked = {r.unit.pk: r for r in unit_comparison(bac_kan_plan, bac_kan, 2023, obesity)["urban"]}
    assert (ranked[district.pk].judgement, ranked[district.pk].rank) == (EMPTY_GROUP, None)
    assert ranked[other.pk].judgement == NO_DATA

    nobody, no_data = gettext("No children in the group"), gettext("No data")
    client_for(client, coordinator)
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, district.pk, 2023])).content.decode()
    line = row(page, result_for(indicator_results(bac_kan_plan, district, 2023), obesity, "urban"))
    assert "st-empty_group" in line and nobody in text(line) and "0/0" in text(line)
    assert no_data not in text(line)
    counts = text(page.split('class="counts"')[1].split("</ul>")[0])
    assert f"1 {nobody}" in counts
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, obesity.pk]))
    urban_section = page.content.decode().split('id="scope-urban"')[1].split("</section>")[0]
    result_line = text(urban_section.split("<dd>")[4].split("</dd>")[0])
    assert result_line.startswith("0/0") and no_data not in result_line
    ranking = urban_section.split('class="list ranking"')[1].split("</table>")[0]
    district_row = next(r for r in ranking.split("<tr>") if str(district) in r)
    assert "0/0" in text(district_row) and "st-empty_group" in district_row
    other_row = next(r for r in ranking.split("<tr>") if f">{other}<" in r)
    assert "st-no_data" in other_row

    # The official report: 0/0 and "Không có trẻ thuộc diện", said under the table, not counted as missing.
    table = results_table(bac_kan_plan, district, 2023)
    line = next(r for r in table.rows if r.result is not None and r.result.sub_indicator == obesity
                and r.result.scope == "urban")
    assert (line.actual, JUDGEMENT_TEXT[line.judgement]) == ("0/0", "Không có trẻ thuộc diện")
    said = " ".join(sentences(table))
    assert "Chỉ tiêu 4, tỷ lệ trẻ dưới 5 tuổi bị suy dinh dưỡng thể béo phì (thành thị): không có trẻ thuộc " \
           "diện trong năm 2023 (số liệu báo cáo 0/0), nên không đánh giá." in said, said
    review = mid_term_table(bac_kan_plan, district, 2021, 2023)
    line = next(r for r in review.rows if r.result is not None and r.result.sub_indicator == obesity
                and r.result.scope == "urban")
    assert line.actuals == ["", "", "0/0"] and line.judgement == EMPTY_GROUP


def test_the_nation_of_provinces_without_an_urban_child_is_nobody_too(sources, nation, national_plan,
                                                                    no_urban_child, bac_kan):
    obesity = sub_of(national_plan, "4", 2)
    urban = result_for(indicator_results(national_plan, nation, 2023), obesity, "urban")
    assert (urban.empty_group, urban.judgement) == (True, EMPTY_GROUP)
    ranked = {r.unit.pk: r for r in unit_comparison(national_plan, nation, 2023, obesity)["urban"]}
    assert ranked[bac_kan.pk].judgement == EMPTY_GROUP
    assert {r.judgement for pk, r in ranked.items() if pk != bac_kan.pk} == {NO_DATA}


def test_a_rate_typed_below_without_its_counts_is_no_data_not_nobody(sources, coordinator, bac_kan,
                                                                     bac_kan_plan):
    """One commune types its urban rate, 12 %, without its counts; the other
    reports 0/0: the district has urban children, only its rate cannot be
    added up."""
    district = bac_kan.children.filter(level="district").order_by("code").first()
    a, b = list(district.children.filter(level="commune").order_by("code"))[:2]
    approved_pl7(coordinator, a, 2023, {("PL7_CT9", "actual"): "12"})
    approved_pl7(coordinator, b, 2023, NO_URBAN_CHILD)
    obesity = sub_of(bac_kan_plan, "4", 2)
    urban = result_for(indicator_results(bac_kan_plan, district, 2023), obesity, "urban")
    assert (urban.empty_group, urban.judgement, urban.typed_rate) == (False, NO_DATA, True)
    ranked = {r.unit.pk: r for r in unit_comparison(bac_kan_plan, bac_kan, 2023, obesity)["urban"]}
    assert (ranked[district.pk].empty_group, ranked[district.pk].judgement) == (False, NO_DATA)
    # Each commune is its own figure: 12 %, and 0/0.
    assert result_for(indicator_results(bac_kan_plan, a, 2023), obesity, "urban").actual == 12
    assert result_for(indicator_results(bac_kan_plan, b, 2023), obesity, "urban").judgement == EMPTY_GROUP


def test_met_is_met_and_exceeded_is_better_for_an_indicator_to_decrease():
    """While there: an indicator to decrease is judged lower is better, and
    lower is never "not met" for being low."""
    from treem.analytics.judging import judge

    assert judge(Decimal("3"), "<", Decimal("5"), direction="decrease") == MET
    assert judge(Decimal("5"), "<", Decimal("5"), direction="decrease") == NOT_MET
    assert judge(Decimal("15"), "", Decimal("16.5"), direction="decrease") == EXCEEDED
    assert judge(Decimal("17"), "", Decimal("16.5"), direction="decrease") == NOT_MET
    assert judge(Decimal("1.5"), "range", Decimal("2"), Decimal("3"), direction="decrease") == EXCEEDED
    assert judge(Decimal("3.5"), "range", Decimal("2"), Decimal("3"), direction="decrease") == NOT_MET
    # 0/0 is judged neither way, whatever the direction.
    assert judge(None, "<", Decimal("5"), direction="decrease", empty_group=True) == EMPTY_GROUP
