"""Django's SQLite backend, with the writers of one process taking turns.

SQLite lets one connection write at a time. One that finds the file locked
polls it, sleeping 1, 2, 5 … up to 100 ms between tries, so at a deadline,
with fifty reports saved together by a few server threads, most of the wait
is sleep while the file is already free. Here the threads of one process
queue on a lock before BEGIN IMMEDIATE and are woken the moment the writer
before them commits; only the other processes' writers still poll."""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_writers = {}  # database file: the lock of this process's writers
_writers_lock = threading.Lock()


def _lock_for(name):
    with _writers_lock:
        return _writers.setdefault(str(name), threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self):
        # An in-memory database (the tests') is one per connection: nothing to share.
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db():
            lock = _lock_for(self.settings_dict["NAME"])
            if not lock.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5)):
                raise OperationalError("database is locked")
            self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        if self._holds_write_lock:
            self._holds_write_lock = False
            _lock_for(self.settings_dict["NAME"]).release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
