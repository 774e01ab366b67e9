"""What the fourth trial of the entry page and the report left: a sum that
does not add up marks its total and every part; one comment explains a
row's jumps; the indicator page names its Appendix 7 row, not a code; the
report and its appendix say why a rate typed by the communes is blank
above them."""

import json
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from treem.reporting import actions
from treem.reporting.models import Period, Submission
from treem.reporting.validation import current_form, form_rows, validate_form_values
from treem.reports.appendices import build_appendices
from treem.reports.docx_report import build_report

from .conftest import client_for, make_user
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .test_analytics_pages import sub_of
from .test_entry_messages_browser import WAIT, open_pl6, session_data, type_into  # noqa: F401
from .test_reports import approved, communes, paragraphs, reported, table_texts  # noqa: F401
from .test_workbooks_browser import browser, restore_session_data  # noqa: F401

UNEVEN = {("PL6_I_1", "total"): "100", ("PL6_I_1", "male"): "60", ("PL6_I_1", "female"): "50"}


def entry_url(unit):
    return reverse("reporting:entry", args=["PL6", "2023", unit.pk])


def marked_cells(page, level="error"):
    """The inputs of the cells the page marks with `level`, as drawn by the server."""
    return {name for td, name in
            ((td, td.split('name="v:')[1].split('"')[0]) for td in page.split('<td class="cell ')[1:]
             if 'name="v:' in td.split("</td>")[0]) if td.startswith(level)}


@pytest.mark.django_db
def test_a_sum_that_does_not_add_up_marks_the_total_and_its_parts(client, commune_officer, pl6, y2023):
    problems = validate_form_values(pl6, UNEVEN)
    assert [(p.kind, p.cells) for p in problems] == [
        ("columns", [("PL6_I_1", "total"), ("PL6_I_1", "male"), ("PL6_I_1", "female")])]
    # Autosave tells the page all three cells; the page drawn by the server marks all three.
    client_for(client, commune_officer)
    answer = client.post(entry_url(commune_officer.unit) + "autosave/",
                         {f"v:{e}:{o}": v for (e, o), v in UNEVEN.items()})
    assert json.loads(answer.content)["problems"][0]["cells"] == ["PL6_I_1:total", "PL6_I_1:male", "PL6_I_1:female"]
    page = client.get(entry_url(commune_officer.unit)).content.decode()
    assert marked_cells(page) == {"PL6_I_1:total", "PL6_I_1:male", "PL6_I_1:female"}
    # Each of them says why when hovered, as while typing.
    for name in ("total", "male", "female"):
        tag = page.split(f'name="v:PL6_I_1:{name}"')[1].split(">")[0]
        assert 'title="Dòng I.1 “Số trẻ em dưới 16 tuổi”: nam (60) cộng nữ (50) khác tổng số (100)."' in tag
    # The status block counts the cells filled: the reviewer sees a report sent nearly empty.
    typed = page.count('<input name="v:') + page.count('<textarea name="v:') - page.count('class="side"')
    filled = page.split('id="cells-filled">')[1].split("</dd>")[0]
    assert filled == f"3 trên {typed}" and typed > 200


def test_the_cells_filled_count_the_inputs_drawn_on_every_form(client, commune_officer, forms):  # noqa: F811
    # The third trial: Appendix 7 said "10 trên 226", its confirmation "10 trên 225 ô".
    client_for(client, commune_officer)
    for code in ("PL1", "PL2", "PL4", "PL6", "PL7"):
        page = client.get(reverse("reporting:entry", args=[code, "2023", commune_officer.unit.pk]))
        page = client.post(page.wsgi_request.path, {"action": "save"}, follow=True).content.decode()
        typed = page.count('<input name="v:') + page.count('<textarea name="v:') - page.count('class="side"')
        assert page.split('id="cells-filled">')[1].split("</dd>")[0] == f"0 trên {typed}", code


def jumped(officer, pl6, y2023, comments):  # noqa: F811
    """Last year 100 children (50 boys, 50 girls); this year ten times as many in each column."""
    commune = officer.unit
    before = actions.open_submission(officer, pl6, commune, actions.previous_period(y2023))
    actions.save_values(officer, before, {("PL6_I_1", "total"): "100", ("PL6_I_1", "male"): "50",
                                          ("PL6_I_1", "female"): "50"})
    submission = actions.open_submission(officer, pl6, commune, y2023)
    problems = actions.save_values(officer, submission, {
        ("PL6_I_1", "total"): "1.000", ("PL6_I_1", "male"): "500", ("PL6_I_1", "female"): "500"}, comments=comments)
    assert sorted(p.option for p in problems if p.kind == "tenfold") == ["female", "male", "total"]
    return submission


@pytest.mark.django_db
def test_one_comment_on_a_row_explains_all_its_jumps(client, commune_officer, coordinator, pl6, y2023):
    submission = jumped(commune_officer, pl6, y2023, {("PL6_I_1", "total"): "Điều tra lại toàn xã"})
    # Before, male and female each needed a comment of their own.
    assert actions.submit(commune_officer, submission).status == Submission.Status.SUBMITTED
    flags = client_for(client, coordinator).get(entry_url(commune_officer.unit)).content.decode()
    flags = flags.split('<div class="flags"')[1].split("</div>")[0]
    assert flags.count('class="warn explained"') == 3
    assert flags.count("Đã giải thích: “Điều tra lại toàn xã”") == 3
    assert "3 vấn đề cần xem</strong> <span class=\"muted explained-count\">(3 đã giải thích)</span>" in flags


@pytest.mark.django_db
def test_an_explained_row_reads_as_explained_and_asks_for_no_other_comment(client, commune_officer, pl6, y2023):
    jumped(commune_officer, pl6, y2023, {("PL6_I_1", "total"): "Điều tra lại toàn xã"})
    page = client_for(client, commune_officer).get(entry_url(commune_officer.unit)).content.decode()
    row = page.split('data-ref="I.1"')[1].split("</tr>")[0]
    assert marked_cells(row, "explained") == {"PL6_I_1:total", "PL6_I_1:male", "PL6_I_1:female"}
    assert marked_cells(row, "warning") == set()
    assert row.count('class="warn msg explained"') == 3 and row.count("(đã giải thích)") == 3
    # Explained, a warning no longer asks for a comment, in the row, its cells' hover text or the list at the top.
    assert "vui lòng ghi chú" not in row and "gấp mười lần trở lên so với kỳ trước (100)." in row
    assert "vui lòng ghi chú" not in page.split('<div class="flags"')[1].split("</div>")[0]
    # The comment's own box only: no empty ones under male and female asking for more.
    assert row.count('class="comment"') == 1 and 'name="c:PL6_I_1:total"' in row


@pytest.mark.django_db
def test_a_jump_without_any_comment_on_its_row_still_stops_the_report(commune_officer, pl6, y2023):
    submission = jumped(commune_officer, pl6, y2023, {("PL6_II_1", "total"): "Ghi chú của dòng khác"})
    with pytest.raises(actions.ReportingError) as refused:
        actions.submit(commune_officer, submission)
    assert sorted(p.option for p in refused.value.problems) == ["female", "male", "total"]


@pytest.mark.django_db
def test_the_indicator_page_names_its_appendix_7_row(client, reported, coordinator, bac_kan, bac_kan_plan):
    neonatal = sub_of(bac_kan_plan, "3", 0)
    page = client_for(client, coordinator).get(
        reverse("analytics:indicator", args=[bac_kan_plan.pk, bac_kan.pk, 2023, neonatal.pk])).content.decode()
    row = form_rows(current_form("PL7")).cells["PL7_CT3"][0]
    source = page.split("<dt>Nguồn số liệu</dt><dd>")[1].split("</dd>")[0]
    # The form's own numbering ("Chỉ tiêu 3" of the form) said as the form's, apart from the plan's.
    assert source == f"Phụ lục 7, dòng {row.display_ref} của biểu: “{row.label}” (kết quả thực hiện)"
    assert "PL7_CT3" not in source


@pytest.mark.django_db
def test_report_and_appendix_say_why_a_typed_rate_is_blank_above_the_communes(reported, y2023, bac_kan,  # noqa: F811
                                                                              bac_kan_plan):
    # The province: the communes typed the neonatal mortality rate (‰) without its counts: it cannot be added up.
    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, y2023)))
    table = next(t for t in doc.tables if table_texts(t)[0][:2] == ["TT", "Chỉ tiêu"])
    neonatal = next(r for r in table_texts(table) if "sơ sinh" in r[1])
    assert neonatal[4] == "(*)"
    note = next(p for p in paragraphs(doc) if p.startswith("Ghi chú: (*) Chỉ tiêu"))
    assert "3" in note.split(":")[1] and "không kèm tử số và mẫu số" in note
    ws = load_workbook(BytesIO(build_appendices(y2023, bac_kan)))["Phụ lục 7"]
    label = form_rows(current_form("PL7")).cells["PL7_CT3"][0].label
    line = next(r for r in ws.iter_rows(values_only=True) if r[1] == label)
    assert line[3:6] == ("(*)", "(*)", "(*)")  # the year's plan, its result, next year's plan
    assert any(line.startswith("(*) Chưa tổng hợp được") for r in ws.iter_rows(values_only=True) if r[0]
               for line in str(r[0]).split("\n"))
    # Appendix 6 too: the share of children in the population, a percentage each commune types.
    ws6 = load_workbook(BytesIO(build_appendices(y2023, bac_kan)))["Phụ lục 6"]
    share = form_rows(current_form("PL6")).cells["PL6_I_1r"][0].label
    line = next(r for r in ws6.iter_rows(values_only=True) if r[1] == share)
    assert line[3:5] == ("(*)", "(*)")  # last year's (one commune's report added up) and this year's total
    assert any(line.startswith("(*) Chưa tổng hợp được") for r in ws6.iter_rows(values_only=True) if r[0]
               for line in str(r[0]).split("\n"))
    # An appendix nobody reported says so inside the file, not only on the web page.
    ws1 = load_workbook(BytesIO(build_appendices(y2023, bac_kan)))["Phụ lục 1"]
    assert any(str(r[0]).startswith("Chưa có báo cáo nào được phê duyệt") for r in ws1.iter_rows(values_only=True)
               if r[0])
    # A commune's own report: its blank is its own, no note.
    commune = reported["a"]
    ws = load_workbook(BytesIO(build_appendices(y2023, commune)))["Phụ lục 7"]
    assert not any("(*)" in str(v) for r in ws.iter_rows(values_only=True) for v in r if v)
    doc = Document(BytesIO(build_report(bac_kan_plan, commune, Period.objects.get(code="2023"))))
    assert not any(p.startswith("Ghi chú: (*)") for p in paragraphs(doc))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_the_page_a_sum_marks_three_cells_and_one_comment_lets_the_report_go(browser, live_server,  # noqa: F811
                                                                                commune_officer, pl6, y2023):
    commune = commune_officer.unit
    page = open_pl6(browser, live_server, commune_officer)
    for (e, o), v in UNEVEN.items():
        type_into(page, f"{e}:{o}", v)
    page.keyboard.press("Tab")
    page.wait_for_selector("td.error input[name='v:PL6_I_1:female']", timeout=WAIT)
    assert page.locator("tr:has(input[name='v:PL6_I_1:total']) td.error").count() == 3
    # Corrected, no cell stays marked.
    type_into(page, "PL6_I_1:female", "40")
    page.keyboard.press("Tab")
    page.wait_for_selector("tr:has(input[name='v:PL6_I_1:total']) td.error", state="detached", timeout=WAIT)

    # Three jumps on one row, one comment: the report goes up, asked only whether so few cells are meant.
    before = actions.open_submission(commune_officer, pl6, commune, actions.previous_period(y2023))
    actions.save_values(commune_officer, before, {("PL6_I_1", "total"): "10", ("PL6_I_1", "male"): "6",
                                                  ("PL6_I_1", "female"): "4"})
    page.reload()  # 100, 60 and 40 saved: each ten times last year's
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    assert page.locator("tr:has(input[name='v:PL6_I_1:total']) td.warning").count() == 3
    page.fill("input[name='c:PL6_I_1:total']", "Điều tra lại toàn xã")
    page.locator("input[name='c:PL6_I_1:total']").press("Tab")
    page.wait_for_selector("div.flags li.explained", timeout=WAIT)
    # The row reads as explained: its cells no longer amber, its messages say so.
    assert page.locator("tr:has(input[name='v:PL6_I_1:total']) td.explained").count() == 3
    assert page.locator("tr:has(input[name='v:PL6_I_1:total']) .msg.explained").count() == 3
    assert page.inner_text("div.flags .explained-count") == "(3 đã giải thích)"
    # No empty comment boxes left under male and female; no hover text still asking for one.
    assert page.locator("input[name='c:PL6_I_1:male'], input[name='c:PL6_I_1:female']").count() == 0
    assert "vui lòng" not in page.get_attribute("input[name='v:PL6_I_1:male']", "title")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert [m.startswith("Báo cáo mới điền 3 trên") for m in asked] == [True]
    assert "chưa gửi được" not in page.inner_text("main").lower()
    assert Submission.objects.get(form=pl6, unit=commune, period=y2023).status == "submitted"
    page.context.close()


@pytest.mark.django_db
def test_the_provinces_page_says_a_typed_rate_is_not_added_up(client, reported, coordinator, bac_kan, y2023,
                                                               forms):  # noqa: F811
    # A third commune types the under-16 share itself; none gives the under-6 share.
    third = reported["a"].parent.children.exclude(pk__in=[reported["a"].pk, reported["b"].pk]).order_by("code").first()
    approved(make_user("commune-c", "commune_officer", third), coordinator, forms["PL6"], y2023,
             {("PL6_I_1r", "total"): "24,5"})
    page = client_for(client, coordinator).get(
        reverse("reporting:entry", args=["PL6", "2023", bac_kan.pk])).content.decode()
    share = page.split('name="v:PL6_I_1r:total"')[1].split("</td>")[0]
    assert "Σ không cộng được" in share
    children = page.split('name="v:PL6_I_1:total"')[1].split("</td>")[0]
    assert "Σ 2.000" in children and "không cộng được" not in children
    # A typed rate no commune gave (the under-6 share) is just empty (ninth trial: every rate row said it).
    under_6 = page.split('name="v:PL6_I_2r:total"')[1].split("</td>")[0]
    assert "không cộng được" not in under_6


@pytest.mark.django_db
def test_the_results_page_leads_to_the_official_report(client, reported, coordinator, bac_kan, bac_kan_plan):
    page = client_for(client, coordinator).get(
        reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])).content.decode()
    link = reverse("reports:report", args=[bac_kan_plan.pk, bac_kan.pk, "2023"])
    assert f'<a href="{link}">Báo cáo chính thức năm 2023 (DOCX) và các phụ lục (XLSX)</a>' in page
    assert client.get(link).status_code == 200
