"""The unit chooser of the plan review in Debian's chromium, by keyboard: a
district name two provinces share, the reviewer picks one and confirms."""

import pytest
from django.urls import reverse

from treem.accounts.models import User
from treem.plans import drafts
from treem.plans.models import Plan, PlanDraft
from treem.units.loading import load_legacy
from treem.units.models import Unit

from .conftest import make_user, unit
from .test_plan_import_units import AN_GIANG, NO_PROVINCE, TIEN_GIANG, district_plan
from .test_workbooks_browser import browser, restore_session_data, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_the_unit_by_keyboard_enables_confirm(browser, live_server, restore_session_data):  # noqa: F811
    load_legacy([TIEN_GIANG, AN_GIANG])
    ministry = make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)
    text = district_plan("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH", NO_PROVINCE)
    draft = drafts.create_draft(ministry, data=text.encode("utf-8"), filename="chau-thanh.txt")
    assert draft.unit is None
    tien_giang = Unit.objects.get(structure="legacy", level="district", name="Huyện Châu Thành",
                                  parent__code=TIEN_GIANG)

    page = sign_in(browser, live_server, ministry)
    page.goto(live_server.url + reverse("plans:draft", args=[draft.pk]))
    confirm = page.locator("button[name=confirm]")
    assert confirm.is_disabled()
    assert page.locator("#unit-missing").is_visible()

    # the search box: type and press Enter; the list then holds what matches
    page.focus("input[name=unit_q]")
    page.keyboard.type("chau thanh")
    page.keyboard.press("Enter")
    page.wait_for_url("**unit_q=chau+thanh**")
    labels = page.locator("#unit-choice option").all_inner_texts()
    assert "Huyện Châu Thành — Tỉnh Tiền Giang" in labels and "Huyện Châu Thành — Tỉnh An Giang" in labels

    # choose Tiền Giang's with the keyboard: Confirm comes on at once
    select = page.locator("#unit-choice")
    select.focus()
    select.select_option(label="Huyện Châu Thành — Tỉnh Tiền Giang")
    assert confirm.is_enabled()
    confirm.click()
    page.wait_for_load_state()
    plan = Plan.objects.get(number="120/KH-UBND")
    assert plan.unit == tien_giang
    assert PlanDraft.objects.get(pk=draft.pk).status == PlanDraft.Status.IMPORTED
    page.context.close()
