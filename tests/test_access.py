"""Who sees and changes which plan: a user of one province can neither see
nor change another province's plan, URL guessing included."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from treem.accounts.access import can_edit_unit, visible_units
from treem.core.models import AuditEntry
from treem.plans.models import Plan

from .conftest import client_for, unit

pytestmark = pytest.mark.django_db


def plan_urls(plan):
    return [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:agencies", args=[plan.pk]),
        reverse("plans:source", args=[plan.pk]),
    ]


def test_anonymous_is_sent_to_login(client, bac_kan_plan):
    for url in plan_urls(bac_kan_plan) + [reverse("plans:list"), reverse("units:list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    # The sign-in page is where a visitor lands: it shows the way to the public results.
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("public:index")}"' in login and "Kết quả công khai của các tỉnh" in login
    assert client.get(reverse("public:index")).status_code == 200


def test_outsider_cannot_see_another_provinces_plan(client, outsider, bac_kan_plan, bac_kan):
    client_for(client, outsider)
    for url in plan_urls(bac_kan_plan):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("plans:list")).content.decode()
    assert "592/QĐ-UBND" not in listing
    assert "23/QĐ-TTg" in listing  # the national programme is everyone's
    # The official unit list is public reference data, but the province's
    # plans and agencies do not show on its page.
    unit_page = client.get(reverse("units:detail", args=[bac_kan.pk])).content.decode()
    assert "Tỉnh Bắc Kạn" in unit_page
    assert "592/QĐ-UBND" not in unit_page and "Sở Y tế" not in unit_page


def test_outsider_cannot_read_or_change_it_in_the_admin(client, outsider, bac_kan_plan):
    original_title = bac_kan_plan.title
    client_for(client, outsider)
    change_url = reverse("admin:plans_plan_change", args=[bac_kan_plan.pk])
    response = client.get(change_url)
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "592/QĐ-UBND" not in client.get(reverse("admin:plans_plan_changelist")).content.decode()
    client.post(change_url, {"title": "Đã bị sửa", "number": "592/QĐ-UBND"})
    client.post(reverse("admin:plans_plan_delete", args=[bac_kan_plan.pk]), {"post": "yes"})
    bac_kan_plan.refresh_from_db()  # still there, unchanged
    assert bac_kan_plan.title == original_title
    indicator = bac_kan_plan.indicators.first()
    assert client.get(reverse("admin:plans_indicator_change", args=[indicator.pk])).status_code == 302


def test_owner_sees_own_and_national_plan_but_no_other_province(client, coordinator, bac_kan_plan, national_plan):
    client_for(client, coordinator)
    for url in plan_urls(bac_kan_plan) + plan_urls(national_plan):
        assert client.get(url).status_code == 200, url
    ninh_binh = unit("2025", "province", "37")
    assert not visible_units(coordinator).filter(pk=ninh_binh.pk).exists()


def test_commune_officer_reads_the_plans_above_but_cannot_change_them(client, commune_officer, bac_kan_plan):
    client_for(client, commune_officer)
    assert client.get(reverse("plans:detail", args=[bac_kan_plan.pk])).status_code == 200
    assert not can_edit_unit(commune_officer, bac_kan_plan.unit)
    assert can_edit_unit(commune_officer, commune_officer.unit)
    # not staff: the admin sends them to its own login
    assert client.get(reverse("admin:plans_plan_change", args=[bac_kan_plan.pk])).status_code == 302


def test_province_formed_in_2025_reads_the_plans_of_the_provinces_merged_into_it(
    client, successor_coordinator, bac_kan_plan
):
    client_for(client, successor_coordinator)
    assert client.get(reverse("plans:detail", args=[bac_kan_plan.pk])).status_code == 200
    # …but reading is not owning: it cannot edit a plan of the old structure.
    assert not can_edit_unit(successor_coordinator, bac_kan_plan.unit)


class FormFields(HTMLParser):
    """The fields of the admin change form, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def test_owner_changes_own_plan_in_the_admin_and_it_is_audited(client, coordinator, bac_kan_plan):
    client_for(client, coordinator)
    url = reverse("admin:plans_plan_change", args=[bac_kan_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = FormFields()
    form.feed(page.content.decode())
    form.data["signer"] = "Người ký mới"
    response = client.post(url, form.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bac_kan_plan.refresh_from_db()
    assert bac_kan_plan.signer == "Người ký mới"
    entry = AuditEntry.objects.filter(action="plan.changed", object_id=str(bac_kan_plan.pk)).get()
    assert entry.user == coordinator
    assert entry.detail["after"]["signer"] == "Người ký mới"
    assert entry.detail["before"]["signer"] == "Phạm Duy Hưng"


def test_owner_cannot_move_own_plan_to_another_province(client, coordinator, bac_kan_plan):
    client_for(client, coordinator)
    url = reverse("admin:plans_plan_change", args=[bac_kan_plan.pk])
    form = FormFields()
    form.feed(client.get(url).content.decode())
    form.data["unit"] = str(unit("2025", "province", "37").pk)
    response = client.post(url, form.data)
    assert response.status_code == 200  # the form comes back with an error
    bac_kan_plan.refresh_from_db()
    assert bac_kan_plan.unit.code == "06"
    assert Plan.objects.filter(unit__code="37").count() == 0
