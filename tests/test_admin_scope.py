"""The admin shows and accepts only what the user's units allow, including
the choice lists and the values put in add-form URLs."""

import re

import pytest
from django.urls import reverse

from treem.plans.models import Indicator, SubIndicator, Task

from .conftest import client_for
from .test_access import FormFields

pytestmark = pytest.mark.django_db


def test_coordinator_edits_a_target_of_own_plan_typing_vietnamese_numbers(client, coordinator, bac_kan_plan):
    sub = SubIndicator.objects.get(indicator__plan=bac_kan_plan, indicator__number="3", order=0)
    client_for(client, coordinator)
    url = reverse("admin:plans_subindicator_change", args=[sub.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2,3"' in html  # the baseline, not "2.300000"
    form = FormFields()
    form.feed(html)
    index = next(k.split("-")[1] for k, v in form.data.items() if k.endswith("-year") and v == "2025")
    form.data[f"targets-{index}-value"] = "4,5"
    response = client.post(url, form.data)
    assert response.status_code == 302, re.findall(r'errorlist[^<]*<li>([^<]*)', response.content.decode())
    assert str(sub.targets.get(year=2025).value.normalize()) == "4.5"


def test_add_form_urls_do_not_reveal_another_provinces_rows(client, outsider, bac_kan_plan):
    task = Task.objects.filter(plan=bac_kan_plan).first()
    indicator = Indicator.objects.filter(plan=bac_kan_plan).first()
    client_for(client, outsider)
    page = client.get(reverse("admin:plans_task_add"), {"parent": task.pk}).content.decode()
    assert task.title[:40] not in page
    page = client.get(reverse("admin:plans_indicator_add"), {"plan": bac_kan_plan.pk}).content.decode()
    assert bac_kan_plan.title[:40] not in page
    # the objective list holds no objective of the Bắc Kạn plan
    objective_select = re.search(r'<select name="objective".*?</select>', page, re.S).group(0)
    for objective in bac_kan_plan.objectives.all():
        assert f'value="{objective.pk}"' not in objective_select
    national_select = re.search(r'<select name="national_indicator".*?</select>', page, re.S).group(0)
    assert f'value="{indicator.pk}"' not in national_select
    assert 'value="' in national_select  # …while the national indicators are offered


def test_a_task_cannot_be_hung_under_a_task_of_another_plan(client, coordinator, bac_kan_plan, national_plan):
    task = Task.objects.filter(plan=bac_kan_plan, parent__isnull=False).first()
    foreign = Task.objects.filter(plan=national_plan).first()
    client_for(client, coordinator)
    url = reverse("admin:plans_task_change", args=[task.pk])
    form = FormFields()
    form.feed(client.get(url).content.decode())
    form.data["parent"] = str(foreign.pk)
    assert client.post(url, form.data).status_code == 200  # back with an error
    task.refresh_from_db()
    assert task.parent.plan == bac_kan_plan


def test_the_admin_speaks_treem(client, coordinator):
    client_for(client, coordinator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Treem" in page and "Django" not in page
