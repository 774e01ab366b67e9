"""Shared by the tests/test_reporting_*.py files: the forms, loaded per test
(inside the test's transaction) through the same loader as `treem load-forms`."""

import pytest

from treem.reporting.loading import load_forms
from treem.reporting.models import Form, Period


@pytest.fixture
def forms(db):
    load_forms()
    return {f.code: f for f in Form.objects.all()}


@pytest.fixture
def pl6(forms):
    return forms["PL6"]


@pytest.fixture
def y2023(forms):
    return Period.objects.get(code="2023")
