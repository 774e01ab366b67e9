"""Every indicator of a plan judged for a unit and a year.

The public entry point is `indicator_results(plan, unit, year)`; the official
report (treem.reports) and the dashboards both call it, so its signature and
the fields of `SubIndicatorResult` stay stable.

Where an actual comes from:

* **reported**: the sub-indicator (or the national sub-indicator it carries
  out) is mapped to a data element in `IndicatorSource` (loaded from
  data/indicator_sources.json). The unit's own approved report is used when it
  has one; otherwise the roll-up of the approved reports below it, rates
  recomputed from the summed numerator and denominator, never averaged. The
  roll-up adds up each unit right below as its own results page shows it: a
  province (under the nation) or a district (under a province of the old
  structure) gives its own approved report where it has the cell, and its
  communes' sum where it has not; each commune gives its report.
  A percentage or per-mille typed directly (no numerator/denominator) cannot
  be added up: only the unit's own report gives it.
* **entered**: where no data element defines the sub-indicator, or no
  approved report gives it for the unit and year, the value entered by hand
  (`IndicatorValue`) is used; it may say "not collected". A reported value
  always takes precedence over an entered one.

The year's target is the plan's target for that year; failing one, the
year's plan reported in the same form ("Kế hoạch năm", Appendix 7); failing
that, there is no target for the year (judgement "no_target") and the
trajectory toward 2025/2030 tells where the indicator stands.
"""

import decimal
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Sum

from treem.core import versions
from treem.core.numbers import format_number
from treem.plans.models import Direction, MeasureUnit, Scope, SubIndicator
from treem.plans.summary import format_baseline, format_target
from treem.reporting.models import DataElement, DataValue, DisaggregationOption, Form, FormRow, Period, Submission
from treem.reporting.rollup import REFORM_DATE, added_element_ids, rollup_form_for, summable, with_rates
from treem.reporting.validation import structure_version
from treem.units.models import Unit

from . import judging
from .judging import NO_DATA, NO_TARGET, NOT_COLLECTED
from .models import IndicatorSource, IndicatorValue
from .trajectory import UNKNOWN, Projection, trajectory

REPORTED, ENTERED = "reported", "entered"
# Where a reported figure comes from: the unit's own report, the sum of the
# reports below, or (a rate) the own report's part completed with the other
# part summed below.
OWN, ROLLUP, MIXED = "own", "rollup", "mixed"
MID_YEARS = (2025, 2026)  # the mid-term milestone: 2025, or 2026 in plans issued in 2025
END_YEAR = 2030
CACHE_SECONDS = 24 * 3600
_FROM_SQLITE = decimal.Context(prec=15).create_decimal_from_float
_DATA_VERSION_KEY = "analytics:reported-data-version"


@dataclass(frozen=True)
class TargetInfo:
    year: int
    comparator: str  # "", "<", "<=", "=", ">=", ">", "range"
    value: Decimal
    value_max: Decimal | None
    scope: str
    text: str  # as Treem prints it: "< 5‰", "2%–3%"
    source: str = "plan"  # "plan": the plan's target; "annual_plan": the year's plan reported in the form


@dataclass
class SubIndicatorResult:
    """One line of the results table: a sub-indicator (and, where its targets
    differ for rural and urban areas, one scope) for a unit and a year."""

    indicator: object  # plans.Indicator
    sub_indicator: object  # plans.SubIndicator
    scope: str  # "", "rural", "urban"
    year: int
    indicator_number: str
    indicator_name: str
    objective: object  # plans.Objective or None
    lead_agency: object  # agencies.Agency or None
    lead_name: str  # the agency's name, or the lead as the plan writes it
    name: str  # the sub-indicator's name, with its scope
    measure_unit: str  # MeasureUnit code
    unit_suffix: str  # "%", "‰", "/100.000"
    direction: str  # Direction code
    baseline_value: Decimal | None
    baseline_year: int | None
    baseline_text: str
    target: TargetInfo | None  # the target for `year`
    target_2025: TargetInfo | None
    target_2030: TargetInfo | None
    actual: Decimal | None
    actual_source: str  # REPORTED, ENTERED or ""
    actual_from: str = ""  # for REPORTED: OWN (the unit's own report), ROLLUP (the units below) or MIXED
    not_collected: bool = False
    note: str = ""
    judgement: str = NO_DATA  # judging.MET, NOT_MET, EXCEEDED, NOT_COLLECTED, NO_DATA, NO_TARGET
    progress_2025: Decimal | None = None  # 0–100 %, from the baseline toward the target
    progress_2030: Decimal | None = None
    trajectory_2025: Projection = field(default_factory=lambda: Projection(UNKNOWN))
    trajectory_2030: Projection = field(default_factory=lambda: Projection(UNKNOWN))
    previous: Decimal | None = None  # the same period last year
    change: Decimal | None = None  # actual − previous, each rounded to two decimals as shown
    series: dict = field(default_factory=dict)  # {year: actual} up to `year`
    source: IndicatorSource | None = None
    entered: IndicatorValue | None = None
    unit: object = None  # set by unit_comparison: the unit below
    rank: int | None = None  # set by unit_comparison: 1 = best

    @property
    def trajectory(self):
        """The trajectory status toward 2030 (on_track, at_risk, off_track, unknown)."""
        return self.trajectory_2030.status

    @property
    def is_entered_by_hand(self):
        return self.source is None


def _target_info(target, suffix, source="plan"):
    return TargetInfo(target.year, target.comparator, target.value, target.value_max, target.scope,
                      format_target(target, suffix), source)


def _national_key(sub, plan_is_national):
    """(national indicator number, sub-indicator number from 1) of the
    national sub-indicator `sub` carries out, or None."""
    national = sub if plan_is_national else sub.national_sub_indicator
    if national is None:
        return None
    return (national.indicator.number, national.order + 1)


def _scopes(sub):
    return sorted({t.scope for t in sub.targets.all()}) or [""]


class _Values:
    """Approved values of the mapped elements for one unit and several years:
    `own` the unit's own reports {year: {(element id, option code): value}},
    `rolled` the roll-up of the reports below (see _below_sums) {year:
    {(element code, option code): value}}, `entered` the values typed by
    hand {(sub id, year, scope): IndicatorValue}."""

    def __init__(self, elements, own, rolled, entered):
        self.elements, self.own, self.rolled, self.entered = elements, own, rolled, entered

    def element_value(self, element, option, year):
        """(value, OWN, ROLLUP or MIXED) of an element for the year, or (None, "")."""
        own, rolled = self.own.get(year, {}), self.rolled.get(year, {})
        if element.is_rate:
            num, den = own.get((element.numerator_id, option)), own.get((element.denominator_id, option))
            if num is not None and den:
                return num * (element.factor or 100) / den, OWN
        if (element.pk, option) in own:
            return own[(element.pk, option)], OWN
        if element.is_rate and (num is not None or den is not None):
            # One part in the unit's own report, the other only below: the
            # rate of the parts as the appendices print them, cell by cell.
            num = num if num is not None else rolled.get((element.numerator.code, option))
            den = den if den is not None else rolled.get((element.denominator.code, option))
            if num is not None and den:
                return num * (element.factor or 100) / den, MIXED
        if element.is_rate or summable(element):
            value = rolled.get((element.code, option))
            if value is not None:
                return value, ROLLUP
        return None, ""

    def reported(self, source, sub, year, option=None):
        element = self.elements.get(source.element_code)
        if element is None:
            return None, ""
        option = option or source.option_code
        if source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION:
            now, origin = self.element_value(element, option, year)
            before, _ = self.element_value(element, option, year - 1)
            if now is None or not before:
                return None, ""
            return (before - now) / before * 100, origin
        value, origin = self.element_value(element, option, year)
        if value is not None and element.is_rate and element.factor and sub.factor and element.factor != sub.factor:
            # Appendix 7 counts injuries per 1.000 children; the plan per 100.000.
            value = value * sub.factor / element.factor
        return value, origin


def _elements(sources):
    codes = {s.element_code for s in sources}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes).select_related(
        "numerator", "denominator")} if codes else {}
    parts = {e.pk for e in elements.values()} | {
        i for e in elements.values() if e.is_rate for i in (e.numerator_id, e.denominator_id)}
    return elements, parts


def _with_parts(elements):
    """The elements and the parts of their rates: a roll-up then gives the
    summed parts too (see _Values.element_value)."""
    out = {e.pk: e for e in elements}
    out.update({p.pk: p for e in elements if e.is_rate for p in (e.numerator, e.denominator)})
    return list(out.values())


def _annual_periods(years):
    return {int(p.code): p for p in Period.objects.filter(type=Period.Type.ANNUAL, code__in=[str(y) for y in years])}


def _approved(**filters):
    """Approved values of the units' own reports (an agency's report is part
    of what its unit's coordinator consolidates, never a unit's figure)."""
    return DataValue.objects.filter(submission__status=Submission.Status.APPROVED, value__isnull=False,
                                    agency__isnull=True, **filters)


def _load_values(unit, years, sources, subs):
    """One query for the unit's own reports, one to four for the roll-up
    of the reports below it over all the years (see _below_sums; rates
    recomputed from summed parts, as `rollup_form` does; cached until the
    approved data changes), one for the values entered by hand."""
    elements, parts = _elements(sources)
    periods = _annual_periods(years)
    own, rolled = {}, {}
    forms = _forms_asking(parts) if parts and periods else []
    if forms:
        for period_id, sums in _own_sums(unit, list(periods.values()), forms, parts).items():
            own[_year(periods, period_id)] = sums
        rolled = _rolled(unit, periods, elements, forms)
    entered = {(v.sub_indicator_id, v.year, v.scope): v for v in IndicatorValue.objects.filter(
        sub_indicator__in=subs, unit=unit, year__in=list(years))}
    return _Values(elements, own, rolled, entered)


def _year(periods, period_id):
    return next(y for y, p in periods.items() if p.pk == period_id)


# The unit's own approved report (not its agencies' reports: those its
# coordinator consolidates into it, as treem.reports reads it), and the
# sums of the approved reports of the communes below it. Both are read
# through the approved submissions and then their values, so that the
# database reads the province's reports and no more, not every commune's
# values of an element across the country. On SQLite, CROSS JOIN keeps that
# order and a unary + keeps it from looking the values up by any index but
# their submission's ({plus} is "+" there); PostgreSQL plans it well from
# its statistics. The value's own unit, period and agency are checked too,
# so the rows are those `treem.reporting.rollup` adds. Grouped by option id
# (named in Python), not by a join per value. Only the reports of forms
# that ask for these elements are read (any version of the form: the
# roll-up adds an element's values whatever report gave them).
OWN_SQL = """
SELECT s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE s.unit_id = %s AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = s.unit_id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY s.period_id, dv.element_id, dv.option_id
"""
BELOW_SQL = """
SELECT s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.level = %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY s.period_id, dv.element_id, dv.option_id
"""
# The own approved reports of the units between a unit and its communes
# (the provinces and districts under the nation, the districts under a
# province of the old structure), unit by unit: a few hundred reports at
# most, read in the same order as above.
BETWEEN_OWN_SQL = """
SELECT u.id, s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.id <> %s AND u.level <> %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY u.id, s.period_id, dv.element_id, dv.option_id
"""
# The communes' sums as BELOW_SQL reads them, apart for each commune's
# parent (its district, or its province in the 2025 structure): as fast as
# BELOW_SQL on both databases (a CASE naming the units, or a join to the
# parent, was not), some 80.000 rows for the nation.
BY_PARENT_SQL = """
SELECT u.parent_id, s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.level = %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY u.parent_id, s.period_id, dv.element_id, dv.option_id
"""
# What changes whenever the set of approved reports below a unit changes
# (the communes', and the own reports of the units between, see above):
# approving, returning or reopening a report saves it (a new updated_at).
FINGERPRINT_SQL = """
SELECT s.period_id, COUNT(*), MAX(s.updated_at)
FROM units_unit u
CROSS JOIN reporting_submission s
WHERE u.path LIKE %s AND (u.level = %s OR u.id <> %s)
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
GROUP BY s.period_id
"""


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def _query(sql, params, **lists):
    plus = "+" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(plus=plus, **{k: _placeholders(v) for k, v in lists.items()}), params)
        return cursor.fetchall()


def _by_option_code(rows):
    """{key: {(element id, option code): sum}} from rows of (*key, element
    id, option id, sum), adding up options of the same code. The key is the
    first column (the period id), or a tuple of the columns before the
    element."""
    codes = _option_codes({r[-2] for r in rows})
    sums = {}
    for *key, element_id, option_id, total in rows:
        into = sums.setdefault(key[0] if len(key) == 1 else tuple(key), {})
        cell = (element_id, codes[option_id])
        into[cell] = into[cell] + _decimal(total) if cell in into else _decimal(total)
    return sums


def _option_codes(ids):
    return dict(DisaggregationOption.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


def _forms_asking(element_ids):
    """The forms (every version) with a row for one of these elements: the
    reports that can hold their values."""
    return sorted(set(FormRow.objects.filter(element_id__in=element_ids).values_list("form_id", flat=True)))


def _own_sums(unit, periods, forms, element_ids):
    period_ids, element_ids = [p.pk for p in periods], sorted(element_ids)
    return _by_option_code(_query(OWN_SQL, [unit.pk, Submission.Status.APPROVED, *period_ids, *forms, *element_ids],
                                  periods=period_ids, forms=forms, elements=element_ids))


def _below_sums(unit, periods, forms, element_ids):
    """{period id: {(element id, option code): sum}}: what the units below
    `unit` add up to, agencies' reports left out, as in `rollup_form`. Each
    unit right below counts as its own results page shows it: under the
    nation, a province's own approved report where it gives the cell, else
    its communes' sum (and a district's own report likewise, in a province
    of the old structure). A rate's parts are taken so, part by part, and
    the rate recomputed from them (_rolled).

    One query while no unit between `unit` and its communes has an approved
    report of its own (the communes' sums, BELOW_SQL); else three: those
    reports, the units between (their paths), and the communes' sums apart
    under each of their parents."""
    period_ids = [p.pk for p in periods]
    lists = {"periods": period_ids, "forms": forms, "elements": element_ids}
    tail = [Submission.Status.APPROVED, *period_ids, *forms, *element_ids]
    between = {}
    if _has_units_between(unit):
        between = _by_option_code(_query(BETWEEN_OWN_SQL, [unit.path + "%", unit.pk, Unit.Level.COMMUNE, *tail],
                                          **lists))  # {(unit id, period id): sums}
    if not between:
        rows = _query(BELOW_SQL, [unit.path + "%", Unit.Level.COMMUNE, *tail], **lists)
        return {p: {} for p in period_ids} | _by_option_code(rows)
    paths = dict(Unit.objects.filter(path__startswith=unit.path).exclude(level=Unit.Level.COMMUNE)
                 .values_list("pk", "path"))
    reporting = {uid for uid, _p in between} | {unit.pk}
    # Each unit with an own report: its depth and the unit it is under,
    # `unit` or another of them.
    units = {uid: (paths[uid].count("/"), _anchor(_path_ids(paths[uid])[:-1], reporting))
             for uid in reporting - {unit.pk}}
    rolled = {p: {} for p in period_ids}  # {period id: {unit id: sums}}
    by_parent = _query(BY_PARENT_SQL, [unit.path + "%", Unit.Level.COMMUNE, *tail], **lists)
    for (parent, p), sums in _by_option_code(by_parent).items():
        # The communes' sums go to the nearest unit with an own report above them, or to `unit`.
        anchor = _anchor(_path_ids(paths.get(parent, unit.path)), reporting)
        into = rolled[p].setdefault(anchor, {})
        for cell, value in sums.items():
            into[cell] = into[cell] + value if cell in into else value
    return {p: _roll_through(units, {uid: sums for (uid, q), sums in between.items() if q == p},
                             rolled[p]).get(unit.pk, {})
            for p in period_ids}


def _has_units_between(unit):
    """Whether units report between `unit` and its communes: provinces and
    districts under the nation, districts under a province of the old
    structure."""
    return unit.level == Unit.Level.NATION or (
        unit.level == Unit.Level.PROVINCE and unit.structure == Unit.Structure.LEGACY)


def _path_ids(path):
    return [int(x) for x in path.strip("/").split("/") if x]


def _anchor(ancestor_ids, candidates):
    """The nearest of `ancestor_ids` (from the root down) among
    `candidates`, or None."""
    return next((i for i in reversed(ancestor_ids) if i in candidates), None)


def _roll_through(units, own, rolled):
    """Adds each unit's figure into the unit it is under, the deepest
    first: its own report's value where it gives the cell, else what
    `rolled` holds for it (its communes' sums, plus the figures of the
    units under it added before). `units` {id: (depth, id of the unit it is
    under)}, `own` {id: sums}, `rolled` {id: sums}, completed in place and
    returned."""
    for uid, (_depth, anchor) in sorted(units.items(), key=lambda u: -u[1][0]):
        if anchor is None:
            continue
        figure = rolled.get(uid, {}) | own.get(uid, {})
        into = rolled.setdefault(anchor, {})
        for cell, value in figure.items():
            into[cell] = into[cell] + value if cell in into else value
    return rolled


def _decimal(value):
    # SQLite hands back a sum of decimals as an int or a float: read it as
    # Django reads the ORM's sums there (rollup_form's), to 15 digits.
    return value if value is None or isinstance(value, Decimal) else _FROM_SQLITE(value)


def _rolled(unit, periods, elements, forms):
    """{year: {(element code, option code): value}}: the roll-up of the
    mapped elements that an active form asks for, as `rollup_form_for`
    gives it, for every year at once.

    The sums are cached per unit and period, keyed by what they depend on:
    the form structure's version, the reported data's version (bumped by
    signals, see apps.py) and a fingerprint of the approved reports below
    the unit read from the database (so a report approved in another
    process is seen too). A new approval, return or reopening changes the
    fingerprint; the cached sums are never read again."""
    if not elements or not periods:
        return {}
    codes = set(Form.objects.filter(is_active=True, rows__element__code__in=list(elements))
                .values_list("rows__element__code", flat=True))
    wanted = [e for code, e in elements.items() if code in codes]
    if not wanted:
        return {}
    rolled = {}
    # A 2025 unit's years before the reform come from the old communes
    # whose area it took (communes split elsewhere are left out).
    before = {y: p for y, p in periods.items()
              if unit.structure == Unit.Structure.Y2025 and p.start < REFORM_DATE}
    if before:
        for form in Form.objects.filter(rows__element__code__in=list(codes), is_active=True).distinct():
            for year, period in before.items():
                rolled.setdefault(year, {}).update(rollup_form_for(form, period, unit)[0])
    now = {y: p for y, p in periods.items() if y not in before}
    if now:
        sums = _cached_below_sums(unit, list(now.values()), forms, added_element_ids(wanted))
        for year, period in now.items():
            if sums[period.pk]:
                rolled[year] = with_rates(_with_parts(wanted), sums[period.pk])
    return rolled


def reported_data_version():
    return versions.current(_DATA_VERSION_KEY)


def reported_data_changed(**kwargs):
    """A signal receiver (apps.py): a value, a unit or a succession link
    saved or deleted outside the reporting actions (the admin, a shell)
    gives the cached roll-ups a new version, again once committed so a
    request reading the old rows meanwhile does not keep them under it."""
    _new_data_version()
    transaction.on_commit(_new_data_version)


def _new_data_version():
    versions.renew(_DATA_VERSION_KEY)


def _fingerprint(unit, period_ids, forms):
    """{period id: (approved reports, latest saved)} of the units below `unit`."""
    return {p: (n, str(at)) for p, n, at in _query(
        FINGERPRINT_SQL, [unit.path + "%", Unit.Level.COMMUNE, unit.pk, Submission.Status.APPROVED, *period_ids,
                          *forms], periods=period_ids, forms=forms)}


def _cached_below_sums(unit, periods, forms, element_ids):
    period_ids = [p.pk for p in periods]
    fingerprint = _fingerprint(unit, period_ids, forms)
    if not fingerprint:
        return {p: {} for p in period_ids}  # nothing approved below: nothing to add, nothing to cache
    scope = (structure_version(), reported_data_version(), unit.pk, unit.path, forms, element_ids)
    keys = {p: "analytics:below:" + hashlib.sha1(repr((scope, p, fingerprint[p])).encode()).hexdigest()
            if p in fingerprint else None for p in period_ids}
    found = cache.get_many([k for k in keys.values() if k])
    sums = {p: found.get(k, {}) if k else {} for p, k in keys.items()}
    missing = [p for p in periods if keys[p.pk] and keys[p.pk] not in found]
    if missing:
        fresh = _below_sums(unit, missing, forms, element_ids)
        sums.update(fresh)
        # Kept only if no report was approved or reopened meanwhile: the
        # sums would otherwise be filed under the fingerprint of before.
        if _fingerprint(unit, [p.pk for p in missing], forms) == {p.pk: fingerprint[p.pk] for p in missing}:
            cache.set_many({keys[p]: s for p, s in fresh.items()}, timeout=CACHE_SECONDS)
    return sums


def rollup_through(form, period, unit):
    """What the approved reports below `unit` add up to for `form` in
    `period`, as this page adds them up: {(element code, option code):
    value}. Under the nation and a province of the old structure, each unit
    right below counts as its own page shows it (its own report where it
    gives the cell, else its communes'); elsewhere it is the communes' sum,
    as `rollup_form_for` gives it. The official report's appendices read it,
    so that they print what the results page shows."""
    if not _has_units_between(unit):
        return rollup_form_for(form, period, unit)[0]
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    ids = added_element_ids(elements)
    forms = _forms_asking(ids) if ids else []
    if not forms:
        return {}
    sums = _cached_below_sums(unit, [period], forms, ids)[period.pk]
    return with_rates(elements, sums) if sums else {}


def _load_children_values(unit, children, years, sources, subs):
    """{child id: _Values} for the units right below `unit`, with one query
    for every approved value under `unit` and one for the entered values.
    Each child's roll-up is what its own results page shows (_below_sums):
    its communes' reports, a district's own report taking the place of its
    communes' where it gives the cell."""
    elements, parts = _elements(sources)
    periods = _annual_periods(years)
    own = {c.pk: {} for c in children}
    below = {c.pk: {} for c in children}
    if parts and periods:
        rows = (_approved(unit__path__startswith=unit.path, period__in=periods.values(), element_id__in=parts)
                .values("period__code", "unit_id", "unit__path", "unit__level", "element_id", "option__code")
                .annotate(total=Sum("value")))
        between, paths, communes = {}, {}, []
        for r in rows:
            year, key = int(r["period__code"]), (r["element_id"], r["option__code"])
            if r["unit_id"] in own:
                own[r["unit_id"]].setdefault(year, {})[key] = r["total"]
            if r["unit__level"] == Unit.Level.COMMUNE:
                communes.append((r["unit__path"], year, key, r["total"]))
            elif r["unit_id"] not in own and r["unit_id"] != unit.pk:
                # A district's own report, under a child province of the old structure.
                between.setdefault(r["unit_id"], {}).setdefault(year, {})[key] = r["total"]
                paths[r["unit_id"]] = r["unit__path"]
        candidates = set(own) | set(between)
        anchors = {}  # the nearest child or district with a report above each commune (or the commune itself)
        rolled = {}  # {year: {unit id: sums}}
        for path, year, key, total in communes:
            if path not in anchors:
                anchors[path] = _anchor(_path_ids(path), candidates)
            if anchors[path] is not None:
                sums = rolled.setdefault(year, {}).setdefault(anchors[path], {})
                sums[key] = sums.get(key, 0) + total
        units = {uid: (path.count("/"), _anchor(_path_ids(path)[:-1], candidates)) for uid, path in paths.items()}
        for year in {y for sums in between.values() for y in sums} | set(rolled):
            at = _roll_through(units, {uid: sums.get(year, {}) for uid, sums in between.items()},
                               rolled.setdefault(year, {}))
            for child in below:
                if at.get(child):
                    below[child][year] = at[child]
    entered = {}
    for v in IndicatorValue.objects.filter(sub_indicator__in=subs, unit__in=children, year__in=list(years)):
        entered.setdefault(v.unit_id, {})[(v.sub_indicator_id, v.year, v.scope)] = v
    return {c.pk: _Values(elements, own[c.pk], {y: with_rates(_with_parts(elements.values()), s)
                                                for y, s in below[c.pk].items()},
                          entered.get(c.pk, {}))
            for c in children}


def _years_needed(plan, subs, year):
    first = min([plan.period_start] + [s.baseline_year for s in subs if s.baseline_year])
    return list(range(first - 1, year + 1))


def _plan_subs(plan, only=None):
    """The plan's sub-indicators in order, and {(sub id, scope): IndicatorSource}."""
    subs = (SubIndicator.objects.filter(indicator__plan=plan)
            .select_related("indicator__objective", "indicator__lead_agency", "national_sub_indicator__indicator")
            .prefetch_related("targets")
            .order_by("indicator__order", "order"))
    if only is not None:
        subs = subs.filter(pk__in=list(only))
    subs = list(subs)
    plan_is_national = plan.unit.level == Unit.Level.NATION
    sources = {(s.national_indicator, s.sub_number, s.scope): s for s in IndicatorSource.objects.all()}
    mapped = {}
    for sub in subs:
        key = _national_key(sub, plan_is_national)
        for scope in _scopes(sub):
            if key and (key[0], key[1], scope) in sources:
                mapped[(sub.pk, scope)] = sources[(key[0], key[1], scope)]
    return subs, mapped


def indicator_results(plan, unit, year, only=None):
    """The results of every sub-indicator of `plan` for `unit` in `year`, in
    the plan's order: a list of SubIndicatorResult (one per sub-indicator,
    or per scope where its targets are set for rural and urban areas).
    `only`, if given, limits the list to those sub-indicator ids.

    The caller checks that the user may see `unit`. Queries are bounded by the
    number of years and forms, not by the number of indicators.
    """
    subs, mapped = _plan_subs(plan, only)
    years = _years_needed(plan, subs, year)
    values = _load_values(unit, years, mapped.values(), subs)
    # The baseline's year is named only when it is not the year before the plan.
    return [_result(sub, scope, year, years, values, mapped.get((sub.pk, scope)), plan.period_start - 1)
            for sub in subs for scope in _scopes(sub)]


def units_below(unit, year):
    """The units right below `unit` that existed in `year`, by code."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return list(unit.children.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start)).order_by("code"))


def unit_comparison(plan, unit, year, sub_indicator, children=None):
    """The same sub-indicator for each unit right below `unit` (the
    districts or communes of a province): {scope: [SubIndicatorResult with
    `.unit` and `.rank` set]}, best first for its direction, the units
    without a value last. Bounded queries: one for all values below, one for
    the entered values, whatever the number of units."""
    children = units_below(unit, year) if children is None else children
    subs, mapped = _plan_subs(plan, only=[sub_indicator.pk])
    if not subs:
        return {}
    sub = subs[0]
    years = _years_needed(plan, subs, year)
    values = _load_children_values(unit, children, years, mapped.values(), subs)
    out = {}
    for scope in _scopes(sub):
        rows = []
        for child in children:
            r = _result(sub, scope, year, years, values[child.pk], mapped.get((sub.pk, scope)), plan.period_start - 1)
            r.unit = child
            rows.append(r)
        lower = judging.lower_is_better(sub.direction)
        ranked = sorted((r for r in rows if r.actual is not None), key=lambda r: r.actual, reverse=not lower)
        for rank, r in enumerate(ranked, start=1):
            r.rank = rank
        out[scope] = ranked + [r for r in rows if r.actual is None]
    return out


def completeness(unit, year, forms=None):
    """How many communes under `unit` that existed in `year` have an approved
    report of the results form (Appendix 7 unless `forms` says otherwise):
    (reported, expected), overall and {child id: (reported, expected)} for
    the units right below. Two queries."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    forms = forms if forms is not None else list(Form.objects.filter(code="PL7", is_active=True))
    communes = list(Unit.objects.filter(path__startswith=unit.path, level=Unit.Level.COMMUNE)
                    .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
                    .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start)).values_list("pk", "path"))
    reported = set(Submission.objects.filter(form__in=forms, period__code=str(year), status=Submission.Status.APPROVED,
                                             unit__path__startswith=unit.path, unit__level=Unit.Level.COMMUNE)
                   .values_list("unit_id", flat=True))
    children = {}
    for child in units_below(unit, year) if unit.level != Unit.Level.COMMUNE else []:
        mine = [pk for pk, path in communes if path.startswith(child.path)]
        children[child.pk] = (len([pk for pk in mine if pk in reported]), len(mine))
    total = (len([pk for pk, _ in communes if pk in reported]), len(communes))
    return total, children


def _series(sub, scope, years, values, source):
    """{year: (value, actual_source, origin, IndicatorValue or None)} of a sub-indicator."""
    out = {}
    for y in years:
        value, origin = values.reported(source, sub, y) if source is not None else (None, "")
        if value is not None:
            out[y] = (value, REPORTED, origin, None)
            continue
        entered = values.entered.get((sub.pk, y, scope))
        if entered is not None:
            out[y] = (entered.value, ENTERED, "", entered)
    return out


def _target_for(sub, scope, year):
    for t in sub.targets.all():
        if t.scope == scope and t.year == year:
            return _target_info(t, sub.unit_suffix)
    return None


def _mid_target(sub, scope):
    for y in MID_YEARS:
        t = _target_for(sub, scope, y)
        if t is not None:
            return t
    return None


def _result(sub, scope, year, years, values, source, table_year=None):
    ind = sub.indicator
    series_full = _series(sub, scope, years, values, source)
    here = series_full.get(year)
    entered = here[3] if here else None
    not_collected = bool(entered and entered.status == IndicatorValue.Status.NOT_COLLECTED)
    actual = here[0] if here and not not_collected else None

    target = _target_for(sub, scope, year)
    if target is None and source is not None and source.plan_option_code:
        planned, _ = values.reported(source, sub, year, option=source.plan_option_code)
        if planned is not None:
            target = TargetInfo(year, "", planned, None, scope, _plain_target(planned, sub.unit_suffix),
                                "annual_plan")
    target_2025, target_2030 = _mid_target(sub, scope), _target_for(sub, scope, END_YEAR)
    direction = sub.direction or Direction.INCREASE
    baseline = sub.baseline_value if sub.baseline_status == SubIndicator.BaselineStatus.VALUE else None

    judgement = judging.judge(
        actual, target.comparator if target else "", target.value if target else None,
        target.value_max if target else None, direction, not_collected=not_collected)
    series = {y: v[0] for y, v in series_full.items() if y <= year and v[0] is not None}
    points = list(series.items())  # the trend runs through the results, not the baseline (trajectory.py)
    previous = series.get(year - 1)

    def toward(t):
        if t is None:
            return None, Projection(UNKNOWN)
        prog = judging.progress(baseline, actual, t.comparator, t.value, t.value_max, direction)
        return prog, trajectory(points, t.year, t.comparator, t.value, t.value_max, direction, bounds=bounds)

    # A share in % stays within 0–100; a yearly reduction in % does not (a rise is negative).
    share = sub.unit == MeasureUnit.PERCENT and not (source and source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION)
    bounds = (0, 100) if share else None

    progress_2025, trajectory_2025 = toward(target_2025)
    progress_2030, trajectory_2030 = toward(target_2030)
    name = sub.name + (f" ({Scope(scope).label})" if scope else "")
    return SubIndicatorResult(
        indicator=ind, sub_indicator=sub, scope=scope, year=year,
        indicator_number=ind.number, indicator_name=ind.name, objective=ind.objective,
        lead_agency=ind.lead_agency, lead_name=ind.lead_agency.name if ind.lead_agency else ind.lead_text,
        name=name, measure_unit=sub.unit, unit_suffix=sub.unit_suffix, direction=direction,
        baseline_value=baseline, baseline_year=sub.baseline_year, baseline_text=format_baseline(sub, table_year),
        target=target, target_2025=target_2025, target_2030=target_2030,
        actual=actual, actual_source=here[1] if here else "", actual_from=here[2] if here else "",
        not_collected=not_collected, note=entered.note if entered else "",
        judgement=judgement,
        progress_2025=progress_2025, progress_2030=progress_2030,
        trajectory_2025=trajectory_2025, trajectory_2030=trajectory_2030,
        previous=previous, change=_change(actual, previous),
        series=series, source=source, entered=entered,
    )


def _change(actual, previous):
    """actual − previous as the page shows them: the difference of the two
    figures rounded to two decimals, so that "9,59 → 11,51" reads "+1,92",
    never the "+1,93" of the unrounded values."""
    if actual is None or previous is None:
        return None
    return judging.rounded(actual) - judging.rounded(previous)


def _plain_target(value, suffix):
    return f"{format_number(judging.rounded(value))}{suffix}"


# Summaries the dashboards and the report share.

def status_counts(results):
    """{judgement: count} over every judgement, zeros included, in display order."""
    counts = {j: 0 for j in judging.JUDGEMENTS}
    for r in results:
        counts[r.judgement] += 1
    return counts


def trajectory_counts(results):
    from .trajectory import TRAJECTORIES

    counts = {t: 0 for t in TRAJECTORIES}
    for r in results:
        counts[r.trajectory] += 1
    return counts


def by_objective(results):
    """[(objective or None, [results])] in the plan's order."""
    groups = {}
    for r in results:
        groups.setdefault(r.objective.pk if r.objective else None, (r.objective, []))[1].append(r)
    return list(groups.values())


def latest_year_with_data(plan, unit):
    """The latest year in the plan's period with an approved report (of a
    form that gives indicator results) under `unit`, or a value entered for
    it; None if there is none."""
    # The forms as a subquery: joining their rows would repeat each report once per row.
    forms = FormRow.objects.filter(element__code__in=IndicatorSource.objects.values("element_code")).values("form_id")
    reported = (Submission.objects.filter(status=Submission.Status.APPROVED, unit__path__startswith=unit.path,
                                          period__type=Period.Type.ANNUAL, form__in=forms)
                .order_by("-period__start").values_list("period__code", flat=True).first())
    entered = (IndicatorValue.objects.filter(unit=unit, sub_indicator__indicator__plan=plan)
               .order_by("-year").values_list("year", flat=True).first())
    years = [y for y in (int(reported) if reported else None, entered)
             if y is not None and plan.period_start - 1 <= y <= plan.period_end]
    return max(years) if years else None


__all__ = [
    "SubIndicatorResult", "TargetInfo", "indicator_results", "unit_comparison", "completeness", "units_below",
    "status_counts", "trajectory_counts", "by_objective",
    "latest_year_with_data", "REPORTED", "ENTERED", "OWN", "ROLLUP", "MIXED", "NO_DATA", "NOT_COLLECTED", "NO_TARGET",
]
