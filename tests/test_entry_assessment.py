"""The entry form's "Đánh giá" column judges an indicator as the results
pages do: a rate by its rate (typed, or as its numerator and denominator
give it), never its numerator or denominator as counts of their own."""

import re

import pytest
from django.urls import reverse

from treem.reporting import actions

from .conftest import client_for
from .reporting_helpers import forms, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def _row(page, label):
    """The assessment cell's text of the form's row whose label starts with `label`."""
    for row in re.findall(r"<tr\b.*?</tr>", page, re.S):
        if re.search(r"<th[^>]*>[^<]*(?:<[^>]+>[^<]*)*?" + re.escape(label), row):
            cells = re.findall(r"<td>([^<]*)</td>", row)
            return cells
    raise AssertionError(f"no row {label!r}")


def test_a_rate_is_judged_by_its_rate_not_its_parts(client, commune_officer, forms, y2023):
    pl7 = forms["PL7"]
    submission = actions.open_submission(commune_officer, pl7, commune_officer.unit, y2023)
    # Planned 30 of 30 communes, reached 28 of 28: 100 % as planned, though 28 < 30.
    actions.save_values(commune_officer, submission, {
        ("PL7_CT1", "plan"): "30", ("PL7_CT1_d", "plan"): "30",
        ("PL7_CT1", "actual"): "28", ("PL7_CT1_d", "actual"): "28"})
    page = client_for(client, commune_officer).get(
        reverse("reporting:entry", args=["PL7", "2023", commune_officer.unit.pk])).content.decode()
    assert "Đạt KH" in _row(page, "Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn")
    for part in ("Số xã, phường, thị trấn đạt tiêu chuẩn", "Mẫu số: tổng số xã"):
        assert not {"Đạt KH", "Không đạt KH", "Vượt KH"} & set(_row(page, part))
