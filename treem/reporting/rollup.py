"""Roll-up: approved values added up a unit's subtree in one SQL aggregate
(path prefix + GROUP BY option). Counts and money add; a rate defined from
two elements is recomputed from the summed numerator and denominator, never
averaged."""

from decimal import Decimal

from django.db.models import Q, Sum

from .models import DataElement, DataValue, Submission


def _approved(period, unit, level):
    qs = DataValue.objects.filter(period=period, unit__path__startswith=unit.path,
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
    if element.value_type in (DataElement.ValueType.PERCENT, DataElement.ValueType.TEXT):
        return {}
    rows = _approved(period, unit, level).filter(element=element).values("option__code").annotate(total=Sum("value"))
    return {r["option__code"]: r["total"] for r in rows}


def rollup_form(form, period, unit, level="commune"):
    """Every numeric element of a form at once: {(element code, option code): value}.
    Still one aggregate for the sums; rates are derived from them."""
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    rows = (_approved(period, unit, level).filter(element_id__in=[e.pk for e in elements if e.value_type in
                                                                 ("count", "number", "money")] +
                                                   [e.numerator_id for e in elements if e.is_rate] +
                                                   [e.denominator_id for e in elements if e.is_rate])
            .values("element_id", "option__code").annotate(total=Sum("value")))
    sums = {(r["element_id"], r["option__code"]): r["total"] for r in rows}
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
