from django.core.management.base import BaseCommand

from treem.analytics.loading import load_indicator_sources


class Command(BaseCommand):
    help = "Load which reported data element gives each national sub-indicator's actual; safe to run again."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_indicator_sources()} indicator sources")
