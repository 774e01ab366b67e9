"""Django's SQLite backend, with Treem's writers taking turns.

SQLite lets one connection write at a time. One that finds the file locked
polls it, sleeping 1, 2, 5 … up to 100 ms between tries, so at a deadline,
with fifty reports saved together by a few server processes, most of the
wait is sleep while the file is already free, and one process's writers can
be passed over again and again. Here a writer first takes its turn: among
the threads of its process on a lock, which wakes the next one the moment
the writer before it commits; then among the processes on a lock file
beside the database (flock), tried every millisecond by one thread per
process at most. BEGIN IMMEDIATE then finds the file free, except when a
program other than Treem writes to it, and SQLite's own waiting still
applies then."""

import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base, features

try:
    import fcntl
except ImportError:  # not on Windows: the processes' writers poll as SQLite does
    fcntl = None

_turns = {}  # (process id, database file): (lock of this process's threads, lock file or None)
_turns_lock = threading.Lock()


def _turn_for(name):
    # Per process id: a server that forks its workers must not share the
    # parent's open lock file, or flock would not keep them apart.
    key = (os.getpid(), str(name))
    with _turns_lock:
        if key not in _turns:
            fd = os.open(f"{name}.writers", os.O_RDWR | os.O_CREAT, 0o600) if fcntl else None
            _turns[key] = (threading.Lock(), fd)
        return _turns[key]


def _flock(fd, deadline):
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)


class DatabaseFeatures(features.DatabaseFeatures):
    # A web form's new figures come back with their keys from INSERT …
    # RETURNING (core.bulk), which SQLite has from 3.35: Django then refuses
    # an older one with "SQLite 3.35 or later is required".
    minimum_database_version = (3, 35)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    _holds_turn = None  # the (thread lock, lock file) held, during a write transaction

    def _start_transaction_under_autocommit(self):
        # An in-memory database (the tests') is one per connection: nothing to share.
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db():
            timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
            deadline = time.monotonic() + timeout
            lock, fd = _turn_for(self.settings_dict["NAME"])
            if not lock.acquire(timeout=timeout):
                raise OperationalError("database is locked")
            if fd is not None and not _flock(fd, deadline):
                lock.release()
                raise OperationalError("database is locked")
            self._holds_turn = lock, fd
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self):
        if self._holds_turn:
            lock, fd = self._holds_turn
            self._holds_turn = None
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()
