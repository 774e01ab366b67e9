"""The plan as its summary table reads, and who leads what: computed from the
stored indicators, never typed."""

from collections import OrderedDict

from django.utils.translation import gettext as _

from treem.core.numbers import format_number

from .models import Comparator, Direction, Scope, SubIndicator

COMPARATOR_SIGNS = {"<": "<", "<=": "≤", "=": "=", ">=": "≥", ">": ">", "": ""}


def format_target(target, suffix):
    """'< 5‰', '16,5', '2%–3%', '< 5% (nông thôn)', 'duy trì 100%' from a stored target."""
    if target.comparator == Comparator.RANGE:
        text = f"{format_number(target.value)}{suffix}–{format_number(target.value_max)}{suffix}"
    elif target.comparator == Comparator.EQ:
        # "=" is how a plan's "duy trì 100% đến năm 2030" (hold the figure) is
        # stored: say it in the plan's words, not with a sign no one writes. An
        # "eliminate" indicator's "= 0" (no figure written) is just the zero.
        figure = f"{format_number(target.value)}{suffix}"
        if target.sub_indicator.direction == Direction.ELIMINATE:
            text = figure
        else:
            text = f"{Direction.MAINTAIN.label} {figure}"
    else:
        sign = COMPARATOR_SIGNS[target.comparator]
        text = f"{sign} {format_number(target.value)}{suffix}".strip()
    if target.scope:
        text += f" ({Scope(target.scope).label})"
    return text


def format_baseline(sub, table_year=None):
    status = sub.baseline_status
    if status == SubIndicator.BaselineStatus.NOT_COLLECTED:
        return _("Not collected")
    if status == SubIndicator.BaselineStatus.NOT_ASSESSED:
        return _("Not assessed")
    if status == SubIndicator.BaselineStatus.NONE or sub.baseline_value is None:
        return ""
    sign = COMPARATOR_SIGNS.get(sub.baseline_comparator, "")
    text = f"{sign} {format_number(sub.baseline_value)}{sub.unit_suffix}".strip()
    if sub.baseline_year and sub.baseline_year != table_year:
        text += " " + _("(%(year)s data)") % {"year": sub.baseline_year}
    return text


def _targets_by_year(sub, years):
    cells = OrderedDict((y, []) for y in years)
    for t in sub.targets.all():
        if t.year in cells:
            cells[t.year].append(t)
    return [(y, [(format_target(t, sub.unit_suffix), t) for t in ts]) for y, ts in cells.items()]


def summary_table(plan):
    """Objectives with their indicators, each with one row per sub-indicator:
    the national target beside the plan's own baseline and targets."""
    indicators = list(
        plan.indicators.select_related("objective", "lead_agency", "national_indicator")
        .prefetch_related(
            "coordinating_agencies",
            "sub_indicators__targets",
            "sub_indicators__national_sub_indicator__targets",
            "national_indicator__sub_indicators__targets",
        )
    )
    years = sorted({t.year for ind in indicators for s in ind.sub_indicators.all() for t in s.targets.all()})
    baseline_years = [s.baseline_year for ind in indicators for s in ind.sub_indicators.all() if s.baseline_year]
    table_year = max(set(baseline_years), key=baseline_years.count) if baseline_years else None
    national_years = sorted({
        t.year
        for ind in indicators
        for s in ind.sub_indicators.all()
        if s.national_sub_indicator_id
        for t in s.national_sub_indicator.targets.all()
    })
    groups = OrderedDict()
    for ind in indicators:
        key = ind.objective_id
        if key not in groups:
            groups[key] = {"objective": ind.objective, "indicators": []}
        rows = []
        for sub in ind.sub_indicators.all():
            national = sub.national_sub_indicator
            rows.append({
                "sub": sub,
                "baseline": format_baseline(sub, table_year),
                "targets": _targets_by_year(sub, years),
                "national": _targets_by_year(national, national_years) if national else [],
            })
        groups[key]["indicators"].append({"indicator": ind, "rows": rows})
    return {
        "groups": list(groups.values()),
        "years": years,
        "national_years": national_years,
        "baseline_year": table_year,
        "indicator_count": len(indicators),
        # indicator, national targets, baseline, the plan's targets, lead agency
        "column_count": 3 + len(national_years) + len(years),
    }


def agency_summary(plan):
    """For each lead agency: the indicators it leads and those it coordinates,
    in the plan's order; then the leads named by the plan but missing from the
    list of agencies, and the indicators with no lead agency at all."""
    leads = OrderedDict()
    unassigned = []
    unlisted = OrderedDict()  # lead agencies named by the plan but not in Treem's list
    coordinates = {}
    indicators = plan.indicators.select_related("lead_agency").prefetch_related("coordinating_agencies")
    for ind in indicators:
        if ind.lead_agency_id:
            leads.setdefault(ind.lead_agency, []).append(ind)
        elif ind.lead_text:
            unlisted.setdefault(ind.lead_text, []).append(ind)
        else:
            unassigned.append(ind)
        for agency in ind.coordinating_agencies.all():
            coordinates.setdefault(agency, []).append(ind)
    rows = [
        {"agency": agency, "leads": inds, "coordinates": coordinates.get(agency, [])}
        for agency, inds in sorted(leads.items(), key=lambda kv: (-len(kv[1]), kv[0].name))
    ]
    for agency, inds in coordinates.items():
        if agency not in leads:
            rows.append({"agency": agency, "leads": [], "coordinates": inds})
    return {"rows": rows, "unassigned": unassigned, "unlisted": list(unlisted.items())}
