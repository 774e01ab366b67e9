"""The official report's choice of period opens on the latest ordinary period
that has ended (last year's annual report, or the half-year just ended), not
on the mid-term review nor on a period still under way; every other period
can still be chosen."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import client_for
from .reporting_helpers import forms  # noqa: F401

pytestmark = pytest.mark.django_db


def period_choice(client, plan):
    """(the options of the period list as (code, text), the code selected) as the browser shows them."""
    page = client.get(reverse("reports:choose", args=[plan.pk])).content.decode()
    select = re.search(r'<select name="period">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)</option>', select)
    selected = [code for code, chosen, _text in options if chosen]
    assert len(selected) <= 1
    # A list without `selected` opens on its first option.
    return [(code, unescape(text)) for code, _chosen, text in options], (selected or [options[0][0]])[0]


def on(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


@pytest.mark.parametrize("today, expected, name", [
    # Late in the year: the first half-year has ended, the year has not.
    (date(2026, 11, 23), "2026H1", "6 tháng đầu năm 2026"),
    # Early in the year: last year's annual report, not its second half (both end on 31/12).
    (date(2026, 2, 10), "2025", "Năm 2025"),
    # In July 2025: the first half-year just ended, not the mid-term review that ends with it.
    (date(2025, 7, 10), "2025H1", "6 tháng đầu năm 2025"),
    # The last day of a half-year: it has not ended yet.
    (date(2026, 6, 30), "2025", "Năm 2025"),
])
def test_the_choice_opens_on_the_latest_ordinary_period_that_has_ended(client, monkeypatch, forms,  # noqa: F811
                                                                       coordinator, national_plan,
                                                                       today, expected, name):
    on(monkeypatch, today)
    client_for(client, coordinator)
    options, selected = period_choice(client, national_plan)
    assert selected == expected
    assert dict(options)[selected] == name
    # Every period that has begun stays a choice, the mid-term review among them.
    codes = [code for code, _text in options]
    assert "2025MTR" in codes and str(today.year) in codes and codes.index(expected) > 0
    # Opening the choice as it stands gives that period's report.
    response = client.get(reverse("reports:choose", args=[national_plan.pk]),
                          {"unit": national_plan.unit.pk, "period": selected})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[national_plan.pk, national_plan.unit.pk, expected])


def test_a_province_ended_by_the_2025_reform_opens_on_its_last_half_year(client, monkeypatch, forms,  # noqa: F811
                                                                         coordinator, bac_kan_plan):
    """Bắc Kạn ceased on 30/06/2025: its last periods are the first half of
    2025 and the mid-term review, which end together; the half-year is the
    ordinary report."""
    on(monkeypatch, date(2026, 11, 23))
    client_for(client, coordinator)
    options, selected = period_choice(client, bac_kan_plan)
    assert selected == "2025H1"
    assert options[0][0] == "2025MTR"  # still first in the list, and still a choice


def test_before_any_period_has_ended_the_newest_one(client, monkeypatch, forms, coordinator,  # noqa: F811
                                                    national_plan):
    on(monkeypatch, date(2021, 3, 1))
    client_for(client, coordinator)
    options, selected = period_choice(client, national_plan)
    # The mid-term review has begun too (2021–2025), but is no default.
    assert [code for code, _text in options] == ["2025MTR", "2021", "2021H1"]
    assert selected == "2021"


def test_the_report_page_keeps_the_period_it_shows(client, monkeypatch, forms, coordinator,  # noqa: F811
                                                   bac_kan_plan):
    """The report page's "another unit or period" list stays on the report's
    own period, whichever the default of the choice would be."""
    on(monkeypatch, date(2026, 11, 23))
    client_for(client, coordinator)
    url = reverse("reports:report", args=[bac_kan_plan.pk, bac_kan_plan.unit.pk, "2023"])
    page = client.get(url).content.decode()
    select = re.search(r'<select name="period">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)" selected>', select) == ["2023"]


def test_it_opens_on_the_latest_ended_period_with_approved_reports(client, monkeypatch, forms,  # noqa: F811
                                                                  coordinator, commune_officer, bac_kan_plan):
    """Nobody has reported Bắc Kạn's first half of 2025: the choice opens on
    2024, whose commune report was approved, not on an empty report."""
    from treem.reporting import actions
    from treem.reporting.models import Period

    on(monkeypatch, date(2026, 11, 23))
    submission = actions.open_submission(commune_officer, forms["PL6"], commune_officer.unit,
                                         Period.objects.get(code="2024"))
    actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "5"})
    actions.approve(coordinator, actions.submit(commune_officer, submission))
    client_for(client, coordinator)
    options, selected = period_choice(client, bac_kan_plan)
    assert selected == "2024"
    assert "2025H1" in dict(options)  # still a choice


def test_in_december_it_opens_on_the_year_once_its_reports_are_approved(client, monkeypatch, forms,  # noqa: F811
                                                                         successor_coordinator, national_plan):
    """The annual report is due by 15/12, before the year ends: once a
    commune's report of the year is approved, the choice opens on the year,
    not on the first half-year that has ended."""
    from treem.reporting import actions
    from treem.reporting.models import Period
    from treem.units.models import Unit

    from .conftest import make_user

    on(monkeypatch, date(2026, 12, 5))
    client_for(client, successor_coordinator)
    assert period_choice(client, national_plan)[1] == "2026H1"  # nothing of 2026 approved yet

    commune = Unit.objects.filter(structure="2025", level="commune", parent=successor_coordinator.unit).first()
    officer = make_user("tn-commune", "commune_officer", commune)
    submission = actions.open_submission(officer, forms["PL6"], commune, Period.objects.get(code="2026"))
    actions.save_values(officer, submission, {("PL6_II_4", "total"): "5"})
    actions.submit(officer, submission)
    assert period_choice(client, national_plan)[1] == "2026H1"  # submitted, not yet approved
    actions.approve(successor_coordinator, submission)
    options, selected = period_choice(client, national_plan)
    assert selected == "2026" and dict(options)["2026"] == "Năm 2026"
    assert "2026H1" in dict(options)  # still a choice
