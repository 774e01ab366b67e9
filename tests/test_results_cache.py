"""The indicator results keep the roll-up of the communes' approved reports
in Django's cache: a cached figure is never shown after the approved data
changed (an approval, a return to draft, a value changed, a change made by
another process), and it is the figure the roll-up gives."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from treem.analytics.results import indicator_results
from treem.reporting import actions
from treem.reporting.models import DataValue, Period, Submission
from treem.reporting.rollup import rollup_form

from .conftest import make_user
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import sources  # noqa: F401
from .test_analytics_pages import approved_pl7, forms_pl7, result_for, sub_of, two_communes_in_two_districts

pytestmark = pytest.mark.django_db

BIRTHS = ("PL7_CT22", "actual"), ("PL7_CT22_d", "actual")


def births(plan, unit, year=2023):
    """The birth-registration result of the plan for the unit, and whether
    the communes' reports were added up again (not read from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        r = result_for(indicator_results(plan, unit, year), sub_of(plan, "14"))
    summed = any("units_unit u" in q["sql"] and "SUM(dv.value)" in q["sql"] for q in queries.captured_queries)
    return r.actual, summed


def figures(registered, children):
    return {BIRTHS[0]: str(registered), BIRTHS[1]: str(children)}


def test_approval_reopening_and_new_version_seen_at_once(sources, coordinator, bac_kan, bac_kan_plan):  # noqa: F811
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, figures(90, 100))
    assert births(bac_kan_plan, bac_kan) == (Decimal(90), True)
    assert births(bac_kan_plan, bac_kan) == (Decimal(90), False)  # from the cache

    second = approved_pl7(coordinator, b, 2023, figures(289, 300))
    assert births(bac_kan_plan, bac_kan) == (Decimal(379) * 100 / 400, True)

    # Reopened for correction: its figures leave the roll-up at once.
    officer = make_user("b-officer", "commune_officer", b)
    second = actions.reopen_after_approval(officer, second, "sai số")
    # (The same approved reports as at first: the first sums, still cached, are right again.)
    assert births(bac_kan_plan, bac_kan) == (Decimal(90), False)
    actions.save_values(officer, second, figures(299, 300))
    actions.submit(officer, second)
    assert births(bac_kan_plan, bac_kan)[0] == Decimal(90)  # submitted, not yet approved
    actions.approve(coordinator, second)
    assert births(bac_kan_plan, bac_kan) == (Decimal(389) * 100 / 400, True)
    # The figure is the roll-up's, cached or not.
    rolled = rollup_form(forms_pl7(), Period.objects.get(code="2023"), bac_kan)[("PL7_CT22_r", "actual")]
    assert births(bac_kan_plan, bac_kan) == (rolled, False)


def test_a_change_made_elsewhere_is_seen(sources, coordinator, bac_kan, bac_kan_plan):  # noqa: F811
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, figures(90, 100))
    second = approved_pl7(coordinator, b, 2023, figures(289, 300))
    assert births(bac_kan_plan, bac_kan) == (Decimal(379) * 100 / 400, True)

    # Another process returns a report to draft: no signal reaches this
    # process's cache, but the approved reports below the province changed.
    Submission.objects.filter(pk=second.pk).update(status=Submission.Status.DRAFT, updated_at=timezone.now())
    assert births(bac_kan_plan, bac_kan) == (Decimal(90), True)
    Submission.objects.filter(pk=second.pk).update(status=Submission.Status.APPROVED, updated_at=timezone.now())
    assert births(bac_kan_plan, bac_kan) == (Decimal(379) * 100 / 400, True)

    # A value of an approved report changed directly (the admin, a shell).
    value = DataValue.objects.get(submission=second, element__code=BIRTHS[0][0], option__code="actual")
    value.value = Decimal(299)
    value.save()
    assert births(bac_kan_plan, bac_kan) == (Decimal(389) * 100 / 400, True)


def test_each_unit_and_year_has_its_own_figures(sources, coordinator, bac_kan, bac_kan_plan):  # noqa: F811
    a, b = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2022, figures(80, 100))
    approved_pl7(coordinator, a, 2023, figures(90, 100))
    approved_pl7(coordinator, b, 2023, figures(289, 300))
    assert births(bac_kan_plan, bac_kan) == (Decimal(379) * 100 / 400, True)
    assert births(bac_kan_plan, a.parent) == (Decimal(90), True)
    assert births(bac_kan_plan, b.parent) == (Decimal(289) * 100 / 300, True)
    assert births(bac_kan_plan, bac_kan, 2022) == (Decimal(80), False)  # the same years, cached by the first call
    assert births(bac_kan_plan, a.parent) == (Decimal(90), False)
    # The commune's own report, not a roll-up below it.
    assert births(bac_kan_plan, a)[0] == Decimal(90)


def test_an_agencys_report_is_neither_the_provinces_figure_nor_added_below(sources, coordinator, bac_kan,  # noqa: F811
                                                                            bac_kan_plan):
    from treem.agencies.models import Agency

    a, _ = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, figures(90, 100))
    # The Department of Justice's own report, typed in by the coordinator from paper and approved.
    justice = Agency.objects.get(unit=bac_kan, name="Sở Tư pháp")
    paper = actions.open_submission(coordinator, forms_pl7(), bac_kan, Period.objects.get(code="2023"), justice)
    actions.save_values(coordinator, paper, figures(10, 100))
    actions.submit(coordinator, paper)
    actions.approve(coordinator, paper)
    assert births(bac_kan_plan, bac_kan)[0] == Decimal(90)  # the communes' roll-up, not the agency's 10 %
