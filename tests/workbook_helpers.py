"""Shared by tests/test_workbooks*.py: what an officer types, the communes
they report for, and filling, uploading and reading back real .xlsx files."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from treem.reporting.models import DataValue
from treem.workbooks.read_workbook import WorkbookError
from treem.workbooks.template_workbook import input_cell_refs, template_for

# What a commune officer types: Vietnamese text and plain Excel numbers mixed.
VALUES = {
    ("PL6_I_1", "total"): "1.234", ("PL6_I_1", "male"): 600, ("PL6_I_1", "female"): 634,
    ("PL6_I_1r", "total"): "24,5",
    ("PL6_II", "total"): 12,
    ("PL6_II_1", "total"): 3, ("PL6_II_1", "male"): 1, ("PL6_II_1", "female"): 2,
    ("PL6_II_1_3", "total"): 2,
    ("PL6_II_4", "total"): 5, ("PL6_II_4_4_1", "total"): 2, ("PL6_II_4_4_2", "total"): 1,
}
# The same figures as typed on the web page.
WEB_VALUES = {key: str(v) for key, v in VALUES.items()}


@pytest.fixture(autouse=True)
def inline_tasks(settings):
    settings.TREEM_TASKS_INLINE = True


@pytest.fixture
def commune(commune_officer):
    return commune_officer.unit


@pytest.fixture
def sibling(commune):
    """Another commune of the same district."""
    return commune.parent.children.exclude(pk=commune.pk).order_by("code").first()


def fill(data, form, period, values):
    """Type `values` into a template as a user does in Excel."""
    refs = input_cell_refs(form, period)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[form.code]
    for key, value in values.items():
        ws[refs[key]] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled(form, unit_, period, values=VALUES):
    return fill(template_for(form, unit_, period), form, period, values)


def upload_url(form, period, unit_):
    return reverse("workbooks:upload", args=[form.code, period.code, unit_.pk])


def template_url(form, period, unit_):
    return reverse("workbooks:template", args=[form.code, period.code, unit_.pk])


def entry_url(form, period, unit_):
    return reverse("reporting:entry", args=[form.code, period.code, unit_.pk])


def post_file(client, url, data, name="bao-cao.xlsx", **extra):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"workbook": upload, **extra})


def saved(unit_, period, form):
    return {(v.element.code, v.option.code): v.value for v in
            DataValue.objects.filter(unit=unit_, period=period, element__rows__form=form)
            .select_related("element", "option")}


def refused(code, fn, *args, **kwargs):
    with pytest.raises(WorkbookError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def make_zip(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return out.getvalue()
