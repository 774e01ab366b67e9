"""The results pages of a unit for a year it did not live through (Bắc Kạn
ceased on 30/06/2025, merged into Thái Nguyên): the note saying where the
year's figures are, a link to the successor's page of the same year under a
plan that covers it (the same plan, else the successor's own plan of the
year, else the national programme) when the user may open it, and no empty
table, chart, form or judging rules."""

import re

import pytest
from django.urls import reverse

from treem.accounts.models import User
from treem.analytics.loading import load_indicator_sources
from treem.plans.models import Indicator, Plan, SubIndicator

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(forms):  # noqa: F811
    load_indicator_sources()
    return forms


@pytest.fixture
def ministry(db):
    return make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)


@pytest.fixture
def thai_nguyen(db):
    return unit("2025", "province", "19")


def page_of(client, user, name, *args):
    client_for(client, user)
    response = client.get(reverse(f"analytics:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def note(page):
    found = re.search(r'<p class="flags" id="ceased">(.*?)</p>', page, re.S)
    return found.group(1) if found else None


def first_sub(plan):
    return SubIndicator.objects.filter(indicator__plan=plan).order_by("indicator__number", "order").first()


def test_the_national_plan_for_bac_kan_in_2025_points_to_thai_nguyen_instead_of_an_empty_table(
        client, sources, ministry, bac_kan, thai_nguyen, national_plan):
    page = page_of(client, ministry, "overview", national_plan.pk, bac_kan.pk, 2025)
    successor = reverse("analytics:overview", args=[national_plan.pk, thai_nguyen.pk, 2025])
    assert note(page) == (f'{bac_kan} thôi hoạt động sau ngày 30/06/2025: số liệu năm 2025 được báo cáo theo '
                          f'<a href="{successor}">Tỉnh Thái Nguyên</a>.')
    # Nothing judged: no table, no counts, no "0 of N communes", no agency filter.
    for absent in ('id="results"', 'class="counts"', 'class="counted"', "Số liệu: ", 'name="agency"'):
        assert absent not in page
    # The year links stay, to the years Bắc Kạn lived through.
    assert reverse("analytics:overview", args=[national_plan.pk, bac_kan.pk, 2024]) in page
    # The link leads to Thái Nguyên's own page for 2025, with its table.
    there = page_of(client, ministry, "overview", national_plan.pk, thai_nguyen.pk, 2025)
    assert note(there) is None and 'id="results"' in there
    # A year Bắc Kạn lived through is unchanged.
    before = page_of(client, ministry, "overview", national_plan.pk, bac_kan.pk, 2024)
    assert note(before) is None and 'id="results"' in before and 'class="counts"' in before and "Số liệu: " in before


def test_no_link_where_there_is_no_page_to_open(client, sources, coordinator, successor_coordinator, bac_kan,
                                               thai_nguyen, bac_kan_plan, national_plan):
    # Bắc Kạn's own plan does not cover Thái Nguyên, and Bắc Kạn's coordinator
    # may not see it under any plan: the successor is named, not linked.
    page = page_of(client, coordinator, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert note(page).endswith("theo Tỉnh Thái Nguyên.") and "<a" not in note(page)
    assert 'id="results"' not in page
    # Bắc Kạn's coordinator may not open Thái Nguyên's pages: no link that would answer 404.
    page = page_of(client, coordinator, "overview", national_plan.pk, bac_kan.pk, 2025)
    assert "<a" not in note(page) and 'id="results"' not in page
    client_for(client, coordinator)
    assert client.get(reverse("analytics:overview", args=[national_plan.pk, thai_nguyen.pk, 2025])).status_code == 404
    # Thái Nguyên's coordinator may.
    page = page_of(client, successor_coordinator, "overview", national_plan.pk, bac_kan.pk, 2025)
    assert reverse("analytics:overview", args=[national_plan.pk, thai_nguyen.pk, 2025]) in note(page)


def test_an_indicators_page_for_a_year_the_unit_did_not_finish_has_no_chart_nor_form(
        client, sources, ministry, bac_kan, thai_nguyen, national_plan):
    sub = first_sub(national_plan)
    page = page_of(client, ministry, "indicator", national_plan.pk, bac_kan.pk, 2025, sub.pk)
    successor = reverse("analytics:indicator", args=[national_plan.pk, thai_nguyen.pk, 2025, sub.pk])
    assert f'<a href="{successor}">Tỉnh Thái Nguyên</a>' in note(page)
    chart = reverse("analytics:chart", args=[national_plan.pk, bac_kan.pk, 2025, sub.pk])
    assert chart not in page and 'id="enter"' not in page and "Số liệu: " not in page
    # 2024: the result, its chart, and the form to enter it (the ministry may edit Bắc Kạn).
    before = page_of(client, ministry, "indicator", national_plan.pk, bac_kan.pk, 2024, sub.pk)
    assert note(before) is None and 'id="enter"' in before
    assert reverse("analytics:chart", args=[national_plan.pk, bac_kan.pk, 2024, sub.pk]) in before


def test_a_merged_commune_points_to_its_new_commune_and_opens_on_its_last_whole_year(
        client, sources, ministry, commune_officer, national_plan):
    commune = commune_officer.unit
    new_commune = unit("2025", "commune", commune.successions_out.get().successor.code)
    page = page_of(client, ministry, "overview", national_plan.pk, commune.pk, 2025)
    link = reverse("analytics:overview", args=[national_plan.pk, new_commune.pk, 2025])
    assert f'<a href="{link}">{new_commune.name}</a>' in note(page) and 'id="results"' not in page
    # With no figures yet, the commune's results open on 2024, the last year it lived through, not on 2025.
    client_for(client, commune_officer)
    response = client.get(reverse("analytics:unit", args=[national_plan.pk, commune.pk]))
    assert response.status_code == 302
    assert response.url == reverse("analytics:overview", args=[national_plan.pk, commune.pk, 2024])


def test_figures_entered_by_hand_for_that_year_are_still_shown_under_the_note(
        client, sources, coordinator, bac_kan, bac_kan_plan):
    from treem.analytics import actions

    abuse = SubIndicator.objects.get(indicator__plan=bac_kan_plan, indicator__number="9", order=0)
    actions.enter_value(coordinator, abuse, bac_kan, 2025, "0,15")
    page = page_of(client, coordinator, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert note(page) is not None and 'id="results"' in page and "0,15%" in page
    page = page_of(client, coordinator, "indicator", bac_kan_plan.pk, bac_kan.pk, 2025, abuse.pk)
    assert note(page) is not None and 'id="enter"' in page and "0,15%" in page


# The Bắc Kạn plan does not cover Thái Nguyên: its 2025 pages link to Thái
# Nguyên's results under a plan that does, for those who may see them.

def successor_link(page):
    found = re.search(r'<a href="([^"]+)">Tỉnh Thái Nguyên</a>', note(page) or "")
    return found.group(1) if found else None


def counterpart(sub, plan):
    """The sub-indicator of `plan` carrying out the same national one as `sub`."""
    return SubIndicator.objects.get(indicator__plan=plan, pk=sub.national_sub_indicator_id)


def test_the_bac_kan_plan_links_thai_nguyen_under_the_national_programme(
        client, sources, ministry, successor_coordinator, bac_kan, thai_nguyen, bac_kan_plan, national_plan):
    sub = first_sub(bac_kan_plan)
    national_sub = counterpart(sub, national_plan)
    for user in (ministry, successor_coordinator):
        page = page_of(client, user, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
        assert successor_link(page) == reverse("analytics:overview", args=[national_plan.pk, thai_nguyen.pk, 2025])
        there = page_of(client, user, "overview", national_plan.pk, thai_nguyen.pk, 2025)
        assert note(there) is None and 'id="results"' in there
        # The indicator's page: the same indicator of the national programme.
        page = page_of(client, user, "indicator", bac_kan_plan.pk, bac_kan.pk, 2025, sub.pk)
        link = reverse("analytics:indicator", args=[national_plan.pk, thai_nguyen.pk, 2025, national_sub.pk])
        assert successor_link(page) == link, user.username
        there = page_of(client, user, "indicator", national_plan.pk, thai_nguyen.pk, 2025, national_sub.pk)
        assert note(there) is None and national_sub.name in there


def test_no_link_for_those_who_may_not_see_the_successor_nor_without_a_plan_for_the_year(
        client, sources, coordinator, commune_officer, ministry, bac_kan, bac_kan_plan, national_plan):
    sub = first_sub(bac_kan_plan)
    for user in (coordinator, commune_officer):
        for name, args in (("overview", []), ("indicator", [sub.pk])):
            page = page_of(client, user, name, bac_kan_plan.pk, bac_kan.pk, 2025, *args)
            assert note(page).endswith("theo Tỉnh Thái Nguyên.") and "<a" not in note(page), (user.username, name)
    # No plan covering Thái Nguyên runs in 2025: nothing to link to.
    Plan.objects.filter(pk=national_plan.pk).update(period_end=2024)
    page = page_of(client, ministry, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert note(page).endswith("theo Tỉnh Thái Nguyên.") and "<a" not in note(page)


def test_the_successors_own_plan_of_the_year_comes_before_the_national_programme(
        client, sources, successor_coordinator, bac_kan, thai_nguyen, bac_kan_plan, national_plan):
    sub = first_sub(bac_kan_plan)
    national_sub = counterpart(sub, national_plan)

    def own_plan(number, start, end, carries_out=True):
        plan = Plan.objects.create(unit=thai_nguyen, number=number, title="Kế hoạch thử",
                                   issuer="UBND tỉnh Thái Nguyên", period_start=start, period_end=end,
                                   parent=national_plan)
        indicator = Indicator.objects.create(plan=plan, number="1", name=national_sub.indicator.name,
                                             national_indicator=national_sub.indicator if carries_out else None)
        return plan, SubIndicator.objects.create(indicator=indicator, name=national_sub.name, unit=national_sub.unit,
                                                 direction=national_sub.direction,
                                                 national_sub_indicator=national_sub if carries_out else None)

    # A plan of Thái Nguyên that starts after 2025 is no plan for 2025.
    own_plan("1/KH-UBND", 2026, 2030)
    page = page_of(client, successor_coordinator, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert successor_link(page) == reverse("analytics:overview", args=[national_plan.pk, thai_nguyen.pk, 2025])

    # Its plan for 2025 that does not carry out this indicator: its results of the year.
    plan, _other = own_plan("2/KH-UBND", 2025, 2025, carries_out=False)
    page = page_of(client, successor_coordinator, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert successor_link(page) == reverse("analytics:overview", args=[plan.pk, thai_nguyen.pk, 2025])
    page = page_of(client, successor_coordinator, "indicator", bac_kan_plan.pk, bac_kan.pk, 2025, sub.pk)
    assert successor_link(page) == reverse("analytics:overview", args=[plan.pk, thai_nguyen.pk, 2025])
    page_of(client, successor_coordinator, "overview", plan.pk, thai_nguyen.pk, 2025)

    # One that does: the same indicator there, and the page opens.
    plan.delete()
    plan, own_sub = own_plan("3/KH-UBND", 2021, 2025)
    page = page_of(client, successor_coordinator, "indicator", bac_kan_plan.pk, bac_kan.pk, 2025, sub.pk)
    link = reverse("analytics:indicator", args=[plan.pk, thai_nguyen.pk, 2025, own_sub.pk])
    assert successor_link(page) == link
    assert note(page_of(client, successor_coordinator, "indicator", plan.pk, thai_nguyen.pk, 2025,
                        own_sub.pk)) is None


def test_a_page_with_only_the_note_has_no_judging_rules(client, sources, ministry, bac_kan, bac_kan_plan):
    sub = first_sub(bac_kan_plan)
    page = page_of(client, ministry, "indicator", bac_kan_plan.pk, bac_kan.pk, 2025, sub.pk)
    assert note(page) is not None and 'id="rules"' not in page and "Cách đánh giá kết quả" not in page
    page = page_of(client, ministry, "overview", bac_kan_plan.pk, bac_kan.pk, 2025)
    assert note(page) is not None and 'id="rules"' not in page
    # A year with its result: the rules under it.
    page = page_of(client, ministry, "indicator", bac_kan_plan.pk, bac_kan.pk, 2024, sub.pk)
    assert note(page) is None and 'id="rules"' in page and "Cách đánh giá kết quả" in page


def test_the_subtitle_names_the_lead_agency_only_when_there_is_one(client, sources, ministry, national_plan):
    nation = national_plan.unit
    subs = SubIndicator.objects.filter(indicator__plan=national_plan).select_related("indicator__lead_agency")
    unled = next(s for s in subs if not s.indicator.lead_agency_id and not s.indicator.lead_text)
    page = page_of(client, ministry, "indicator", national_plan.pk, nation.pk, 2024, unled.pk)
    assert f'<p class="muted">{nation} · 2024</p>' in page
    led = first_sub(Plan.objects.get(number="592/QĐ-UBND"))
    lead = led.indicator.lead_agency.name if led.indicator.lead_agency_id else led.indicator.lead_text
    assert lead
    page = page_of(client, ministry, "indicator", led.indicator.plan_id, led.indicator.plan.unit_id, 2024, led.pk)
    assert f'<p class="muted">{led.indicator.plan.unit} · 2024 · {lead}</p>' in page
