"""The data-entry table of a form: one line per row, one cell per column of
the form's disaggregations, with last period's value, the problems found and
the plan-versus-actual assessment where a row has both."""

from django.utils.translation import gettext as _

from treem.core.numbers import format_change, format_number, format_rate

from .models import DataElement
from .rollup import own_rates
from .validation import assess, explanation, shown_message, structure

GRAVITY = {"explained": 1, "warning": 2, "error": 3}  # how a cell is marked when several problems concern it


def shown_sum(element, value):
    """A sum below a cell: a rate as the results page prints it (a small one
    not as 0), a count in full."""
    if value is None:
        return ""
    return format_rate(value) if element.is_rate else format_number(value)


def entry_table(rows, stored, shown, previous, comments, problems, rolled=None, by_agencies=None, saved=None,
                typed_below=()):
    """(columns, lines) for the entry template. `stored` holds saved values,
    `shown` what the inputs show (saved or just typed), `saved` the saved
    values as the inputs write them (default: `shown`), `previous` last
    period's values, `rolled` the roll-up of the units below, `by_agencies`
    what the unit's agencies reported, all keyed by (element code, option code);
    `typed_below` the rates the units below typed without their counts.
    A rate row also shows the rate its own saved numerator and denominator
    give, as the roll-ups and the agencies' sum compute it: an agency or a
    commune sees its own rate as the level above will."""
    rolled, by_agencies = rolled or {}, by_agencies or {}
    saved = shown if saved is None else saved
    rates = own_rates(rows, stored)
    columns = []
    for row in rows:
        for o in row.options:
            if o.code not in [c["code"] for c in columns]:
                columns.append({"code": o.code, "name": o.label})
            elif o.disaggregation.code != "default":
                next(c for c in columns if c["code"] == o.code)["name"] = o.label
    # A rate's numerator and denominator are judged through the rate, as
    # the results pages judge the indicator: not as counts of their own.
    rate_parts = {code for r in rows if r.element_id and r.element.is_rate and r.element.numerator_id
                  for code in (r.element.numerator.code, r.element.denominator.code)}
    by_row = {}
    for p in problems:
        by_row.setdefault(p.row.pk, []).append(p)
    table = []
    for row in rows:
        cells = []
        options = {o.code: o for o in row.options}
        # The row's problems, each warning with the comment that explains it (its cell's or its row's).
        messages = [(p, "" if p.is_error else explanation(p, comments)) for p in by_row.get(row.pk, [])]
        # A cell takes the gravest of the problems about it: an error, a warning, a warning explained.
        cell_problems, titles = {}, {}
        # The cells whose warning still asks for a comment: each has a box for it.
        asking = {p.option for p, explained in messages if not p.is_error and not explained and p.option}
        for p, explained in messages:
            level = "explained" if explained else p.level
            for _code, option in p.cells:
                if GRAVITY[level] > GRAVITY.get(cell_problems.get(option), 0):
                    cell_problems[option] = level
                titles.setdefault(option, []).append(shown_message(p, explained))  # the input's hover text
        for c in columns:
            o = options.get(c["code"])
            if o is None or not row.element_id:
                cells.append(None)
                continue
            key = (row.element.code, o.code)
            own, below = stored.get(key), rolled.get(key)
            # The unit's own figure beside what the units below add up to.
            difference = own - below if (own is not None and below is not None and row.element.is_numeric
                                         and not row.element.is_rate and own != below) else None
            cells.append({
                "name": f"{row.element.code}:{o.code}", "value": shown.get(key, ""), "saved": saved.get(key, ""),
                "previous": format_number(previous.get(key)) if key in previous else "",
                "rolled": shown_sum(row.element, rolled.get(key)),
                "agencies": shown_sum(row.element, by_agencies.get(key)),
                "difference": format_change(difference),
                # A rate the units below type directly: their figures cannot be added up, and the cell says so.
                # Only where a unit below gave the rate: a row nobody filled is just empty.
                "not_added": bool(rolled) and below is None and row.element.code in typed_below,
                "problem": cell_problems.get(o.code, ""), "title": " ".join(titles.get(o.code, [])),
                "asks_comment": o.code in asking,
                "comment": comments.get(key, ""),
                # What a screen reader says: the row as printed, or its words where it has no number.
                "label": f"{getattr(row, 'display_ref', '') or row.label} · {o.label}",
                "own_rate": format_rate(rates[key]) if key in rates else "",
                # What the page needs to recompute it as figures are saved.
                "rate_parts": f"{row.element.numerator.code}:{o.code} {row.element.denominator.code}:{o.code} "
                              f"{row.element.factor or 100}" if row.element.is_rate else "",
                "rate_unit": row.element.rate_suffix if row.element.is_rate else "",
            })
        assessment = ""
        if (row.element_id and {"plan", "actual"} <= set(options) and row.element.is_numeric
                and row.element.code not in rate_parts):
            # A rate typed, or else as its parts give it.
            plan, actual = (stored[key] if stored.get(key) is not None else rates.get(key) for key in (
                (row.element.code, "plan"), (row.element.code, "actual")))
            assessment = {"met": _("Met"), "exceeded": _("Exceeded"), "not_met": _("Not met"), "": ""}[
                assess(plan, actual, row.element.direction)]
        table.append({
            "row": row, "label": row.label, "lead": row.lead, "cells": cells, "problems": by_row.get(row.pk, []),
            "messages": messages,
            "assessment": assessment,
            "is_text": bool(row.element_id and row.element.value_type == DataElement.ValueType.TEXT),
            "text": shown.get((row.text_element.code, "total"), "") if row.text_element_id else None,
            "text_saved": saved.get((row.text_element.code, "total"), "") if row.text_element_id else None,
            "text_name": f"{row.text_element.code}:total" if row.text_element_id else "",
        })
    return columns, table


def outline_label(row, unit, period, filled):
    """`row`'s label in `unit`'s report for `period`, as its level words it
    (FormRow.label_for); "" for a row not asked of the unit, unless it
    already holds something (`filled`): then the form's own label. The same
    on the entry page and in the Excel template."""
    return row.label_for(unit, period) or (row.label if filled else "")


def outline_wording(table, unit, period):
    """The lines as the unit's level words them (outline_label): a row
    not asked of the unit is left out, unless it already holds text."""
    shown = []
    for line in table:
        label = outline_label(line["row"], unit, period, any(c and c["value"] for c in line["cells"]))
        if label:
            shown.append({**line, "label": label})
    return shown


def row_leads(rows, leads):
    """{row pk: {(indicator number, agency)}} from the unit's plan (`leads`:
    analytics.sources.plan_leads), a rate's numerator and denominator with
    it: who answers for each row there."""
    family = structure(rows).rate_family
    found = {}
    for row in rows:
        if row.element_id:
            codes = [row.element.code] + [r.element.code for r in family.get(row.element.code, ())]
            pairs = {pair for code in codes for pair in leads.get(code, ())}
            if pairs:
                found[row.pk] = pairs
    return found


def lead_names(pairs):
    return ", ".join(sorted({a.name for _n, a in pairs}))


def mark_leads(table, rows, leads, agency=None):
    """Names in each line the agencies the unit's plan gives it to, where
    the form's own column names another province's (see row_leads); and
    marks the lines `agency` leads, with the plan's indicator numbers.
    Returns how many lines are marked."""
    by_row = row_leads(rows, leads)
    marked = 0
    for line in table:
        found = by_row.get(line["row"].pk, set())
        if found:
            line["lead"] = lead_names(found)
        numbers = sorted({n for n, a in found if a == agency}, key=lambda n: (len(n), n))
        line["led"] = ", ".join(numbers)
        marked += bool(numbers)
    return marked
