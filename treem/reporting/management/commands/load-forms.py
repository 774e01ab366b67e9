from django.core.management.base import BaseCommand

from treem.reporting.loading import load_forms


class Command(BaseCommand):
    help = "Load the reporting forms (Appendices 1-7 and the report outline); safe to run again."

    def handle(self, *args, **options):
        for form in load_forms():
            self.stdout.write(f"{form.code}: {form.rows.count()} rows")
