"""The reporting home page's "Reports of your area": a province holds
thousands of reports, and the third trial found only "Previous / Next" to
look through them. Filters by form, period, status and unit (its name
without accents, or its code), kept from page to page."""

import re

import pytest
from django.urls import reverse

from treem.reporting import actions
from treem.reporting.models import Period
from treem.units.models import Unit

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def listed(page):
    """(form code, unit) of each line of the list."""
    table = page.split('id="recent-filters"')[1].split("</table>")[0]
    return re.findall(r'<tr><td><a href="[^"]*">(\w+)</a></td><td>([^<]*)</td>', table)


def test_the_coordinator_filters_the_reports_of_the_area(client, coordinator, commune_officer, forms, y2023):  # noqa: F811
    commune = commune_officer.unit
    province = commune.parent.parent
    others = list(Unit.objects.filter(path__startswith=province.path, level="commune").exclude(
        pk=commune.pk).order_by("code")[:60])
    y2022 = Period.objects.get(code="2022")
    for u in others:
        actions.open_submission(coordinator, forms["PL6"], u, y2023)
    mine = actions.open_submission(commune_officer, forms["PL7"], commune, y2022)
    actions.submit(commune_officer, mine)
    client_for(client, coordinator)
    home = reverse("reporting:index")
    page = client.get(home).content.decode()
    count = re.search(r"(\d+) báo cáo, báo cáo thay đổi gần nhất", page)
    assert count and count.group(1) == str(len(others) + 1), page.split("id=\"recent\"")[1][:3000]
    assert len(listed(page)) == 50 and "Trang 1/2" in page
    # Each filter starts on "all" ("Tất cả"; "chung" is the word for an indicator's whole scope).
    for label, name in (("Biểu mẫu", "form"), ("Kỳ báo cáo", "period"), ("Trạng thái", "status")):
        assert f'{label} <select name="{name}"><option value="">Tất cả</option>' in page

    # By the unit's name typed without accents, by form, by period, by status: one report.
    folded = commune.search_key
    for query in ({"unit": folded}, {"unit": commune.code}, {"form": "PL7"}, {"period": "2022"},
                  {"status": "submitted"}, {"form": "PL7", "status": "submitted", "unit": folded}):
        page = client.get(home, query).content.decode()
        assert listed(page) == [("PL7", commune.name)], query
    # A district's name lists the reports of its communes.
    district = commune.parent
    page = client.get(home, {"unit": district.name}).content.decode()
    in_district = {u.name for u in others if u.parent_id == district.pk} | {commune.name}
    assert {name for _code, name in listed(page)} == in_district and len(in_district) > 1
    assert "Không có báo cáo nào khớp với bộ lọc này" in client.get(home, {"form": "PL6", "period": "2022"}).content.decode()
    # The filters stay chosen and go with the pages.
    page = client.get(home, {"form": "PL6", "period": "2023"}).content.decode()
    assert '<option value="PL6" selected>' in page and len(listed(page)) == 50
    assert 'href="?form=PL6&amp;period=2023&amp;page=2"' in page and 'page=2">Cuối' not in page
    second = client.get(home, {"form": "PL6", "period": "2023", "page": "2"}).content.decode()
    assert len(listed(second)) == 10 and all(code == "PL6" for code, _u in listed(second))
