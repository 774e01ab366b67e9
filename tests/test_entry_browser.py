"""The entry page in Debian's chromium: what autosave says must match what
the server found, including the problems drawn with the page."""

import pytest
from django.urls import reverse

from treem.reporting import actions

from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_corrected_error_drawn_with_the_page_goes_once_saved(browser, live_server, commune_officer,  # noqa: F811
                                                                 pl6, y2023):
    submission = actions.open_submission(commune_officer, pl6, commune_officer.unit, y2023)
    actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): "1.200", ("PL6_I_1", "male"): "700",
                                                      ("PL6_I_1", "female"): "600"})
    page = sign_in(browser, live_server, commune_officer)
    page.goto(live_server.url + reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.pk]))
    row = page.locator("tr", has=page.locator("input[name='v:PL6_I_1:female']"))
    assert "khác tổng số (1.200)" in row.locator("th.label").inner_text()

    flags = page.locator("div.flags")
    assert "khác tổng số (1.200)" in flags.inner_text()  # the list at the top, drawn with the page
    page.fill("input[name='v:PL6_I_1:female']", "500")
    page.wait_for_function("document.getElementById('autosave-status').textContent.includes('Đã lưu')")
    assert "khác tổng số" not in row.locator("th.label").inner_text()
    # The list at the top follows: the corrected error is gone from it too.
    assert flags.is_hidden()  # the only problem, corrected
    assert actions.stored_values(submission)[("PL6_I_1", "female")] == 500
    page.context.close()
