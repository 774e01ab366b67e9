"""Where a result's figure is reported and who answers for it: the row of
the form that carries it, and the lead agency the unit's plan names for
it, as in charge that year. The forms and the official files read these."""

from datetime import date

from treem.plans.models import Plan
from treem.reporting.models import FormRow
from treem.reporting.validation import current_form, form_rows

from .results import _plan_subs


def plan_leads(unit, year):
    """{data element code: {(indicator number, lead agency)}} of the unit's
    plans in force in `year`, reached as the results are, through each
    sub-indicator's source: who answers for each row of Appendix 7 there."""
    leads, in_charge = {}, {}
    end = date(year, 12, 31)
    for plan in Plan.objects.filter(unit_id=unit.pk, period_start__lte=year, period_end__gte=year):
        subs, mapped = _plan_subs(plan)
        by_sub = {sub.pk: sub.indicator for sub in subs}
        for (sub_pk, _scope), source in mapped.items():
            indicator = by_sub[sub_pk]
            if indicator.lead_agency_id:
                # The agency in charge that year: a department merged in 2025 hands its indicators on.
                lead = indicator.lead_agency
                if lead.pk not in in_charge:
                    in_charge[lead.pk] = lead.in_charge_on(end)
                leads.setdefault(source.element_code, set()).add((indicator.number, in_charge[lead.pk]))
    return leads


def appendix_refs(codes):
    """{element code: "Phụ lục 7 · Chỉ tiêu 10"}: where a result's figure
    sits in its form. Appendix 7 numbers its rows otherwise than the plan
    numbers its indicators, and a rate's line, unnumbered, goes under the
    number of the count above it."""
    refs = {}
    form_codes = set(FormRow.objects.filter(element__code__in=codes, form__is_active=True)
                     .values_list("form__code", flat=True))
    for code in sorted(form_codes):
        form = current_form(code)
        number = ""
        for row in form_rows(form) if form else ():
            if not row.element_id:
                continue
            number = row.number or number
            if row.element.code in codes and number:
                refs[row.element.code] = f"{form.name} · {number}"
    return refs
