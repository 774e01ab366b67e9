"""The reporting home page's "Returned to you for correction": the returned
reports this user is expected to correct (their own unit's, their agency's,
those they typed in themselves), not every returned report of the units
they may edit, which a national coordinator would get for the whole country."""

import re

import pytest
from django.urls import reverse

from treem.accounts.models import User
from treem.reporting import actions

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

FIGURES = {("PL6_I_1", "total"): "10", ("PL6_I_1", "male"): "6", ("PL6_I_1", "female"): "4"}


@pytest.fixture
def ministry(db):
    """The ministry's coordinator: the level above the provinces."""
    return make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True,
                     first_name="Điều phối viên Bộ")


@pytest.fixture
def district_coordinator(commune_officer):
    """The coordinator of the commune officer's district (Thành phố Bắc Kạn)."""
    return make_user("district", User.Role.COORDINATOR, commune_officer.unit.parent, is_staff=True)


def submitted(user, form, period, unit_, agency=None):
    submission = actions.open_submission(user, form, unit_, period, agency)
    assert [p for p in actions.save_values(user, submission, FIGURES) if p.is_error] == []
    return actions.submit(user, submission)


def returned_rows(client, user):
    """The rows of the user's "Returned to you for correction" table, as text; [] when the page has none."""
    client_for(client, user)
    page = client.get(reverse("reporting:index")).content.decode()
    if 'id="returned"' not in page:
        return []
    table = page[page.index('id="returned"'):]
    table = table[:table.index("</table>")]
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr><td>.*?</tr>", table)]


def test_each_sees_the_returned_reports_of_their_own_unit_not_those_of_the_units_below(
        client, ministry, coordinator, district_coordinator, commune_officer, viewer, pl6, y2023):
    commune, bac_kan = commune_officer.unit, coordinator.unit
    actions.return_submission(coordinator, submitted(commune_officer, pl6, y2023, commune), "Số trẻ em nữ chưa đúng")
    # The province's own report, sent up to the ministry and returned by it.
    actions.return_submission(ministry, submitted(coordinator, pl6, y2023, bac_kan), "Thiếu số liệu năm 2023")

    mine = returned_rows(client, commune_officer)
    assert len(mine) == 1 and commune.name in mine[0] and "Số trẻ em nữ chưa đúng" in mine[0]
    province = returned_rows(client, coordinator)
    assert len(province) == 1 and bac_kan.name in province[0] and "Thiếu số liệu năm 2023" in province[0]
    # Who returned it, and when: the one to ask.
    assert "Điều phối viên Bộ" in province[0]
    # The ministry decides the provinces' reports; it corrects none of them, nor the communes'.
    assert returned_rows(client, ministry) == []
    # The district may correct its communes' reports, but the commune's officer corrects their own.
    assert returned_rows(client, district_coordinator) == []
    assert returned_rows(client, viewer) == []


def test_a_report_typed_in_for_a_commune_goes_back_to_who_typed_it(
        client, coordinator, district_coordinator, commune_officer, pl6, y2023):
    # A commune without an officer of its own sends its report on paper; the district types it in.
    paper_commune = unit("legacy", "commune", "01837")
    assert paper_commune.parent_id == district_coordinator.unit_id
    typed = submitted(district_coordinator, pl6, y2023, paper_commune)
    actions.return_submission(coordinator, typed, "Kiểm tra lại tổng số")
    actions.return_submission(coordinator, submitted(commune_officer, pl6, y2023, commune_officer.unit), "Sai")

    district = returned_rows(client, district_coordinator)
    assert len(district) == 1 and paper_commune.name in district[0] and "Kiểm tra lại tổng số" in district[0]
    assert [commune_officer.unit.name in row for row in returned_rows(client, commune_officer)] == [True]
    assert returned_rows(client, coordinator) == []


def test_an_agencys_returned_report_goes_to_its_reporter_or_to_the_coordinator_who_typed_it(
        client, coordinator, health_reporter, health, justice, pl6, y2023):
    bac_kan = coordinator.unit
    actions.return_submission(coordinator, submitted(health_reporter, pl6, y2023, bac_kan, health), "Thiếu số nữ")
    # Sở Tư pháp sent its report on paper: the coordinator typed it in.
    actions.return_submission(coordinator, submitted(coordinator, pl6, y2023, bac_kan, justice), "Nhầm năm")

    reporter = returned_rows(client, health_reporter)
    assert len(reporter) == 1 and "Sở Y tế" in reporter[0] and "Thiếu số nữ" in reporter[0]
    own = returned_rows(client, coordinator)
    assert len(own) == 1 and "Sở Tư pháp" in own[0] and "Nhầm năm" in own[0]


def test_a_corrected_and_resubmitted_report_leaves_the_list(client, coordinator, commune_officer, pl6, y2023):
    submission = actions.return_submission(coordinator, submitted(commune_officer, pl6, y2023, commune_officer.unit),
                                           "Số trẻ em nữ chưa đúng")
    assert len(returned_rows(client, commune_officer)) == 1
    actions.submit(commune_officer, submission)
    assert returned_rows(client, commune_officer) == []
