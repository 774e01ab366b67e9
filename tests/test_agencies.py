import pytest
from django.urls import reverse

from treem.agencies.models import Agency, AgencyChange, normalize_name
from treem.plans.plan_format import find_agency

from .conftest import client_for

pytestmark = pytest.mark.django_db


def labour(bac_kan):
    return Agency.objects.get(unit=bac_kan, name="Sở Lao động - Thương binh và Xã hội")


def test_names_as_plans_write_them_find_the_agency(bac_kan):
    for written in ["Sở Lao động - TBXH", "Sở Lao động, Thương binh và Xã hội", "Sở LĐ-TB&XH", "Sở Lao động - TB&XH"]:
        assert find_agency(bac_kan, written) == labour(bac_kan), written
    assert find_agency(bac_kan, "Sở Ngoại vụ") is None
    assert normalize_name("Sở  Y tế ") == normalize_name("sở y tế")


def test_child_affairs_moved_from_labour_to_health_in_2025(client, coordinator, bac_kan):
    change = AgencyChange.objects.get(from_agency=labour(bac_kan), kind=AgencyChange.Kind.DUTY_TRANSFERRED)
    assert change.to_agency.name == "Sở Y tế"
    assert change.date.isoformat() == "2025-03-01"
    client_for(client, coordinator)
    page = client.get(reverse("agencies:detail", args=[labour(bac_kan).pk])).content.decode()
    assert "01/03/2025" in page and "Sở Y tế" in page and "Sở Nội vụ" in page
    # it led ten indicators of the Bắc Kạn plan
    assert page.count("#indicator-") >= 10


def test_agencies_of_another_province_are_not_shown(client, outsider, bac_kan):
    client_for(client, outsider)
    assert client.get(reverse("agencies:detail", args=[labour(bac_kan).pk])).status_code == 404
    assert "Bắc Kạn" not in client.get(reverse("agencies:list")).content.decode()
