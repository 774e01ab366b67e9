"""The national figure adds up the provinces as each province's own results
page shows it: the province's own approved Appendix 7 where it gives the
cell, else its communes' roll-up; rates recomputed from the summed parts,
each province giving its own parts. The same one level down: a district's
own report counts for a province of the old structure. The nation's own
report still comes first, and a province's report reopened changes the
national figure at once, cached or not."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from treem.analytics.results import OWN, ROLLUP, indicator_results, unit_comparison
from treem.reporting import actions
from treem.reporting.models import Period, Submission

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import approved_pl7, forms_pl7, result_for, sub_of, two_communes_in_two_districts

pytestmark = pytest.mark.django_db

BIRTHS, BIRTHS_D = ("PL7_CT22", "actual"), ("PL7_CT22_d", "actual")
DEATHS, DEATHS_D = ("PL7_CT19", "actual"), ("PL7_CT19_d", "actual")


@pytest.fixture
def sources(forms):  # noqa: F811
    from treem.analytics.loading import load_indicator_sources

    load_indicator_sources()
    return forms


@pytest.fixture
def nation(bac_kan):
    return bac_kan.parent


@pytest.fixture
def ministry(nation):
    return make_user("ministry", "coordinator", nation, is_staff=True)


@pytest.fixture
def ninh_binh(db):
    return unit("legacy", "province", "37")


def own_report(unit_, approver, values, year=2023):
    """The unit's own approved Appendix 7, typed in by its coordinator and
    approved by the level above."""
    officer = make_user(f"own-{unit_.pk}-{year}", "coordinator", unit_, is_staff=True)
    submission = actions.open_submission(officer, forms_pl7(), unit_, Period.objects.get(code=str(year)))
    problems = actions.save_values(officer, submission, values)
    assert [p.message for p in problems if p.is_error] == []
    actions.submit(officer, submission)
    return actions.approve(approver, submission)


def figure(plan, unit_, sub, year=2023):
    r = result_for(indicator_results(plan, unit_, year), sub)
    return r.actual, r.actual_from


def test_a_provinces_own_figure_no_commune_reports_counts_for_the_nation(
        client, sources, coordinator, ministry, nation, bac_kan, ninh_binh, national_plan):
    injury_deaths, births = sub_of(national_plan, "11", 1), sub_of(national_plan, "14")
    # A Ninh Bình commune reports births; no commune reports injury deaths.
    commune, _ = two_communes_in_two_districts(ninh_binh)
    approved_pl7(ministry, commune, 2023, {BIRTHS: "90", BIRTHS_D: "100"})
    assert figure(national_plan, nation, injury_deaths) == (None, "")
    # Bắc Kạn's Department of Health counted 3 deaths among 20.000 children: the province's own report.
    own_report(bac_kan, ministry, {DEATHS: "3", DEATHS_D: "20.000"})
    # 3/20.000 children is 15 per 100.000, for the province and for the nation.
    assert figure(national_plan, bac_kan, injury_deaths) == (Decimal(15), OWN)
    assert figure(national_plan, nation, injury_deaths) == (Decimal(15), ROLLUP)
    assert figure(national_plan, nation, births) == (Decimal(90), ROLLUP)  # the communes' part unchanged
    page = client_for(client, ministry).get(
        reverse("analytics:indicator", args=[national_plan.pk, nation.pk, 2023, injury_deaths.pk])).content.decode()
    assert ("<dt>Kết quả năm 2023</dt><dd><strong>15/100.000</strong> "
            "(từ báo cáo, tổng hợp từ các đơn vị trực thuộc)</dd>") in page


def test_a_rate_adds_each_provinces_own_parts(sources, coordinator, ministry, nation, bac_kan, ninh_binh,
                                              national_plan):
    births = sub_of(national_plan, "14")
    bk1, _ = two_communes_in_two_districts(bac_kan)
    nb1, nb2 = two_communes_in_two_districts(ninh_binh)
    approved_pl7(coordinator, bk1, 2023, {BIRTHS: "10", BIRTHS_D: "50"})
    approved_pl7(ministry, nb1, 2023, {BIRTHS: "289", BIRTHS_D: "300"})
    approved_pl7(ministry, nb2, 2023, {BIRTHS: "50", BIRTHS_D: "100"})
    assert figure(national_plan, nation, births)[0] == Decimal(349) * 100 / 450
    # Bắc Kạn gives the rate in its own report (90 of 100 children): its communes' 10 of 50 no longer count.
    own_report(bac_kan, ministry, {BIRTHS: "90", BIRTHS_D: "100"})
    assert figure(national_plan, bac_kan, births) == (Decimal(90), OWN)
    assert figure(national_plan, ninh_binh, births) == (Decimal(339) * 100 / 400, ROLLUP)
    # The nation: (90 + 339) / (100 + 400) = 85,8 %, the ratio of the summed parts (not 87,4 %, the mean).
    assert figure(national_plan, nation, births) == (Decimal("85.8"), ROLLUP)
    # The provinces compared on the national page: each as its own page shows it.
    ranked = {r.unit.pk: r.actual for r in unit_comparison(national_plan, nation, 2023, births)[""]}
    assert ranked[bac_kan.pk] == 90 and ranked[ninh_binh.pk] == Decimal(339) * 100 / 400

    # The nation's own report still comes first.
    own_report(nation, make_user("admin", "admin", nation, is_superuser=True, is_staff=True),
               {BIRTHS: "95", BIRTHS_D: "100"})
    assert figure(national_plan, nation, births) == (Decimal(95), OWN)


def test_a_provinces_own_report_reopened_changes_the_national_figure(sources, coordinator, ministry, nation,
                                                                     bac_kan, ninh_binh, national_plan):
    births = sub_of(national_plan, "14")
    nb1, _ = two_communes_in_two_districts(ninh_binh)
    approved_pl7(ministry, nb1, 2023, {BIRTHS: "300", BIRTHS_D: "400"})
    report = own_report(bac_kan, ministry, {BIRTHS: "90", BIRTHS_D: "100"})
    assert figure(national_plan, nation, births)[0] == Decimal(390) * 100 / 500
    assert figure(national_plan, nation, births)[0] == Decimal(390) * 100 / 500  # the second time from the cache

    # Reopened for correction: Bắc Kạn's figures leave the national one at once.
    officer = make_user("bk-corrector", "coordinator", bac_kan, is_staff=True)
    report = actions.reopen_after_approval(officer, report, "sai số")
    assert figure(national_plan, nation, births)[0] == Decimal(75)
    actions.save_values(officer, report, {BIRTHS: "95", BIRTHS_D: "100"})
    actions.submit(officer, report)
    assert figure(national_plan, nation, births)[0] == Decimal(75)  # submitted, not yet approved
    actions.approve(ministry, report)
    assert figure(national_plan, nation, births)[0] == Decimal(395) * 100 / 500

    # Returned to draft by another process (no signal reaches this one's cache).
    Submission.objects.filter(pk=report.pk).update(status=Submission.Status.DRAFT, updated_at=timezone.now())
    assert figure(national_plan, nation, births)[0] == Decimal(75)


def test_a_districts_own_report_counts_for_its_province_of_the_old_structure_and_the_nation(
        sources, coordinator, ministry, nation, bac_kan, bac_kan_plan, national_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, {BIRTHS: "90", BIRTHS_D: "100"})
    approved_pl7(coordinator, b, 2023, {BIRTHS: "289", BIRTHS_D: "300"})
    births = sub_of(bac_kan_plan, "14")
    assert figure(bac_kan_plan, bac_kan, births)[0] == Decimal(379) * 100 / 400
    # The district of b reports for all its communes: 570 of 600 children, in place of b's 289 of 300.
    own_report(b.parent, coordinator, {BIRTHS: "570", BIRTHS_D: "600"})
    assert figure(bac_kan_plan, b.parent, births) == (Decimal(95), OWN)
    assert figure(bac_kan_plan, bac_kan, births) == (Decimal(660) * 100 / 700, ROLLUP)
    ranked = {r.unit.pk: r.actual for r in unit_comparison(bac_kan_plan, bac_kan, 2023, births)[""]}
    assert ranked[b.parent_id] == 95 and ranked[a.parent_id] == 90
    # The nation adds Bắc Kạn as Bắc Kạn's page shows it, and so does the provinces' comparison.
    national_births = sub_of(national_plan, "14")
    assert figure(national_plan, nation, national_births) == (Decimal(660) * 100 / 700, ROLLUP)
    ranked = {r.unit.pk: r.actual for r in unit_comparison(national_plan, nation, 2023, national_births)[""]}
    assert ranked[bac_kan.pk] == Decimal(660) * 100 / 700
    # Bắc Kạn's own report gives the cell: it replaces its districts' and communes' figures.
    own_report(bac_kan, ministry, {BIRTHS: "700", BIRTHS_D: "800"})
    assert figure(national_plan, nation, national_births) == (Decimal("87.5"), ROLLUP)


def test_a_typed_rate_of_one_province_is_not_the_nations(sources, ministry, nation, bac_kan, national_plan):
    """Infant mortality is typed as a ‰ in Appendix 7, with no numerator or
    denominator: one province's rate says nothing of the nation's, and rates
    are never averaged. It stays the province's own figure."""
    infant_mortality = sub_of(national_plan, "3", 1)
    own_report(bac_kan, ministry, {("PL7_CT4", "actual"): "12,5"})
    assert figure(national_plan, bac_kan, infant_mortality) == (Decimal("12.5"), OWN)
    assert figure(national_plan, nation, infant_mortality) == (None, "")


def test_a_rate_a_province_typed_over_its_communes_counts_is_not_replaced_by_them(
        sources, coordinator, ministry, nation, bac_kan, ninh_binh, national_plan):
    """Eighth trial: Bắc Kạn's own report gives Sở Y tế's 1,5% HIV
    transmission without its counts, while its communes report 0 infected of
    14 mothers. Its page shows 1,5%; the nation must not add its communes'
    0 of 14 as Bắc Kạn's and print 0%, "Đạt", beside a ranking that lists
    Bắc Kạn at 1,5%. Bắc Kạn's figure cannot be added: the nation has none
    from it, and says why; another province's counts still add up."""
    hiv = sub_of(national_plan, "6")
    rate, infected, mothers = ("PL7_CT12", "actual"), ("PL7_CT12_n", "actual"), ("PL7_CT12_d", "actual")
    bk1, _ = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, bk1, 2023, {infected: "0", mothers: "14"})
    assert figure(national_plan, nation, hiv) == (Decimal(0), ROLLUP)
    own_report(bac_kan, ministry, {rate: "1,5"})
    assert figure(national_plan, bac_kan, hiv) == (Decimal("1.5"), OWN)
    ranked = {r.unit.pk: r.actual for r in unit_comparison(national_plan, nation, 2023, hiv)[""]}
    assert ranked[bac_kan.pk] == Decimal("1.5")
    national = result_for(indicator_results(national_plan, nation, 2023), hiv)
    assert (national.actual, national.typed_rate) == (None, True)

    nb1, _ = two_communes_in_two_districts(ninh_binh)
    approved_pl7(ministry, nb1, 2023, {infected: "1", mothers: "50"})
    assert figure(national_plan, nation, hiv) == (Decimal(2), ROLLUP)  # Ninh Bình's 1 of 50 alone
    # The national report says whose reports its Appendix 7 adds up: Bắc Kạn's own, not only communes'.
    client = Client()
    client_for(client, ministry).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("reports:report", args=[national_plan.pk, nation.pk, "2023"])).content.decode()
    assert ("the sum of the approved reports below: 1 of a province or district (in place of its communes&#x27; "
            "figures where it gives them) and 2 of communes") in page
    # The signer it suggests is the minister, not a people's committee's chair (ninth trial).
    assert 'placeholder="BỘ TRƯỞNG"' in page and "TM. ỦY BAN" not in page

    # Bắc Kạn's own report with its counts: they count for the nation, its communes' still do not.
    report = Submission.objects.get(unit=bac_kan, agency=None, status=Submission.Status.APPROVED)
    officer = make_user("bk-hiv", "coordinator", bac_kan, is_staff=True)
    report = actions.reopen_after_approval(officer, report, "thêm tử số, mẫu số")
    actions.save_values(officer, report, {rate: "", infected: "3", mothers: "200"})
    actions.submit(officer, report)
    actions.approve(ministry, report)
    assert figure(national_plan, nation, hiv) == (Decimal(4) * 100 / 250, ROLLUP)


def test_the_national_reports_appendix_prints_what_the_results_page_shows(
        sources, coordinator, ministry, nation, bac_kan, ninh_binh, national_plan):
    from treem.reports.values import ROLLUP as REPORT_ROLLUP
    from treem.reports.values import form_figures

    births = sub_of(national_plan, "14")
    nb1, nb2 = two_communes_in_two_districts(ninh_binh)
    approved_pl7(ministry, nb1, 2023, {BIRTHS: "289", BIRTHS_D: "300"})
    approved_pl7(ministry, nb2, 2023, {BIRTHS: "50", BIRTHS_D: "100"})
    own_report(bac_kan, ministry, {BIRTHS: "90", BIRTHS_D: "100", DEATHS: "3", DEATHS_D: "20.000"})
    figures = form_figures("PL7", Period.objects.get(code="2023"), nation, with_previous=False)
    assert figures.source == REPORT_ROLLUP
    # Bắc Kạn's own figures count, as on the results page: (90 + 339) / (100 + 400) births, its 3 deaths.
    assert figures.values[BIRTHS] == Decimal("429") and figures.values[BIRTHS_D] == Decimal("500")
    assert figures.values[("PL7_CT19", "actual")] == Decimal("3")
    assert figure(national_plan, nation, births)[0] == Decimal("85.8")


def test_a_yearly_reduction_is_judged_every_year_of_the_plans_period(client, sources, nation, national_plan):
    """"Duy trì mức giảm số cuộc tảo hôn từ 2 đến 3% hằng năm giai đoạn từ năm
    2025 đến năm 2030": the plan writes 2%–3% for 2025 and 2030; it holds for
    every year between, and not before 2025. A reduction below zero is the
    rise it is."""
    from treem.reports.indicator_table import results_table

    admin = make_user("admin", "admin", nation, is_superuser=True, is_staff=True)
    marriages = ("PL7_CT21_3", "actual")
    for year, couples in ((2023, "41"), (2024, "40"), (2025, "39"), (2026, "40")):
        own_report(nation, admin, {marriages: couples}, year=year)
    child_marriage = sub_of(national_plan, "13")
    by_year = {year: result_for(indicator_results(national_plan, nation, year), child_marriage)
               for year in (2024, 2025, 2026)}
    # 2024: 41 → 40 couples, 2,44 % fewer, but the plan's period begins in 2025.
    assert (by_year[2024].actual.quantize(Decimal("0.01")), by_year[2024].target) == (Decimal("2.44"), None)
    assert by_year[2024].judgement == "no_target"
    # 2025: the plan's own target; 40 → 39 is 2,5 % fewer: met.
    assert (by_year[2025].target.source, by_year[2025].target.text, by_year[2025].judgement) == (
        "plan", "2%–3%", "met")
    assert not by_year[2025].rose_instead
    # 2026: no figure of its own in the plan, the yearly one; one couple more than in 2025: not met.
    r = by_year[2026]
    assert (r.actual.quantize(Decimal("0.01")), r.target.year, r.target.source, r.target.text, r.judgement) == (
        Decimal("-2.56"), 2026, "every_year", "2%–3%", "not_met")
    assert r.rose_instead
    client_for(client, admin)
    page = client.get(reverse("analytics:indicator", args=[national_plan.pk, nation.pk, 2026, child_marriage.pk]))
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "2%–3% (hằng năm)" in text and "tăng 2,56% so với năm trước" in text
    # The official report says it too.
    row = next(row for row in results_table(national_plan, nation, 2026).rows
               if row.result is not None and row.result.sub_indicator == child_marriage)
    assert row.actual == "tăng 2,56% so với năm trước"


def test_the_year_of_the_reform_lists_each_province_once(client, sources, ministry, nation, bac_kan, national_plan):
    """2025: the 63 provinces ceased on 30/06/2025 and the 34 report the year.
    Hà Nội twice, once with "0/0", read as a mistake: a province that ceased
    is listed only with a figure of its own for the year, named with its
    last day, after the provinces that report the year."""
    from treem.analytics.models import IndicatorValue

    births = sub_of(national_plan, "14")
    IndicatorValue.objects.create(sub_indicator=births, unit=bac_kan, year=2025, value=Decimal("97"),
                                  updated_by=ministry)
    client_for(client, ministry)
    page = client.get(reverse("analytics:indicator", args=[national_plan.pk, nation.pk, 2025, births.pk]))
    table = page.content.decode().split('class="list ranking"')[1].split("</table>")[0]
    names = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r'<td><a href="[^"]+">(.*?)</td>', table, re.S)]
    new = [u.name for u in nation.children.filter(structure="2025").order_by("code")]
    assert names == ["Tỉnh Bắc Kạn (đến 30/06/2025)"] + new  # ranked by its figure, the others have none
    overview = client.get(reverse("analytics:overview", args=[national_plan.pk, nation.pk, 2025])).content.decode()
    listed = re.search(r'<p class="children">(.*?)</p>', overview, re.S).group(1)
    listed = [" ".join(re.sub(r"<[^>]+>", " ", a).split()) for a in re.findall(r"<a [^>]+>(.*?)</a>", listed, re.S)]
    assert listed[:len(new)] == new and all(name.endswith("(đến 30/06/2025)") for name in listed[len(new):])
