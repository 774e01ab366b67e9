"""The figures an official report prints for a unit and period, cell by cell
as the results page (treem.analytics.results) reads them: the unit's own
approved report where it gives the cell, otherwise the roll-up of the
approved reports below (rates recomputed from their summed parts, never
averaged; under the nation, each province as its own page shows it). A province whose own report holds only what its
agencies reported thus keeps the communes' figures in the other cells, and
the appendices agree with the report's indicator table. Read-only."""

from dataclasses import dataclass, field

from treem.analytics.results import communes_owing, coverage_shortfall
from treem.analytics.sums import rollup_through
from treem.core.numbers import format_number
from treem.reporting.actions import stored_values
from treem.reporting.models import Period, Submission
from treem.reporting.rollup import own_rates, rates_typed_below
from treem.reporting.validation import current_form, form_rows
from treem.units.models import Unit

from .wording import lower_first, period_phrase, previous_phrase

# Where a form's figures come from: the unit's own report, the sum of the
# reports below, or its own report completed with that sum where it is empty.
OWN, ROLLUP, MIXED = "own", "rollup", "mixed"


@dataclass
class FormFigures:
    form: object
    rows: list
    values: dict  # {(element code, option code): Decimal or str}
    source: str = ""  # OWN, ROLLUP, MIXED or "" (nothing approved)
    below: int = 0  # approved commune reports added up (0 for OWN, or for former communes)
    previous: dict = field(default_factory=dict)  # the same period one year earlier
    period: object = None  # the period the figures are of (for the mid-term review, its latest year with any)
    previous_below: int = 0  # approved commune reports added up in `previous`
    typed_below: set = field(default_factory=set)  # rates the units below typed without their counts
    leads: dict = field(default_factory=dict)  # {row pk: lead agencies} where the unit's plan names them

    def coverage_note(self):
        """A note when this period and the same one last year add up the
        reports of different numbers of communes: part of the difference
        is then the communes counted (a trial: +1.237 children, 1.234 of
        them one ward's first report). Empty otherwise."""
        if not (self.below and self.previous_below) or self.below == self.previous_below:
            return ""
        return (f"Số liệu {previous_phrase(self.period)} tổng hợp từ báo cáo của {self.previous_below} đơn vị cấp "
                f"xã, {period_phrase(self.period)} của {self.below} đơn vị: mức tăng, giảm có phần do số đơn vị "
                f"báo cáo khác nhau.")


def shortfall_note(unit, reported, expected, what):
    """The warning the results page gives, for the official files: too few
    communes reported for the added-up figures to be `unit`'s (a ministry's
    2024 report once gave 108 communes' children as the country's). `what`
    names the reports counted ("báo cáo Phụ lục 7 năm 2024"). Empty when
    enough did."""
    share = coverage_shortfall(unit, reported, expected)
    if share is None:
        return ""
    return (f"Số liệu tổng hợp từ cấp dưới mới gồm {what} đã được phê duyệt của {format_number(reported)}/"
            f"{format_number(expected)} xã ({share}%), chưa phải số liệu của {_whole(unit)}.")


def _whole(unit):
    return "cả nước" if unit.level == Unit.Level.NATION else lower_first(unit.name)


def sheet_shortfall_note(f, unit):
    """shortfall_note for the figures of one appendix, added up from `f.below` commune reports."""
    if f.source not in (ROLLUP, MIXED) or f.period is None:
        return ""
    return shortfall_note(unit, f.below, communes_owing(unit, f.period.end),
                          f"báo cáo {f.form.name} {period_phrase(f.period)}")


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


def _empty(value):
    return value is None or value == ""


def fill_empty(own, below):
    """The unit's own values with each cell it leaves empty taken from the
    roll-up `below`, as the results page falls back one cell at a time.
    Returns (values, how many cells came from below)."""
    values = dict(own)
    filled = 0
    for key, value in below.items():
        if value is not None and _empty(values.get(key)):
            values[key] = value
            filled += 1
    return values, filled


def _below(form, period, unit):
    """(roll-up of the approved reports below `unit`, how many commune reports)."""
    if unit.level == Unit.Level.COMMUNE:
        return {}, 0
    # As the results page adds up: a province's (a district's) own report
    # counts for the nation (the old province) where it gives the cell; a
    # 2025 unit asked for a period before the reform gets its former
    # communes' reports through the succession links.
    values = rollup_through(form, period, unit)
    if not values:
        return {}, 0
    count = Submission.objects.filter(form=form, period=period, status=Submission.Status.APPROVED,
                                      unit__path__startswith=unit.path, unit__level=Unit.Level.COMMUNE).count()
    return values, count


def reports_between(form, period, unit):
    """How many approved own reports of units between `unit` and its
    communes (the provinces and districts under the nation, the districts of
    a province of the old structure) the roll-up reads: each counts in place
    of its communes' figures where it gives the cell."""
    if period is None or unit.level == Unit.Level.COMMUNE:
        return 0
    return Submission.objects.filter(
        form__code=form.code, period=period, status=Submission.Status.APPROVED, agency=None,
        unit__path__startswith=unit.path).exclude(unit=unit).exclude(unit__level=Unit.Level.COMMUNE).count()


def unit_values(form, period, unit, rows=None):
    """(values, source, approved commune reports added up) of `form` for
    `unit` in `period`; source is OWN, ROLLUP, MIXED or ""."""
    rows = rows if rows is not None else form_rows(form)
    if period is None:
        return {}, "", 0
    own = Submission.objects.filter(form=form, unit=unit, period=period, agency=None,
                                    status=Submission.Status.APPROVED).first()
    below, count = _below(form, period, unit)
    if own is None:
        return (below, ROLLUP, count) if below else ({}, "", 0)
    own_values = _recompute_rates(rows, stored_values(own))
    values, filled = fill_empty(own_values, below)
    # A rate the own report gives only one part of follows the parts as
    # printed: its own part, the other summed below (as the results page).
    values.update({key: rate for key, rate in own_rates(rows, values).items() if _empty(own_values.get(key))})
    if not filled:
        return values, OWN, 0
    if all(_empty(v) for v in own_values.values()):
        return values, ROLLUP, count  # an approved report left all empty gives nothing of its own
    return values, MIXED, count


def _latest_year_within(form, period, unit, rows):
    """For a one-off period (the mid-term review 2021–2025): the figures of
    the latest year within it that has any, and that year's period; the
    review's own period when none has (a unit that ceased in 2025 has no
    2025, so its review prints 2024)."""
    years = [str(y) for y in range(period.end.year, period.start.year - 1, -1)]
    annuals = {p.code: p for p in Period.objects.filter(code__in=years, type=Period.Type.ANNUAL)}
    for annual in (annuals[y] for y in years if y in annuals):
        values, source, below = unit_values(form, annual, unit, rows)
        if source:
            return (values, source, below), annual
    return ({}, "", 0), period


def form_figures(code, period, unit, with_previous=True):
    """The figures of one form (by code) for a unit and period, or None when
    the form is not loaded. A one-off period's are those of its latest year
    with figures (FormFigures.period says which)."""
    form = current_form(code)
    if form is None:
        return None
    rows = form_rows(form)
    if period is not None and period.type == Period.Type.ONE_OFF:
        (values, source, below), period = _latest_year_within(form, period, unit, rows)
    else:
        values, source, below = unit_values(form, period, unit, rows)
    previous, previous_below = {}, 0
    if with_previous:
        previous, _source, previous_below = unit_values(form, same_period_last_year(period), unit, rows)
    typed_below = rates_typed_below([r.element for r in rows if r.element_id], period, unit) if source in (
        ROLLUP, MIXED) else set()
    return FormFigures(form, rows, values, source, below, previous, period, previous_below, typed_below)
