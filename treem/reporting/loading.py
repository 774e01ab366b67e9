"""Loading the forms from treem/reporting/forms/*.json: idempotent, so
`treem load-forms` may run at every deployment. Rows added in the admin are
kept; rows, elements and options in the files are created or updated."""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from .models import (
    DataElement,
    Disaggregation,
    DisaggregationOption,
    Form,
    FormRow,
    Period,
)
from .validation import form_structure_changed

FORMS_DIR = Path(__file__).resolve().parent / "forms"
FORM_FILES = ["pl1", "pl2", "pl3", "pl4", "pl5", "pl6", "pl7", "bc"]


def _element(spec, name):
    element, _ = DataElement.objects.update_or_create(code=spec["code"], defaults={
        "name": spec.get("name") or name,
        "value_type": spec["type"],
        "aggregation": spec.get("aggregation", "sum"),
        "unit_label": spec.get("unit", ""),
        "direction": spec.get("direction", ""),
        "factor": spec.get("factor"),
    })
    return element


@transaction.atomic
def load_disaggregations(data):
    for d in data:
        dis, _ = Disaggregation.objects.update_or_create(code=d["code"], defaults={"name": d["name"]})
        for order, o in enumerate(d["options"]):
            DisaggregationOption.objects.update_or_create(disaggregation=dis, code=o["code"], defaults={
                "name": o["name"], "order": order, "sum_of": o.get("sum_of", [])})


@transaction.atomic
def load_form(data):
    form, _ = Form.objects.update_or_create(code=data["code"], version=data.get("version", 1), defaults={
        "name": data["name"], "title": data.get("title", ""), "period_type": data.get("period_type", "annual"),
        "text_column": data.get("text_column", ""), "note": data.get("note", ""),
    })
    dis = {d.code: d for d in Disaggregation.objects.all()}
    rows, rates, wholes = {}, [], []
    for order, r in enumerate(data["rows"]):
        element = _element(r["element"], r["label"]) if "element" in r else None
        if element is not None and "numerator" in r["element"]:
            rates.append((element, r["element"]["numerator"], r["element"]["denominator"]))
        if element is not None:
            wholes.append((element, r["element"].get("at_most")))
        text_element = _element(r["text_element"], r["label"]) if "text_element" in r else None
        row, _ = FormRow.objects.update_or_create(form=form, code=r["code"], defaults={
            "order": order * 10, "number": r.get("number", ""), "label": r["label"], "element": element,
            "text_element": text_element, "disaggregation": dis[r["disaggregation"]] if element else None,
            "computed": r.get("computed", False), "parts_add_up": r.get("parts_add_up", False),
            "lead": r.get("lead", ""), "note": r.get("note", ""),
            "level_labels": r.get("level_labels", {}),
            "parent": None,
        })
        rows[r["code"]] = row
    for r in data["rows"]:
        if r.get("parent"):
            FormRow.objects.filter(pk=rows[r["code"]].pk).update(parent=rows[r["parent"]])
    for element, num, den in rates:
        element.numerator = DataElement.objects.get(code=num)
        element.denominator = DataElement.objects.get(code=den)
        element.save(update_fields=["numerator", "denominator"])
    for element, whole in wholes:  # most elements are part of none: no query for them
        whole_id = DataElement.objects.get(code=whole).pk if whole else None
        if element.at_most_id != whole_id:
            element.at_most_id = whole_id
            element.save(update_fields=["at_most"])
    form_structure_changed()  # the parents above were set with update(), which sends no signal
    return form


def load_forms(directory=FORMS_DIR):
    load_disaggregations(json.loads((directory / "disaggregations.json").read_text(encoding="utf-8")))
    forms = [load_form(json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))) for name in FORM_FILES]
    ensure_periods(range(2021, 2031))
    return forms


def period_for_code(code):
    """The period a code names: "2023", "2023H1", "2023H2", "2025MTR"
    (the mid-term review, 2021 to mid-2025)."""
    code = code.strip().upper()
    if code.isdigit() and len(code) == 4:
        y = int(code)
        return dict(code=code, type=Period.Type.ANNUAL, start=date(y, 1, 1), end=date(y, 12, 31), name=f"Năm {y}")
    if len(code) == 6 and code[:4].isdigit() and code[4:] in ("H1", "H2"):
        y = int(code[:4])
        if code[4:] == "H1":
            return dict(code=code, type=Period.Type.SEMI_ANNUAL, start=date(y, 1, 1), end=date(y, 6, 30),
                        name=f"6 tháng đầu năm {y}")
        return dict(code=code, type=Period.Type.SEMI_ANNUAL, start=date(y, 7, 1), end=date(y, 12, 31),
                    name=f"6 tháng cuối năm {y}")
    if code == "2025MTR":
        return dict(code=code, type=Period.Type.ONE_OFF, start=date(2021, 1, 1), end=date(2025, 6, 30),
                    name="Sơ kết giữa kỳ 2021-2025")
    raise ValueError(f"unknown period code: {code}")


def ensure_periods(years):
    codes = [c for y in years for c in (f"{y}H1", f"{y}H2", str(y))] + ["2025MTR"]
    for code in codes:
        spec = period_for_code(code)
        Period.objects.get_or_create(code=spec.pop("code"), defaults=spec)
