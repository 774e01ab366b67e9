"""Comments on warnings in the workbook: a figure ten times last year's is
imported but stops the submission until a comment explains it, as on the
web form."""

import io

import openpyxl
import pytest
from django.conf import settings

from treem.reporting import actions
from treem.reporting.models import DataValue, Period, Submission
from treem.workbooks import batches
from treem.workbooks.read_workbook import import_workbook, summary
from treem.workbooks.template_workbook import (
    FORMAT,
    IDENTITY_SHEET,
    comment_cell_refs,
    input_cell_refs,
    template_for,
)

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .workbook_helpers import (  # noqa: F401 (fixtures)
    WEB_VALUES,
    commune,
    entry_url,
    filled,
    inline_tasks,
    refused,
    saved,
    sibling,
    upload_url,
)

pytestmark = pytest.mark.django_db


# --- comments on warnings -------------------------------------------------

def fill_comments(data, form, period, comments):
    """Type `comments` ({row code: text}) into the comment column."""
    refs = comment_cell_refs(form, period)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for code, text in comments.items():
        wb[form.code][refs[code]] = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def last_year(commune_officer, commune, pl6):
    """2022 figures of row I.1 such that 2023's 1.234 total and 634 girls are
    ten times as many or more, and 600 boys are not."""
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(commune_officer, pl6, commune, y2022)
    actions.save_values(commune_officer, before, {("PL6_I_1", "total"): "120", ("PL6_I_1", "male"): "61",
                                                  ("PL6_I_1", "female"): "59"})


def comments_of(unit_, period):
    return {(v.element.code, v.option.code): v.comment
            for v in DataValue.objects.filter(unit=unit_, period=period).exclude(comment="")
            .select_related("element", "option")}


def test_a_warning_without_a_comment_is_imported_and_shown_and_stops_the_submission(
        client, commune_officer, commune, pl6, y2023, last_year):
    refs = input_cell_refs(pl6, y2023)
    data = filled(pl6, commune, y2023)
    result = import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023), submit=True)
    # Imported as a draft, as the web saves it; the two warnings named by cell.
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234
    assert {p.cell for p in result.uncommented} == {refs[("PL6_I_1", "total")], refs[("PL6_I_1", "female")]}
    assert all(p.level == "warning" and p.row == "I.1 Số trẻ em dưới 16 tuổi" for p in result.uncommented)
    assert not result.submitted and result.submit_refusal
    assert {p.cell for p in result.submit_problems} == {p.cell for p in result.uncommented}
    # Said once, and only what stops it: warnings, no error (the third trial read "Chưa gửi được: Chưa gửi được
    # báo cáo: hãy sửa các lỗi…").
    assert summary(result).endswith(": Phụ lục 6 của " + commune.name + ", kỳ Năm 2023. Chưa gửi được báo cáo: "
                                    "hãy ghi chú giải thích các cảnh báo.")
    assert Submission.objects.get(form=pl6, unit=commune, period=y2023).status == "draft"

    # On the page: imported, and told that figures need a comment.
    client_for(client, commune_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(data)
    upload.name = "x.xlsx"
    response = client.post(upload_url(pl6, y2023, commune), {"workbook": upload, "submit": "1"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "2 figures are ten times last period" in page
    # In bulk: the file is imported; its warnings are listed.
    batch = batches.create_batch(commune_officer, [("a.xlsx", data)])
    batches.run_batch(batch.pk)
    f = batch.files.get()
    assert f.status == "imported" and {p["cell"] for p in f.problems} == {p.cell for p in result.uncommented}


def test_a_comment_typed_in_the_workbook_is_saved_like_one_typed_on_the_web(
        client, commune_officer, coordinator, commune, sibling, pl6, y2023, last_year):
    comment = "Điều tra lại toàn bộ trẻ em trên địa bàn năm 2023"
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": comment})
    result = import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023), submit=True)
    # The comment sits on the cells that warn, as the web puts it beside them;
    # nothing is left to explain, so the report is submitted.
    assert comments_of(commune, y2023) == {("PL6_I_1", "total"): comment, ("PL6_I_1", "female"): comment}
    assert result.warnings and not result.uncommented and result.submitted
    value = DataValue.objects.get(unit=commune, period=y2023, element__code="PL6_I_1", option__code="total")
    assert value.changes.get().new_comment == comment

    # Typed on the web for the same warnings, the same is stored.
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(coordinator, pl6, sibling, y2022)
    actions.save_values(coordinator, before, {("PL6_I_1", "total"): "120", ("PL6_I_1", "male"): "61",
                                              ("PL6_I_1", "female"): "59"})
    client_for(client, coordinator)
    post = {f"v:{e}:{o}": v for (e, o), v in WEB_VALUES.items()}
    post |= {"c:PL6_I_1:total": comment, "c:PL6_I_1:female": comment, "action": "submit"}
    assert client.post(entry_url(pl6, y2023, sibling), post).status_code == 302
    assert comments_of(sibling, y2023) == comments_of(commune, y2023)
    assert Submission.objects.get(form=pl6, unit=sibling, period=y2023).status == "submitted"


def test_the_comment_column_is_prefilled_and_an_emptied_comment_is_cleared(
        commune_officer, commune, pl6, y2023, last_year):
    refs = comment_cell_refs(pl6, y2023)
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": "Điều tra lại", "II.1": "Ghi chú"})
    import_workbook(commune_officer, data, "x.xlsx", expected=(pl6, commune, y2023))
    # A comment on a row without a warning is kept on the row's first figure.
    assert comments_of(commune, y2023) == {("PL6_I_1", "total"): "Điều tra lại",
                                           ("PL6_I_1", "female"): "Điều tra lại", ("PL6_II_1", "total"): "Ghi chú"}
    # The template downloaded now shows them, in an unlocked cell of the row.
    ws = openpyxl.load_workbook(io.BytesIO(template_for(pl6, commune, y2023)))["PL6"]
    assert ws[refs["I.1"]].value == "Điều tra lại" and ws[refs["II.1"]].value == "Ghi chú"
    assert not ws[refs["I.1"]].protection.locked and ws.cell(7, ws[refs["I.1"]].column).value == "c"
    # Emptied in the file: cleared in Treem, the history keeps it.
    again = fill_comments(template_for(pl6, commune, y2023), pl6, y2023, {"II.1": None})
    import_workbook(commune_officer, again, "x.xlsx", expected=(pl6, commune, y2023))
    assert set(comments_of(commune, y2023)) == {("PL6_I_1", "total"), ("PL6_I_1", "female")}
    value = DataValue.objects.get(unit=commune, period=y2023, element__code="PL6_II_1", option__code="total")
    assert [(c.old_comment, c.new_comment) for c in value.changes.all()][-1] == ("Ghi chú", "")


def test_a_formula_in_a_comment_cell_is_refused(commune_officer, commune, pl6, y2023):
    data = fill_comments(filled(pl6, commune, y2023), pl6, y2023, {"I.1": "=A1"})
    error = refused("formula", import_workbook, commune_officer, data, expected=(pl6, commune, y2023))
    assert [p.cell for p in error.problems] == [comment_cell_refs(pl6, y2023)["I.1"]]


def test_a_template_made_before_the_comment_column_still_imports(commune_officer, commune, pl6, y2023):
    refs = comment_cell_refs(pl6, y2023)
    wb = openpyxl.load_workbook(io.BytesIO(filled(pl6, commune, y2023)))
    ws = wb["PL6"]
    ws.delete_cols(ws[refs["I.1"]].column)
    identity = wb[IDENTITY_SHEET]
    next(c for c in identity["B"] if c.value == FORMAT).value = "treem-workbook/1"
    out = io.BytesIO()
    wb.save(out)
    import_workbook(commune_officer, out.getvalue(), "old.xlsx", expected=(pl6, commune, y2023))
    assert saved(commune, y2023, pl6)[("PL6_I_1", "total")] == 1234
