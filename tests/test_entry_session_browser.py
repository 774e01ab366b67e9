"""The entry page when its session ends, as a user meets it in Debian's
chromium: signed out elsewhere, autosave says so (not "connection lost") with
a link to sign in again in a new tab, then saves the figure by itself; the
figures not yet saved survive a reload; and Save pressed while an autosave is
on its way leaves the page without the browser's "Leave site?"."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils.translation import gettext, ngettext, override

from treem.reporting import actions
from treem.reporting.models import DataValue

from .conftest import make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_entry_messages_browser import WAIT, cell, open_pl6, session_data, type_into  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS = "document.getElementById('autosave-status')"


def vi(message):
    """A message as the page shows it: Vietnamese once the catalogue is
    compiled, its English msgid before (the assertions hold either way)."""
    with override("vi"):
        return gettext(message)


def stored(unit, element, option="total"):
    v = DataValue.objects.filter(unit=unit, element__code=element, option__code=option).first()
    return v and v.value


def kept(page):
    """What the tab keeps of the figures not yet saved."""
    return json.loads(page.evaluate("sessionStorage.getItem('treem-unsaved:' + location.pathname)") or "{}")


def test_an_ended_session_is_said_and_the_figure_saved_once_signed_in_again(browser, live_server,  # noqa: F811
                                                                            commune_officer, pl6, y2023):
    commune = commune_officer.unit
    entry = reverse("reporting:entry", args=["PL6", "2023", commune.pk])
    page = open_pl6(browser, live_server, commune_officer)
    # Signed out in another tab, or expired on the server: the session is gone.
    Session.objects.all().delete()
    type_into(page, "PL6_I_1:total", "1.234")
    page.keyboard.press("Tab")

    page.wait_for_selector("#autosave-status.expired a[target=_blank]", timeout=WAIT)
    status = page.locator("#autosave-status")
    message = vi("Your session has ended. The figures just typed are not saved yet: sign in again "
                 "(in a new tab), then Treem saves them.")
    assert status.inner_text().startswith(message)
    assert "Chưa lưu được: mất kết nối" not in status.inner_text()  # not "offline"
    link = status.locator("a")
    assert link.get_attribute("href") == f"/accounts/login/?next={entry}"
    assert link.inner_text() == vi("Sign in again")
    assert stored(commune, "PL6_I_1") is None
    # Kept for the tab, with the figure seen saved when it was typed.
    assert kept(page) == {"v:PL6_I_1:total": ["1.234", ""]}

    # Signing in again in the new tab the link opens (same browser: new session and CSRF cookies).
    with page.context.expect_page() as opened:
        link.click()
    login = opened.value
    login.wait_for_load_state()
    login.fill("#id_username", commune_officer.username)
    login.fill("#id_password", "pw-for-tests-1")
    with login.expect_navigation():
        login.click("main form button[type=submit]")
    assert login.url.endswith(entry)

    # Back on the first tab the figure is saved, with the new token: no reload, nothing typed again.
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # as the tab gets it back (headless sends none)
    page.wait_for_selector("#autosave-status.ok", timeout=5_000)  # at once, not at the next retry (10 s)
    assert status.inner_text().startswith(vi("Saved at %(time)s.").split("%")[0])
    assert stored(commune, "PL6_I_1") == 1234
    assert kept(page) == {}
    page.context.close()


def test_signed_in_again_as_someone_else_is_said_and_nothing_saved(browser, live_server,  # noqa: F811
                                                                    commune_officer, pl6, y2023):
    """Another account signed in, in another tab of the same browser: the
    save is refused as a page (404), which the form says for what it is, not
    "connection lost"; back with one's own account, the figure is saved."""
    commune = commune_officer.unit
    neighbour = commune.parent.children.exclude(pk=commune.pk).first()
    other = make_user("hang-xom", "commune_officer", neighbour)
    page = open_pl6(browser, live_server, commune_officer)
    login = page.context.new_page()
    for user in (other, commune_officer):
        login.goto(live_server.url + reverse("login"))
        login.fill("#id_username", user.username)
        login.fill("#id_password", "pw-for-tests-1")
        with login.expect_navigation():
            login.click("main form button[type=submit]")
        if user == commune_officer:
            break
        page.bring_to_front()
        type_into(page, "PL6_I_1:total", "1.234")
        page.keyboard.press("Tab")
        page.wait_for_selector("#autosave-status.expired", timeout=WAIT)
        assert page.inner_text("#autosave-status").startswith(vi(
            "Not saved: the account signed in now may not change this report (signed in again as someone else?). "
            "Your figures stay on this page: sign in with your own account."))
        assert stored(commune, "PL6_I_1") is None and stored(neighbour, "PL6_I_1") is None
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_selector("#autosave-status.ok", timeout=WAIT)
    assert stored(commune, "PL6_I_1") == 1234
    page.context.close()


def test_save_pressed_after_the_session_ended_loses_nothing(browser, live_server,  # noqa: F811
                                                            commune_officer, pl6, y2023):
    """Typed and Save pressed at once, the session gone without the page
    knowing: the login page, and once signed in the figure is back and saved."""
    commune = commune_officer.unit
    entry = reverse("reporting:entry", args=["PL6", "2023", commune.pk])
    page = open_pl6(browser, live_server, commune_officer)
    Session.objects.all().delete()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    type_into(page, "PL6_I_1:total", "1234")
    with page.expect_navigation(timeout=WAIT):
        page.click("button[value=save]")
    assert "/accounts/login/" in page.url and asked == []
    page.fill("#id_username", commune_officer.username)
    page.fill("#id_password", "pw-for-tests-1")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(entry)
    page.wait_for_selector("#autosave-status.ok", timeout=WAIT)
    with override("vi"):
        assert page.inner_text("#autosave-status").startswith(ngettext(
            "Restored %(n)s figure not saved last time.", "Restored %(n)s figures not saved last time.", 1) % {"n": 1})
    assert cell(page, "PL6_I_1:total").input_value() == "1.234"
    assert stored(commune, "PL6_I_1") == 1234 and kept(page) == {}
    page.context.close()


def test_figures_not_saved_come_back_after_a_reload(browser, live_server, commune_officer, pl6, y2023):  # noqa: F811
    commune = commune_officer.unit
    page = open_pl6(browser, live_server, commune_officer)
    page.route("**/autosave/", lambda route: route.abort())  # the connection lost
    type_into(page, "PL6_I_1:total", "1.234")
    type_into(page, "PL6_I_2:total", "321")
    page.keyboard.press("Tab")
    page.wait_for_function(f"{STATUS}.textContent.includes('mất kết nối')", timeout=WAIT)
    assert kept(page) == {"v:PL6_I_1:total": ["1.234", ""], "v:PL6_I_2:total": ["321", ""]}

    page.unroute("**/autosave/")
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave site?": yes, reload
    page.reload()
    assert cell(page, "PL6_I_1:total").input_value() == "1.234"
    assert cell(page, "PL6_I_2:total").input_value() == "321"
    # Said, and saved by autosave without anything typed.
    page.wait_for_selector("#autosave-status.ok", timeout=WAIT)
    with override("vi"):
        restored = ngettext("Restored %(n)s figure not saved last time.",
                            "Restored %(n)s figures not saved last time.", 2) % {"n": 2}
    assert page.inner_text("#autosave-status").startswith(restored)
    assert stored(commune, "PL6_I_1") == 1234 and stored(commune, "PL6_I_2") == 321
    assert kept(page) == {}

    # Saved: a reload has nothing to put back.
    page.reload()
    assert page.inner_text("#autosave-status") == ""
    assert cell(page, "PL6_I_1:total").input_value() == "1.234"
    page.context.close()


def test_a_figure_put_back_does_not_overwrite_a_colleagues_change(browser, live_server,  # noqa: F811
                                                                  commune_officer, pl6, y2023):
    commune = commune_officer.unit
    page = open_pl6(browser, live_server, commune_officer)
    page.route("**/autosave/", lambda route: route.abort())
    type_into(page, "PL6_I_1:total", "1.234")
    page.keyboard.press("Tab")
    page.wait_for_function(f"{STATUS}.textContent.includes('mất kết nối')", timeout=WAIT)
    # Meanwhile a colleague saves another figure in that cell.
    colleague = make_user("colleague", "commune_officer", commune)
    actions.save_report_values(colleague, pl6, commune, y2023, None, {("PL6_I_1", "total"): "900"})

    page.unroute("**/autosave/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    # The officer's figure was typed over an empty cell: the server refuses it and the page shows the colleague's.
    page.wait_for_function("document.querySelector(\"input[name='v:PL6_I_1:total']\").value === '900'",
                           timeout=WAIT)
    assert "người khác" in page.inner_text("#autosave-status")
    assert "colleague" in page.locator("tr", has=cell(page, "PL6_I_1:total")).inner_text()  # who changed it
    assert stored(commune, "PL6_I_1") == 900
    page.context.close()


def test_save_pressed_while_an_autosave_is_on_its_way_asks_nothing(browser, live_server,  # noqa: F811
                                                                   commune_officer, pl6, y2023):
    commune = commune_officer.unit
    page = open_pl6(browser, live_server, commune_officer)
    held = []
    page.route("**/autosave/", lambda route: held.append(route))  # the autosave answers late
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    type_into(page, "PL6_I_1:total", "1234")
    page.keyboard.press("Tab")
    page.wait_for_function(f"{STATUS}.textContent === {json.dumps(vi('Saving…'))}", timeout=WAIT)
    for _ in range(100):  # the route's handler hears of the request a moment later
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1

    with page.expect_navigation(timeout=WAIT):
        page.click("button[value=save]")
    assert asked == []  # no "Leave site?"
    assert vi("Saved.") in page.inner_text("main")
    assert stored(commune, "PL6_I_1") == 1234
    # Nothing kept for the tab, nothing "restored": the page shows the figure as stored ("1.234").
    assert cell(page, "PL6_I_1:total").input_value() == "1.234"
    assert kept(page) == {} and page.inner_text("#autosave-status") == ""
    for route in held:
        try:
            route.abort()
        except Exception:
            pass  # the page that asked is gone
    page.context.close()
