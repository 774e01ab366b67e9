"""The plan format moves a plan between installations without losing anything,
and a bad document saves nothing."""

import copy
import json
from pathlib import Path

import pytest

from treem.core.models import AuditEntry
from treem.plans.models import Indicator, Plan, Target
from treem.plans.plan_format import PlanExists, PlanFormatError, export_plan, import_plan

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).parent / "expected_plans"


def bac_kan_json():
    return json.loads((EXPECTED / "bac-kan_2021-2030_qd592.json").read_text(encoding="utf-8"))


def test_export_then_import_gives_the_same_plan(bac_kan_plan):
    exported = export_plan(bac_kan_plan)
    again = import_plan(copy.deepcopy(exported), replace=True, source_text=bac_kan_plan.source_text)
    assert export_plan(again) == exported
    assert json.loads(json.dumps(exported, ensure_ascii=False)) == exported  # plain JSON


def test_export_keeps_what_the_document_wrote(bac_kan_plan):
    data = export_plan(bac_kan_plan)
    assert data["number"] == "592/QĐ-UBND"
    assert data["date"] == "2021-05-05"
    ind3 = next(i for i in data["indicators"] if i["number"] == "3")
    first = ind3["sub_indicators"][0]
    assert first["unit"] == "per_1000_live_births" and first["direction"] == "decrease"
    assert first["baseline"]["value"] == 2.3 and first["baseline"]["year"] == 2020
    t2025 = next(t for t in first["targets"] if t["year"] == 2025)
    assert (t2025["comparator"], t2025["value"]) == ("<", 5)
    assert isinstance(t2025["line"], int)
    ind13 = next(i for i in data["indicators"] if i["number"] == "13")
    r = ind13["sub_indicators"][0]["targets"][0]
    assert (r["comparator"], r["value"], r["value_max"]) == ("range", 2, 3)


def test_importing_the_same_plan_twice_does_not_duplicate_it(bac_kan_plan):
    with pytest.raises(PlanExists):
        import_plan(bac_kan_json())
    assert Plan.objects.filter(number="592/QĐ-UBND").count() == 1


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d.update(format="other"), "không phải"),
    (lambda d: d.update(period={"start": 2030, "end": 2021}), "giai đoạn"),
    (lambda d: d["unit"].update(code="99"), "chưa có"),
    (lambda d: d["indicators"][5]["sub_indicators"][0].update(direction="sideways"), "không hợp lệ"),
    (lambda d: d["indicators"][20]["sub_indicators"][0]["targets"][1].update(value="nhiều"), "không phải là số"),
    (lambda d: d["indicators"][23].update(sub_indicators=[]), "chỉ tiêu con"),
])
def test_a_bad_document_saves_nothing_and_says_why_in_vietnamese(breakage, message):
    data = bac_kan_json()
    data["number"] = "999/QĐ-UBND"
    breakage(data)
    before = (Plan.objects.count(), Indicator.objects.count(), Target.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PlanFormatError) as error:
        import_plan(data)
    assert message in str(error.value)
    after = (Plan.objects.count(), Indicator.objects.count(), Target.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_a_local_indicator_points_to_the_national_indicator_it_carries_out(bac_kan_plan, national_plan):
    ind = bac_kan_plan.indicators.get(number="11")
    assert ind.national_indicator.plan == national_plan
    assert ind.national_indicator.number == "11"
    sub = ind.sub_indicators.first()
    assert sub.national_sub_indicator.targets.get(year=2025).value == 550
    assert sub.national_sub_indicator.unit == "per_100000_children"


def test_a_plan_moves_to_another_installation_through_its_export(client, coordinator, bac_kan_plan, tmp_path):
    """Download the export, delete the plan (as if on a new installation), import the file."""
    from django.core.management import call_command
    from django.urls import reverse

    from .conftest import client_for

    client_for(client, coordinator)
    response = client.get(reverse("plans:export", args=[bac_kan_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    exported = json.loads(response.content)
    before = export_plan(bac_kan_plan)
    path = tmp_path / "bac-kan.json"
    path.write_bytes(response.content)
    bac_kan_plan.delete()
    call_command("import-plan", str(path))
    plan = Plan.objects.get(number="592/QĐ-UBND")
    assert export_plan(plan) == before
    assert plan.source_text == exported["source"]["text"] and plan.source_text.count("\n") > 300


def test_the_export_is_scoped_like_the_plan(client, outsider, bac_kan_plan):
    from django.urls import reverse

    from .conftest import client_for

    client_for(client, outsider)
    assert client.get(reverse("plans:export", args=[bac_kan_plan.pk])).status_code == 404
