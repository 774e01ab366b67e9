"""In Debian's chromium: one commune types Appendix 6 on the web, another
uploads the same figures as the Excel template; once the province approves
both, its roll-up is exactly twice the figures."""

import os
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from treem.reporting import actions
from treem.reporting.models import Submission
from treem.reporting.rollup import rollup_form
from treem.workbooks.template_workbook import input_cell_refs

from .conftest import load_base_data, make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_demo_site import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Typed on the web for one commune, and in Excel for the other.
VALUES = {
    ("PL6_I_1", "total"): "1.234", ("PL6_I_1", "male"): "600", ("PL6_I_1", "female"): "634",
    ("PL6_II", "total"): "12",
    ("PL6_II_1", "total"): "3", ("PL6_II_1", "male"): "1", ("PL6_II_1", "female"): "2",
    ("PL6_II_1_3", "total"): "2",
    ("PL6_II_4", "total"): "5", ("PL6_II_4_4_1", "total"): "2", ("PL6_II_4_4_2", "total"): "1",
}
IN_EXCEL = {("PL6_I_1", "total"): 1234, ("PL6_I_1", "male"): 600, ("PL6_I_1", "female"): 634,
            ("PL6_II", "total"): 12, ("PL6_II_1", "total"): 3, ("PL6_II_1", "male"): 1, ("PL6_II_1", "female"): 2,
            ("PL6_II_1_3", "total"): "2", ("PL6_II_4", "total"): 5, ("PL6_II_4_4_1", "total"): 2,
            ("PL6_II_4_4_2", "total"): 1}


@pytest.fixture(scope="module", autouse=True)
def restore_session_data(django_db_setup, django_db_blocker):
    """live_server needs committed data, so this test runs outside a rolled
    back transaction and every table is emptied after it: load the session's
    units and plans again for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        load_base_data()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium: apt-get install -y chromium"
    # Playwright's sync API runs an event loop in this thread; the test's ORM
    # calls (and pytest-django's own) stay plain synchronous calls all the same.
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


def sign_in(browser, live_server, user):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_same_figures_by_web_and_by_excel_roll_up_to_twice_the_figures(browser, live_server, commune_officer,
                                                                            coordinator, pl6, y2023, tmp_path):
    commune = commune_officer.unit
    other = commune.parent.children.exclude(pk=commune.pk).order_by("code").first()
    officer2 = make_user("commune-b", "commune_officer", other)

    # The first commune types its figures on the web and submits.
    page = sign_in(browser, live_server, commune_officer)
    page.goto(live_server.url + reverse("reporting:entry", args=["PL6", "2023", commune.pk]))
    for (element, option), value in VALUES.items():
        page.fill(f"input[name='v:{element}:{option}']", value)
    page.on("dialog", lambda d: d.accept())  # a few cells of a whole form: Treem asks first
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert Submission.objects.get(form=pl6, unit=commune, period=y2023).status == "submitted"
    page.context.close()

    # The second commune downloads the template from its page, fills it in
    # Excel (here openpyxl) and uploads it, submitting at once.
    page = sign_in(browser, live_server, officer2)
    page.goto(live_server.url + reverse("reporting:entry", args=["PL6", "2023", other.pk]))
    template = reverse("workbooks:template", args=["PL6", "2023", other.pk])
    with page.expect_download() as download:
        page.click(f"#excel a[href='{template}']")
    filled = tmp_path / download.value.suggested_filename
    download.value.save_as(filled)
    wb = openpyxl.load_workbook(filled)
    refs = input_cell_refs(pl6, y2023)
    for key, value in IN_EXCEL.items():
        wb["PL6"][refs[key]] = value
    wb.save(filled)
    assert filled.name == f"PL6_2023_{other.code}.xlsx"
    page.click(f"#excel a[href='{reverse('workbooks:upload', args=['PL6', '2023', other.pk])}']")
    page.set_input_files("#workbook", str(filled))
    page.check("input[name=submit]")
    page.click("main form button.primary")
    page.wait_for_url("**" + reverse("reporting:entry", args=["PL6", "2023", other.pk]))
    # Submitted: the page shows the imported figures, no longer editable.
    assert "1.234" in page.inner_text("table.entry")
    page.context.close()

    # The province approves both; its roll-up is twice each figure.
    submissions = Submission.objects.filter(form=pl6, period=y2023, unit__in=[commune, other])
    assert sorted(s.status for s in submissions) == ["submitted", "submitted"]
    for s in submissions:
        actions.approve(coordinator, s)
    rolled = rollup_form(pl6, y2023, coordinator.unit)
    for key, typed in VALUES.items():
        assert rolled[key] == 2 * int(typed.replace(".", "")), key
    assert rolled[("PL6_II_4_4", "total")] == 6  # the computed row, from both routes alike
