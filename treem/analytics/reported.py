"""What the approved reports, and the values entered by hand, give the
results of a unit (treem.analytics.results) for several years at once: the
unit's own reports, the roll-up of the reports below it (treem.analytics.sums,
cached), and for a comparison the same for each unit right below."""

from django.db.models import Exists, OuterRef, Sum

from treem.reporting.models import DataElement, DataValue, Form, Period, Submission
from treem.reporting.rollup import (
    REFORM_DATE,
    added_element_ids,
    rate_parts,
    rollup_form_for,
    summable,
    with_rates,
)
from treem.units.models import Unit

from .models import IndicatorSource, IndicatorValue
from .sums import (
    anchor,
    cached_below_sums,
    forms_asking,
    own_sums,
    path_ids,
    roll_through,
)

# Where a reported figure comes from: the unit's own report, the sum of the
# reports below, or (a rate) the own report's part completed with the other
# part summed below.
OWN, ROLLUP, MIXED = "own", "rollup", "mixed"
# The origin of no figure: a rate whose denominator the reports give as 0 (no child in the group).
EMPTY = "empty"


class _Values:
    """Approved values of the mapped elements for one unit and several years:
    `own` the unit's own reports {year: {(element id, option code): value}},
    `rolled` the roll-up of the reports below (see sums._below_sums) {year:
    {(element code, option code): value}}, `entered` the values typed by
    hand {(sub id, year, scope): IndicatorValue}."""

    def __init__(self, elements, own, rolled, entered, unit=None, typed_below=None):
        self.elements, self.own, self.rolled, self.entered = elements, own, rolled, entered
        self.unit, self.typed_below = unit, typed_below

    def element_value(self, element, option, year):
        """(value, OWN, ROLLUP or MIXED) of an element for the year; (None, EMPTY)
        for a rate the reports give as 0/0; (None, "") otherwise."""
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
        if element.is_rate and self._empty_group(element, option, year):
            return None, EMPTY
        return None, ""

    def _empty_group(self, element, option, year):
        """The reports give the rate's denominator as 0 and no case in its
        numerator (0/0), and no unit below typed the rate itself."""
        own, rolled = self.own.get(year, {}), self.rolled.get(year, {})
        num, den = own.get((element.numerator_id, option)), own.get((element.denominator_id, option))
        num = num if num is not None else rolled.get((element.numerator.code, option))
        den = den if den is not None else rolled.get((element.denominator.code, option))
        if den is None or den != 0 or num:
            return False
        return not (self.typed_below and self.typed_below.under(self.unit, element, option, year))

    def reduced(self, source, year):
        """For a yearly reduction, the figure reduced in the year (child
        marriages, not their reduction on the year before), or None."""
        element = self.elements.get(source.element_code)
        return None if element is None else self.element_value(element, source.option_code, year)[0]

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


class _TypedBelow:
    """Where approved reports below `root` give a rate typed as a figure,
    without its denominator: the 0/0 the other reports add up to is then
    no group without children, only a rate that cannot be added up. Asked
    only for a 0/0; one query per rate, for every year and every unit under
    `root` (the units below it on a comparison)."""

    def __init__(self, root, periods):
        self.root, self.periods, self.found = root, periods, {}

    def under(self, unit, element, option, year):
        if unit.level == Unit.Level.COMMUNE or not self.periods:
            return False
        key = (element.pk, option)
        if key not in self.found:
            counted = _approved(element_id=element.denominator_id, unit=OuterRef("unit"),
                                period=OuterRef("period"), option=OuterRef("option"))
            self.found[key] = set(
                _approved(element=element, option__code=option, unit__path__startswith=self.root.path,
                          period__in=list(self.periods.values()))
                .exclude(unit=self.root).exclude(Exists(counted)).values_list("unit__path", "period__code"))
        return any(int(code) == year and path.startswith(unit.path) and path != unit.path
                   for path, code in self.found[key])


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


def load_values(unit, years, sources, subs):
    """One query for the unit's own reports, one to four for the roll-up
    of the reports below it over all the years (see sums._below_sums; rates
    recomputed from summed parts, as `rollup_form` does; cached until the
    approved data changes), one for the values entered by hand."""
    elements, parts = _elements(sources)
    periods = _annual_periods(years)
    own, rolled = {}, {}
    forms = forms_asking(parts) if parts and periods else []
    if forms:
        for period_id, sums in own_sums(unit, list(periods.values()), forms, parts).items():
            own[_year(periods, period_id)] = sums
        rolled = _rolled(unit, periods, elements, forms)
    entered = {(v.sub_indicator_id, v.year, v.scope): v for v in IndicatorValue.objects.filter(
        sub_indicator__in=subs, unit=unit, year__in=list(years))}
    return _Values(elements, own, rolled, entered, unit, _TypedBelow(unit, periods))


def _year(periods, period_id):
    return next(y for y, p in periods.items() if p.pk == period_id)


def _rolled(unit, periods, elements, forms):
    """{year: {(element code, option code): value}}: the roll-up of the
    mapped elements that an active form asks for, as `rollup_form_for`
    gives it, for every year at once. The sums are cached until the
    approved data changes (sums.cached_below_sums)."""
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
        sums = cached_below_sums(unit, list(now.values()), forms, added_element_ids(wanted), rate_parts(wanted))
        for year, period in now.items():
            if sums[period.pk]:
                rolled[year] = with_rates(_with_parts(wanted), sums[period.pk])
    return rolled


def load_children_values(unit, children, years, sources, subs):
    """{child id: _Values} for the units right below `unit`, with one query
    for every approved value under `unit` and one for the entered values.
    Each child's roll-up is what its own results page shows (sums._below_sums):
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
                anchors[path] = anchor(path_ids(path), candidates)
            if anchors[path] is not None:
                sums = rolled.setdefault(year, {}).setdefault(anchors[path], {})
                sums[key] = sums.get(key, 0) + total
        units = {uid: (path.count("/"), anchor(path_ids(path)[:-1], candidates)) for uid, path in paths.items()}
        for year in {y for sums in between.values() for y in sums} | set(rolled):
            at = roll_through(units, {uid: sums.get(year, {}) for uid, sums in between.items()},
                               rolled.setdefault(year, {}), rate_parts(elements.values()))
            for child in below:
                if at.get(child):
                    below[child][year] = at[child]
    entered = {}
    for v in IndicatorValue.objects.filter(sub_indicator__in=subs, unit__in=children, year__in=list(years)):
        entered.setdefault(v.unit_id, {})[(v.sub_indicator_id, v.year, v.scope)] = v
    typed_below = _TypedBelow(unit, periods)
    return {c.pk: _Values(elements, own[c.pk], {y: with_rates(_with_parts(elements.values()), s)
                                                for y, s in below[c.pk].items()},
                          entered.get(c.pk, {}), c, typed_below)
            for c in children}
