"""Roll-up: approved values added up a unit's subtree in one SQL aggregate
(path prefix + GROUP BY option). Counts and money add; a rate defined from
two elements is recomputed from the summed numerator and denominator, never
averaged."""

from decimal import Decimal

from django.db.models import Q, Sum

from treem.units.models import REFORM_DATE, Succession, Unit

from .models import RATE_UNITS, DataElement, DataValue, Submission


def summable(element):
    """Counts, amounts and plain numbers add up; a rate typed as such (a
    percentage, a ‰ mortality rate) does not: it is recomputed from its
    parts where it has them, and otherwise only the unit's own report
    gives it."""
    return (element.value_type in ("count", "number", "money") and element.unit_label not in RATE_UNITS
            and not element.is_rate)


def typed_rate(element):
    """A rate the units type directly, without numerator and denominator (a
    ‰ mortality rate, a share in %): above them it cannot be added up, and
    the pages and the report say why its cell is blank."""
    return element.is_numeric and not element.is_rate and not summable(element)


def rates_typed_below(elements, period, unit):
    """The codes of those rate `elements` that approved reports of the units
    below `unit` give as typed figures: a commune may type a rate without its
    counts (or the rate has none, typed_rate), and above it that rate cannot
    be added up. Where the sum leaves such a cell empty, the pages
    and the files say why, as for a rate that has no counts at all."""
    rates = [e.pk for e in elements if e.is_rate or typed_rate(e)]
    if not rates or period is None:
        return set()
    return set(DataValue.objects.filter(
        element_id__in=rates, period=period, unit__path__startswith=unit.path, agency__isnull=True,
        value__isnull=False, submission__status=Submission.Status.APPROVED).exclude(unit=unit)
        .values_list("element__code", flat=True).distinct())


def _approved(period, unit, level):
    # Units' own reports only: an agency's report (Sở Y tế) is part of what
    # its unit's coordinator consolidates, not a unit below to add.
    qs = DataValue.objects.filter(period=period, unit__path__startswith=unit.path, agency__isnull=True,
                                  submission__status=Submission.Status.APPROVED, value__isnull=False)
    if level:
        qs = qs.filter(unit__level=level)
    return qs


def rollup(element, period, unit, level="commune"):
    """{option code: value} for `element` over `unit`'s subtree in `period`.

    `level` says whose reports are added ("commune" by default; "district"
    for forms the districts report; None for every level, which double
    counts where a unit reports its own total beside its children's).
    A rate (numerator and denominator elements) comes back recomputed; a
    percentage without them cannot be rolled up and gives {}.
    """
    if element.is_rate:
        rows = (_approved(period, unit, level)
                .filter(element_id__in=[element.numerator_id, element.denominator_id])
                .values("option__code")
                .annotate(num=Sum("value", filter=Q(element_id=element.numerator_id)),
                          den=Sum("value", filter=Q(element_id=element.denominator_id))))
        factor = element.factor or Decimal(100)
        return {r["option__code"]: (r["num"] * factor / r["den"]) if r["num"] is not None and r["den"] else None
                for r in rows}
    if not summable(element):
        return {}
    rows = _approved(period, unit, level).filter(element=element).values("option__code").annotate(total=Sum("value"))
    return {r["option__code"]: r["total"] for r in rows}


def added_element_ids(elements):
    """The ids of the elements whose values are summed: the summable ones and
    the parts of the rates, sorted."""
    return sorted({e.pk for e in elements if summable(e)} | {
        i for e in elements if e.is_rate for i in (e.numerator_id, e.denominator_id)})


def rate_parts(elements):
    """{rate id: (numerator id, denominator id)} of the rates among `elements`."""
    return {e.pk: (e.numerator_id, e.denominator_id) for e in elements if e.is_rate}


def rollup_form(form, period, unit, level="commune"):
    """Every numeric element of a form at once: {(element code, option code): value}.
    Still one aggregate for the sums; rates are derived from them."""
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    rows = (_approved(period, unit, level).filter(element_id__in=added_element_ids(elements))
            .values("element_id", "option__code").annotate(total=Sum("value")))
    sums = {(r["element_id"], r["option__code"]): r["total"] for r in rows}
    return with_rates(elements, sums)


def rollup_agencies(form, period, unit):
    """What the approved reports of the unit's own agencies add up to, for
    each cell of the form: {(element code, option code): value}. A rate an
    agency typed itself (the ‰ infant mortality Sở Y tế gives) cannot be
    added: it is given when one agency alone reported it."""
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    approved = DataValue.objects.filter(period=period, unit=unit, agency__isnull=False, value__isnull=False,
                                        submission__status=Submission.Status.APPROVED)
    rows = (approved.filter(element_id__in=added_element_ids(elements))
            .values("element_id", "option__code").annotate(total=Sum("value")))
    out = with_rates(elements, {(r["element_id"], r["option__code"]): r["total"] for r in rows})
    # Rates typed as such, and rates with counts where the agencies typed the rate alone.
    typed = {e.pk: e.code for e in elements if e.is_numeric and not summable(e)}
    given = {}
    for element_id, option, value in approved.filter(element_id__in=list(typed)).values_list(
            "element_id", "option__code", "value"):
        given.setdefault((typed[element_id], option), []).append(value)
    out.update({key: values[0] for key, values in given.items() if len(values) == 1 and out.get(key) is None})
    return out


def rollup_over_time(form, periods, unit, level="commune"):
    """A form's roll-up over several periods (the mid-term review over
    2021–2025): flows add up over the periods, snapshots take the latest
    period that has a value, and rates are recomputed from the parts so
    aggregated. {(element code, option code): value}."""
    periods = sorted(periods, key=lambda p: p.end)
    order = {p.pk: i for i, p in enumerate(periods)}
    elements = [r.element for r in form.rows.select_related("element__numerator", "element__denominator")
                if r.element_id]
    by_id = {e.pk: e for e in elements}
    for e in elements:
        if e.is_rate:
            by_id.setdefault(e.numerator_id, e.numerator)
            by_id.setdefault(e.denominator_id, e.denominator)
    added = [pk for pk, e in by_id.items() if summable(e)]
    rows = (DataValue.objects.filter(period__in=periods, unit__path__startswith=unit.path, value__isnull=False,
                                     agency__isnull=True, submission__status=Submission.Status.APPROVED)
            .filter(**({"unit__level": level} if level else {}))
            .filter(element_id__in=added)
            .values("element_id", "option__code", "period_id").annotate(total=Sum("value")))
    sums, latest = {}, {}
    for r in rows:
        key = (r["element_id"], r["option__code"])
        if by_id[r["element_id"]].aggregation == DataElement.Aggregation.LAST:
            if key not in latest or order[r["period_id"]] > latest[key][0]:
                latest[key] = (order[r["period_id"]], r["total"])
        else:
            sums[key] = sums.get(key, 0) + r["total"]
    sums.update({k: v for k, (_i, v) in latest.items()})
    return with_rates(elements, sums)


def with_rates(elements, sums):
    """{(element code, option): value} from {(element id, option): sum}
    already added over the units, rates derived from their summed parts."""
    out = {}
    for e in elements:
        if e.is_rate:
            for (eid, opt), num in sums.items():
                if eid == e.numerator_id:
                    den = sums.get((e.denominator_id, opt))
                    out[(e.code, opt)] = num * (e.factor or 100) / den if den else None
        else:
            for (eid, opt), total in sums.items():
                if eid == e.pk:
                    out[(e.code, opt)] = total
    return out


def own_rates(rows, values):
    """A report's own rates, from its own numerator and denominator as the
    roll-ups compute them: {(rate code, option code): value} for the rate
    rows of `rows` (validation.form_rows) whose parts `values` holds, a
    zero denominator giving none."""
    out = {}
    for row in rows:
        e = row.element
        if e is None or not e.is_rate:
            continue
        for option in row.options:
            num, den = values.get((e.numerator.code, option.code)), values.get((e.denominator.code, option.code))
            if isinstance(num, Decimal) and isinstance(den, Decimal) and den:
                out[(e.code, option.code)] = num * (e.factor or 100) / den
    return out


def predecessors_within(unit):
    """The old-structure communes whose area went into `unit` (a 2025
    province or commune): (whole, split). `whole` are the ids of communes
    all of whose successors lie within `unit`; `split` lists the communes
    split between `unit` and units outside it, as (commune, [successors])."""
    pairs = Succession.objects.filter(successor__path__startswith=unit.path,
                                      predecessor__level=Unit.Level.COMMUNE).values("predecessor_id")
    successors = {}
    for pred, succ in Succession.objects.filter(predecessor_id__in=pairs).values_list("predecessor_id", "successor_id"):
        successors.setdefault(pred, []).append(succ)
    inside = set(Unit.objects.filter(pk__in={s for ss in successors.values() for s in ss},
                                     path__startswith=unit.path).values_list("pk", flat=True))
    whole = [p for p, ss in successors.items() if all(s in inside for s in ss)]
    split_ids = [p for p, ss in successors.items() if not all(s in inside for s in ss)]
    units = Unit.objects.in_bulk(split_ids + [s for p in split_ids for s in successors[p]])
    split = [(units[p], [units[s] for s in successors[p]]) for p in sorted(split_ids)]
    return whole, split


def rollup_form_for(form, period, unit):
    """The roll-up of a form for `unit` in `period`, whatever structure the
    data was reported under: a 2025 unit asked for a period before the
    reform gets the old communes' approved reports added up through the
    succession links, so a 2021 baseline and a 2026 value line up for the
    same new province. A commune split between this unit and another is
    not added to either (which part of its children went where is not in
    the data): it is returned in `split`, with its values, for the reader
    to see. Returns (values, split) with split = [(commune, successors, values)]."""
    if unit.structure != Unit.Structure.Y2025 or period.start >= REFORM_DATE:
        return rollup_form(form, period, unit), []
    reported = rollup_form(form, period, unit)
    if reported:  # a period astride the reform (the year 2025) the new communes reported
        return reported, []
    whole, split = predecessors_within(unit)
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    split_values = [(old, new, _sum_by_unit_ids(elements, period, [old.pk])) for old, new in split]
    return _sum_by_unit_ids(elements, period, whole), [s for s in split_values if s[2]]


def _sum_by_unit_ids(elements, period, unit_ids):
    ids = added_element_ids(elements)
    sums = {}
    for chunk in range(0, len(unit_ids), 500):  # SQLite caps the parameters of one query
        rows = (DataValue.objects.filter(period=period, unit_id__in=unit_ids[chunk:chunk + 500], value__isnull=False,
                                         agency__isnull=True, submission__status=Submission.Status.APPROVED,
                                         element_id__in=ids)
                .values("element_id", "option__code").annotate(total=Sum("value")))
        for r in rows:
            key = (r["element_id"], r["option__code"])
            sums[key] = sums.get(key, 0) + r["total"]
    return with_rates(elements, sums)
