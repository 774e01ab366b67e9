"""The figures an official report prints for a unit and period: the unit's own
approved report where it reported the form itself, otherwise the roll-up of
the approved reports of the communes below (rates recomputed from their
parts, never averaged). Read-only."""

from dataclasses import dataclass, field

from treem.reporting.actions import stored_values
from treem.reporting.models import Form, Period, Submission
from treem.reporting.rollup import own_rates, rollup_form_for
from treem.reporting.validation import form_rows
from treem.units.models import Unit

OWN, ROLLUP = "own", "rollup"


@dataclass
class FormFigures:
    form: object
    rows: list
    values: dict  # {(element code, option code): Decimal or str}
    source: str = ""  # OWN, ROLLUP or "" (nothing approved)
    reports: int = 0  # approved reports behind the figures
    previous: dict = field(default_factory=dict)  # the same period one year earlier


def current_form(code):
    return Form.objects.filter(code=code, is_active=True).order_by("-version").first()


def same_period_last_year(period):
    """2023 -> 2022, 2023H1 -> 2022H1 (the "cùng kỳ năm trước"); None for a one-off period."""
    code = period.code
    if not code[:4].isdigit() or code.endswith("MTR"):
        return None
    return Period.objects.filter(code=f"{int(code[:4]) - 1}{code[4:]}").first()


def _recompute_rates(rows, values):
    """A unit's own rates follow from its own numerator and denominator where
    it gave both, so an own report and a roll-up read the same way."""
    values.update(own_rates(rows, values))
    return values


def unit_values(form, period, unit, rows=None):
    """(values, source, number of approved reports) of `form` for `unit` in `period`."""
    rows = rows if rows is not None else form_rows(form)
    if period is None:
        return {}, "", 0
    own = Submission.objects.filter(form=form, unit=unit, period=period, agency=None,
                                    status=Submission.Status.APPROVED).first()
    if own is not None:
        return _recompute_rates(rows, stored_values(own)), OWN, 1
    if unit.level == Unit.Level.COMMUNE:
        return {}, "", 0
    # A 2025 unit asked for a period before the reform gets its former
    # communes' reports through the succession links.
    values, _split = rollup_form_for(form, period, unit)
    if not values:
        return {}, "", 0
    count = Submission.objects.filter(form=form, period=period, status=Submission.Status.APPROVED,
                                      unit__path__startswith=unit.path, unit__level=Unit.Level.COMMUNE).count()
    return values, ROLLUP, count


def form_figures(code, period, unit, with_previous=True):
    """The figures of one form (by code) for a unit and period, or None when
    the form is not loaded."""
    form = current_form(code)
    if form is None:
        return None
    rows = form_rows(form)
    values, source, count = unit_values(form, period, unit, rows)
    previous = {}
    if with_previous:
        previous = unit_values(form, same_period_last_year(period), unit, rows)[0]
    return FormFigures(form, rows, values, source, count, previous)
