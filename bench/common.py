"""What every benchmark needs: the best of several runs, and a throwaway
database (SQLite in a temporary directory, or a fresh PostgreSQL database)
set up before Django starts."""

import os
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "treem_bench"


def best_of(runs, fn):
    """(best time in seconds, the last result) of `runs` calls of fn."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


@contextmanager
def throwaway_database(postgres_url=None):
    """Point Treem at an empty database, start Django and migrate; drop it all
    afterwards. Without `postgres_url`, SQLite in a temporary directory."""
    tmp = tempfile.TemporaryDirectory(prefix="treem-bench-")
    os.environ["TREEM_DATA_DIR"] = tmp.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "treem.settings"
    admin = None
    if postgres_url:
        import psycopg

        parts = urlsplit(postgres_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connections.close_all()
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        tmp.cleanup()
