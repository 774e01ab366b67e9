"""The synthetic reports behind the demo's dashboards and the benchmarks hold
together as real ones must, and roll up like them."""

from decimal import Decimal

import pytest

from treem.demo.synthetic import generate
from treem.reporting.models import DataValue, Submission
from treem.reporting.rollup import rollup_form
from treem.reporting.validation import ERROR, validate_form_values

from .reporting_helpers import forms, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def test_synthetic_reports_pass_validation_and_roll_up(coordinator, forms, y2023):
    communes = list(coordinator.unit.descendants().filter(level="commune").order_by("code")[:3])
    pl6, pl7 = forms["PL6"], forms["PL7"]
    written = generate(communes, [pl6, pl7], [y2023], approver=coordinator)
    assert written == DataValue.objects.filter(period=y2023).count() > 3 * 400
    assert generate(communes, [pl6, pl7], [y2023]) == 0  # nothing twice
    for s in Submission.objects.filter(period=y2023):
        assert s.status == "approved"
        values = {(v.element.code, v.option.code): v.value for v in s.values.select_related("element", "option")}
        assert [p.message for p in validate_form_values(s.form, values) if p.level == ERROR] == []
    by_hand = sum(DataValue.objects.get(unit=c, period=y2023, element__code="PL6_I_1", option__code="total").value
                  for c in communes)
    assert rollup_form(pl6, y2023, coordinator.unit)[("PL6_I_1", "total")] == by_hand
    num = sum(DataValue.objects.get(unit=c, period=y2023, element__code="PL7_CT2", option__code="actual").value
              for c in communes)
    den = sum(DataValue.objects.get(unit=c, period=y2023, element__code="PL7_CT2_d", option__code="actual").value
              for c in communes)
    assert 0 < num < den
    assert rollup_form(pl7, y2023, coordinator.unit)[("PL7_CT2_r", "actual")] == num * 100 / den


def test_the_made_up_population_holds_together_as_a_communes_does(coordinator, forms, y2023):
    communes = list(coordinator.unit.descendants().filter(level="commune").order_by("code")[:5])
    generate(communes, [forms["PL6"]], [y2023], approver=coordinator)
    for c in communes:
        v = {(e, o): value for e, o, value in DataValue.objects.filter(unit=c, period=y2023).values_list(
            "element__code", "option__code", "value")}
        for sex in ("total", "male", "female"):
            under_16, under_6, insured = v[("PL6_I_1", sex)], v[("PL6_I_2", sex)], v[("PL6_I_3", sex)]
            assert Decimal("0.3") * under_16 < under_6 < Decimal("0.45") * under_16
            assert Decimal("0.85") * under_6 <= insured <= under_6 and v[("PL6_I_3_1", sex)] <= insured
            assert v[("PL6_I_4", sex)] < Decimal("0.15") * under_16
        # Under-16s are a quarter of the population, under-6s a tenth.
        assert 20 <= v[("PL6_I_1r", "total")] <= 28 and 7 <= v[("PL6_I_2r", "total")] <= 12


def test_rare_harms_stay_rare_and_deaths_below_injuries(coordinator, forms, y2023):
    communes = list(coordinator.unit.descendants().filter(level="commune").order_by("code")[:40])
    generate(communes, [forms["PL7"]], [y2023], approver=coordinator)
    rolled = rollup_form(forms["PL7"], y2023, coordinator.unit)
    injured, died = rolled[("PL7_CT18_r", "actual")], rolled[("PL7_CT19_r", "actual")]
    assert 2 < injured < 10 and died < injured / 10  # per 1.000 children
    assert rolled[("PL7_CT16_r", "actual")] < Decimal("0.05")  # abused, per 100 children
