"""An agency's Appendix 7 lists every indicator; the lines of the ones its
unit's plan gives it to lead are marked, with the plan's number for each
(Appendix 7 numbers its rows otherwise), and the agency may show only those."""

import re

import pytest
from django.urls import reverse

from treem.agencies.models import Agency
from treem.analytics.loading import load_indicator_sources

from .conftest import client_for, make_user
from .reporting_helpers import forms  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data, sign_in  # noqa: F401


@pytest.fixture
def sources(forms):  # noqa: F811
    load_indicator_sources()
    return forms


def marks(page):
    """{element code of the line's first input: its "Lead" badge, or None}."""
    found = {}
    for row in re.findall(r"<tr id=\"row-\d+\".*?</tr>", page, re.S):
        code = re.search(r'name="v:([^:"]+):', row)
        if code:
            badge = re.search(r'<span class="badge led">([^<]*)</span>', row)
            assert bool(badge) == bool(re.search(r'class="[^"]*\bled\b[^"]*">', row.split(">", 1)[0] + ">"))
            found[code.group(1)] = badge.group(1) if badge else None
    return found


@pytest.mark.django_db
def test_the_lines_an_agency_leads_are_marked_with_the_plans_number(client, sources, health_reporter, health,
                                                                      bac_kan):
    url = reverse("reporting:agency_entry", args=["PL7", "2024", bac_kan.pk, health.pk])
    page = client_for(client, health_reporter).get(url).content.decode()
    lines = marks(page)
    # Bắc Kạn's plan gives Sở Y tế indicators 3 to 6; Appendix 7 numbers them Chỉ tiêu 3 to 12.
    assert lines["PL7_CT3"] == "Chủ trì · chỉ tiêu 3 của kế hoạch"
    assert lines["PL7_CT12"] == "Chủ trì · chỉ tiêu 6 của kế hoạch"
    # A rate's counts are the agency's to give too.
    assert lines["PL7_CT10_n"] == lines["PL7_CT10_d"] == lines["PL7_CT10"] == "Chủ trì · chỉ tiêu 5 của kế hoạch"
    # Sở Lao động's children's homes and Sở Tư pháp's lines are not marked.
    assert lines["PL7_CT1"] is None and lines["PL7_CT22_r"] is None
    led = sum(1 for badge in lines.values() if badge)
    note = re.search(r'<dd id="led">(.*?)</dd>', page, re.S).group(1)
    assert f"{led} dòng đo các chỉ tiêu mà kế hoạch giao Sở Y tế chủ trì" in note
    assert 'id="only-led"' in note
    # A screen reader names a cell by the row as printed, or by its words where it has no number.
    labels = dict(re.findall(r'<input name="v:([^"]+)"[^>]*aria-label="([^"]+)"', page))
    assert labels["PL7_CT3:actual"].startswith("Chỉ tiêu 3 · ")
    assert labels["PL7_CT10_n:actual"].startswith("Tử số: số trẻ em dưới 1 tuổi được tiêm chủng")
    assert not any("CT10" in label for label in labels.values())


@pytest.mark.django_db
def test_an_agency_leading_nothing_in_the_form_sees_no_marks(client, sources, bac_kan, coordinator):
    youth = Agency.objects.get(unit=bac_kan, name="Tỉnh đoàn")
    reporter = make_user("doan", "reporter", bac_kan, agency=youth)
    page = client_for(client, reporter).get(
        reverse("reporting:agency_entry", args=["PL7", "2024", bac_kan.pk, youth.pk])).content.decode()
    assert not any(marks(page).values()) and 'id="led"' not in page and "led.js" not in page
    # The unit's own report, by its coordinator, marks nothing either.
    page = client_for(client, coordinator).get(reverse("reporting:entry", args=["PL7", "2024", bac_kan.pk]))
    assert not any(marks(page.content.decode()).values())


def lead_column(page):
    """{element code of the line's first input: its "Lead agency" cell}."""
    return {code: lead for code, lead in re.findall(
        r'<tr id="row-\d+".*?name="v:([^:"]+):.*?<td class="muted">([^<]*)</td>\s*</tr>', page, re.S)}


@pytest.mark.django_db
def test_the_lead_column_names_the_units_own_plans_agencies(client, sources, coordinator, commune_officer,
                                                            bac_kan):
    # The form's column is Nghệ An's ("Công an" for child abuse); Bắc Kạn's plan gives it to Sở Lao động.
    page = client_for(client, coordinator).get(reverse("reporting:entry", args=["PL7", "2024", bac_kan.pk]))
    leads = lead_column(page.content.decode())
    assert leads["PL7_CT16"] == leads["PL7_CT16_r"] == "Sở Lao động - Thương binh và Xã hội"
    assert leads["PL7_CT3"] == "Sở Y tế" and leads["PL7_CT10_n"] == "Sở Y tế"
    # A commune has no plan of its own: the form's column stays.
    page = client_for(client, commune_officer).get(
        reverse("reporting:entry", args=["PL7", "2024", commune_officer.unit_id]))
    assert lead_column(page.content.decode())["PL7_CT16"] == "Công an"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_show_only_the_lines_one_leads(browser, live_server, sources, health_reporter, health,  # noqa: F811
                                       bac_kan):
    page = sign_in(browser, live_server, health_reporter)
    page.goto(live_server.url + reverse("reporting:agency_entry", args=["PL7", "2024", bac_kan.pk, health.pk]))
    own = page.locator("tr", has=page.locator("input[name='v:PL7_CT3:actual']"))
    other = page.locator("tr", has=page.locator("input[name='v:PL7_CT1:actual']"))
    assert own.is_visible() and other.is_visible()
    page.get_by_label("Chỉ hiện các dòng này").check()
    assert own.is_visible() and other.is_hidden()
    # Hidden lines stay in the form: a figure typed before is still saved with the rest.
    page.get_by_label("Chỉ hiện các dòng này").uncheck()
    assert other.is_visible()
    page.context.close()


@pytest.mark.django_db
def test_the_results_page_says_why_an_agencys_approved_figures_do_not_count_yet(client, sources, health_reporter,
                                                                               health, coordinator, bac_kan,
                                                                               bac_kan_plan):
    from treem.reporting import actions
    from treem.reporting.models import Period

    period = Period.objects.get(code="2024")
    pl7 = sources["PL7"]
    submission = actions.open_submission(health_reporter, pl7, bac_kan, period, health)
    actions.save_values(health_reporter, submission, {("PL7_CT3", "actual"): "9,5"})
    actions.approve(coordinator, actions.submit(health_reporter, submission))
    overview = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2024])
    page = client_for(client, coordinator).get(overview).content.decode()
    note = re.search(r'<p class="flags" id="agencies-waiting">(.*?)</p>', page, re.S).group(1)
    assert ("1 báo cáo Phụ lục 7 năm 2024 của các cơ quan của Tỉnh Bắc Kạn đã được duyệt nhưng chưa được tính" in note)
    assert reverse("reporting:entry", args=["PL7", "2024", bac_kan.pk]) in note
    # Once the province has its own report, the page speaks of that report instead.
    actions.open_submission(coordinator, pl7, bac_kan, period)
    page = client_for(client, coordinator).get(overview).content.decode()
    assert 'id="agencies-waiting"' not in page and 'id="own-pending"' in page


@pytest.mark.django_db
def test_from_2025_sở_lao_động_s_indicators_are_led_by_sở_y_tế(sources, bac_kan):
    from treem.analytics.sources import plan_leads

    # Child affairs moved from the labour department to the health department on 01/03/2025.
    assert {a.name for _n, a in plan_leads(bac_kan, 2024)["PL7_CT1_r"]} == {"Sở Lao động - Thương binh và Xã hội"}
    assert {a.name for _n, a in plan_leads(bac_kan, 2025)["PL7_CT1_r"]} == {"Sở Y tế"}
    # An agency that still exists keeps its own.
    assert {a.name for _n, a in plan_leads(bac_kan, 2025)["PL7_CT22_r"]} == {"Sở Tư pháp"}
