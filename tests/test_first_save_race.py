"""Two people of one commune save its first figures of a report at the same
instant, on PostgreSQL: one report is created, both saves go through and
nothing is lost. (On SQLite the writers take turns: no such race.)"""

import threading

import pytest
from django.db import connection, connections

from treem.core.models import AuditEntry
from treem.reporting import actions
from treem.reporting.models import Submission, SubmissionEvent

from .conftest import make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_workbooks_browser import restore_session_data  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's writers take turns: two first saves cannot race")]


def test_two_first_saves_at_once_make_one_report_and_keep_both(commune_officer, pl6, y2023, monkeypatch):
    colleague = make_user("colleague", "commune_officer", commune_officer.unit)
    # Both look for the report before either creates it: the race, every time.
    both_looked = threading.Barrier(2, timeout=10)
    looked = actions._locked

    def look_then_wait(*args):
        found = looked(*args)
        if found is None and not both_looked.broken:
            try:
                both_looked.wait()
            except threading.BrokenBarrierError:
                pass  # the second look, after the colleague's report was committed
        return found

    monkeypatch.setattr(actions, "_locked", look_then_wait)
    errors = []

    def save(user, cell, value):
        try:
            actions.save_report_values(user, pl6, commune_officer.unit, y2023, None, {cell: value})
        except Exception as e:  # noqa: BLE001 - any failure is the test's finding
            errors.append(e)
            both_looked.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(commune_officer, ("PL6_I_1", "total"), "1.200")),
               threading.Thread(target=save, args=(colleague, ("PL6_I_2", "total"), "400"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [submission] = Submission.objects.filter(unit=commune_officer.unit, period=y2023)
    assert actions.stored_values(submission) == {("PL6_I_1", "total"): 1200, ("PL6_I_2", "total"): 400}
    # Created once, in the history and in the audit trail.
    assert SubmissionEvent.objects.filter(submission=submission, action="created").count() == 1
    assert AuditEntry.objects.filter(action="reporting.submission_created", object_id=str(submission.pk)).count() == 1
