"""One .zip with the templates of every unit below a province or district
that owes a form for a period, for a coordinator to send out: the units the
reporting calendar expects, else the units one level below; only those the
user may see. The sheet is laid out once (TemplateBuilder) and the saved
values of all the units are read in two queries, so a province of 200
communes takes seconds."""

import io
import re
import zipfile

from django.db.models import Count

from treem.accounts.access import unit_scope
from treem.core.search import fold
from treem.reporting import actions
from treem.reporting.calendar import asks_for, expected_units
from treem.reporting.models import DataElement, DataValue, Schedule
from treem.units.models import Unit, existing_on

from .template_workbook import TemplateBuilder, last_changes, template_filename

TEXT = DataElement.ValueType.TEXT


def levels_below(user, unit, period):
    """{level: how many units} below `unit` that existed at the period's end
    and `user` may see, top level first: a province of the 63 had districts
    and communes, and a coordinator sending a form its calendar does not ask
    for chooses which."""
    found = dict(Unit.objects.filter(unit_scope(user, field=""), existing_on(period.end),
                                     path__startswith=unit.path).exclude(pk=unit.pk).values(
        "level").annotate(n=Count("pk")).values_list("level", "n"))
    return {level: found[level] for level in Unit.Level.values if level in found}


def units_below(user, form, unit, period, level=None):
    """The units below `unit` that owe `form` for `period`, in code order:
    those the calendars of `unit`'s plans expect, or, when no line asks for
    the period, the units one level below that existed at the period's end.
    With `level` ("commune"…), every unit of that level below `unit` then.
    Only units `user` may see."""
    found = {}
    if level is None:
        lines = Schedule.objects.filter(plan__unit=unit, form__code=form.code, period_type=period.type).exclude(
            reporters=Schedule.Reporters.AGENCIES).select_related("plan__unit")
        for line in lines:
            if asks_for(line, period):
                found.update((u.pk, u) for u in expected_units(line, period))
        if not found:
            found = {u.pk: u for u in unit.children.filter(existing_on(period.end))}
    else:
        found = {u.pk: u for u in Unit.objects.filter(existing_on(period.end), path__startswith=unit.path,
                                                      level=level).exclude(pk=unit.pk)}
    visible = set(Unit.objects.filter(unit_scope(user, field=""), pk__in=list(found)).values_list("pk", flat=True))
    return sorted((u for pk, u in found.items() if pk in visible), key=lambda u: u.code)


def zip_member_name(form, period, unit):
    """"PL6_2023_12345_xa-dong-ha.xlsx": the unit's code and its name without
    accents, safe in any file system and in any unzip tool."""
    name = re.sub(r"[^a-z0-9]+", "-", fold(unit.name)).strip("-")[:60]
    return template_filename(form, period, unit)[:-len(".xlsx")] + (f"_{name}" if name else "") + ".xlsx"


def zip_filename(form, period, unit):
    return zip_member_name(form, period, unit)[:-len(".xlsx")] + "_templates.zip"


def _saved(form, period, units):
    """({unit id: values}, {unit id: comments}, {unit id: last period's
    values}) of all `units` at once, as template_for reads them one by one."""
    ids = [u.pk for u in units]
    stored, comments, previous = {}, {}, {}
    rows = DataValue.objects.filter(submission__form=form, submission__period=period, submission__agency=None,
                                    submission__unit_id__in=ids).values_list(
        "submission__unit_id", "element__code", "option__code", "element__value_type", "value", "text", "comment")
    for unit_id, element, option, value_type, value, text, comment in rows:
        stored.setdefault(unit_id, {})[(element, option)] = text if value_type == TEXT else value
        if comment:
            comments.setdefault(unit_id, {})[(element, option)] = comment
    before = actions.previous_period(period)
    if before is not None:
        codes = form.rows.filter(element__isnull=False).values_list("element__code", flat=True)
        rows = DataValue.objects.filter(unit_id__in=ids, period=before, agency=None, element__code__in=codes,
                                        value__isnull=False).values_list("unit_id", "element__code", "option__code",
                                                                         "value")
        for unit_id, element, option, value in rows:
            previous.setdefault(unit_id, {})[(element, option)] = value
    return stored, comments, previous


def templates_zip(form, period, units):
    """The .zip (bytes) holding the prefilled template of each of `units`."""
    builder = TemplateBuilder(form, period)
    stored, comments, previous = _saved(form, period, units)
    upto = last_changes(form, period, [u.pk for u in units])
    out = io.BytesIO()
    # The workbooks are compressed already: stored as they are.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for unit in units:
            data = builder.render(unit, stored.get(unit.pk), previous.get(unit.pk), comments.get(unit.pk),
                                  changes_upto=upto.get(unit.pk, 0))
            archive.writestr(zip_member_name(form, period, unit), data)
    return out.getvalue()
