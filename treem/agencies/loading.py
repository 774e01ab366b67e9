"""Load agencies and their history from JSON lists (see treem/demo/data)."""

import datetime

from django.db import transaction

from treem.units.models import Unit

from .models import Agency, AgencyChange


def _unit(ref):
    return Unit.objects.filter(structure=ref["structure"], level=ref["level"], code=ref["code"]).first()


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_agencies(items):
    """Create the agencies that are missing; never overwrite an existing one.
    Agencies of units not loaded are skipped. Returns (created, skipped)."""
    created = skipped = 0
    for item in items:
        unit = _unit(item["unit"])
        if unit is None:
            skipped += 1
            continue
        _agency, was_created = Agency.objects.get_or_create(
            unit=unit,
            name=item["name"],
            defaults={
                "short_name": item.get("short_name", ""),
                "kind": item.get("kind", Agency.Kind.DEPARTMENT),
                "aliases": item.get("aliases", []),
                "valid_from": _date(item.get("valid_from")),
                "valid_to": _date(item.get("valid_to")),
            },
        )
        created += was_created
    return created, skipped


@transaction.atomic
def load_agency_changes(items):
    created = 0
    for item in items:
        ends = {}
        for end in ("from", "to"):
            ref = item.get(end)
            ends[end] = None
            if ref:
                unit = _unit(ref["unit"])
                ends[end] = Agency.objects.filter(unit=unit, name=ref["name"]).first() if unit else None
        if item.get("from") and ends["from"] is None:
            continue
        _change, was_created = AgencyChange.objects.get_or_create(
            kind=item["kind"],
            date=_date(item["date"]),
            from_agency=ends["from"],
            to_agency=ends["to"],
            duty=item.get("duty", ""),
            defaults={"basis": item.get("basis", ""), "note": item.get("note", "")},
        )
        created += was_created
    return created
