"""The provinces' public results pages: off until the province's coordinator
turns them on; then anyone sees the province's indicators judged from
approved figures of the whole province, and nothing personal."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from treem.analytics import actions
from treem.analytics.loading import load_indicator_sources
from treem.analytics.models import PublicResults
from treem.analytics.results import indicator_results
from treem.analytics.templatetags.analytics import figure
from treem.core.models import AuditEntry
from treem.reporting import actions as reporting
from treem.reporting.models import Form, Period

from .conftest import client_for, make_user
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import sub_of, two_communes_in_two_districts

pytestmark = pytest.mark.django_db

PERSONAL = ["Nguyễn Thị Bích", "Trần Văn Cường", "0912 345 678", "0987654321", "bich@example.vn",
            "cuong.tran@example.vn", "pl7-officer", "coord"]


@pytest.fixture
def sources(forms):  # noqa: F811
    load_indicator_sources()
    return forms


def pl7_report(approver, officer, commune, year, values, approve=True):
    submission = reporting.open_submission(officer, Form.objects.get(code="PL7"), commune,
                                           Period.objects.get(code=str(year)))
    assert [p.message for p in reporting.save_values(officer, submission, values) if p.is_error] == []
    reporting.submit(officer, submission)
    return reporting.approve(approver, submission) if approve else submission


@pytest.fixture
def province_data(sources, coordinator, bac_kan, bac_kan_plan):
    """Two communes' approved reports for 2023, a third commune's report
    still waiting for approval, and a value the province entered by hand
    with a note naming a person: the people involved have names, phones and
    e-mails."""
    coordinator.first_name, coordinator.last_name = "Cường", "Trần Văn"
    coordinator.email, coordinator.phone = "cuong.tran@example.vn", "0987654321"
    coordinator.save()
    a, b = two_communes_in_two_districts(bac_kan)
    officer_a = make_user("pl7-officer-a", "commune_officer", a, first_name="Bích", last_name="Nguyễn Thị",
                          email="bich@example.vn", phone="0912 345 678")
    officer_b = make_user("pl7-officer-b", "commune_officer", b)
    # Birth registration 90/100 and 289/300: the province is 379/400 = 94,75 %.
    pl7_report(coordinator, officer_a, a, 2023, {("PL7_CT22", "actual"): "90", ("PL7_CT22_d", "actual"): "100",
                                                 ("PL7_CT22", "plan"): "95", ("PL7_CT22_d", "plan"): "100",
                                                 ("PL7_CT1", "actual"): "1", ("PL7_CT1_d", "actual"): "1"})
    pl7_report(coordinator, officer_b, b, 2023, {("PL7_CT22", "actual"): "289", ("PL7_CT22_d", "actual"): "300",
                                                 ("PL7_CT22", "plan"): "285", ("PL7_CT22_d", "plan"): "300",
                                                 ("PL7_CT1", "actual"): "0", ("PL7_CT1_d", "actual"): "1"})
    # Submitted, not approved: it must not count (it would make birth registration 383/1.400).
    c = next(x for x in bac_kan.descendants().filter(level="commune").order_by("-code") if x not in (a, b))
    officer_c = make_user("pl7-officer-c", "commune_officer", c)
    pl7_report(coordinator, officer_c, c, 2023, {("PL7_CT22", "actual"): "4", ("PL7_CT22_d", "actual"): "1000"},
               approve=False)
    dropout = sub_of(bac_kan_plan, "17", 1)
    actions.enter_value(coordinator, dropout, bac_kan, 2023, "0,08", note="Theo Nguyễn Thị Bích, 0912 345 678")
    return {"communes": (a, b, c), "dropout": dropout}


def public_url(unit):
    return reverse("public:province", args=[unit.structure, unit.code])


def row_html(page, result):
    key = f'id="sub-{result.sub_indicator.pk}{"-" + result.scope if result.scope else ""}"'
    assert key in page, key
    return page.split(key, 1)[1].split("</tr>", 1)[0]


def test_an_enabled_province_shows_what_indicator_results_gives(client, province_data, coordinator, bac_kan,
                                                                 bac_kan_plan):
    actions.set_public(coordinator, bac_kan, True)
    response = Client().get(public_url(bac_kan), {"year": "2023"})
    assert response.status_code == 200
    page = response.content.decode()
    results = indicator_results(bac_kan_plan, bac_kan, 2023)
    for r in results:
        row = row_html(page, r)
        assert f'class="st st-{r.judgement}"' in row
        assert (r.target.text if r.target else "—") in row
        if r.actual is not None:
            assert f"<strong>{figure(r.actual, r.unit_suffix)}</strong>" in row
    birth = next(r for r in results if r.sub_indicator == sub_of(bac_kan_plan, "14"))
    # Approved reports only: 379/400, not counting the commune still waiting for approval.
    assert birth.actual == Decimal("94.75") and "<strong>94,75%</strong>" in row_html(page, birth)
    assert "<strong>0,08%</strong>" in page  # the value the province entered, without its note

    # Cache-friendly: public, a few minutes, no cookie set, nothing to sign.
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert not response.cookies and "csrfmiddlewaretoken" not in page
    assert response["Content-Language"] == "vi"

    # Listed at /public/, and each chart answers to anyone.
    assert public_url(bac_kan) in Client().get(reverse("public:index")).content.decode()
    chart = Client().get(reverse("public:chart", args=["legacy", bac_kan.code, bac_kan_plan.pk, 2023,
                                                       birth.sub_indicator.pk]))
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    assert "public" in chart["Cache-Control"]


def test_the_public_pages_switch_language_by_their_address(province_data, coordinator, bac_kan):
    actions.set_public(coordinator, bac_kan, True)
    vietnamese = Client().get(public_url(bac_kan))
    response = Client().get(public_url(bac_kan), {"lang": "en", "year": "2023"})
    page = response.content.decode()
    assert response["Content-Language"] == "en" and "Results of the programme of action for children" in page
    assert "Kết quả" in vietnamese.content.decode() and vietnamese["Content-Language"] == "vi"
    # No cookie: the page stays cacheable; the language stays on as one follows the links.
    assert not response.cookies and "public" in response["Cache-Control"]
    assert f'href="{reverse("public:index")}?lang=en"' in page
    assert "&amp;lang=en#plan-" in page and "chart.svg?lang=en" in page  # the years; charts drawn in English
    assert 'href="?lang=vi" lang="vi">Tiếng Việt</a>' in page
    index = Client().get(reverse("public:index"), {"lang": "en"}).content.decode()
    assert f'href="{public_url(bac_kan)}?lang=en"' in index
    # A language Treem does not have is ignored.
    assert Client().get(public_url(bac_kan), {"lang": "fr"})["Content-Language"] == "vi"


def test_anyone_asking_again_is_served_from_the_cache(province_data, coordinator, bac_kan,
                                                      django_assert_max_num_queries):
    actions.set_public(coordinator, bac_kan, True)
    first = Client().get(public_url(bac_kan))
    with django_assert_max_num_queries(1):  # whether the page is on; the figures come from the cache
        again = Client().get(public_url(bac_kan))
    assert again.content == first.content and "max-age=300" in again["Cache-Control"]


def test_no_personal_data_no_commune_data_no_narrative(province_data, coordinator, bac_kan):
    actions.set_public(coordinator, bac_kan, True)
    page = Client().get(public_url(bac_kan), {"year": "2023"}).content.decode()
    for text in PERSONAL:
        assert text not in page, text
    assert "@" not in page
    for commune in province_data["communes"]:
        assert commune.name not in page and commune.parent.name not in page
    # Nothing signed in shows either: no user menu, no sign-out form.
    assert reverse("logout") not in page and coordinator.username not in page


def test_off_is_not_found_for_anyone(client, province_data, coordinator, bac_kan, bac_kan_plan):
    birth = sub_of(bac_kan_plan, "14")
    chart_url = reverse("public:chart", args=["legacy", bac_kan.code, bac_kan_plan.pk, 2023, birth.pk])
    # Never turned on: nothing revealed, the same answer as a province that does not exist.
    assert Client().get(public_url(bac_kan)).status_code == 404
    assert Client().get(reverse("public:province", args=["legacy", "99"])).status_code == 404
    actions.set_public(coordinator, bac_kan, True)
    assert Client().get(public_url(bac_kan)).status_code == 200
    assert Client().get(chart_url).status_code == 200
    # Served again from the cache, so turning the page off must still be seen at once.
    actions.set_public(coordinator, bac_kan, False)
    anonymous = Client()
    assert anonymous.get(public_url(bac_kan)).status_code == 404
    assert anonymous.get(chart_url).status_code == 404
    assert public_url(bac_kan) not in anonymous.get(reverse("public:index")).content.decode()
    # Signed in makes no difference to the public page.
    assert client_for(client, coordinator).get(public_url(bac_kan)).status_code == 404
    # And the rest of the site still asks anonymous visitors to sign in.
    overview = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])
    assert anonymous.get(overview).status_code == 302


def test_only_the_province_coordinator_or_the_administrator_flips_the_switch(
        client, sources, coordinator, outsider, successor_coordinator, commune_officer, viewer, system_admin,
        bac_kan, bac_kan_plan):
    url = reverse("analytics:set_public", args=[bac_kan.pk])
    overview = reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])

    # The switch is on the coordinator's results overview, a POST form with its CSRF token.
    page = client_for(client, coordinator).get(overview).content.decode()
    form = page.split(f'action="{url}"', 1)[1].split("</form>", 1)[0]
    assert "csrfmiddlewaretoken" in form and 'name="enabled" value="1"' in form
    response = client.post(url, {"enabled": "1", "next": overview})
    assert response.status_code == 302 and response["Location"] == overview
    row = PublicResults.objects.get(unit=bac_kan)
    assert row.enabled and row.changed_by == coordinator
    entry = AuditEntry.objects.get(action="analytics.public_on")
    assert (entry.user, entry.unit, entry.object_id) == (coordinator, bac_kan, str(row.pk))
    page = client.get(overview).content.decode()
    assert public_url(bac_kan) in page and 'name="enabled" value="0"' in page
    # A redirect elsewhere is refused: back to the results.
    assert client.post(url, {"enabled": "1", "next": "https://evil.example/"})["Location"] == \
        reverse("analytics:index")

    # A coordinator of another province does not even see the province.
    client_for(client, outsider)
    assert client.post(url, {"enabled": "0"}).status_code == 404
    # Those who see it but do not coordinate it: refused. The Thái Nguyên
    # coordinator reads Bắc Kạn's old plans but does not publish for it.
    for user in (commune_officer, viewer, successor_coordinator):
        client_for(client, user)
        assert client.post(url, {"enabled": "0"}).status_code == 403, user.username
        assert f'action="{url}"' not in client.get(overview).content.decode()
    # Not by GET either.
    client_for(client, coordinator)
    assert client.get(url).status_code == 405
    assert PublicResults.objects.get(unit=bac_kan).enabled
    assert AuditEntry.objects.filter(action__startswith="analytics.public").count() == 1

    # The administrator may turn it off.
    client_for(client, system_admin)
    assert client.post(url, {"enabled": "0"}).status_code == 302
    assert not PublicResults.objects.get(unit=bac_kan).enabled
    assert AuditEntry.objects.filter(action="analytics.public_off", user=system_admin, unit=bac_kan).count() == 1
    # Only provinces have a public page.
    commune = commune_officer.unit
    assert client.post(reverse("analytics:set_public", args=[commune.pk]), {"enabled": "1"}).status_code == 403
    assert not PublicResults.objects.filter(unit=commune).exists()
