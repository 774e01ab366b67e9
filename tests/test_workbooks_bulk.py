"""Many workbooks at once: a coordinator's bulk upload (files or a .zip,
imported each on its own in the background), and the templates of the units
below in one .zip."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from treem.core.models import AuditEntry
from treem.core.search import fold
from treem.reporting import actions, calendar
from treem.reporting.models import Period, Schedule, Submission
from treem.units.models import Unit
from treem.workbooks import batches
from treem.workbooks.models import WorkbookBatch, WorkbookFile
from treem.workbooks.read_workbook import read_workbook
from treem.workbooks.template_workbook import (
    build_template,
    input_cell_refs,
    template_for,
)

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .workbook_helpers import (  # noqa: F401 (fixtures)
    make_zip,
    VALUES,
    WEB_VALUES,
    commune,
    entry_url,
    fill,
    filled,
    inline_tasks,
    refused,
    saved,
    sibling,
)

pytestmark = pytest.mark.django_db


# --- bulk -----------------------------------------------------------------

def _upload(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_bulk_upload_imports_each_file_on_its_own(client, coordinator, outsider, pl6, y2023, commune, sibling):
    communes = [commune, sibling, *commune.parent.children.exclude(pk__in=[commune.pk, sibling.pk])
                .order_by("code")[:1]]
    ninh_binh = unit("2025", "province", "37").children.order_by("code").first()
    bad = {**VALUES, ("PL6_II_1_3", "total"): -2}
    files = [_upload(f"{u.code}.xlsx", filled(pl6, u, y2023)) for u in communes[:2]]
    files.append(_upload("loi.xlsx", filled(pl6, communes[2], y2023, bad)))
    files.append(_upload("ninh-binh.xlsx", filled(pl6, ninh_binh, y2023)))
    files.append(_upload("ghi-chu.xlsx", b"not a workbook"))
    client_for(client, coordinator)
    response = client.post(reverse("workbooks:batch_new"), {"files": files})
    assert response.status_code == 302
    batch = WorkbookBatch.objects.get(created_by=coordinator)
    assert response["Location"] == reverse("workbooks:batch", args=[batch.pk])
    results = {f.name: f for f in batch.files.all()}
    assert batch.status == "done" and len(results) == 5
    assert results[f"{commune.code}.xlsx"].status == "imported"
    assert results[f"{commune.code}.xlsx"].submission.unit == commune
    assert results[f"{sibling.code}.xlsx"].status == "imported"
    assert results["loi.xlsx"].status == "refused"
    assert [p["cell"] for p in results["loi.xlsx"].problems] == [input_cell_refs(pl6, y2023)[("PL6_II_1_3", "total")]]
    assert results["ninh-binh.xlsx"].status == "refused" and ninh_binh.name in results["ninh-binh.xlsx"].message
    assert results["ghi-chu.xlsx"].status == "refused"
    assert all(bytes(f.data) == b"" for f in results.values())
    assert saved(commune, y2023, pl6) == saved(sibling, y2023, pl6) and saved(commune, y2023, pl6)
    assert not saved(communes[2], y2023, pl6) and not saved(ninh_binh, y2023, pl6)
    assert AuditEntry.objects.filter(action="workbooks.batch_created", object_id=str(batch.pk)).count() == 1
    finished = AuditEntry.objects.get(action="workbooks.batch_finished", object_id=str(batch.pk))
    assert finished.detail == {"imported": 2, "refused": 3}

    # The progress page and its JSON.
    page = client.get(reverse("workbooks:batch", args=[batch.pk])).content.decode()
    assert "loi.xlsx" in page and input_cell_refs(pl6, y2023)[("PL6_II_1_3", "total")] in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    status = client.get(reverse("workbooks:batch_status", args=[batch.pk])).json()
    assert (status["done"], status["total"], status["imported"], status["refused"]) == (5, 5, 2, 3)
    assert status["is_done"] and [f["name"] for f in status["files"]][-1] == "ghi-chu.xlsx"
    assert len(client.get(reverse("workbooks:batch_status", args=[batch.pk]), {"from": 3}).json()["files"]) == 2
    # The upload page's list of recent uploads says what became of each one's files.
    assert "5 tệp: đã nhập 2, bị từ chối 3" in client.get(reverse("workbooks:batch_new")).content.decode()
    # Nobody else sees it.
    client_for(client, outsider)
    assert client.get(reverse("workbooks:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("workbooks:batch_status", args=[batch.pk])).status_code == 404


def test_bulk_upload_of_a_zip_and_the_page_while_waiting(client, coordinator, commune, sibling, pl6, y2023):
    archive = make_zip({f"bao-cao/{u.code}.xlsx": filled(pl6, u, y2023) for u in (commune, sibling)}
                   | {"bao-cao/doc-truoc.txt": b"..."})
    batch = batches.create_batch(coordinator, [("huyen.zip", archive)], submit=True)
    files = {f.name: f for f in batch.files.all()}
    assert set(files) == {f"huyen.zip/{commune.code}.xlsx", f"huyen.zip/{sibling.code}.xlsx",
                          "huyen.zip/doc-truoc.txt"}
    assert files["huyen.zip/doc-truoc.txt"].status == "refused"
    # Before the work runs, the page refreshes itself without JavaScript.
    client_for(client, coordinator)
    page = client.get(reverse("workbooks:batch", args=[batch.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh"' in page and "workbooks/batch.js" in page
    assert client.get(reverse("workbooks:batch_status", args=[batch.pk])).json()["done"] == 1
    batches.run_batch(batch.pk)
    assert set(WorkbookFile.objects.filter(batch=batch).values_list("status", flat=True)) == {"imported", "refused"}
    assert set(Submission.objects.filter(unit__in=[commune, sibling], form=pl6).values_list("status", flat=True)) \
        == {"submitted"}
    # Sent mostly empty, as the web asks about before it submits: each file's result says so (tenth trial).
    message = WorkbookFile.objects.get(batch=batch, name=f"huyen.zip/{commune.code}.xlsx").message
    assert message.endswith("Chỉ mới điền 12 trên 291 ô: nếu còn thiếu phần nào, hãy đề nghị cấp trên trả lại báo cáo.")
    # The page counts the same cells when it asks before submitting (the notes beside the rows left out).
    client_for(client, make_user("hai", "commune_officer", sibling))
    page = client.get(reverse("reporting:entry", args=["PL6", "2024", sibling.pk])).content.decode()
    assert len(re.findall(r'<(?:input|textarea)[^>]*name="v:', page)) - page.count('class="side"') == 291


def test_bulk_upload_needs_a_reporting_role(client, viewer, coordinator):
    client_for(client, viewer)
    assert client.get(reverse("workbooks:batch_new")).status_code == 404
    client_for(client, coordinator)
    assert client.get(reverse("workbooks:batch_new")).status_code == 200
    response = client.post(reverse("workbooks:batch_new"), {})
    assert response.status_code == 400 and not WorkbookBatch.objects.exists()


def test_a_bad_file_does_not_stop_the_batch_even_on_an_unexpected_error(coordinator, commune, sibling, pl6, y2023,
                                                                        monkeypatch):
    batch = batches.create_batch(coordinator, [("a.xlsx", filled(pl6, commune, y2023)),
                                               ("b.xlsx", filled(pl6, sibling, y2023))])
    real = batches.import_workbook
    calls = []

    def flaky(user, data, name, **kw):
        calls.append(name)
        if name == "a.xlsx":
            raise RuntimeError("disk full")
        return real(user, data, name, **kw)

    monkeypatch.setattr(batches, "import_workbook", flaky)
    batches.run_batch(batch.pk)
    results = {f.name: f.status for f in batch.files.all()}
    assert calls == ["a.xlsx", "b.xlsx"] and results == {"a.xlsx": "refused", "b.xlsx": "imported"}


def test_build_template_without_a_previous_period(pl6, commune):
    first = Period.objects.get(code="2021")
    data = build_template(pl6, commune, first)
    ws = openpyxl.load_workbook(io.BytesIO(data))["PL6"]
    refs = input_cell_refs(pl6, first)
    # No last-period columns: the inputs stand side by side.
    assert [refs[("PL6_I_1", o)][0] for o in ("total", "male", "female")] == ["E", "F", "G"]
    assert ws["E6"].value and read_workbook(data).values[("PL6_I_1", "total")] == ""



# --- the templates of the units below, in one .zip --------------------------

def zip_url(form, period, unit_):
    return reverse("workbooks:templates_below", args=[form.code, period.code, unit_.pk])


def _templates(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_province_downloads_the_templates_of_its_communes_in_one_zip(
        client, coordinator, commune_officer, commune, pl6, y2023, bac_kan, bac_kan_plan):
    # The calendar asks every commune of the province for PL6 each year.
    calendar.add_schedule(coordinator, bac_kan_plan, [pl6], Period.Type.ANNUAL, Schedule.Reporters.COMMUNES, 15, 12)
    expected = calendar.expected_units(bac_kan_plan.schedules.get(), y2023)
    # One commune has reported already: its template comes prefilled.
    submission = actions.open_submission(commune_officer, pl6, commune, y2023)
    actions.save_values(commune_officer, submission, WEB_VALUES)

    client_for(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(zip_url(pl6, y2023, bac_kan)).content.decode()
    assert f"Download the templates of {len(expected)} units (.zip)" in page and commune.name in page
    assert zip_url(pl6, y2023, bac_kan) in client.get(entry_url(pl6, y2023, bac_kan)).content.decode()

    response = client.get(zip_url(pl6, y2023, bac_kan), {"download": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"PL6_2023_{bac_kan.code}_" in response["Content-Disposition"]
    files = _templates(response)
    assert len(files) == len(expected) > 100
    names = sorted(files)
    assert all(name.isascii() and name.endswith(".xlsx") and " " not in name for name in names)
    by_code = {name.split("_")[2]: name for name in names}
    assert set(by_code) == {u.code for u in expected}
    assert by_code[commune.code] == f"PL6_2023_{commune.code}_{re.sub('[^a-z0-9]+', '-', fold(commune.name))}.xlsx"
    # Each file is the unit's own template, prefilled with what it saved.
    mine = read_workbook(files[by_code[commune.code]], expected=(pl6, commune, y2023))
    assert mine.values[("PL6_I_1", "total")] == Decimal("1234")
    other = next(u for u in expected if u != commune)
    theirs = read_workbook(files[by_code[other.code]], expected=(pl6, other, y2023))
    assert theirs.unit == other and set(theirs.values.values()) == {""}
    # Filled in and sent back in one .zip, they are imported by the bulk upload.
    back = make_zip({name: fill(files[name], pl6, y2023, VALUES) for name in names[:3]})
    batch = batches.create_batch(coordinator, [("tra-ve.zip", back)])
    batches.run_batch(batch.pk)
    assert set(batch.files.values_list("status", flat=True)) == {"imported"}


def test_the_zip_holds_only_units_the_user_may_see(client, commune_officer, outsider, commune, pl6, y2023):
    district = commune.parent
    # The district's reporting pages are not the commune's to open.
    client_for(client, commune_officer)
    assert client.get(zip_url(pl6, y2023, district), {"download": "1"}).status_code == 404
    # No calendar line: the communes of the district.
    coordinator = make_user("district", "coordinator", district)
    client_for(client, coordinator)
    files = _templates(client.get(zip_url(pl6, y2023, district), {"download": "1"}))
    assert sorted(name.split("_")[2] for name in files) == sorted(district.children.values_list("code", flat=True))
    # Another province's coordinator: as if the district did not exist.
    client_for(client, outsider)
    assert client.get(zip_url(pl6, y2023, district)).status_code == 404
    assert client.get(zip_url(pl6, y2023, district), {"download": "1"}).status_code == 404
    # A commune has no unit below: nothing to download.
    client_for(client, commune_officer)
    assert client.get(zip_url(pl6, y2023, commune), {"download": "1"}).status_code == 404


def test_for_a_period_no_calendar_asks_the_province_chooses_districts_or_communes(client, coordinator, pl6, y2023,
                                                                                 bac_kan):
    # No calendar line: one level below by default, the districts of the 63-province structure.
    client_for(client, coordinator)
    districts = set(bac_kan.children.values_list("code", flat=True))
    files = _templates(client.get(zip_url(pl6, y2023, bac_kan), {"download": "1"}))
    assert {name.split("_")[2] for name in files} == districts
    communes = Unit.objects.filter(path__startswith=bac_kan.path, level="commune").exclude(valid_to__lt=y2023.end)
    page = client.get(zip_url(pl6, y2023, bac_kan)).content.decode()
    assert f'<a href="?level=commune">Xã ({communes.count()})</a>' in page
    # The communes, chosen: the page lists them and its download link carries the choice.
    page = client.get(zip_url(pl6, y2023, bac_kan), {"level": "commune"}).content.decode()
    assert '<strong aria-current="true">Xã' in page and 'href="?level=commune&amp;download=1"' in page
    files = _templates(client.get(zip_url(pl6, y2023, bac_kan), {"level": "commune", "download": "1"}))
    assert {name.split("_")[2] for name in files} == set(communes.values_list("code", flat=True))
    assert client.get(zip_url(pl6, y2023, bac_kan), {"level": "nation"}).status_code == 404


def test_two_files_of_one_upload_for_the_same_report_the_second_is_refused(coordinator, commune, sibling, pl6,
                                                                           y2023):
    """The ninth trial: two copies of one commune's template (700, then 800
    children) were both "imported", the second over the first unseen."""
    template = template_for(pl6, commune, y2023)
    batch = batches.create_batch(coordinator, [
        ("lt_a.xlsx", fill(template, pl6, y2023, {("PL6_I_1", "total"): 700})),
        ("khac.xlsx", filled(pl6, sibling, y2023)),
        ("lt_b.xlsx", fill(template, pl6, y2023, {("PL6_I_1", "total"): 800}))])
    batches.run_batch(batch.pk)
    results = {f.name: (f.status, f.message) for f in batch.files.all()}
    assert results["lt_a.xlsx"][0] == results["khac.xlsx"][0] == "imported"
    assert results["lt_b.xlsx"][0] == "refused"
    assert "“lt_a.xlsx”" in results["lt_b.xlsx"][1] and "Không nhập số liệu nào" in results["lt_b.xlsx"][1]
    submission = Submission.objects.get(form=pl6, unit=commune, period=y2023)
    assert actions.stored_values(submission)[("PL6_I_1", "total")] == 700
