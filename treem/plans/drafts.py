"""From an uploaded document to a saved plan, through a draft a person checks.

create_draft: read the file, parse it, keep the result as a draft (nothing
saved in the plan tables). apply_edits: the reviewer's corrections.
confirm_draft: save the plan through the plan format, in one transaction.
"""

import datetime

from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from treem.accounts.access import can_edit_unit, editable_unit_scope
from treem.core.models import audit
from treem.core.numbers import parse_number
from treem.core.search import fold
from treem.units.models import Unit

from .importing.checks import review_flags
from .importing.parser import parse_plan, public_document
from .importing.text import NOT_A_PLAN, PlanImportError, extract_text
from .importing.units import complete_unit, unit_by_code
from .models import (
    Comparator,
    Direction,
    MeasureUnit,
    Plan,
    PlanDraft,
    Scope,
    SubIndicator,
)
from .plan_format import PlanExists, PlanFormatError, export_plan, import_plan


def read_document(data, filename):
    """(text, plan document) of an uploaded file. The document keeps the
    parser's working keys ("_narrative_targets" …) that the review flags need;
    public_document() drops them before saving. Raises PlanImportError (a
    Vietnamese message) for a file that is not a readable plan."""
    text = extract_text(data, filename)
    doc = parse_plan(text)
    if not doc["title"] and not doc["indicators"] and not doc["tasks"]:
        raise PlanImportError(NOT_A_PLAN)
    return text, doc


def read_plan_file(data, filename, *, unit_code=None):
    """(text, document) of a plan file, its unit found among the loaded units
    (by `unit_code` when the name is not enough). What `treem import-plan`
    and the demo both read; raises PlanImportError."""
    text, doc = read_document(data, filename)
    if unit_code:
        unit_by_code(doc, unit_code)
    else:
        complete_unit(doc)
    return text, doc


def save_plan_file(text, doc, filename, *, user=None):
    """Save a document read by read_plan_file as it is (no review); raises
    PlanFormatError or PlanExists."""
    return import_plan(public_document(doc), user=user, source_text=text, source_name=filename)


def national_document(doc):
    """The national programme `doc` carries out, in the plan format, to compare
    targets with: the parent it names if loaded, else the latest one."""
    if (doc.get("unit") or {}).get("level") == Unit.Level.NATION:
        return None
    nationals = Plan.objects.filter(unit__level=Unit.Level.NATION)
    number = (doc.get("parent") or {}).get("number")
    plan = (nationals.filter(number=number).first() if number else None) or nationals.order_by("-period_end").first()
    return export_plan(plan) if plan else None


def create_draft(user, *, data, filename):
    """Parse an uploaded document into a draft. Raises PlanImportError with a
    message for the user; saves nothing then."""
    text, doc = read_document(data, filename)
    # Of two units of the document's name it does not tell apart, the user's own.
    unit = complete_unit(doc, within=editable_unit_scope(user, ""))
    draft = PlanDraft.objects.create(
        created_by=user, source_name=filename, source_text=text, data=doc, unit=unit,
        flags=review_flags(doc, national_document(doc)),
    )
    audit(user, "plan_draft.created", draft, unit=unit, source=filename)
    return draft


def _set(target, key, value):
    if value is not None:
        target[key] = value


def _number_or_none(text):
    text = (text or "").strip()
    if not text:
        return None
    value = parse_number(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _target_key(target):
    return tuple(target.get(k) for k in ("year", "comparator", "value", "value_max", "scope"))


def _note_correction(target, as_read):
    """A target changed by the reviewer says so, with what the document wrote:
    its line no longer shows the saved figure."""
    marker = _("corrected on review")
    if _target_key(target) != as_read and marker not in (target.get("note") or ""):
        written = Truncator(target.get("text") or "").chars(120)
        note = f"{marker}; " + (_("the document writes “%(text)s”") % {"text": written} if written else "")
        target["note"] = "; ".join(x for x in (target.get("note"), note.strip("; ")) if x)


def apply_edits(draft, post):
    """Apply the review form to the draft's document. Returns a list of error
    messages (the draft is not changed if there is any)."""
    doc = draft.data
    errors = []

    def field(name):
        return post.get(name)

    def number(name, label):
        try:
            return _number_or_none(field(name))
        except ValueError:
            errors.append(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": field(name)})
            return None

    for key in ("number", "title", "issuer", "place"):
        if field(key) is not None:
            doc[key] = field(key).strip()
    if field("date") is not None:
        value = field("date").strip()
        if value:
            try:
                doc["date"] = datetime.datetime.strptime(value, "%d/%m/%Y").date().isoformat()
            except ValueError:
                errors.append(_("Date issued: “%(value)s” is not a date (dd/mm/yyyy).") % {"value": value})
        else:
            doc["date"] = None
    period = doc.setdefault("period", {})
    for key in ("start", "end"):
        value = number(f"period_{key}", _("Period"))
        if value is not None:
            period[key] = int(value)
    if field("unit") is not None:
        chosen = field("unit").strip()
        unit = Unit.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        if unit is not None:
            doc["unit"] = {"level": unit.level, "structure": unit.structure, "code": unit.code, "name": unit.name}
        elif not chosen:
            # "— choose —" chosen over a unit: the plan has none until one is
            # chosen (what the page shows is what is saved; the guess is dropped).
            ref = doc.get("unit") or {}
            if ref.get("code"):
                doc["unit"] = {"level": ref.get("level"), "name": ref.get("name"), "_cleared": True}
        else:
            errors.append(_("The chosen unit is not in Treem; choose it again."))
    if field("parent") is not None:
        doc["parent"] = {"number": field("parent")} if field("parent") else None

    added = []

    def new_target(tp):
        """A target the reviewer adds (the document's figure the parser missed):
        its year and value are required; it has no line, and says so."""
        year, value = number(f"{tp}-year", label), number(f"{tp}-value", label)
        if year is None and value is None:
            return None
        if year is None or value is None:
            errors.append(_("%(label)s: a new target needs a year and a value.") % {"label": label})
            return None
        comparator = field(f"{tp}-comparator") if field(f"{tp}-comparator") in Comparator.values else ""
        scope = field(f"{tp}-scope") if field(f"{tp}-scope") in Scope.values else ""
        return {"year": int(year), "comparator": comparator, "value": value,
                "value_max": number(f"{tp}-value_max", label), "scope": scope, "text": "",
                "note": _("added on review"), "line": None}

    for i, ind in enumerate(doc.get("indicators") or []):
        prefix = f"i{i}"
        label = _("Indicator %(n)s") % {"n": ind.get("number")}
        _set(ind, "lead_agency", field(f"{prefix}-lead") if field(f"{prefix}-lead") is not None else None)
        for j, sub in enumerate(ind.get("sub_indicators") or []):
            sp = f"{prefix}s{j}"
            if field(f"{sp}-unit") in MeasureUnit.values:
                sub["unit"] = field(f"{sp}-unit")
            if field(f"{sp}-direction") in Direction.values:
                sub["direction"] = field(f"{sp}-direction")
            status = field(f"{sp}-bstatus")
            if status in SubIndicator.BaselineStatus.values:
                baseline = sub.get("baseline") or {}
                baseline["status"] = status
                baseline["value"] = number(f"{sp}-bvalue", label) if status == "value" else None
                year = number(f"{sp}-byear", label)
                baseline["year"] = int(year) if year is not None else None
                sub["baseline"] = baseline
            kept = []
            for k, target in enumerate(sub.get("targets") or []):
                tp = f"{sp}t{k}"
                if field(f"{tp}-delete"):
                    continue
                as_read = _target_key(target)
                year = number(f"{tp}-year", label)
                if year is not None:
                    target["year"] = int(year)
                if field(f"{tp}-comparator") in Comparator.values:
                    target["comparator"] = field(f"{tp}-comparator")
                value = number(f"{tp}-value", label)
                if field(f"{tp}-value") is not None:
                    if value is None:
                        errors.append(_("%(label)s: a target has no value.") % {"label": label})
                    target["value"] = value
                if field(f"{tp}-value_max") is not None:
                    target["value_max"] = number(f"{tp}-value_max", label)
                if field(f"{tp}-scope") in Scope.values:
                    target["scope"] = field(f"{tp}-scope")
                _note_correction(target, as_read)
                kept.append(target)
            new = new_target(f"{sp}tnew")
            if new:
                kept.append(new)
                added.append(f"{ind.get('number')}.{j + 1} {new['year']}")
            sub["targets"] = kept
        name = (field(f"{prefix}snew-name") or "").strip()
        if name:
            sub = {
                "name": name, "unit": field(f"{prefix}snew-unit") if field(f"{prefix}snew-unit") in MeasureUnit.values
                else MeasureUnit.PERCENT.value,
                "direction": field(f"{prefix}snew-direction") if field(f"{prefix}snew-direction") in Direction.values
                else Direction.INCREASE.value,
                "baseline": None, "targets": [], "national_sub_indicator": None, "note": _("added on review"),
                "line": None,
            }
            new = new_target(f"{prefix}snew-t")
            if new:
                sub["targets"].append(new)
            ind.setdefault("sub_indicators", []).append(sub)
            added.append(f"{ind.get('number')}.{len(ind['sub_indicators'])}")
        elif any(field(f"{prefix}snew-t-{key}") for key in ("year", "value")):
            errors.append(_("%(label)s: a new sub-indicator needs a name.") % {"label": label})
    if errors:
        draft.refresh_from_db()
        return errors
    draft.data = doc
    draft.flags = review_flags(doc, national_document(doc))
    draft.save(update_fields=["data", "flags", "updated_at"])
    audit(draft.created_by, "plan_draft.edited", draft, added=added)
    return []


def save_problem(user, draft):
    """Why this user cannot save the draft, or None: the unit is unknown, not
    theirs, not the one that issued the document, or the plan is already in
    Treem. Said on the review screen at once, not only when confirming."""
    doc = draft.data
    unit = complete_unit(doc)
    if unit is None:
        return _("Choose the unit this plan belongs to.")
    if not can_edit_unit(user, unit):
        return _("This plan belongs to %(unit)s; your account adds plans only for %(own)s and the units under it. "
                 "Discard this draft.") % {"unit": unit, "own": user.unit or "—"}
    if unit.level != Unit.Level.NATION:
        said = fold(" ".join(doc.get(k) or "" for k in ("issuer", "place", "title")))
        if said and fold(unit.short_name or unit.name) not in said:
            return _("The document was issued by “%(issuer)s”, not by %(unit)s.") % {
                "issuer": doc.get("issuer") or doc.get("place") or doc.get("title", "")[:80], "unit": unit}
    number = (doc.get("number") or "").strip()
    existing = Plan.objects.filter(unit=unit, number=number).first() if number else None
    if existing:
        return str(PlanExists(existing))
    return None


def confirm_draft(user, draft):
    """Save the draft as a plan; agencies it names that Treem lacks are added
    to the plan's unit. Raises PlanFormatError (message for the user)."""
    problem = save_problem(user, draft)
    if problem:
        raise PlanFormatError(problem)
    unit = complete_unit(draft.data)
    with transaction.atomic():
        plan = import_plan(public_document(draft.data), user=user, source_text=draft.source_text,
                           source_name=draft.source_name, create_agencies=True)
        draft.status = PlanDraft.Status.IMPORTED
        draft.plan = plan
        draft.unit = unit
        draft.save(update_fields=["status", "plan", "unit", "updated_at"])
    return plan
