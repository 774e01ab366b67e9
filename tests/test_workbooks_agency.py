"""An agency's report in Excel: Sở Y tế downloads the template of its own
report to the province from its entry page, fills it offline and uploads it
(alone or in a bulk upload); it lands in the agency's submission, never in
the province's own report, and only those who may report for the agency
may send it."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from treem.agencies.models import Agency
from treem.core.models import AuditEntry
from treem.reporting import actions
from treem.reporting.models import DataValue, Period, Submission
from treem.workbooks.models import WorkbookBatch
from treem.workbooks.read_workbook import import_workbook
from treem.workbooks.template_workbook import FORMAT, IDENTITY_SHEET, input_cell_refs, template_for

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401
from .workbook_helpers import VALUES, fill, inline_tasks, post_file, refused  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _url(name, form, period, agency):
    return reverse(name, args=[form.code, period.code, agency.unit_id, agency.pk])


def template_url(form, period, agency):
    return _url("workbooks:agency_template", form, period, agency)


def upload_url(form, period, agency):
    return _url("workbooks:agency_upload", form, period, agency)


def entry_url(form, period, agency):
    return _url("reporting:agency_entry", form, period, agency)


def unit_upload_url(form, period, unit_):
    return reverse("workbooks:upload", args=[form.code, period.code, unit_.pk])


def _with_identity(data, **changes):
    """The workbook with lines of its identity sheet changed (None: removed)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    identity = wb[IDENTITY_SHEET]
    for key, value in changes.items():
        row = next(c.row for c in identity["A"] if c.value == key)
        if value is None:
            identity.delete_rows(row)
        else:
            identity.cell(row, 2).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _values(submission):
    return {(v.element.code, v.option.code): v.value
            for v in DataValue.objects.filter(submission=submission).select_related("element", "option")}


def test_an_agency_fills_its_template_and_it_lands_in_its_own_report(client, health_reporter, coordinator, health,
                                                                     pl6, y2023):
    bac_kan = health.unit
    # Last year: the agency reported 500 children, the province itself 9000.
    y2022 = Period.objects.get(code="2022")
    before = actions.open_submission(health_reporter, pl6, bac_kan, y2022, health)
    actions.save_values(health_reporter, before, {("PL6_I_1", "total"): "500"})
    own = actions.open_submission(coordinator, pl6, bac_kan, y2022)
    actions.save_values(coordinator, own, {("PL6_I_1", "total"): "9.000"})

    client_for(client, health_reporter)
    page = client.get(entry_url(pl6, y2023, health)).content.decode()
    assert template_url(pl6, y2023, health) in page and upload_url(pl6, y2023, health) in page
    response = client.get(template_url(pl6, y2023, health))
    assert response.status_code == 200
    assert f"PL6_2023_{bac_kan.code}_so-y-te.xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    identity = {r[0]: r[1] for r in wb[IDENTITY_SHEET].iter_rows(values_only=True)}
    assert identity["format"] == FORMAT and identity["agency_id"] == str(health.pk)
    assert identity["unit_id"] == str(bac_kan.pk) and identity["agency_name"] == "Sở Y tế"
    ws = wb["PL6"]
    assert "Sở Y tế" in ws["B1"].value and bac_kan.name in ws["B1"].value
    # Beside each cell, the agency's own figure of last year, not the province's.
    total = ws[input_cell_refs(pl6, y2023)[("PL6_I_1", "total")]]
    assert ws.cell(total.row, total.column + 1).value == 500

    response = post_file(client, upload_url(pl6, y2023, health), fill(response.content, pl6, y2023, VALUES))
    assert response.status_code == 302 and response["Location"] == entry_url(pl6, y2023, health)
    submission = Submission.objects.get(form=pl6, unit=bac_kan, period=y2023, agency=health)
    assert submission.status == "draft"
    values = _values(submission)
    assert values[("PL6_I_1", "total")] == Decimal("1234") and values[("PL6_II_4_4", "total")] == 3
    assert DataValue.objects.filter(submission=submission, agency=health).count() == len(values)
    assert not Submission.objects.filter(form=pl6, unit=bac_kan, period=y2023, agency=None).exists()
    entry = AuditEntry.objects.get(action="workbooks.imported", object_id=str(submission.pk))
    assert entry.user == health_reporter and entry.detail["agency"] == "Sở Y tế"

    # Downloaded again, the template holds what was saved; submitted with the upload.
    again = client.get(template_url(pl6, y2023, health)).content
    ws = openpyxl.load_workbook(io.BytesIO(again))["PL6"]
    assert ws[input_cell_refs(pl6, y2023)[("PL6_I_1", "total")]].value == 1234
    response = post_file(client, upload_url(pl6, y2023, health), again, submit="1")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.submitted_by == health_reporter


def test_a_units_template_is_refused_on_an_agencys_page_and_the_other_way(client, coordinator, health, justice,
                                                                          pl6, y2023):
    bac_kan = health.unit
    client_for(client, coordinator)  # may report for the province and type in its agencies' reports
    units_own = fill(template_for(pl6, bac_kan, y2023), pl6, y2023, VALUES)
    healths = fill(client.get(template_url(pl6, y2023, health)).content, pl6, y2023, VALUES)

    response = post_file(client, upload_url(pl6, y2023, health), units_own)
    page = response.content.decode()
    assert response.status_code == 400 and "Sở Y tế" in page
    error = refused("wrong_target", import_workbook, coordinator, units_own, expected=(pl6, bac_kan, y2023, health))
    assert "Sở Y tế" in error.message and bac_kan.name in error.message

    response = post_file(client, unit_upload_url(pl6, y2023, bac_kan), healths)
    assert response.status_code == 400 and "Sở Y tế" in response.content.decode()
    refused("wrong_target", import_workbook, coordinator, healths, expected=(pl6, bac_kan, y2023))
    # Nor on another agency's page.
    error = refused("wrong_target", import_workbook, coordinator, healths, expected=(pl6, bac_kan, y2023, justice))
    assert "Sở Y tế" in error.message and "Sở Tư pháp" in error.message
    assert not Submission.objects.filter(form=pl6, unit=bac_kan, period=y2023).exists()

    # An agency's template names an agency of its own unit, or it is not Treem's.
    elsewhere = Agency.objects.exclude(unit=bac_kan).first()
    refused("unknown", import_workbook, coordinator, _with_identity(healths, agency_id=str(elsewhere.pk)))


def test_only_who_may_report_for_the_agency_downloads_and_uploads(client, health_reporter, justice, health, outsider,
                                                                 commune_officer, coordinator, pl6, y2023):
    healths = fill(template_for(pl6, health.unit, y2023, health), pl6, y2023, VALUES)
    justices = fill(template_for(pl6, justice.unit, y2023, justice), pl6, y2023, VALUES)
    for who in (outsider, commune_officer):
        client_for(client, who)
        assert client.get(template_url(pl6, y2023, health)).status_code == 404
        assert client.get(upload_url(pl6, y2023, health)).status_code == 404
        assert post_file(client, upload_url(pl6, y2023, health), healths).status_code == 404
        error = refused("not_allowed", import_workbook, who, healths)
        assert "Sở Y tế" in error.message
    # Sở Y tế's reporter sees Sở Tư pháp's page but may not report for it.
    client_for(client, health_reporter)
    assert client.get(upload_url(pl6, y2023, justice)).status_code == 404
    assert post_file(client, upload_url(pl6, y2023, justice), justices).status_code == 404
    refused("not_allowed", import_workbook, health_reporter, justices)
    # Nor for the province's own report with its template.
    refused("not_allowed", import_workbook, health_reporter, fill(template_for(pl6, health.unit, y2023), pl6, y2023,
                                                                  VALUES))
    # An agency of another unit in the address is not found.
    other = Agency.objects.exclude(unit=health.unit).first()
    assert client.get(reverse("workbooks:agency_template", args=[pl6.code, y2023.code, health.unit_id,
                                                                 other.pk])).status_code == 404
    assert not DataValue.objects.exists()
    # The province's coordinator may type in a report sent on paper.
    assert import_workbook(coordinator, justices).submission.agency == justice


def test_a_bulk_upload_takes_agencies_templates_too(client, health_reporter, coordinator, health, justice, pl6,
                                                    y2023):
    bac_kan = health.unit
    files = {"so-y-te.xlsx": fill(template_for(pl6, bac_kan, y2023, health), pl6, y2023, VALUES),
             "so-tu-phap.xlsx": fill(template_for(pl6, bac_kan, y2023, justice), pl6, y2023, VALUES)}

    def upload(name):
        f = io.BytesIO(files[name])
        f.name = name
        return f

    # The agency's reporter: its own file is imported, the other agency's refused.
    client_for(client, health_reporter)
    assert client.get(reverse("workbooks:batch_new")).status_code == 200
    response = client.post(reverse("workbooks:batch_new"), {"files": [upload(n) for n in files]})
    assert response.status_code == 302
    results = {f.name: f for f in WorkbookBatch.objects.get(created_by=health_reporter).files.all()}
    assert results["so-y-te.xlsx"].status == "imported" and "Sở Y tế" in results["so-y-te.xlsx"].message
    assert results["so-y-te.xlsx"].submission.agency == health
    assert results["so-tu-phap.xlsx"].status == "refused" and "Sở Tư pháp" in results["so-tu-phap.xlsx"].message
    # The coordinator sends both: each lands in its agency's report.
    client_for(client, coordinator)
    client.post(reverse("workbooks:batch_new"), {"files": [upload(n) for n in files]})
    results = {f.name: f for f in WorkbookBatch.objects.get(created_by=coordinator).files.all()}
    assert {n: f.status for n, f in results.items()} == {"so-y-te.xlsx": "imported", "so-tu-phap.xlsx": "imported"}
    assert results["so-tu-phap.xlsx"].submission.agency == justice
    assert _values(results["so-tu-phap.xlsx"].submission)[("PL6_I_1", "total")] == Decimal("1234")
    assert not Submission.objects.filter(form=pl6, unit=bac_kan, period=y2023, agency=None).exists()


def test_a_template_made_before_agencies_reported_is_the_units_own(coordinator, health, pl6, y2023):
    bac_kan = health.unit
    old = _with_identity(fill(template_for(pl6, bac_kan, y2023), pl6, y2023, VALUES), agency_name=None,
                         agency_id=None, format="treem-workbook/2")
    refused("wrong_target", import_workbook, coordinator, old, expected=(pl6, bac_kan, y2023, health))
    result = import_workbook(coordinator, old, expected=(pl6, bac_kan, y2023))
    assert result.submission.agency is None and result.submission.unit == bac_kan
    # Even one naming an agency: that format did not know agencies.
    older = _with_identity(fill(template_for(pl6, bac_kan, y2023, health), pl6, y2023, VALUES),
                           format="treem-workbook/2")
    assert import_workbook(coordinator, older, expected=(pl6, bac_kan, y2023)).submission.agency is None
    # A current template says whose report it is: the unit's own (empty) or an agency's.
    refused("unknown", import_workbook, coordinator, _with_identity(template_for(pl6, bac_kan, y2023, health),
                                                                    agency_id=None))
