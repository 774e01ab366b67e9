"""The entry page's Save and "Save and submit" buttons post the whole form.
With each figure goes the one the page last knew as saved, so a colleague's
change since is refused, as autosave refuses it, instead of being silently
overwritten or erased by the figure the page still showed. A warning
explained by its comment says so in the list at the top."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from treem.reporting import actions
from treem.reporting.models import DataValue, Submission

from .conftest import client_for, make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_entry_messages_browser import WAIT, open_pl6, session_data, type_into  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data  # noqa: F401


def entry_url(unit, form="PL6", period="2023"):
    return reverse("reporting:entry", args=[form, period, unit.pk])


def stored(unit, element, option="total"):
    v = DataValue.objects.filter(unit=unit, element__code=element, option__code=option).first()
    return v and v.value


def input_of(page, name):
    """(value, data-saved) of a cell's input as the page draws it."""
    tag = re.search(rf'<input name="v:{name}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1), re.search(r'data-saved="([^"]*)"', tag).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_colleagues_figure_is_not_erased_by_a_whole_form_save(client, commune_officer, pl6, y2023, action):
    commune = commune_officer.unit
    colleague = make_user("colleague", "commune_officer", commune, first_name="Lò Thị Mai")
    # Both opened the form with I.2 empty; the colleague types 321 and it is autosaved.
    submission = actions.open_submission(colleague, pl6, commune, y2023)
    actions.save_values(colleague, submission, {("PL6_I_2", "total"): "321"})
    # The officer, whose page still shows I.2 empty, presses the button with a figure of their own typed.
    page = client_for(client, commune_officer).post(entry_url(commune), {
        "action": action, "v:PL6_I_1:total": "1.000", "o:PL6_I_1:total": "",
        "v:PL6_I_2:total": "", "o:PL6_I_2:total": ""})
    assert page.status_code == 200
    text = page.content.decode()
    # Refused, naming the cell, the colleague and when; nothing of the officer's saved, the 321 kept.
    changed_at = timezone.localtime(DataValue.objects.get(unit=commune, element__code="PL6_I_2").updated_at)
    assert "người khác đã sửa các ô này" in text
    assert f"vừa được sửa thành “321” bởi Lò Thị Mai lúc {changed_at:%H:%M} ngày {changed_at:%d/%m/%Y}" in text
    assert stored(commune, "PL6_I_2") == 321 and stored(commune, "PL6_I_1") is None
    assert Submission.objects.get(pk=submission.pk).status == "draft"
    # The page shows the colleague's figure in that cell, and keeps the officer's typed 1.000 as not yet saved.
    assert input_of(text, "PL6_I_2:total") == ("321", "321")
    assert input_of(text, "PL6_I_1:total") == ("1.000", "")

    # Seen as the page now shows it, the same press goes through.
    again = client.post(entry_url(commune), {
        "action": "save", "v:PL6_I_1:total": "1.000", "o:PL6_I_1:total": "",
        "v:PL6_I_2:total": "321", "o:PL6_I_2:total": "321"})
    assert again.status_code == 302
    assert stored(commune, "PL6_I_1") == 1000 and stored(commune, "PL6_I_2") == 321


@pytest.mark.django_db
def test_a_submission_refused_shows_its_figures_as_saved(client, commune_officer, pl6, y2023):
    """Refused for an error, the figures stay saved as a draft: the page
    shows them as stored, not as unsaved typing."""
    commune = commune_officer.unit
    page = client_for(client, commune_officer).post(entry_url(commune), {
        "action": "submit", "v:PL6_I_1:total": "1234", "v:PL6_I_1:male": "600", "v:PL6_I_1:female": "600"})
    text = page.content.decode()
    assert "Chưa gửi được báo cáo" in text
    assert stored(commune, "PL6_I_1") == 1234
    assert input_of(text, "PL6_I_1:total") == ("1.234", "1.234")


@pytest.mark.django_db
def test_an_explained_warning_says_so_in_the_list(client, commune_officer, coordinator, pl6, y2023):
    commune = commune_officer.unit
    before = actions.open_submission(commune_officer, pl6, commune, actions.previous_period(y2023))
    actions.save_values(commune_officer, before, {("PL6_II_4", "total"): "5"})
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "60"},
                        comments={("PL6_II_4", "total"): "Rà soát lại toàn xã"})
    actions.submit(commune_officer, submission)
    # The reviewer reads the warning as answered, with its explanation.
    text = client_for(client, coordinator).get(entry_url(commune)).content.decode()
    flags = text.split('<div class="flags"')[1].split("</div>")[0]
    assert 'class="warn explained"' in flags and "gấp mười lần" in flags
    assert "Đã giải thích: “Rà soát lại toàn xã”" in flags
    # The comment added later, alone, shows in the history as a comment, not as "60 → 60".
    actions.reopen_after_approval(coordinator, actions.approve(coordinator, submission))
    actions.save_values(commune_officer, submission, {}, comments={("PL6_II_4", "total"): "Rà soát lại cả hai thôn"})
    text = client.get(entry_url(commune)).content.decode()
    history = text.split('id="value-changes"')[1].split("</table>")[0]
    latest = history.split("<tbody>")[1].split("</tr>")[0]
    assert "Ghi chú: “Rà soát lại toàn xã”" in latest and "Ghi chú: “Rà soát lại cả hai thôn”" in latest
    assert ">60<" not in latest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_save_button_does_not_erase_what_a_colleague_saved_meanwhile(browser, live_server,  # noqa: F811
                                                                         commune_officer, pl6, y2023):
    commune = commune_officer.unit
    colleague = make_user("colleague", "commune_officer", commune)
    page = open_pl6(browser, live_server, commune_officer)
    type_into(page, "PL6_I_1:total", "1.000")
    # Before the officer's autosave, the colleague saves I.2 (empty on the officer's page).
    submission = actions.open_submission(colleague, pl6, commune, y2023)
    actions.save_values(colleague, submission, {("PL6_I_2", "total"): "321"})
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "người khác đã sửa" in page.inner_text("main")
    assert page.input_value("input[name='v:PL6_I_2:total']") == "321"
    assert stored(commune, "PL6_I_2") == 321
    # Pressing Save again, the page now showing the colleague's figure, saves the officer's.
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "Đã lưu" in page.inner_text("main")
    assert stored(commune, "PL6_I_1") == 1000 and stored(commune, "PL6_I_2") == 321
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_question_before_a_report_with_a_warning_not_explained(browser, live_server,  # noqa: F811
                                                                 commune_officer, pl6, y2023):
    """A warning without a comment stops the submission as an error does:
    "submit anyway?" is not asked, the refusal says why."""
    commune = commune_officer.unit
    before = actions.open_submission(commune_officer, pl6, commune, actions.previous_period(y2023))
    actions.save_values(commune_officer, before, {("PL6_II_4", "total"): "5"})
    page = open_pl6(browser, live_server, commune_officer)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    type_into(page, "PL6_II_4:total", "60")  # ten times last year's 5
    page.keyboard.press("Tab")
    page.wait_for_selector("div.flags li.warn", timeout=WAIT)
    # Saved once, the report is a draft under "Status" without a reload; the new comment cell reads as the others.
    assert page.inner_text("#report-status") == "đang soạn · phiên bản 1"
    assert page.get_attribute("input[name='c:PL6_II_4:total']", "placeholder") == "Ghi chú"
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert asked == []
    assert "chưa gửi được báo cáo" in page.inner_text("main").lower()
    assert Submission.objects.get(form=pl6, unit=commune, period=y2023).status == "draft"
    page.context.close()
