"""The reporting calendar links a period and its overdue count to the
tracking page only for users who may open it: a commune officer reads the
provincial plan's calendar, not who in the province is late, and so sees
the period and the count as plain text, never a link answering 404."""

import re

import pytest
from django.urls import reverse

from treem.accounts.models import User
from treem.reporting import calendar
from treem.reporting.models import Period, Schedule

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def annual_pl6(coordinator, bac_kan_plan, pl6):  # noqa: F811
    [line] = calendar.add_schedule(coordinator, bac_kan_plan, [pl6], Period.Type.ANNUAL,
                                   Schedule.Reporters.COMMUNES, 15, 12, recipient="Sở Y tế")
    return line


@pytest.fixture
def ministry(db):
    return make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)


def calendar_page(client, user, plan, year=None):
    client_for(client, user)
    response = client.get(reverse("reporting:calendar", args=[plan.pk]), {"year": year} if year else {})
    assert response.status_code == 200
    return response.content.decode()


def tracking_links(page, plan):
    """The tracking pages the calendar links to."""
    prefix = re.escape(reverse("reporting:calendar", args=[plan.pk]))
    return re.findall(rf'href="({prefix}\d+/[^/"]+/(?:\?show=overdue)?)"', page)


def row_of(page, form_code):
    found = re.search(rf'<tr>\s*<td title="[^"]*">{form_code}</td>(.*?)</tr>', page, re.S)
    assert found, f"no calendar row for {form_code}"
    return found.group(1)


def test_a_commune_officer_sees_the_period_and_the_overdue_count_as_plain_text(
        client, annual_pl6, commune_officer, bac_kan_plan):
    page = calendar_page(client, commune_officer, bac_kan_plan, 2024)
    row = row_of(page, "PL6")
    overdue = calendar.tracking(annual_pl6, Period.objects.get(code="2024")).total.overdue
    assert overdue > 0  # nobody reported 2024 in this test: every commune is late
    assert "<td>Năm 2024</td>" in row
    assert f'<span class="warn">{overdue}</span>' in row
    assert tracking_links(page, bac_kan_plan) == [] and "<a" not in row
    # The pages those links led to are still closed to the commune officer.
    tracking = reverse("reporting:tracking", args=[bac_kan_plan.pk, annual_pl6.pk, "2024"])
    assert client.get(tracking).status_code == 404
    assert client.get(tracking + "?show=overdue").status_code == 404


def test_every_tracking_link_on_the_calendar_opens(client, annual_pl6, bac_kan_plan, coordinator, viewer,
                                                    successor_coordinator, health_reporter, commune_officer):
    expected = [reverse("reporting:tracking", args=[bac_kan_plan.pk, annual_pl6.pk, "2024"]),
                reverse("reporting:tracking", args=[bac_kan_plan.pk, annual_pl6.pk, "2024"]) + "?show=overdue"]
    # The province, its agency's reporter, the ministry's analyst and the
    # province Bắc Kạn merged into see who is late: linked, and the links open.
    for user in (coordinator, health_reporter, viewer, successor_coordinator):
        page = calendar_page(client, user, bac_kan_plan, 2024)
        assert tracking_links(page, bac_kan_plan) == expected, user.username
        for url in expected:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            assert "Năm 2024" in response.content.decode()
    for user in (commune_officer,):
        page = calendar_page(client, user, bac_kan_plan, 2024)
        assert tracking_links(page, bac_kan_plan) == [], user.username


def test_the_province_reads_the_national_calendar_without_links_the_ministry_with_them(
        client, ministry, coordinator, national_plan, pl6):  # noqa: F811
    [line] = calendar.add_schedule(ministry, national_plan, [pl6], Period.Type.ANNUAL,
                                   Schedule.Reporters.COMMUNES, 31, 12)
    period = calendar.calendar_lines(national_plan, [line], 2024)[0][0][1]
    tracking = reverse("reporting:tracking", args=[national_plan.pk, line.pk, period.code])

    page = calendar_page(client, ministry, national_plan, 2024)
    assert tracking in tracking_links(page, national_plan)
    assert client.get(tracking).status_code == 200

    # Bắc Kạn reads the national programme's calendar, not the other provinces' reports.
    page = calendar_page(client, coordinator, national_plan, 2024)
    assert f"<td>{period}</td>" in row_of(page, "PL6") and tracking_links(page, national_plan) == []
    assert client.get(tracking).status_code == 404
