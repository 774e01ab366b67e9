"""A commune officer reads the district's and the province's results, not
the neighbouring communes' figures (a commune's rate of abused children may
name a child), and is not linked to pages that answer 404. The communes
expected for a year are those that report it: alive on 31/12."""

import pytest
from django.urls import reverse

from treem.analytics.loading import load_indicator_sources
from treem.analytics.results import completeness, units_below
from treem.units.models import Unit

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import approved_pl7, sub_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_with_reports(forms, coordinator, bac_kan):  # noqa: F811
    load_indicator_sources()
    district = next(d for d in bac_kan.children.order_by("code") if d.children.count() >= 3)
    communes = list(district.children.order_by("code")[:3])
    for i, commune in enumerate(communes):
        approved_pl7(coordinator, commune, 2023, {("PL7_CT22", "actual"): str(80 + i), ("PL7_CT22_d", "actual"): "100"})
    officer = make_user("own-commune", "commune_officer", communes[0])
    return district, communes, officer


def test_a_commune_officer_sees_only_their_own_commune_among_the_districts(client, district_with_reports,
                                                                         coordinator, bac_kan_plan):
    district, (own, *neighbours), officer = district_with_reports
    births = sub_of(bac_kan_plan, "14")  # birth registration: Appendix 7 row CT22
    url = reverse("analytics:indicator", args=[bac_kan_plan.pk, district.pk, 2023, births.pk])
    client_for(client, officer)
    page = client.get(url).content.decode()
    ranking = page.split('<table class="list ranking">')[1].split("</table>")[0]
    assert own.name in ranking and "80%" in ranking
    for other in neighbours:
        assert other.name not in ranking
    assert "81%" not in ranking and "82%" not in ranking
    hidden = len(units_below(district, 2023)) - 1
    assert f"thứ hạng tính cả {hidden} đơn vị khác" in page
    overview = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, district.pk, 2023])).content.decode()
    for other in neighbours:
        assert reverse("analytics:overview", args=[bac_kan_plan.pk, other.pk, 2023]) not in overview
    assert reverse("analytics:overview", args=[bac_kan_plan.pk, own.pk, 2023]) in overview
    # Every unit still listed opens.
    assert client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, own.pk, 2023])).status_code == 200
    assert client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, neighbours[0].pk, 2023])).status_code == 404

    # The district's coordinator ranks them all, with nothing said about hidden units.
    client_for(client, coordinator)
    page = client.get(url).content.decode()
    ranking = page.split('<table class="list ranking">')[1].split("</table>")[0]
    assert all(c.name in ranking for c in (own, *neighbours)) and "đơn vị khác" not in page


def test_the_districts_report_is_for_the_district_and_those_above(
        client, district_with_reports, coordinator, bac_kan_plan):
    # What a district sends up, its report page and the forms it links, is
    # not the commune's to open: as its entry pages, the report answers 404.
    district, _communes, officer = district_with_reports
    url = reverse("reports:report", args=[bac_kan_plan.pk, district.pk, "2023"])
    entry = reverse("reporting:entry", args=["PL6", "2023", district.pk])
    client_for(client, officer)
    assert client.get(url).status_code == 404 and client.get(entry).status_code == 404
    client_for(client, coordinator)
    assert entry in client.get(url).content.decode()


def test_the_communes_expected_for_2025_are_those_of_the_new_structure(forms, bac_kan):  # noqa: F811
    nation = unit("national", "nation", "VN")
    new = Unit.objects.filter(level="commune", structure="2025").count()
    old = Unit.objects.filter(level="commune", structure="legacy").count()
    assert new and old
    assert completeness(nation, 2025)[0] == (0, new)
    assert completeness(nation, 2024)[0] == (0, old)
    # Bắc Kạn's last year is 2024: in 2025 its communes report under Thái Nguyên.
    assert completeness(bac_kan, 2025)[0] == (0, 0)
