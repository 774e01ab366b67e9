"""What every user meets: sign-in, search, not-found pages."""

import pytest
from django.test import override_settings
from django.urls import reverse


from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_account_for_a_while(client, coordinator):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "coord", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "coord", "password": "pw-for-tests-1"})
    assert response.status_code == 200  # refused, although the password is right
    assert "15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_page_counts_wrong_passwords_too(client, coordinator):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "coord", "password": "wrong"})
    response = client.post(url, {"username": "coord", "password": "pw-for-tests-1"})
    assert "15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in(client, coordinator):
    response = client.post(reverse("login"), {"username": "coord", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_unit_search_forgives_accents_and_capitals(client, coordinator):
    client_for(client, coordinator)
    for query in ["bac kan", "BẮC KẠN", "Bắc Kạn"]:
        page = client.get(reverse("units:list"), {"q": query}).content.decode()
        assert "Tỉnh Bắc Kạn" in page, query
        # the province comes before its districts and communes
        assert page.index("Tỉnh Bắc Kạn") < page.index("Thành phố Bắc Kạn")


def test_plan_search_forgives_accents_too(client, coordinator, bac_kan_plan):
    # The third trial: "bac kan" found Bắc Kạn in the units, and no plan.
    client_for(client, coordinator)
    for query in ["bac kan", "Bắc Kạn", "592/QĐ"]:
        page = client.get(reverse("plans:list"), {"q": query}).content.decode()
        assert reverse("plans:detail", args=[bac_kan_plan.pk]) in page, query
    assert reverse("plans:detail", args=[bac_kan_plan.pk]) not in client.get(
        reverse("plans:list"), {"q": "ninh binh"}).content.decode()


@override_settings(DEBUG=False)
def test_not_found_page_is_vietnamese_with_the_menu(client, coordinator):
    client_for(client, coordinator)
    response = client.get("/plans/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "Đăng xuất" in html


def test_objective_rows_span_the_whole_summary_table(client, coordinator, bac_kan_plan):
    client_for(client, coordinator)
    html = client.get(reverse("plans:detail", args=[bac_kan_plan.pk])).content.decode()
    columns = html.count('<col class="c-')
    assert columns == 7  # indicator, national 2025/2030, baseline, 2025, 2030, lead agency
    assert html.count(f'<th colspan="{columns}" scope="rowgroup"') == 4
    assert html.count(f'<tr class="indicator-note"><td colspan="{columns}">') >= 1


def test_an_expired_form_says_so_in_vietnamese(coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("plans:import"), {"text": "KẾ HOẠCH"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in html and "CHƯA được lưu" in html


def test_a_refused_request_is_one_line_on_the_console_not_a_traceback(client, commune_officer):
    """Whoever watches `treem serve` reads a 403 as a warning, not as a crash."""
    import io
    import logging

    console = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    printed = io.StringIO()
    before = console.setStream(printed)
    try:
        client.force_login(commune_officer)
        url = reverse("analytics:set_public", args=[commune_officer.unit.pk])
        assert client.post(url, {"enabled": "1"}).status_code == 403
        logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=ValueError("boom"))
    finally:
        console.setStream(before)
    lines = printed.getvalue().splitlines()
    assert lines[0] == f"Forbidden (Permission denied): {url}"
    assert "Traceback" not in lines[1]  # the 403 ends on its line; the next record is the 500's
    assert lines[1] == "Internal Server Error: /x" and "ValueError: boom" in printed.getvalue()
