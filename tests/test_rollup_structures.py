"""Roll-up beyond one period and one structure: flows and snapshots over
several periods, a unit's own total beside its children's, and data reported
by the old communes seen under the 2025 province and communes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from treem.reporting import actions
from treem.reporting.models import Period
from treem.reporting.rollup import predecessors_within, rollup_form, rollup_form_for, rollup_over_time
from treem.reports.values import OWN, unit_values
from treem.units.models import Succession, Unit

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def approved(officer, approver, form, period, values, unit_=None):
    s = actions.open_submission(officer, form, unit_ or officer.unit, period)
    actions.save_values(officer, s, values)
    actions.submit(officer, s)
    return actions.approve(approver, s)


def test_flows_add_over_periods_and_snapshots_take_the_latest(commune_officer, coordinator, forms):
    y2022, y2023 = Period.objects.get(code="2022"), Period.objects.get(code="2023")
    for period, classes, children in ((y2022, "3", "500"), (y2023, "4", "520")):
        approved(commune_officer, coordinator, forms["PL3"], period, {("PL3_1", "total"): classes})
        approved(commune_officer, coordinator, forms["PL6"], period, {
            ("PL6_I_1", "total"): children, ("PL6_I_1", "male"): "250", ("PL6_I_1", "female"): str(int(children) - 250)})
    province = coordinator.unit
    # Training classes are a flow: 3 + 4 over the two years.
    assert rollup_over_time(forms["PL3"], [y2023, y2022], province)[("PL3_1", "total")] == 7
    # The child population is a snapshot: the latest year, not 1.020 children.
    over = rollup_over_time(forms["PL6"], [y2022, y2023], province)
    assert over[("PL6_I_1", "total")] == 520 and over[("PL6_I_1", "male")] == 250


def test_rates_over_time_are_recomputed_from_the_aggregated_parts(coordinator, forms):
    pl7 = forms["PL7"]
    communes = list(coordinator.unit.descendants().filter(level="commune").order_by("code")[:2])
    y2022, y2023 = Period.objects.get(code="2022"), Period.objects.get(code="2023")
    # Children under 8 reached (a flow) over 8-year-olds (a snapshot).
    for i, (commune, period, reached, children) in enumerate([
            (communes[0], y2022, "30", "100"), (communes[0], y2023, "40", "120"), (communes[1], y2023, "10", "80")]):
        officer = make_user(f"o{i}", "commune_officer", commune)
        approved(officer, coordinator, pl7, period, {("PL7_CT2", "actual"): reached, ("PL7_CT2_d", "actual"): children})
    over = rollup_over_time(pl7, [y2022, y2023], coordinator.unit)
    # (30 + 40 + 10) reached over the latest year's 120 + 80 children: 40 %, not an average of rates.
    assert over[("PL7_CT2", "actual")] == 80
    assert over[("PL7_CT2_d", "actual")] == 200
    assert over[("PL7_CT2_r", "actual")] == Decimal(40)


def test_own_total_is_shown_beside_the_units_below_with_the_difference(client, commune_officer, coordinator, pl6,
                                                                      y2023):
    district = commune_officer.unit.parent
    approved(commune_officer, coordinator, pl6, y2023, {
        ("PL6_I_1", "total"): "1.000", ("PL6_I_1", "male"): "500", ("PL6_I_1", "female"): "500"})
    district_officer = make_user("district", "coordinator", district)
    approved(district_officer, coordinator, pl6, y2023, {
        ("PL6_I_1", "total"): "1.050", ("PL6_I_1", "male"): "520", ("PL6_I_1", "female"): "530"}, unit_=district)
    own, source, _count = unit_values(pl6, y2023, district)
    assert source == OWN and own[("PL6_I_1", "total")] == 1050
    assert rollup_form(pl6, y2023, district)[("PL6_I_1", "total")] == 1000
    page = client_for(client, coordinator).get(
        reverse("reporting:entry", args=["PL6", "2023", district.pk])).content.decode()
    assert "Σ 1.000" in page and "chênh lệch +50" in page


def test_old_communes_reports_line_up_under_the_new_province(client, commune_officer, coordinator,
                                                             successor_coordinator, pl6, y2023):
    """Bắc Kạn merged into Thái Nguyên on 01/07/2025: a 2023 report of a Bắc
    Kạn commune counts for Thái Nguyên when Thái Nguyên's 2023 is asked."""
    approved(commune_officer, coordinator, pl6, y2023, {
        ("PL6_I_1", "total"): "800", ("PL6_I_1", "male"): "410", ("PL6_I_1", "female"): "390"})
    thai_nguyen = unit("2025", "province", "19")
    values, split = rollup_form_for(pl6, y2023, thai_nguyen)
    assert values[("PL6_I_1", "total")] == 800
    assert split == []
    # Ninh Bình gets nothing of it; the old province still sees its own.
    assert rollup_form_for(pl6, y2023, unit("2025", "province", "37"))[0] == {}
    assert rollup_form_for(pl6, y2023, coordinator.unit)[0][("PL6_I_1", "total")] == 800
    # Thái Nguyên's coordinator reads it on the 2023 page of the new province.
    page = client_for(client, successor_coordinator).get(
        reverse("reporting:entry", args=["PL6", "2023", thai_nguyen.pk])).content.decode()
    assert "Σ 800" in page and 'id="successions"' in page


def test_a_commune_split_between_two_new_communes_is_not_given_to_either(coordinator, pl6, y2023):
    split = (Succession.objects.filter(kind="split", predecessor__level="commune")
             .select_related("predecessor").order_by("predecessor__code").first())
    assert split is not None, "the loaded provinces hold split communes"
    old = split.predecessor
    new_units = [s.successor for s in old.successions_out.select_related("successor")]
    assert len(new_units) >= 2
    approver = make_user("approver", "coordinator", Unit.objects.get(pk=old.ancestor_ids()[1]))
    approved(make_user("old", "commune_officer", old), approver, pl6, y2023, {
        ("PL6_I_1", "total"): "600", ("PL6_I_1", "male"): "300", ("PL6_I_1", "female"): "300"})
    for new in new_units:
        values, splits = rollup_form_for(pl6, y2023, new)
        assert values == {} and old.pk not in predecessors_within(new)[0]
        assert [(o, v[("PL6_I_1", "total")]) for o, _n, v in splits] == [(old, Decimal(600))]
    # The province holding all its parts counts it once.
    province = Unit.objects.get(pk=new_units[0].ancestor_ids()[-1])
    if all(n.is_within(province) for n in new_units):
        assert rollup_form_for(pl6, y2023, province)[0][("PL6_I_1", "total")] == 600
