"""The SQLite backend's writers of one process take turns on a lock
(treem.core.sqlite): nothing is refused or lost when many threads write at
once, and the lock is given back however a transaction ends."""

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


def test_many_threads_write_at_once_and_nothing_is_refused_or_lost(path):
    errors = []

    def writer(i):
        db = _database(path, timeout=30)
        try:
            for j in range(20):
                _write(db, i * 100 + j)
        except Exception as e:  # noqa: BLE001 - any failure is the test's finding
            errors.append(e)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
