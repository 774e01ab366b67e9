from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from treem.demo.loading import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Create the database, load the demo data (idempotent) and serve Treem on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")

    def handle(self, *args, port, no_serve, **options):
        db = settings.DATABASES["default"]
        self.stdout.write(f"Cơ sở dữ liệu: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        load_demo(self.stdout)
        self.stdout.write("\nTài khoản demo (mật khẩu: %s):" % DEMO_PASSWORD)
        for username, full_name, role, *_rest in USERS:
            self.stdout.write(f"  {username:<16} {full_name}")
        if no_serve:
            return
        call_command("serve", port=port)
