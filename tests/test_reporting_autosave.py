"""The entry page saves as the officer types: changed cells only, problems of
the whole form and computed totals back as JSON, and a colleague's change
never silently overwritten."""

import pytest
from django.urls import reverse
from django.utils import timezone

from treem.core.models import AuditEntry
from treem.reporting.models import DataValue, DataValueChange, Submission

from .conftest import client_for, make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def autosave_url(unit, form="PL6", period="2023"):
    return reverse("reporting:autosave", args=[form, period, unit.pk])


def stored(unit, element, option="total"):
    v = DataValue.objects.filter(unit=unit, element__code=element, option__code=option).first()
    return v and v.value


def test_changed_cells_are_saved_and_the_form_is_checked(client, commune_officer, pl6, y2023):
    commune = commune_officer.unit
    c = client_for(client, commune_officer)
    response = c.post(autosave_url(commune), {
        "v:PL6_I_1:total": "1.234", "o:PL6_I_1:total": "", "v:PL6_I_1:male": "600", "o:PL6_I_1:male": "",
        "v:PL6_I_1:female": "600", "o:PL6_I_1:female": "",
        "v:PL6_II_4_4_1:total": "2", "v:PL6_II_4_4_2:total": "1"})
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["status"] == "draft"
    assert stored(commune, "PL6_I_1") == 1234
    # 600 + 600 is not 1.234: the error comes back for the row, in Vietnamese.
    [problem] = [p for p in data["problems"] if p["cell"].startswith("PL6_I_1:")]
    assert problem["level"] == "error" and "khác" in problem["message"] and "1.234" in problem["message"]
    # The computed total of the sub-items comes back for the page to show.
    assert data["values"]["PL6_II_4_4:total"] == "3"
    # Five typed cells and the computed total, each with its history.
    assert DataValueChange.objects.filter(data_value__unit=commune).count() == 6
    assert AuditEntry.objects.filter(action="reporting.values_saved", user=commune_officer).count() == 1

    # Saving the same figures again changes nothing and writes no history.
    again = c.post(autosave_url(commune), {"v:PL6_I_1:total": "1.234", "o:PL6_I_1:total": "1.234"})
    assert again.json()["ok"] and DataValueChange.objects.filter(data_value__unit=commune).count() == 6


def test_a_colleagues_change_is_not_overwritten(client, commune_officer, pl6, y2023):
    commune = commune_officer.unit
    colleague = make_user("colleague", "commune_officer", commune)
    client_for(client, colleague).post(autosave_url(commune), {"v:PL6_I_1:total": "900", "o:PL6_I_1:total": ""})
    # The officer opened the form when the cell was empty, and types 950.
    response = client_for(client, commune_officer).post(autosave_url(commune), {
        "v:PL6_I_1:total": "950", "o:PL6_I_1:total": "", "v:PL6_I_2:total": "300", "o:PL6_I_2:total": ""})
    assert response.status_code == 409
    data = response.json()
    assert not data["ok"] and "người khác" in data["message"]
    assert data["problems"][0]["kind"] == "conflict"
    # Named as every other check names a cell, its row and its column, and saying who changed it and when.
    changed_at = timezone.localtime(DataValue.objects.get(unit=commune, element__code="PL6_I_1").updated_at)
    assert data["problems"][0]["message"] == (
        "Dòng I.1 “Số trẻ em dưới 16 tuổi” (tổng số): vừa được sửa thành “900” bởi colleague lúc "
        f"{changed_at:%H:%M} ngày {changed_at:%d/%m/%Y}.")
    assert data["values"]["PL6_I_1:total"] == "900"
    # Nothing of that save was written, not even the cell nobody else touched.
    assert stored(commune, "PL6_I_1") == 900 and stored(commune, "PL6_I_2") is None
    # Typing the very figure the colleague saved overwrites nothing: no conflict.
    same = client_for(client, commune_officer).post(autosave_url(commune), {
        "v:PL6_I_1:total": "900", "o:PL6_I_1:total": "", "v:PL6_I_2:total": "300", "o:PL6_I_2:total": ""})
    assert same.json()["ok"] and stored(commune, "PL6_I_2") == 300
    # Having seen 900, the officer's change goes through.
    ok = client_for(client, commune_officer).post(autosave_url(commune), {
        "v:PL6_I_1:total": "950", "o:PL6_I_1:total": "900"})
    assert ok.json()["ok"] and stored(commune, "PL6_I_1") == 950


def test_unreadable_figures_save_nothing(client, commune_officer, pl6, y2023):
    commune = commune_officer.unit
    response = client_for(client, commune_officer).post(autosave_url(commune), {
        "v:PL6_I_1:total": "12a", "v:PL6_I_2:total": "5"})
    assert response.status_code == 400
    data = response.json()
    assert "không phải là số" in data["problems"][0]["message"]
    assert stored(commune, "PL6_I_2") is None


def test_a_submitted_report_is_not_changed(client, commune_officer, pl6, y2023):
    commune = commune_officer.unit
    c = client_for(client, commune_officer)
    c.post(reverse("reporting:entry", args=["PL6", "2023", commune.pk]), {
        "action": "submit", "v:PL6_I_1:total": "10", "v:PL6_I_1:male": "5", "v:PL6_I_1:female": "5"})
    assert Submission.objects.get(unit=commune, period=y2023, form=pl6).status == "submitted"
    response = c.post(autosave_url(commune), {"v:PL6_I_1:total": "11", "o:PL6_I_1:total": "10"})
    assert response.status_code == 400 and stored(commune, "PL6_I_1") == 10


def test_others_cannot_autosave(client, commune_officer, outsider, viewer, pl6, y2023):
    commune = commune_officer.unit
    assert client_for(client, outsider).post(autosave_url(commune), {"v:PL6_I_1:total": "1"}).status_code == 404
    assert client_for(client, viewer).post(autosave_url(commune), {"v:PL6_I_1:total": "1"}).status_code == 403
    client.logout()
    assert client.post(autosave_url(commune), {"v:PL6_I_1:total": "1"}).status_code in (302, 403)
    assert stored(commune, "PL6_I_1") is None
    assert client_for(client, commune_officer).get(autosave_url(commune)).status_code == 405


def test_the_entry_page_carries_what_the_script_needs(client, commune_officer, pl6, y2023):
    page = client_for(client, commune_officer).get(
        reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.pk])).content.decode()
    assert f'data-autosave="{autosave_url(commune_officer.unit)}"' in page
    assert 'data-type="count"' in page and 'data-saved=""' in page
    assert "reporting/entry.js" in page and 'id="entry-messages"' in page


def test_ones_own_figure_typed_without_dots_is_not_a_conflict(client, commune_officer, pl6, y2023):
    """The officer types 3000, Treem shows 3.000; changing it to 4000 with
    3000 as the figure seen is the same number, not someone else's change."""
    commune = commune_officer.unit
    c = client_for(client, commune_officer)
    assert c.post(autosave_url(commune), {"v:PL6_I_1:total": "3000", "o:PL6_I_1:total": ""}).json()["ok"]
    second = c.post(autosave_url(commune), {"v:PL6_I_1:total": "4000", "o:PL6_I_1:total": "3000"})
    assert second.status_code == 200 and stored(commune, "PL6_I_1") == 4000
    third = c.post(autosave_url(commune), {"v:PL6_I_1:total": "5000", "o:PL6_I_1:total": "4 000"})
    assert third.status_code == 200 and stored(commune, "PL6_I_1") == 5000
    # A different number seen is still a conflict.
    assert c.post(autosave_url(commune), {"v:PL6_I_1:total": "6000", "o:PL6_I_1:total": "4.999"}).status_code == 409


def session_ended_message():
    """The server's words for an ended session, in Vietnamese once the lead's
    catalogue is compiled (the English msgid before)."""
    from django.utils.translation import gettext, override

    with override("vi"):
        return gettext("Your session has ended. The figures just typed are not saved yet: sign in again "
                       "(in a new tab), then Treem saves them.")


def test_an_ended_session_is_told_to_the_pages_script_as_json(client, commune_officer, pl6, y2023):
    """Signed out in another tab, or the session expired: autosave hears it as
    JSON it can show, not a redirect to a login page it would read as "the
    connection is lost"; the page itself still goes to the login page."""
    commune = commune_officer.unit
    entry = reverse("reporting:entry", args=["PL6", "2023", commune.pk])
    figures = {"v:PL6_I_1:total": "12", "o:PL6_I_1:total": ""}
    response = client.post(autosave_url(commune), figures, HTTP_ACCEPT="application/json",
                           HTTP_REFERER=f"http://testserver{entry}")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "expired": True, "message": session_ended_message(),
                               "login_url": f"/accounts/login/?next={entry}"}
    # The CSRF header alone says a script too; without a Referer the login page leads home.
    bare = client.post(autosave_url(commune), figures, HTTP_X_CSRFTOKEN="x" * 32)
    assert bare.status_code == 401 and bare.json()["login_url"] == "/accounts/login/"
    # Another site's page named as the Referer is not where signing in leads.
    elsewhere = client.post(autosave_url(commune), figures, HTTP_ACCEPT="application/json",
                            HTTP_REFERER="https://example.org/phish/")
    assert elsewhere.json()["login_url"] == "/accounts/login/"
    assert stored(commune, "PL6_I_1") is None

    # A page, or a form posted without its script, is sent to the login page as before.
    page = client.get(entry)
    assert page.status_code == 302 and page["Location"] == f"/accounts/login/?next={entry}"
    assert client.post(entry, {"action": "save", **figures}).status_code == 302


def test_a_stale_csrf_token_is_told_to_the_script_as_json_and_the_new_one_saves(commune_officer, pl6, y2023):
    """Signed in again in another tab, the page's CSRF token is the old
    session's: autosave gets JSON saying so, and succeeds with the token of
    the new cookie (the one entry.js reads); a form posted gets the page."""
    import re

    from django.test import Client

    commune = commune_officer.unit
    entry = reverse("reporting:entry", args=["PL6", "2023", commune.pk])
    c = Client(enforce_csrf_checks=True)
    c.force_login(commune_officer)
    stale = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get(entry).content.decode()).group(1)
    # Signing in again, in another tab, gives the browser a new CSRF cookie.
    login = c.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    assert c.post("/accounts/login/", {"username": "commune", "password": "pw-for-tests-1",
                                       "csrfmiddlewaretoken": token}).status_code == 302
    figures = {"v:PL6_I_1:total": "12", "o:PL6_I_1:total": ""}

    refused = c.post(autosave_url(commune), figures, HTTP_X_CSRFTOKEN=stale, HTTP_ACCEPT="application/json",
                     HTTP_REFERER=f"http://testserver{entry}")
    assert refused.status_code == 403
    assert refused.json() == {"ok": False, "expired": True, "message": session_ended_message(),
                              "login_url": f"/accounts/login/?next={entry}"}
    assert stored(commune, "PL6_I_1") is None
    # The form posted with the page's old token: the page explaining it, as before.
    page = c.post(entry, {"action": "save", "csrfmiddlewaretoken": stale, **figures})
    assert page.status_code == 403 and "Phiên làm việc đã hết hạn" in page.content.decode()

    saved = c.post(autosave_url(commune), figures, HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value,
                   HTTP_ACCEPT="application/json")
    assert saved.status_code == 200 and saved.json()["ok"] and stored(commune, "PL6_I_1") == 12
