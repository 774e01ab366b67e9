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
  communes' sum where it has not; each commune gives its report. The
  values are read by treem.analytics.reported; the roll-up itself, and its
  cache, are treem.analytics.sums.
  A percentage or per-mille typed directly (no numerator/denominator) cannot
  be added up: only the unit's own report gives it.
* **entered**: where no data element defines the sub-indicator, or no
  approved report gives it for the unit and year, the value entered by hand
  (`IndicatorValue`) is used; it may say "not collected". A reported value
  always takes precedence over an entered one.
* **no children in the group**: a rate whose denominator the approved reports
  give as 0, with no case in its numerator (the urban obesity rate of a
  district without urban children: every commune reports 0/0). It is no
  figure, but not missing either: the result says so and is not judged.
  Where a unit below typed the rate itself, without its counts, the 0/0 of
  the others is not the unit's: that is no data, as before.

The year's target is the plan's target for that year; failing one, the
year's plan reported in the same form ("Kế hoạch năm", Appendix 7); failing
that, there is no target for the year (judgement "no_target") and the
trajectory toward 2025/2030 tells where the indicator stands.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import Q

from treem.core.numbers import format_number
from treem.plans.models import Direction, MeasureUnit, Scope, SubIndicator
from treem.plans.summary import format_baseline, format_target
from treem.reporting.models import Form, FormRow, Period, Submission
from treem.reporting.rollup import rates_typed_below, typed_rate
from treem.units.models import Unit, existing_on

from . import judging
from .judging import NO_DATA, NO_TARGET, NOT_COLLECTED
from .models import IndicatorSource, IndicatorValue
from .reported import EMPTY, MIXED, OWN, ROLLUP, load_children_values, load_values
from .sums import path_ids
from .trajectory import AT_RISK, ON_TRACK, UNKNOWN, Projection, reduction_trajectory, trajectory

REPORTED, ENTERED = "reported", "entered"
MID_YEARS = (2025, 2026)  # the mid-term milestone: 2025, or 2026 in plans issued in 2025
END_YEAR = 2030


@dataclass(frozen=True)
class TargetInfo:
    year: int
    comparator: str  # "", "<", "<=", "=", ">=", ">", "range"
    value: Decimal
    value_max: Decimal | None
    scope: str
    text: str  # as Treem prints it: "< 5‰", "2%–3%"
    # "plan": the plan's target for the year; "annual_plan": the year's plan reported in the form;
    # "every_year": a yearly rate's target ("giảm 2–3% hằng năm") in force for a year the plan names no target
    source: str = "plan"


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
    judgement: str = NO_DATA  # judging.MET, NOT_MET, EXCEEDED, NOT_COLLECTED, EMPTY_GROUP, NO_DATA, NO_TARGET
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
    typed_rate: bool = False  # above a commune, no figure: the rate is typed below and cannot be added up
    empty_group: bool = False  # no figure: the reports give the rate's denominator as 0 (0/0), no child in the group
    empty_years: frozenset = frozenset()  # the years up to `year` whose reports give that 0/0

    @property
    def trajectory(self):
        """The trajectory status toward 2030 (on_track, at_risk, off_track, unknown)."""
        return self.trajectory_2030.status

    @property
    def is_entered_by_hand(self):
        return self.source is None

    @property
    def rose_instead(self):
        """A yearly reduction below zero: the count rose on the year before
        (child marriages, 139 couples then 143: −2,88 %), which a reader of
        "Mức giảm −2,88%" should not have to work out."""
        return bool(self.source and self.source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION
                    and self.actual is not None and self.actual < 0)

    @property
    def rise(self):
        """How much it rose, for a reduction below zero: "tăng 2,88%", not "−2,88% tăng"."""
        return -self.actual if self.rose_instead else None

    @property
    def setback(self):
        """"rose" or "fell" when the latest year with a result moved the wrong
        way on the year before: child marriages rose (a yearly reduction below
        zero), an indicator to decrease rose, one to increase fell; "" otherwise.
        The trend is fitted through several years and may still meet the
        target (trajectory.py): the pages say both."""
        if not self.series:
            return ""
        last = max(self.series)
        latest = judging.rounded(self.series[last])
        if self.source and self.source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION:
            return "rose" if latest < 0 else ""
        before = self.series.get(last - 1)
        if before is None:
            return ""
        change = latest - judging.rounded(before)
        if judging.lower_is_better(self.direction):
            return "rose" if change > 0 else ""
        return "fell" if change < 0 else ""

    def setback_against(self, *projections):
        """The setback, where one of `projections` still reads on track or at
        risk and would otherwise hide it; "" otherwise."""
        hopeful = any(p.status in (ON_TRACK, AT_RISK) for p in projections)
        return self.setback if hopeful else ""


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
    values = load_values(unit, years, mapped.values(), subs)
    # The baseline's year is named only when it is not the year before the plan.
    results = [_result(sub, scope, year, years, values, mapped.get((sub.pk, scope)), plan.period_start - 1)
               for sub in subs for scope in _scopes(sub)]
    if unit.level != Unit.Level.COMMUNE:
        blank = [values.elements.get(r.source.element_code) for r in results
                 if r.source and r.actual is None and not r.empty_group]
        period = Period.objects.filter(code=str(year)).first() if any(blank) else None
        typed_below = rates_typed_below([e for e in blank if e is not None], period, unit)
        for r in results:
            element = values.elements.get(r.source.element_code) if r.source else None
            # A mortality rate in ‰ typed by each commune, with no numerator
            # and denominator: the page says where the unit's figure must come from.
            r.typed_rate = r.actual is None and not r.empty_group and element is not None and (
                typed_rate(element) or element.code in typed_below)
    return results


def _alive_at_end(year):
    """Units that existed on 31/12 of `year`: those that owe its annual
    report (a commune merged on 01/07/2025 reports 2025 under the new one)."""
    return existing_on(date(year, 12, 31))


def units_below(unit, year):
    """The units right below `unit` that existed in `year`, by code, those
    that still existed at its end first: a district merged in 2025 keeps the
    figures entered for it that year, after the units that report the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    units = unit.children.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return sorted(units, key=lambda u: (ceased_within(u, year), u.code))


def ceased_within(unit, year):
    """True for a unit that ceased before the end of `year` (Hà Nội of the
    63 provinces, in 2025): named with its last day where the units that
    report the year are listed."""
    return unit.valid_to is not None and unit.valid_to < date(year, 12, 31)


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
    values = load_children_values(unit, children, years, mapped.values(), subs)
    out = {}
    for scope in _scopes(sub):
        rows = []
        for child in children:
            r = _result(sub, scope, year, years, values[child.pk], mapped.get((sub.pk, scope)), plan.period_start - 1)
            r.unit = child
            rows.append(r)
        # A unit that ceased during the year is listed only with a figure of its own for it.
        rows = [r for r in rows if not ceased_within(r.unit, year) or r.actual is not None or r.not_collected]
        # The results' direction: a yearly reduction ranks the largest first whatever the plan's word.
        lower = judging.lower_is_better(rows[0].direction) if rows else False
        ranked = sorted((r for r in rows if r.actual is not None), key=lambda r: r.actual, reverse=not lower)
        for rank, r in enumerate(ranked, start=1):
            r.rank = rank
        out[scope] = ranked + [r for r in rows if r.actual is None]
    return out


# Below this share of its communes reporting, a unit's added-up figures are
# flagged as not yet the unit's (the usual completeness standard, 80 %).
COMPLETE_ENOUGH = Decimal("0.8")


def coverage_shortfall(unit, reported, expected):
    """The share of communes that reported, in % as printed ("1,1"), when
    too few did for the added-up figures to stand for `unit`; None otherwise.
    The pages and the official files say it alike."""
    if unit.level == Unit.Level.COMMUNE or not expected or reported >= COMPLETE_ENOUGH * expected:
        return None
    return format_number(Decimal(reported * 100) / expected, 1 if reported * 100 < 10 * expected else 0)


def communes_owing(unit, day):
    """How many communes under `unit` existed on `day` (a period's last), and so owe its reports."""
    return Unit.objects.filter(existing_on(day), path__startswith=unit.path, level=Unit.Level.COMMUNE).count()


def completeness(unit, year, forms=None):
    """How many communes under `unit` that owe the report of `year` have an approved
    report of the results form (Appendix 7 unless `forms` says otherwise):
    (reported, expected), overall and {child id: (reported, expected)} for
    the units right below. Two queries."""
    forms = forms if forms is not None else list(Form.objects.filter(code="PL7", is_active=True))
    communes = list(Unit.objects.filter(path__startswith=unit.path, level=Unit.Level.COMMUNE)
                    .filter(_alive_at_end(year)).values_list("pk", "path"))
    reported = set(Submission.objects.filter(form__in=forms, period__code=str(year), status=Submission.Status.APPROVED,
                                             unit__path__startswith=unit.path, unit__level=Unit.Level.COMMUNE)
                   .values_list("unit_id", flat=True))
    # Each commune counted for the unit right below `unit` on its path: one
    # pass, not one per child (the nation has 63 provinces over 10.000 communes).
    depth = len(path_ids(unit.path))
    counts = {}
    for pk, path in communes:
        ids = path_ids(path)
        if len(ids) > depth:
            done, owed = counts.get(ids[depth], (0, 0))
            counts[ids[depth]] = (done + (pk in reported), owed + 1)
    children = {child.pk: counts.get(child.pk, (0, 0))
                for child in (units_below(unit, year) if unit.level != Unit.Level.COMMUNE else [])}
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
        elif origin == EMPTY:
            # No figure, but the reports say why: no child in the group (0/0). A value entered by hand fills it.
            out[y] = (None, REPORTED, EMPTY, None)
    return out


def _target_for(sub, scope, year):
    for t in sub.targets.all():
        if t.scope == scope and t.year == year:
            return _target_info(t, sub.unit_suffix)
    return None


def _yearly_target(sub, scope, year):
    """A yearly rate's target in force in `year`: "duy trì mức giảm số cuộc
    tảo hôn từ 2 đến 3% hằng năm giai đoạn từ năm 2025 đến năm 2030" is
    written for 2025 and 2030 and holds for every year between. The target
    of the next year the plan names, for a year after the first it names;
    None before it (2024: the plan's period has not begun)."""
    years = sorted(t.year for t in sub.targets.all() if t.scope == scope)
    if not years or year < years[0] or year > years[-1]:
        return None
    target = _target_for(sub, scope, next(y for y in years if y >= year))
    return replace(target, year=year, source="every_year")


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
    empty_group = bool(here and here[2] == EMPTY)

    target = _target_for(sub, scope, year)
    if target is None and source is not None and source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION:
        target = _yearly_target(sub, scope, year)
    if target is None and source is not None and source.plan_option_code:
        planned, _ = values.reported(source, sub, year, option=source.plan_option_code)
        if planned is not None:
            target = TargetInfo(year, "", planned, None, scope, _plain_target(planned, sub.unit_suffix),
                                "annual_plan")
    target_2025, target_2030 = _mid_target(sub, scope), _target_for(sub, scope, END_YEAR)
    direction = sub.direction or Direction.INCREASE
    reduction = source is not None and source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION
    if reduction:
        # The figure is a reduction ("giảm 2–3% hằng năm"): the more the better, even where the plan's
        # sub-indicator reads "decrease" (child marriages are to decrease); judged the other way, a rise
        # in child marriages would read as exceeded.
        direction = Direction.INCREASE
    baseline = sub.baseline_value if sub.baseline_status == SubIndicator.BaselineStatus.VALUE else None

    judgement = judging.judge(
        actual, target.comparator if target else "", target.value if target else None,
        target.value_max if target else None, direction, not_collected=not_collected, empty_group=empty_group)
    series = {y: v[0] for y, v in series_full.items() if y <= year and v[0] is not None}
    points = list(series.items())  # the trend runs through the results, not the baseline (trajectory.py)
    previous = series.get(year - 1)

    # A yearly reduction's trend is the average reduction of the figure reduced, not a line through the
    # yearly reductions (trajectory.py, rule 6).
    reduced = _reduced_figures(values, source, [y for y in years if y <= year], series) if reduction else None

    def toward(t):
        if t is None:
            return None, Projection(UNKNOWN)
        prog = judging.progress(baseline, actual, t.comparator, t.value, t.value_max, direction)
        if reduction:
            return prog, reduction_trajectory(reduced.items(), t.year, t.comparator, t.value, t.value_max)
        return prog, trajectory(points, t.year, t.comparator, t.value, t.value_max, direction, bounds=bounds)

    # A share in % stays within 0–100; a yearly reduction in % does not (a rise is negative).
    bounds = (0, 100) if sub.unit == MeasureUnit.PERCENT and not reduction else None

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
        empty_group=empty_group,
        empty_years=frozenset(y for y, v in series_full.items() if y <= year and v[2] == EMPTY),
        judgement=judgement,
        progress_2025=progress_2025, progress_2030=progress_2030,
        trajectory_2025=trajectory_2025, trajectory_2030=trajectory_2030,
        previous=previous, change=_change(actual, previous),
        series=series, source=source, entered=entered,
    )


def _reduced_figures(values, source, years, reductions):
    """{year: figure reduced} for a yearly reduction's trend: the figures the
    reports give (child marriages of each year), completed where they give
    none by the yearly reductions entered by hand, chained from the figure of
    the year next to it (from an index of 100 where the reports give no
    figure at all): yearly reductions chained multiply to the same ratio as
    the figures they come from."""
    figures = {y: v for y in years if (v := values.reduced(source, y)) is not None}
    entered = {y: judging.as_decimal(r) for y, r in reductions.items() if y - 1 not in figures or y not in figures}
    if not figures and entered:
        figures[min(entered) - 1] = Decimal(100)
    chained = True
    while chained:
        chained = False
        for y, r in sorted(entered.items()):
            kept = 1 - r / 100
            if y not in figures and y - 1 in figures:
                figures[y], chained = figures[y - 1] * kept, True
            elif y - 1 not in figures and y in figures and kept > 0:
                figures[y - 1], chained = figures[y] / kept, True
    return dict(sorted(figures.items()))


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
    "coverage_shortfall", "communes_owing",
    "status_counts", "trajectory_counts", "by_objective",
    "latest_year_with_data", "REPORTED", "ENTERED", "OWN", "ROLLUP", "MIXED", "EMPTY", "NO_DATA", "NOT_COLLECTED",
    "NO_TARGET",
]
