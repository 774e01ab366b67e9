import os

from django.core.management.base import BaseCommand
from django.db import connections


def default_workers():
    """One process per core: a Python process uses one core at a time, and at
    a deadline many communes submit together."""
    return max(1, min(os.cpu_count() or 1, 8))


class Command(BaseCommand):
    help = ("Serve Treem with gunicorn (a production WSGI server): several processes, each with a few "
            "threads, on the given address.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="processes (default: one per core, at most 8)")
        parser.add_argument("--threads", type=int, default=8, help="threads per process")

    def handle(self, *args, host, port, workers, threads, **options):
        from gunicorn.app.base import BaseApplication

        from treem.wsgi import application

        # The processes are forked from this one: none may inherit its connections.
        connections.close_all()
        config = {
            "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
            # A province's zip of templates or a national export takes seconds, not minutes.
            "timeout": 120, "graceful_timeout": 20, "backlog": 2048, "proc_name": "treem",
            # A process takes at most twice its threads of connections (the
            # rest kept alive between a browser's requests); the others wait
            # in the queue for whichever process frees a thread first. With
            # gunicorn's default of 1000, at a deadline the first process to
            # wake took most of fifty submissions at once and served them on
            # one core (Python runs one thread at a time) while the other
            # core idled: p95 530-560 ms against 373 ms with this limit.
            "worker_connections": 2 * threads,
            "accesslog": None, "errorlog": "-", "loglevel": "warning",
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        self.stdout.write(f"Treem đang chạy tại http://{host}:{port}/  ({workers} tiến trình × {threads} luồng; "
                          f"Ctrl+C để dừng)")
        self.stdout.flush()
        Server().run()
