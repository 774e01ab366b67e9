"""Writing rows in bulk (core/bulk.py), on SQLite and PostgreSQL alike:
the audit and history rows of an action, and the returned keys of new
figures, whatever the number of statements the rows take."""

import pytest
from django.db import connection
from django.utils import timezone

from treem.core import bulk
from treem.core.bulk import db_datetime, insert_objects, insert_rows
from treem.core.models import AuditEntry, audit_entry

from .conftest import make_user, unit

pytestmark = pytest.mark.django_db


def test_objects_are_written_with_their_defaults_and_json():
    user = make_user("writer", "coordinator", unit("legacy", "province", "06"))
    before = timezone.now()
    assert insert_objects([audit_entry(user, "test.bulk", cells=i, note="Hà Giang") for i in range(5)]) == 5
    entries = list(AuditEntry.objects.filter(action="test.bulk").order_by("pk"))
    assert [e.detail for e in entries] == [{"cells": i, "note": "Hà Giang"} for i in range(5)]
    assert all(e.user == user and e.at >= before for e in entries)


def test_returned_rows_come_from_every_statement(monkeypatch):
    # A web form's new figures come back with their keys, however many statements they take.
    monkeypatch.setattr(bulk, "_PARAMETERS", 15)  # 5 columns: three rows a statement
    at, detail = db_datetime(timezone.now()), AuditEntry._meta.get_field("detail").get_db_prep_save({}, connection)
    returned = insert_rows(AuditEntry, ["at", "action", "object_type", "object_id", "detail"],
                           [(at, f"test.{i}", "", "", detail) for i in range(7)], returning=["action", "id"])
    assert sorted(returned) == sorted(AuditEntry.objects.filter(action__startswith="test.").values_list("action", "id"))
    assert len(returned) == 7
    assert insert_rows(AuditEntry, ["at", "action"], [], returning=["id"]) == []
