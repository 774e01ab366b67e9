"""Results computed from real approved Appendix 7 reports, values entered by
hand, and the dashboards: who sees them, what they show, how many queries."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from treem.analytics.judging import EXCEEDED, NO_DATA, NOT_COLLECTED, NOT_MET
from treem.analytics.loading import load_indicator_sources
from treem.analytics.models import IndicatorValue
from treem.analytics.results import completeness, indicator_results, unit_comparison
from treem.core.models import AuditEntry
from treem.plans.models import SubIndicator
from treem.reporting import actions
from treem.reporting.models import Period

from .conftest import client_for, make_user
from .reporting_helpers import forms  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(forms):  # noqa: F811
    load_indicator_sources()
    return forms


def two_communes_in_two_districts(province):
    communes = list(province.descendants().filter(level="commune").order_by("code"))
    first = communes[0]
    second = next(c for c in communes if c.parent_id != first.parent_id)
    return first, second


def approved_pl7(coordinator, commune, year, values, n=[0]):
    n[0] += 1
    officer = make_user(f"pl7-{n[0]}", "commune_officer", commune)
    period = Period.objects.get(code=str(year))
    submission = actions.open_submission(officer, forms_pl7(), commune, period)
    problems = actions.save_values(officer, submission, values)
    assert [p.message for p in problems if p.is_error] == []
    actions.submit(officer, submission)
    return actions.approve(coordinator, submission)


def forms_pl7():
    from treem.reporting.models import Form

    return Form.objects.get(code="PL7")


def sub_of(plan, number, order=0):
    return SubIndicator.objects.get(indicator__plan=plan, indicator__number=number, order=order)


def result_for(results, sub, scope=""):
    return next(r for r in results if r.sub_indicator.pk == sub.pk and r.scope == scope)


def test_birth_registration_rate_is_recomputed_from_summed_parts(sources, coordinator, bac_kan, bac_kan_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    # 90 of 100 children and 289 of 300: the province is 379/400 = 94,75 %, not the 93,2 % average.
    approved_pl7(coordinator, a, 2023, {("PL7_CT22", "actual"): "90", ("PL7_CT22_d", "actual"): "100",
                                        ("PL7_CT22", "plan"): "95", ("PL7_CT22_d", "plan"): "100"})
    approved_pl7(coordinator, b, 2023, {("PL7_CT22", "actual"): "289", ("PL7_CT22_d", "actual"): "300",
                                        ("PL7_CT22", "plan"): "285", ("PL7_CT22_d", "plan"): "300"})
    birth = sub_of(bac_kan_plan, "14")
    r = result_for(indicator_results(bac_kan_plan, bac_kan, 2023), birth)
    assert r.actual == Decimal(379) * 100 / Decimal(400) == Decimal("94.75")
    assert (r.actual_source, r.actual_from) == ("reported", "rollup")
    # The year's plan, from the plan columns added up the same way: 380/400 = 95 %; 94,75 % is not met.
    assert r.target.source == "annual_plan" and r.target.value == Decimal(95)
    assert r.judgement == NOT_MET
    # Baseline 97,2 % (2020): the result went the wrong way. One year of results is no trend yet:
    # the baseline is not one of the trend's points.
    assert r.progress_2025 == 0 and r.trajectory == "unknown"
    assert r.target_2025.value == Decimal("98.5") and r.target_2030.value == 100

    # Each district is its commune; the better one ranks first.
    ranked = unit_comparison(bac_kan_plan, bac_kan, 2023, birth)[""]
    assert [(x.unit.pk, x.rank) for x in ranked[:2]] == [(b.parent_id, 1), (a.parent_id, 2)]
    assert ranked[0].actual == Decimal(289) * 100 / Decimal(300)
    assert all(x.actual is None and x.rank is None for x in ranked[2:])


def test_own_report_first_percentages_never_added_and_scopes_matched(client, sources, coordinator, bac_kan,
                                                                    bac_kan_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, {("PL7_CT8", "actual"): "3", ("PL7_CT9", "actual"): "12",
                                        ("PL7_CT3", "actual"): "4", ("PL7_CT3", "plan"): "5"})
    approved_pl7(coordinator, b, 2023, {("PL7_CT8", "actual"): "2", ("PL7_CT3", "actual"): "6"})
    obesity, neonatal = sub_of(bac_kan_plan, "4", 2), sub_of(bac_kan_plan, "3", 0)
    at_a = indicator_results(bac_kan_plan, a, 2023)
    # Rural and urban targets, each judged against its own actual.
    assert result_for(at_a, obesity, "rural").actual == 3 and result_for(at_a, obesity, "urban").actual == 12
    assert result_for(at_a, obesity, "rural").actual_from == "own"
    # 4‰ against the year's plan of 5‰ (lower is better, no comparator): exceeded.
    assert result_for(at_a, neonatal).judgement == EXCEEDED
    # At the province, percentages and per-mille rates typed by communes are not added up (nor averaged).
    at_province = indicator_results(bac_kan_plan, bac_kan, 2023)
    assert result_for(at_province, obesity, "rural").actual is None
    assert result_for(at_province, neonatal).judgement == NO_DATA
    # …and the province's page says so, and where its figure must come from; the commune's has its figure.
    assert result_for(at_province, neonatal).typed_rate and not result_for(at_a, neonatal).typed_rate
    client_for(client, coordinator)
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, neonatal.pk]))
    assert "không cộng được" in page.content.decode()
    page = client.get(reverse("analytics:indicator", args=[bac_kan_plan.pk, a.pk, 2023, neonatal.pk]))
    assert "không cộng được" not in page.content.decode()
    # The province's table of results says it too, on the indicator's row, where "No data" alone puzzled.
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])).content.decode()
    row = page.split(f'id="sub-{neonatal.pk}"')[1].split("</tr>")[0]
    assert "typed-rate" in row and "không cộng được" in row
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, a.pk, 2023])).content.decode()
    assert "typed-rate" not in page.split(f'id="sub-{neonatal.pk}"')[1].split("</tr>")[0]


def test_vaccination_coverage_adds_up_from_its_counts_where_communes_give_them(sources, coordinator, bac_kan,
                                                                              bac_kan_plan):
    """The fourth trial: 15 of 35 rates were typed as rates and could never be
    added up. Vaccination, school toilets, kindergarten and completion now
    have their two counts (rows "Tử số", "Mẫu số"): 95 of 100 and 180 of 200
    children under 1 fully vaccinated make 275/300 = 91,67 %, not the
    92,5 % average. A commune that types the rate alone still may: its own
    figure stands, and it cannot be added up."""
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, {("PL7_CT10_n", "actual"): "95", ("PL7_CT10_d", "actual"): "100",
                                        ("PL7_CT10", "actual"): "95"})
    approved_pl7(coordinator, b, 2023, {("PL7_CT10_n", "actual"): "180", ("PL7_CT10_d", "actual"): "200"})
    vaccinated = sub_of(bac_kan_plan, "5", 0)
    r = result_for(indicator_results(bac_kan_plan, bac_kan, 2023), vaccinated)
    assert (r.actual, r.actual_from) == (Decimal(275) * 100 / Decimal(300), "rollup")
    # The commune's own rate, and its district's, of its counts alone.
    assert result_for(indicator_results(bac_kan_plan, a, 2023), vaccinated).actual == 95
    assert result_for(indicator_results(bac_kan_plan, a.parent, 2023), vaccinated).actual == 95
    # The province's form prints the rate of the sums as such, not as a "Σ" of rates; the counts as sums.
    page = client_for(Client(), coordinator).get(reverse("reporting:entry", args=["PL7", "2023", bac_kan.pk]))
    rolled = {}
    for cell in page.content.decode().split('<td class="cell')[1:]:
        name, shown = re.search(r'name="v:([^"]+)"', cell), re.search(r'<span class="rolled" [^>]*>([^<]*)</span>', cell)
        if name and shown:
            rolled[name.group(1)] = shown.group(1)
    assert rolled["PL7_CT10:actual"] == "tỷ lệ tính từ tổng 91,67" and rolled["PL7_CT10_n:actual"] == "Σ 275"


def test_change_on_last_year_and_yearly_reduction_of_child_marriage(sources, coordinator, bac_kan, bac_kan_plan):
    a, _ = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2022, {("PL7_CT22", "actual"): "80", ("PL7_CT22_d", "actual"): "100",
                                        ("PL7_CT21_3", "actual"): "40"})
    approved_pl7(coordinator, a, 2023, {("PL7_CT22", "actual"): "90", ("PL7_CT22_d", "actual"): "100",
                                        ("PL7_CT21_3", "actual"): "39"})
    results = indicator_results(bac_kan_plan, bac_kan, 2023)
    birth = result_for(results, sub_of(bac_kan_plan, "14"))
    assert (birth.previous, birth.actual, birth.change) == (80, 90, 10)
    assert birth.series == {2022: 80, 2023: 90}
    # 40 couples, then 39: a 2,5 % reduction.
    marriage = result_for(results, sub_of(bac_kan_plan, "13"))
    assert marriage.actual == Decimal("2.5")


def test_a_change_added_up_from_more_communes_than_last_year_says_so(client, sources, coordinator, bac_kan,
                                                                      bac_kan_plan):
    """A tenth trial: a town's child marriages "fell by 33%" (9 couples, then
    6) while one of its communes had not yet reported for the second year.
    The page says from how many communes each year is added up."""
    a, b = two_communes_in_two_districts(bac_kan)
    c = a.parent.children.exclude(pk=a.pk).order_by("code").first()  # a's neighbour, in the same district
    for commune, couples in ((a, "5"), (c, "2"), (b, "2")):
        approved_pl7(coordinator, commune, 2022, {("PL7_CT21_3", "actual"): couples})
    for commune, couples in ((a, "4"), (b, "2")):
        approved_pl7(coordinator, commune, 2023, {("PL7_CT21_3", "actual"): couples})
    marriage = sub_of(bac_kan_plan, "13")
    url = reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, marriage.pk])
    page = client_for(client, coordinator).get(url).content.decode()
    note = page.split('class="warn coverage-change">')[1].split("</p>")[0]
    assert note == ("Tổng hợp từ báo cáo đã phê duyệt của 3 xã năm 2022 và 2 xã năm 2023: mức thay đổi so với năm "
                    "trước có phần do số xã báo cáo khác nhau.")
    # In the ranking, a's district (9 → 6 couples by the sums: 2 communes, then 1) says so; b's does not.
    rows = {r.split("</a>")[0].rsplit(">", 1)[1]: r for r in page.split('<table class="list ranking">')[1].split("<tr>")[2:]}
    assert "(năm 2022: 2)" in rows[a.parent.name] and "coverage-before" not in rows[b.parent.name]
    # The same communes both years: no note.
    approved_pl7(coordinator, c, 2023, {("PL7_CT21_3", "actual"): "1"})
    page = client.get(url).content.decode()
    assert "coverage-change" not in page and "coverage-before" not in page


def test_values_entered_by_hand(client, sources, coordinator, commune_officer, bac_kan, bac_kan_plan):
    dropout = sub_of(bac_kan_plan, "17", 1)  # primary drop-out: no data element defines it
    vaccine5 = sub_of(bac_kan_plan, "5", 1)
    client_for(client, coordinator)
    url = reverse("analytics:enter_value", args=[bac_kan_plan.pk, bac_kan.pk, 2025, dropout.pk])
    assert client.post(url, {"value": "0,08", "note": "Sở GD&ĐT"}).status_code == 302
    assert client.post(reverse("analytics:enter_value", args=[bac_kan_plan.pk, bac_kan.pk, 2025, vaccine5.pk]),
                       {"not_collected": "1"}).status_code == 302
    saved = IndicatorValue.objects.get(sub_indicator=dropout, unit=bac_kan, year=2025)
    assert saved.value == Decimal("0.08") and saved.updated_by == coordinator
    assert AuditEntry.objects.filter(action="analytics.value_entered", object_id=str(saved.pk)).count() == 1
    results = indicator_results(bac_kan_plan, bac_kan, 2025)
    # 0,08 % against "0,1" (lower is better): exceeded; "not collected" is neither met nor not met.
    r = result_for(results, dropout)
    assert (r.actual, r.actual_source, r.judgement) == (Decimal("0.08"), "entered", EXCEEDED)
    assert result_for(results, vaccine5).judgement == NOT_COLLECTED
    # Not a number: refused, nothing changed.
    client.post(url, {"value": "abc"})
    saved.refresh_from_db()
    assert saved.value == Decimal("0.08")
    # A commune officer sees the province but may not change its figures.
    client_for(client, commune_officer)
    assert client.post(url, {"value": "1"}).status_code == 403
    saved.refresh_from_db()
    assert saved.value == Decimal("0.08")


def test_overview_and_indicator_pages(client, sources, coordinator, bac_kan, bac_kan_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, {("PL7_CT22", "actual"): "99", ("PL7_CT22_d", "actual"): "100",
                                        ("PL7_CT22", "plan"): "98", ("PL7_CT22_d", "plan"): "100"})
    client_for(client, coordinator)
    # The plan's results open on the latest year with data.
    response = client.get(reverse("analytics:plan", args=[bac_kan_plan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])
    page = response.content.decode()
    birth = sub_of(bac_kan_plan, "14")
    row = page.split(f'id="sub-{birth.pk}"')[1].split("</tr>")[0]
    assert 'data-judgement="exceeded"' in page.split(f'id="sub-{birth.pk}"')[0].rsplit("<tr", 1)[1]
    assert "99%" in row
    # One commune of the province's reported: its figures are flagged as not yet the province's.
    reported, expected = completeness(bac_kan, 2023)[0]
    assert reported == 1 and expected > 100
    assert (f"Mới có 1/{expected} xã (0,{1000 // expected}%) có Phụ lục 7 năm 2023 được phê duyệt: số liệu tổng hợp "
            f"từ cấp dưới chỉ là của các xã này, chưa phải của {bac_kan}") in page
    # Filtered by lead agency: only the indicators the Department of Justice leads.
    justice = birth.indicator.lead_agency
    filtered = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023]),
                          {"agency": justice.pk}).content.decode()
    assert f'id="sub-{birth.pk}"' in filtered
    assert f'id="sub-{sub_of(bac_kan_plan, "3").pk}"' not in filtered

    ind_url = reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, birth.pk])
    ind_page = client.get(ind_url).content.decode()
    assert reverse("analytics:chart", args=[bac_kan_plan.pk, bac_kan.pk, 2023, birth.pk]) in ind_page
    assert str(a.parent) in ind_page and "1/" in ind_page  # the district that reported, 1 commune of its communes
    chart = client.get(reverse("analytics:chart", args=[bac_kan_plan.pk, bac_kan.pk, 2023, birth.pk]))
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content and "2030".encode() in chart.content

    # The commune page: the same overview for the commune.
    commune_page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, a.pk, 2023]))
    assert commune_page.status_code == 200 and f'id="sub-{birth.pk}"' in commune_page.content.decode()
    assert 'id="coverage"' not in commune_page.content.decode() and 'id="coverage"' in ind_page
    # The trend rests on the same few communes, and the note says so (the fifth trial read a national trend
    # drawn from one province as the country's).
    note = " ".join(re.sub(r"<[^>]+>", " ", ind_page.split('id="coverage">')[1].split("</p>")[0]).split())
    assert note.endswith("Kết quả các năm trước, và xu hướng vẽ từ đó, cũng được tổng hợp như vậy từ các báo cáo "
                         "đã được phê duyệt của từng năm: có thể cũng chỉ dựa trên ít xã như thế.")

    # The agency's page: what it leads and where it stands.
    agency_page = client.get(reverse("analytics:agency", args=[justice.pk])).content.decode()
    assert f'id="sub-{birth.pk}"' in agency_page and 'class="st st-exceeded"' in agency_page


def test_outsider_gets_404_everywhere(client, sources, outsider, bac_kan, bac_kan_plan):
    birth = sub_of(bac_kan_plan, "14")
    client_for(client, outsider)
    args = [bac_kan_plan.pk, bac_kan.pk, 2023]
    for url in [reverse("analytics:plan", args=args[:1]), reverse("analytics:unit", args=args[:2]),
                reverse("analytics:overview", args=args), reverse("analytics:indicator", args=args + [birth.pk]),
                reverse("analytics:chart", args=args + [birth.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("analytics:enter_value", args=args + [birth.pk]), {"value": "1"}).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_a_unit_outside_the_plan_or_a_year_outside_its_period_is_not_found(client, sources, coordinator,
                                                                           bac_kan_plan, national_plan, bac_kan):
    client_for(client, coordinator)
    # the national plan is judged for Bắc Kạn (under the nation); the province plan not for the nation
    assert client.get(reverse("analytics:overview", args=[national_plan.pk, bac_kan.pk, 2023])).status_code == 200
    nation = bac_kan.parent
    assert client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, nation.pk, 2023])).status_code == 404
    assert client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2040])).status_code == 404


def test_overview_queries_do_not_grow_with_reports(client, sources, coordinator, bac_kan, bac_kan_plan,
                                                   django_assert_max_num_queries):
    communes = list(bac_kan.descendants().filter(level="commune").order_by("code")[:4])
    client_for(client, coordinator)
    url = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])
    approved_pl7(coordinator, communes[0], 2023, {("PL7_CT22", "actual"): "9", ("PL7_CT22_d", "actual"): "10"})
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for c in communes[1:]:
        approved_pl7(coordinator, c, 2023, {("PL7_CT22", "actual"): "9", ("PL7_CT22_d", "actual"): "10",
                                            ("PL7_CT1", "actual"): "1", ("PL7_CT1_d", "actual"): "1"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "st st-met" in page or "st st-no_target" in page


def test_trajectory_from_the_commune_figures_not_the_baseline(sources, coordinator, bac_kan, bac_kan_plan):
    a, _ = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2024, {("PL7_CT3", "actual"): "4"})
    neonatal = sub_of(bac_kan_plan, "3", 0)
    r = result_for(indicator_results(bac_kan_plan, a, 2024), neonatal)
    # No target for 2024 and no year's plan reported: not judged.
    assert r.actual == 4 and r.target is None and r.judgement == "no_target"
    # One year of results: no trend yet (the 2,3‰ baseline of 2020 is not a point of it).
    assert r.trajectory_2025.status == r.trajectory_2030.status == "unknown"
    assert r.progress_2025 == 100 and r.progress_2030 == 0

    # 4,6‰ in 2023, 4‰ in 2024: falling 0,6‰ a year, 3,4‰ in 2025 (below "< 5‰") and 0,4‰ in 2030
    # (below "< 3‰"): on track both times. Through the baseline as well, the line would rise.
    approved_pl7(coordinator, a, 2023, {("PL7_CT3", "actual"): "4,6"})
    r = result_for(indicator_results(bac_kan_plan, a, 2024), neonatal)
    assert r.trajectory_2025.projected == Decimal("3.4") and r.trajectory_2025.status == "on_track"
    assert r.trajectory_2030.projected == Decimal("0.4") and r.trajectory_2030.status == "on_track"
    assert (r.trajectory_2030.first_year, r.trajectory_2030.last_year) == (2023, 2024)


def test_the_overview_says_when_the_provinces_own_report_awaits_approval(client, sources, coordinator, system_admin,
                                                                        bac_kan, bac_kan_plan):
    """The trial: the coordinator sent the province's own Appendix 7 and saw
    its figures nowhere; nothing said they wait for the level above."""
    own = actions.open_submission(coordinator, forms_pl7(), bac_kan, Period.objects.get(code="2023"))
    actions.save_values(coordinator, own, {("PL7_CT3", "actual"): "9,5"})
    own = actions.submit(coordinator, own)
    client_for(client, coordinator)
    url = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])
    page = client.get(url).content.decode()
    # In the time zone of the page (Hà Nội): between 17:00 and 24:00 UTC it is already the next day there.
    assert (f"Phụ lục 7 năm 2023 của chính {bac_kan} chưa được phê duyệt (đã gửi): số liệu của báo cáo này chỉ được "
            f"tính ở đây khi cấp trên phê duyệt. Đã gửi ngày {timezone.localtime(own.submitted_at):%d/%m/%Y}.") in page
    actions.approve(system_admin, own)
    assert 'id="own-pending"' not in client.get(url).content.decode()


def test_a_province_that_ceased_offers_its_own_years_and_says_where_the_later_ones_are(client, sources, coordinator,
                                                                                       bac_kan, bac_kan_plan):
    assert bac_kan.valid_to == date(2025, 6, 30)
    client_for(client, coordinator)
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2024])).content.decode()
    years = page.split('class="years"')[1].split("</p>")[0]
    assert "2024" in years and "2025" not in years and 'id="ceased"' not in page
    later = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2025])).content.decode()
    assert f"{bac_kan} thôi hoạt động sau ngày 30/06/2025: số liệu năm 2025 được báo cáo theo Tỉnh Thái Nguyên." in later


def test_each_result_says_where_its_figure_is_reported(client, sources, coordinator, bac_kan, bac_kan_plan):
    # Appendix 7 numbers its rows otherwise than the plan: vaccination is the plan's indicator 5 and
    # Appendix 7's Chỉ tiêu 10; the rate's own line, unnumbered, goes under the number of its count.
    page = client_for(client, coordinator).get(
        reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2024])).content.decode()
    rows = re.findall(r'<td class="name">(.*?)</td>', page, re.S)

    def where(number, words):
        row = next(r for r in rows if f"Chỉ tiêu {number}</strong>" in r and words in r)
        return re.search(r'<small class="muted appendix-ref"[^>]*>\((.*?)\)</small>', row).group(1)

    assert where(5, "tiêm chủng") == "Phụ lục 7 · Chỉ tiêu 10"
    assert where(1, "phù hợp với trẻ em") == "Phụ lục 7 · Chỉ tiêu 1"
    assert where(3, "sơ sinh") == "Phụ lục 7 · Chỉ tiêu 3"
