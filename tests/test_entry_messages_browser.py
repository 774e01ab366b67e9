"""The entry page's own checks, as a user meets them in Debian's chromium:
a wrong figure's message under its row once the cell is left (gone once it
is corrected), held figures named as the server names a cell, the held
count in English, and a question before a mostly empty report goes up."""

import re

import pytest
from django.urls import reverse

from treem.reporting.models import Submission

from treem.units.models import Unit

from .conftest import load_base_data
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 10_000  # ms


@pytest.fixture(autouse=True)
def session_data(django_db_blocker):
    """live_server needs committed data, so each test here empties every
    table after it: the next test loads the session's units and plans again
    (and restore_session_data once the module is done)."""
    with django_db_blocker.unblock():
        if not Unit.objects.exists():
            load_base_data()


def open_pl6(browser, live_server, officer):  # noqa: F811
    page = sign_in(browser, live_server, officer)
    page.goto(live_server.url + reverse("reporting:entry", args=["PL6", "2023", officer.unit.pk]))
    return page


def cell(page, name):
    return page.locator(f"input[name='v:{name}']")


def row_of(page, name):
    return page.locator("tr", has=cell(page, name))


def type_into(page, name, text):
    """Click the cell, replace what it holds by typing, as a user does."""
    cell(page, name).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def check_messages(page, name):
    return row_of(page, name).locator("th.label .msg.check")


@pytest.mark.parametrize("name, typed, message", [
    ("PL6_I_1:male", "abc", "Dòng I.1 “Số trẻ em dưới 16 tuổi” (nam): “abc” không phải là số."),
    ("PL6_I_1r:total", "150", "Dòng “Tỷ lệ trẻ em dưới 16 tuổi/tổng dân số”: tỷ lệ phần trăm phải từ 0 đến 100 (150)."),
    ("PL6_II_1:total", "1.234,5", "Dòng II.1 “Trẻ em mồ côi cả cha và mẹ” (tổng số): số đếm phải là số nguyên (1.234,5)."),
    ("PL6_I_2:female", "-3", "Dòng I.2 “Số trẻ em dưới 6 tuổi” (nữ): không được âm (-3)."),
])
def test_a_wrong_figure_is_explained_under_its_row_once_the_cell_is_left(browser, live_server, commune_officer,  # noqa: F811
                                                                         pl6, y2023, name, typed, message):
    page = open_pl6(browser, live_server, commune_officer)
    type_into(page, name, typed)
    # Red while typing, but no message yet: the officer may still be typing.
    assert "typing-error" in cell(page, name).locator("xpath=..").get_attribute("class")
    assert check_messages(page, name).count() == 0

    page.keyboard.press("Tab")
    expect_text = check_messages(page, name)
    expect_text.wait_for(timeout=WAIT)
    assert expect_text.inner_text() == message
    # Screen readers: the input is invalid and described by that message; the tooltip stays.
    field = cell(page, name)
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == expect_text.get_attribute("id")
    assert field.get_attribute("title") == message
    # The autosave that follows leaving the cell does not wipe it (the figure was held back).
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('Dòng')")
    assert check_messages(page, name).count() == 1

    # Corrected: the message goes as soon as the figure is right, and the figure is saved.
    type_into(page, name, "12")
    assert check_messages(page, name).count() == 0
    assert field.get_attribute("aria-invalid") is None
    assert field.get_attribute("aria-describedby") is None
    page.keyboard.press("Tab")
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('Đã lưu')")
    assert check_messages(page, name).count() == 0
    assert not page.locator("td.typing-error").count()
    page.context.close()


def test_the_status_line_names_the_held_cell_with_its_section_and_column(browser, live_server,  # noqa: F811
                                                                         commune_officer, pl6, y2023):
    page = open_pl6(browser, live_server, commune_officer)
    # Rows I.1 and II.1 are both printed "1": the status must say which.
    type_into(page, "PL6_II_1:male", "abc")
    page.keyboard.press("Enter")  # on down the column: the cell is left
    status = page.locator("#autosave-status")
    where = "Dòng II.1 “Trẻ em mồ côi cả cha và mẹ” (nam): “abc” không phải là số."
    # Said as the cell is left, then after the count of held figures once the autosave has run.
    page.wait_for_function("document.getElementById('autosave-status').textContent.indexOf('Dòng II.1') > 0")
    assert status.inner_text().startswith("1 ")
    assert status.inner_text().endswith(where)
    assert "1 Nam" not in status.inner_text()

    # Another figure saved: "saved", yet the held one is still named, and its message still under its row.
    type_into(page, "PL6_I_1:total", "1.234")
    page.keyboard.press("Tab")
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('Đã lưu')")
    assert where in status.inner_text()
    assert check_messages(page, "PL6_II_1:male").inner_text() == where
    assert Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023).values.count() == 1
    page.context.close()


def test_in_english_the_held_figures_are_counted_in_the_singular_and_the_plural(browser, live_server,  # noqa: F811
                                                                                commune_officer, pl6, y2023):
    page = open_pl6(browser, live_server, commune_officer)
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    status = page.locator("#autosave-status")

    type_into(page, "PL6_II_1:male", "abc")
    page.keyboard.press("Tab")
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('not saved')")
    assert status.inner_text().startswith(
        "1 figure not saved until corrected, first: Row II.1 “Trẻ em mồ côi cả cha và mẹ” (male): “abc” is not a number.")
    assert check_messages(page, "PL6_II_1:male").inner_text() == (
        "Row II.1 “Trẻ em mồ côi cả cha và mẹ” (male): “abc” is not a number.")

    type_into(page, "PL6_I_2:total", "-3")
    page.keyboard.press("Tab")
    page.wait_for_function("document.getElementById('autosave-status').textContent.startsWith('2 ')")
    assert status.inner_text().startswith("2 figures not saved until corrected, first:")
    assert "1 figures" not in status.inner_text()
    page.context.close()


def test_a_mostly_empty_report_is_submitted_only_once_confirmed(browser, live_server, commune_officer,  # noqa: F811
                                                                 pl6, y2023):
    page = open_pl6(browser, live_server, commune_officer)
    for name, value in [("PL6_I_1:total", "1.234"), ("PL6_I_1:male", "600"), ("PL6_I_1:female", "634")]:
        type_into(page, name, value)
        page.keyboard.press("Tab")
    total = page.locator("input[name^='v:'], textarea[name^='v:']:not(.side)").count()
    assert total > 200

    asked, answer = [], {"accept": False}

    def on_dialog(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.click("button[value=submit]")
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('Đã lưu')")
    assert [kind for kind, _ in asked] == ["confirm"]
    assert re.search(rf"\b3\b.*\b{total}\b", asked[0][1]), asked[0][1]
    # Dismissed: still on the page, nothing submitted.
    page.wait_for_timeout(500)
    assert page.locator("button[value=submit]").is_visible()
    assert Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023).status == "draft"

    answer["accept"] = True
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert len(asked) == 2
    assert Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023).status == "submitted"
    assert "đã gửi" in page.inner_text("main").lower()
    page.context.close()


def test_no_question_before_a_report_the_server_will_refuse(browser, live_server, commune_officer,  # noqa: F811
                                                             pl6, y2023):
    page = open_pl6(browser, live_server, commune_officer)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    # Male plus female is not the total: an error the page shows under the row.
    for name, value in [("PL6_I_1:total", "1.234"), ("PL6_I_1:male", "600"), ("PL6_I_1:female", "600")]:
        type_into(page, name, value)
        page.keyboard.press("Tab")
    # The list at the top appears once the error is found, on a form drawn without problems too.
    page.wait_for_selector("div.flags li.error", timeout=WAIT)
    assert "khác tổng số (1.234)" in page.inner_text("div.flags")
    with page.expect_navigation():
        page.click("button[value=submit]")
    # Not asked "submit anyway?": the answer is the refusal and its reason.
    assert asked == []
    assert "chưa gửi được báo cáo" in page.inner_text("main").lower()
    assert Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023).status == "draft"
    page.context.close()


def test_a_report_mostly_filled_goes_up_without_a_question(browser, live_server, commune_officer,  # noqa: F811
                                                            pl6, y2023):
    page = open_pl6(browser, live_server, commune_officer)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    # Zero everywhere but a few cells: more than half filled (and every check passes).
    page.evaluate("""() => {
        const cells = [...document.querySelectorAll("input[name^='v:']")];
        cells.slice(0, cells.length - 5).forEach(input => { input.value = "0"; });
    }""")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert asked == []
    assert Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023).status == "submitted"
    page.context.close()
