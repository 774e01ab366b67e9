from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Treem with waitress (a production WSGI server) on the given address."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from treem.wsgi import application

        self.stdout.write(f"Treem đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="treem")
