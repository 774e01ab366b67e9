"""Who finds a submitted report in "Awaiting your review": the nearest level
above that has someone who may decide it. A province without district
officers decides its communes' reports; a ministry coordinator finds the
provinces' own reports, not every commune's report of the country."""

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
    return make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)


def submitted(user, form, period, unit_):
    submission = actions.open_submission(user, form, unit_, period)
    assert [p for p in actions.save_values(user, submission, FIGURES) if p.is_error] == []
    return actions.submit(user, submission)


def test_the_nearest_level_with_a_reviewer_finds_the_report(client, ministry, coordinator, commune_officer, pl6,
                                                           y2023):
    commune, bac_kan = commune_officer.unit, coordinator.unit
    from_commune = submitted(commune_officer, pl6, y2023, commune)
    from_province = submitted(coordinator, pl6, y2023, bac_kan)

    # No one works at the commune's district: the province decides its report.
    assert list(actions.awaiting_review(coordinator)) == [from_commune]
    # The ministry decides the province's own report, not the commune's.
    assert list(actions.awaiting_review(ministry)) == [from_province]
    assert not actions.awaiting_review(commune_officer).exists()

    # Once the district has a coordinator, the commune's report is theirs.
    district = make_user("district", User.Role.COORDINATOR, commune.parent, is_staff=True)
    assert list(actions.awaiting_review(district)) == [from_commune]
    assert not actions.awaiting_review(coordinator).exists()
    # The province may still decide it (it may edit the district), from the report's page.
    assert actions.may_review(coordinator, from_commune)

    # A district officer who left (inactive) decides nothing: back to the province.
    district.is_active = False
    district.save()
    assert list(actions.awaiting_review(coordinator)) == [from_commune]

    # The ministry's reporting page lists the province's report only.
    client_for(client, ministry)
    page = client.get(reverse("reporting:index")).content.decode()
    review = page[page.index('id="to-review"'):]
    review = review[:review.index("</table>")]
    assert bac_kan.name in review and commune.name not in review
