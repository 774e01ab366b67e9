"""Read and write plans in Treem's plan format (docs/plan-format.md).

`import_plan(data)` validates the whole document first and saves it in one
transaction, so a bad file saves nothing. `export_plan(plan)` gives the same
format back, so plans move between Treem installations.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from treem.agencies.models import Agency, normalize_name
from treem.core.models import audit
from treem.units.models import Unit

from .models import (
    Comparator,
    Direction,
    Indicator,
    MeasureUnit,
    Objective,
    Plan,
    ReportingRequirement,
    Scope,
    SubIndicator,
    Target,
    Task,
)

FORMAT = "treem-plan/1"


class PlanFormatError(ValueError):
    """The document does not follow the plan format; the message says where."""


class PlanExists(PlanFormatError):
    def __init__(self, plan):
        self.plan = plan
        super().__init__(
            _("Plan %(number)s of %(unit)s is already in Treem.") % {"number": plan.number, "unit": plan.unit}
        )


def _require(cond, message):
    if not cond:
        raise PlanFormatError(message)


def _decimal(value, where):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PlanFormatError(_("%(where)s: %(value)r is not a number.") % {"where": where, "value": value}) from None


def _choice(value, choices, where):
    values = {c for c, _label in choices}
    _require(value in values, _("%(where)s: unknown value %(value)r.") % {"where": where, "value": value})
    return value


def _date(value, where):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlanFormatError(_("%(where)s: %(value)r is not a date (YYYY-MM-DD).") % {"where": where, "value": value}) from None


def find_unit(ref):
    _require(isinstance(ref, dict), _("The plan names no unit."))
    unit = Unit.objects.filter(
        structure=ref.get("structure"), level=ref.get("level"), code=ref.get("code")
    ).first()
    _require(
        unit is not None,
        _("Unit %(name)s (code %(code)s) is not in Treem yet; load the units first (treem load-units).")
        % {"name": ref.get("name", ""), "code": ref.get("code", "")},
    )
    return unit


class AgencyNames:
    """Agencies as a plan names them: those of the plan's unit first, then of
    the units above it, read once per import. With `create`, a name found
    nowhere becomes a new agency of the plan's unit (a plan imported for a
    province whose departments are not in Treem yet)."""

    KIND_BY_PREFIX = [("bộ ", Agency.Kind.MINISTRY), ("sở ", Agency.Kind.DEPARTMENT), ("phòng ", Agency.Kind.OFFICE),
                      ("công an", Agency.Kind.POLICE), ("ủy ban nhân dân", Agency.Kind.COMMITTEE),
                      ("ubnd", Agency.Kind.COMMITTEE), ("hội ", Agency.Kind.UNION), ("đoàn ", Agency.Kind.UNION),
                      ("tỉnh đoàn", Agency.Kind.UNION), ("trung tâm", Agency.Kind.CENTRE)]

    def __init__(self, unit, create=False):
        self.unit, self.create, self.created = unit, create, []
        self.by_key = {}
        for candidate in reversed([unit, *reversed(unit.ancestors())]):  # nearer units win
            for agency in Agency.objects.filter(unit=candidate):
                self.by_key.update(dict.fromkeys(agency.name_keys(), agency))

    def __call__(self, name):
        name = (name or "").strip()
        if not name:
            return None
        key = normalize_name(name)
        if key not in self.by_key and self.create and len(name) <= 255:
            lowered = name.casefold()
            kind = next((k for prefix, k in self.KIND_BY_PREFIX if lowered.startswith(prefix)), Agency.Kind.OTHER)
            self.by_key[key] = Agency.objects.create(unit=self.unit, name=name, kind=kind)
            self.created.append(name)
        return self.by_key.get(key)


def find_agency(unit, name):
    """The agency of `unit` (or of a unit above it) that a plan calls `name`."""
    return AgencyNames(unit)(name)


def import_plan(data, *, user=None, source_text="", source_name="", replace=False, create_agencies=False):
    """Save a plan from its format document. Returns the Plan.

    With `create_agencies`, lead and coordinating agencies not in Treem are
    added to the plan's unit (the reviewer has seen every name).

    Raises PlanFormatError (Vietnamese message) and saves nothing if the
    document is not valid, and PlanExists if the plan is already there and
    `replace` is false.
    """
    _require(isinstance(data, dict) and data.get("format") == FORMAT, _("This is not a Treem plan document."))
    unit = find_unit(data.get("unit"))
    number = (data.get("number") or "").strip()
    existing = Plan.objects.filter(unit=unit, number=number).first() if number else None
    if existing and not replace:
        raise PlanExists(existing)
    period = data.get("period") or {}
    _require(
        isinstance(period.get("start"), int) and isinstance(period.get("end"), int) and period["start"] <= period["end"],
        _("The plan's period must give a start and an end year."),
    )
    _require(data.get("title"), _("The plan has no title."))

    with transaction.atomic():
        if existing:
            existing.delete()
        parent = None
        if data.get("parent") and data["parent"].get("number"):
            # Numbers like "75/KH-UBND" repeat across provinces: the parent is
            # a plan of a unit above this one.
            parent = Plan.objects.filter(
                number=data["parent"]["number"], unit_id__in=unit.ancestor_ids()
            ).order_by("-unit__path").first()
        implements = data.get("implements") or []
        plan = Plan.objects.create(
            unit=unit,
            number=number,
            kind=_choice(data.get("kind", "plan"), Plan.Kind.choices, "kind"),
            title=data["title"],
            issuer=data.get("issuer", ""),
            place=data.get("place", ""),
            issued_on=_date(data.get("date"), "date"),
            period_start=period["start"],
            period_end=period["end"],
            parent=parent,
            implements="\n".join(i.get("text", "") for i in implements),
            signer=data.get("signer", ""),
            source_name=source_name or (data.get("source") or {}).get("file", ""),
            source_text=source_text or (data.get("source") or {}).get("text", ""),
        )
        agencies = AgencyNames(unit, create=create_agencies)
        objectives = {}
        for order, obj in enumerate(data.get("objectives") or []):
            _require(obj.get("number") and obj.get("title"), _("Objective %(n)s has no number or title.") % {"n": order + 1})
            objectives[str(obj["number"])] = Objective.objects.create(
                plan=plan, number=str(obj["number"]), title=obj["title"], order=order, source_line=obj.get("line")
            )
        national = plan.national_plan() if plan.unit.level != Unit.Level.NATION else None
        for order, ind in enumerate(data.get("indicators") or []):
            _save_indicator(plan, ind, order, objectives, national, agencies)
        for order, task in enumerate(data.get("tasks") or []):
            _save_task(plan, task, order, None, agencies)
        for req in data.get("reporting") or []:
            deadline = req.get("deadline") or {}
            ReportingRequirement.objects.create(
                plan=plan,
                frequency=_choice(req.get("frequency"), ReportingRequirement.Frequency.choices, "reporting.frequency"),
                deadline_day=deadline.get("day"),
                deadline_month=deadline.get("month"),
                deadline_year=deadline.get("year"),
                reporters_text=req.get("reporters", ""),
                recipient_text=req.get("recipient", ""),
                text=req.get("text", ""),
                source_line=req.get("line"),
            )
        audit(user, "plan.replaced" if existing else "plan.imported", plan, unit=unit, number=number,
              source=plan.source_name, agencies_created=agencies.created)
    return plan


def _save_indicator(plan, ind, order, objectives, national, agencies):
    where = _("Indicator %(n)s") % {"n": ind.get("number", order + 1)}
    _require(ind.get("number") and ind.get("name"), _("%(where)s has no number or text.") % {"where": where})
    subs = ind.get("sub_indicators") or []
    _require(subs, _("%(where)s has no sub-indicator.") % {"where": where})
    national_indicator = None
    if national and ind.get("national_indicator"):
        national_indicator = national.indicators.filter(number=str(ind["national_indicator"])).first()
    indicator = Indicator.objects.create(
        plan=plan,
        objective=objectives.get(str(ind.get("objective"))) if ind.get("objective") is not None else None,
        number=str(ind["number"]),
        name=ind["name"],
        order=order,
        lead_agency=agencies(ind.get("lead_agency")),
        lead_text=ind.get("lead_agency") or "",
        lead_line=ind.get("lead_agency_line"),
        coordinating_text=ind.get("coordinating_text", ""),
        national_indicator=national_indicator,
        note=ind.get("note", ""),
        source_line=ind.get("line"),
    )
    coordinating = [agencies(n) for n in ind.get("coordinating_agencies") or []]
    unresolved = [n for n, a in zip(ind.get("coordinating_agencies") or [], coordinating) if a is None]
    indicator.coordinating_agencies.set([a for a in coordinating if a])
    if unresolved:
        extra = "; ".join(unresolved)
        indicator.coordinating_text = f"{indicator.coordinating_text}; {extra}" if indicator.coordinating_text else extra
        indicator.save(update_fields=["coordinating_text"])
    national_subs = list(national_indicator.sub_indicators.all()) if national_indicator else []
    for sub_order, sub in enumerate(subs):
        _save_sub_indicator(indicator, sub, sub_order, national_subs, f"{where}, {sub_order + 1}")


def _save_sub_indicator(indicator, sub, order, national_subs, where):
    _require(sub.get("name"), _("%(where)s: sub-indicator has no name.") % {"where": where})
    baseline = sub.get("baseline") or {}
    status = baseline.get("status", SubIndicator.BaselineStatus.NONE) if baseline else SubIndicator.BaselineStatus.NONE
    position = sub.get("national_sub_indicator")
    national_sub = national_subs[position - 1] if position and 0 < position <= len(national_subs) else None
    row = SubIndicator.objects.create(
        indicator=indicator,
        order=order,
        name=sub["name"],
        unit=_choice(sub.get("unit", "percent"), MeasureUnit.choices, f"{where}: unit"),
        direction=_choice(sub.get("direction"), Direction.choices, f"{where}: direction"),
        baseline_status=_choice(status, SubIndicator.BaselineStatus.choices, f"{where}: baseline"),
        baseline_value=_decimal(baseline.get("value"), where),
        baseline_comparator=_choice(baseline.get("comparator", "") or "", Comparator.choices, where),
        baseline_year=baseline.get("year"),
        baseline_text=baseline.get("text", ""),
        baseline_line=baseline.get("line"),
        national_sub_indicator=national_sub,
        note=sub.get("note", ""),
        source_line=sub.get("line"),
    )
    for target in sub.get("targets") or []:
        _require(isinstance(target.get("year"), int), _("%(where)s: a target has no year.") % {"where": where})
        comparator = _choice(target.get("comparator", "") or "", Comparator.choices, f"{where}: comparator")
        value = _decimal(target.get("value"), where)
        _require(value is not None, _("%(where)s: the %(year)s target has no value.") % {"where": where, "year": target["year"]})
        value_max = _decimal(target.get("value_max"), where)
        if comparator == Comparator.RANGE:
            _require(value_max is not None and value_max >= value,
                     _("%(where)s: a range needs an upper bound above its lower bound.") % {"where": where})
        Target.objects.create(
            sub_indicator=row,
            year=target["year"],
            comparator=comparator,
            value=value,
            value_max=value_max,
            scope=_choice(target.get("scope", "") or "", Scope.choices, f"{where}: scope"),
            text=target.get("text", ""),
            note=target.get("note", ""),
            source_line=target.get("line"),
        )


def _save_task(plan, task, order, parent, agencies):
    timeframe = task.get("timeframe") or {}
    row = Task.objects.create(
        plan=plan,
        parent=parent,
        number=str(task.get("number", "")),
        title=task.get("title", ""),
        order=order,
        lead_text="; ".join(task.get("lead") or []),
        coordinating_text="; ".join(task.get("coordinating") or []),
        timeframe_kind=_choice(timeframe.get("kind", "") or "", Task.Timeframe.choices, "task.timeframe"),
        timeframe_text=timeframe.get("text", ""),
        starts_on=_date(timeframe.get("start"), "task.timeframe.start"),
        ends_on=_date(timeframe.get("end"), "task.timeframe.end"),
        source_line=task.get("line"),
    )
    row.lead_agencies.set([a for a in map(agencies, task.get("lead") or []) if a])
    row.coordinating_agencies.set([a for a in map(agencies, task.get("coordinating") or []) if a])
    for sub_order, sub in enumerate(task.get("tasks") or []):
        _save_task(plan, sub, sub_order, row, agencies)
    return row


def _number(value):
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def export_plan(plan, include_source=False):
    """The plan as a format document (a dict ready for json.dumps). With
    `include_source`, the document's text travels too, so every line number
    still points somewhere on the other installation."""
    unit = plan.unit
    data = {
        "format": FORMAT,
        "number": plan.number,
        "kind": plan.kind,
        "title": plan.title,
        "issuer": plan.issuer,
        "place": plan.place,
        "date": plan.issued_on.isoformat() if plan.issued_on else None,
        "unit": {"level": unit.level, "structure": unit.structure, "code": unit.code, "name": unit.name},
        "period": {"start": plan.period_start, "end": plan.period_end},
        "parent": {"number": plan.parent.number} if plan.parent_id else None,
        "implements": [{"text": t} for t in plan.implements.splitlines() if t],
        "signer": plan.signer,
        "source": {"file": plan.source_name, **({"text": plan.source_text} if include_source else {})},
        "objectives": [
            {"number": o.number, "title": o.title, "line": o.source_line} for o in plan.objectives.all()
        ],
        "indicators": [],
        "tasks": [_export_task(t) for t in plan.tasks.filter(parent=None)],
        "reporting": [
            {
                "frequency": r.frequency,
                "deadline": {k: v for k, v in (("day", r.deadline_day), ("month", r.deadline_month), ("year", r.deadline_year)) if v},
                "reporters": r.reporters_text,
                "recipient": r.recipient_text,
                "text": r.text,
                "line": r.source_line,
            }
            for r in plan.reporting.all()
        ],
    }
    indicators = plan.indicators.select_related("objective", "lead_agency", "national_indicator").prefetch_related(
        "coordinating_agencies", "sub_indicators__targets", "sub_indicators__national_sub_indicator"
    )
    for ind in indicators:
        data["indicators"].append({
            "number": ind.number,
            "objective": ind.objective.number if ind.objective_id else None,
            "name": ind.name,
            "line": ind.source_line,
            "lead_agency": ind.lead_text or (ind.lead_agency.name if ind.lead_agency_id else None),
            "lead_agency_line": ind.lead_line,
            "coordinating_agencies": [a.name for a in ind.coordinating_agencies.all()],
            "coordinating_text": ind.coordinating_text,
            "national_indicator": ind.national_indicator.number if ind.national_indicator_id else None,
            "note": ind.note,
            "sub_indicators": [_export_sub(s) for s in ind.sub_indicators.all()],
        })
    return data


def _export_sub(sub):
    national_position = None
    if sub.national_sub_indicator_id:
        national_position = sub.national_sub_indicator.order + 1
    baseline = None
    if sub.baseline_status != SubIndicator.BaselineStatus.NONE or sub.baseline_text:
        baseline = {
            "status": sub.baseline_status,
            "value": _number(sub.baseline_value),
            "comparator": sub.baseline_comparator,
            "year": sub.baseline_year,
            "text": sub.baseline_text,
            "line": sub.baseline_line,
        }
    return {
        "name": sub.name,
        "unit": sub.unit,
        "direction": sub.direction,
        "baseline": baseline,
        "targets": [
            {
                "year": t.year,
                "comparator": t.comparator,
                "value": _number(t.value),
                "value_max": _number(t.value_max),
                "scope": t.scope,
                "text": t.text,
                "note": t.note,
                "line": t.source_line,
            }
            for t in sub.targets.all()
        ],
        "national_sub_indicator": national_position,
        "note": sub.note,
        "line": sub.source_line,
    }


def _export_task(task):
    return {
        "number": task.number,
        "title": task.title,
        "lead": [x for x in task.lead_text.split("; ") if x],
        "coordinating": [x for x in task.coordinating_text.split("; ") if x],
        "timeframe": {
            "kind": task.timeframe_kind,
            "text": task.timeframe_text,
            "start": task.starts_on.isoformat() if task.starts_on else None,
            "end": task.ends_on.isoformat() if task.ends_on else None,
        },
        "line": task.source_line,
        "tasks": [_export_task(t) for t in task.subtasks.all()],
    }
