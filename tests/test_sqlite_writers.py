"""The SQLite backend's writers take turns (treem.core.sqlite): the threads
of a process on a lock, the processes on a lock file; nothing is refused or
lost when many threads of several processes write at once, and the turn is
given back however a transaction ends."""

import fcntl
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from django.db import OperationalError

from treem.core.sqlite.base import DatabaseWrapper


def _database(path, timeout=5):
    return DatabaseWrapper({
        "NAME": str(path), "ENGINE": "treem.core.sqlite", "OPTIONS": {
            "transaction_mode": "IMMEDIATE", "timeout": timeout,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}})


def _write(db, value, end="commit"):
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    db.cursor().execute("INSERT INTO t (v) VALUES (%s)", [value])
    if end == "commit":
        db.commit()
    elif end == "rollback":
        db.rollback()
    else:
        db.close()


# These tests open database files of their own; the mark lets them, and
# runs them with the other database tests, before the browser tests'
# event loop (which Django's connections refuse to run beside).
pytestmark = pytest.mark.django_db


@pytest.fixture
def path(tmp_path):
    db = _database(tmp_path / "w.sqlite3")
    db.ensure_connection()
    db.cursor().execute("CREATE TABLE t (v INTEGER)")
    db.close()
    return tmp_path / "w.sqlite3"


def _write_in_threads(path, first, rows, threads, timeout=30, stride=1000):
    """`threads` threads each write `rows` rows (first + thread × stride + j);
    the errors met, as text. The other process of the tests below runs it too."""
    errors = []

    def writer(t):
        db = _database(path, timeout=timeout)
        try:
            for j in range(rows):
                _write(db, first + t * stride + j)
        except Exception as e:  # noqa: BLE001 - any failure is the test's finding
            errors.append(str(e))
        finally:
            db.close()

    started = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return errors


def test_many_threads_write_at_once_and_nothing_is_refused_or_lost(path):
    errors = _write_in_threads(path, 0, 20, 12, stride=100)
    db = _database(path)
    db.ensure_connection()
    rows = sorted(v for (v,) in db.cursor().execute("SELECT v FROM t").fetchall())
    db.close()
    assert errors == []
    assert rows == sorted(i * 100 + j for i in range(12) for j in range(20))


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_turn_is_given_back_however_the_transaction_ends(path, end):
    first = _database(path)
    _write(first, 1, end)
    # Another thread of the process gets its turn (it would wait 1 s and fail otherwise).
    done = []

    def second():
        db = _database(path, timeout=1)
        _write(db, 2)
        db.close()
        done.append(True)

    t = threading.Thread(target=second)
    t.start()
    t.join()
    first.close()
    assert done == [True]


def test_a_writer_waits_for_the_one_before_it_then_fails_with_sqlites_own_error(path):
    holder = _database(path)
    holder.ensure_connection()
    holder._start_transaction_under_autocommit()
    failures = []

    def wait():
        waiter = _database(path, timeout=0.2)
        try:
            _write(waiter, 3)
        except OperationalError as e:
            failures.append(str(e))
        finally:
            waiter.close()

    t = threading.Thread(target=wait)
    t.start()
    t.join()
    holder.rollback()
    holder.close()
    assert failures == ["database is locked"]


# Another process, as a second server worker is: it writes `rows` rows with
# `threads` threads and prints how many failed and how, as JSON.
_OTHER_PROCESS = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from tests.test_sqlite_writers import _write_in_threads
    path, first, rows, threads, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(
        sys.argv[5])
    print(json.dumps(_write_in_threads(path, first, rows, threads, timeout)))
""")


def _other_process(path, first, rows, threads, timeout):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "treem.settings"}
    return subprocess.Popen([sys.executable, "-c", _OTHER_PROCESS, str(path), str(first), str(rows), str(threads),
                             str(timeout)], stdout=subprocess.PIPE, text=True, env=env,
                            cwd=os.path.dirname(os.path.dirname(__file__)))


def test_several_processes_write_at_once_and_nothing_is_refused_or_lost(path):
    others = [_other_process(path, (i + 1) * 100000, 25, 4, 30) for i in range(3)]
    errors = _write_in_threads(path, 0, 25, 4)
    outputs = [o.communicate(timeout=120)[0].strip() for o in others]
    db = _database(path)
    db.ensure_connection()
    rows = sorted(v for (v,) in db.cursor().execute("SELECT v FROM t").fetchall())
    db.close()
    assert errors == [] and outputs == ["[]"] * 3
    assert rows == sorted(first + t * 1000 + j for first in (0, 100000, 200000, 300000)
                          for t in range(4) for j in range(25))


def test_another_process_waits_for_the_writer_then_fails_with_sqlites_own_error(path):
    holder = _database(path)
    holder.ensure_connection()
    holder._start_transaction_under_autocommit()
    # The turn among processes is the lock file beside the database, held until the writer is done.
    other = os.open(f"{path}.writers", os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = _other_process(path, 1, 1, 1, 0.3).communicate(timeout=60)[0].strip()
    finally:
        holder.rollback()
        holder.close()
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # given back
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    assert refused == '["database is locked"]'
    # Once the writer is done, the other process writes.
    assert _other_process(path, 7, 1, 1, 5).communicate(timeout=60)[0].strip() == "[]"
    db = _database(path)
    db.ensure_connection()
    assert db.cursor().execute("SELECT v FROM t").fetchall() == [(7,)]
    db.close()
