import time

from django.core.management.base import BaseCommand, CommandError

from treem.units.loading import UnitDataMissing, load_units

LABELS = [
    ("nation", "nation"),
    ("legacy_provinces", "provinces (63-province structure)"),
    ("legacy_districts", "districts (63-province structure)"),
    ("legacy_communes", "communes (63-province structure)"),
    ("2025_provinces", "provinces (34-province structure)"),
    ("2025_communes", "communes (34-province structure)"),
    ("successions_created", "successions"),
]


class Command(BaseCommand):
    help = (
        "Load Vietnam's administrative units (the 63-province structure until 30/06/2025, "
        "the 34-province structure from 01/07/2025, and the successions between them) from the "
        "data files of the vietnamadminunits package. Safe to run again: only missing rows are created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structure", choices=["legacy", "2025", "both"], default="both",
            help="Which structure to load (default: both).",
        )
        parser.add_argument(
            "--province", nargs="+", metavar="CODE", dest="provinces",
            help="Only these provinces, by official code (e.g. 06 19); a code is looked up in each "
                 "structure loaded. Default: the whole country.",
        )

    def handle(self, *args, structure, provinces, **options):
        start = time.monotonic()
        try:
            counts = load_units(structure=structure, province_codes=provinces)
        except (UnitDataMissing, ValueError) as e:
            raise CommandError(str(e)) from e
        for key, label in LABELS:
            if key in counts:
                self.stdout.write(f"{label}: {counts[key]} created")
        if counts["successions_existing"]:
            self.stdout.write(f"successions already present: {counts['successions_existing']}")
        if counts["successions_skipped"]:
            self.stdout.write(
                f"successions skipped (one end not loaded): {counts['successions_skipped']}"
            )
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - start:.1f} s."))
