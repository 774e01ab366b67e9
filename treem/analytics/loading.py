"""Loading the indicator-to-data-element mapping from
data/indicator_sources.json: idempotent, so it may run at every deployment.
A mapping changed in the admin is overwritten by the file; rows added in the
admin for other sub-indicators are kept."""

import json
from pathlib import Path

from django.db import transaction

from .models import IndicatorSource

SOURCES_FILE = Path(__file__).resolve().parent / "data" / "indicator_sources.json"


@transaction.atomic
def load_indicator_sources(path=SOURCES_FILE):
    """Create or update one IndicatorSource per entry; returns how many."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for entry in data["sources"]:
        IndicatorSource.objects.update_or_create(
            national_indicator=str(entry["national_indicator"]), sub_number=int(entry.get("sub", 1)),
            scope=entry.get("scope", ""),
            defaults={
                "element_code": entry["element"],
                "option_code": entry.get("option", "actual"),
                "plan_option_code": entry.get("plan_option", "plan"),
                "kind": entry.get("kind", IndicatorSource.Kind.VALUE),
                "note": entry.get("note", ""),
            },
        )
    return len(data["sources"])
