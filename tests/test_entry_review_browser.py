"""The reviewer's decision at the top of a submitted report, in Debian's
chromium and by keyboard alone: "Return…" opens its comment box with the
cursor in it, Escape closes it, an empty reason is refused, a written one
returns the report."""

import pytest
from django.urls import reverse

from treem.reporting import actions
from treem.reporting.models import Submission

from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_returns_a_report_from_the_top_by_keyboard(browser, live_server, commune_officer,  # noqa: F811
                                                               coordinator, pl6, y2023):
    submission = actions.open_submission(commune_officer, pl6, commune_officer.unit, y2023)
    actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "5"})
    actions.submit(commune_officer, submission)
    page = sign_in(browser, live_server, coordinator)
    url = live_server.url + reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.pk])
    page.goto(url)

    # In sight without scrolling, above the form's table.
    approve = page.locator("#review-bar button[value=approve]")
    assert approve.is_visible()
    box, height = approve.bounding_box(), page.viewport_size["height"]
    assert box["y"] + box["height"] < height
    assert box["y"] < page.locator("table.entry").bounding_box()["y"]
    comment = page.locator("#return_comment_top")
    assert not comment.is_visible()

    # "Return…" by keyboard: the box opens with the cursor in it; Escape closes it again.
    page.focus("#return-top summary")
    page.keyboard.press("Enter")
    comment.wait_for(state="visible")
    # The "toggle" event comes after the box is drawn: wait for the cursor, do not race it.
    page.wait_for_function("document.activeElement.id === 'return_comment_top'", timeout=5000)
    page.keyboard.press("Escape")
    comment.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Space")
    comment.wait_for(state="visible")
    # The "toggle" event comes after the box is drawn: wait for the cursor, do not race it.
    page.wait_for_function("document.activeElement.id === 'return_comment_top'", timeout=5000)

    # No reason: the browser asks for one, nothing is sent.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "return"
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.url == url
    assert page.evaluate("document.getElementById('return_comment_top').validity.valueMissing")
    assert Submission.objects.get(pk=submission.pk).status == "submitted"

    # With one, the report goes back to the commune with it.
    page.focus("#return_comment_top")
    page.keyboard.type("Thiếu số trẻ em khuyết tật")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    submission.refresh_from_db()
    assert (submission.status, submission.return_comment) == ("returned", "Thiếu số trẻ em khuyết tật")
    assert submission.decided_by == coordinator
    assert "Thiếu số trẻ em khuyết tật" in page.inner_text("dl.meta")
    assert page.locator("#review-bar").count() == 0
    page.context.close()
