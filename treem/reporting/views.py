from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from treem.accounts.access import (
    EDITOR_ROLES,
    can_edit_unit,
    editable_unit_scope,
    get_visible_or_404,
    unit_scope,
)
from treem.agencies.models import Agency
from treem.analytics.sources import plan_leads
from treem.core.numbers import format_number
from treem.core.search import fold
from treem.plans.models import Plan
from treem.units.models import Unit
from treem.units.sorting import by_name

from . import actions, calendar
from .entry import entry_table, mark_leads, outline_wording
from .models import DataValueChange, Form, Period, Schedule, Submission
from .rollup import REFORM_DATE, rates_typed_below, rollup_agencies, rollup_form_for
from .validation import current_form, current_period, explanation, form_rows, validate_form_values


def _reportable_units(user):
    """The units a user reports for, offered on the index: their own unit and
    the units right below it (deeper units are reached from the unit pages)."""
    if user.unit_id is None or not (user.is_system_admin or user.role in EDITOR_ROLES):
        return []
    return [user.unit, *by_name(Unit.objects.filter(parent=user.unit))]


def _reportable_agencies(user):
    """The agencies whose reports a user enters: a reporter their own agency;
    a coordinator every agency of their unit (a report sent on paper)."""
    if user.unit_id is None:
        return []
    if user.role == user.Role.REPORTER and user.agency_id and user.agency.unit_id == user.unit_id:
        return [user.agency]
    if user.role == user.Role.COORDINATOR:
        return by_name(Agency.objects.filter(unit_id=user.unit_id))
    return []


def _returned_to(user):
    """The returned reports this user is expected to correct: their own
    unit's (an agency reporter: their agency's), and those they submitted
    themselves for a unit or agency they may report for (a report sent on
    paper and typed in by the level above). Not every returned report of the
    units below: those were returned to the units' own officers, by the
    district or province that decides them, and a coordinator who may edit
    them all would otherwise find the whole country's corrections here."""
    if not user.is_authenticated:
        return Submission.objects.none()
    mine = Q(pk__in=[])
    if user.unit_id and (user.is_system_admin or user.role in EDITOR_ROLES):
        mine |= Q(agency__isnull=True, unit_id=user.unit_id)
    if user.unit_id and user.role == user.Role.REPORTER and user.agency_id:
        mine |= Q(agency_id=user.agency_id, unit_id=user.unit_id)
    # Those they typed in, as long as they still may (as actions.may_report decides).
    if user.is_system_admin:
        typed = Q()
    else:
        typed = editable_unit_scope(user) & Q(agency__isnull=True)
        if user.role == user.Role.COORDINATOR:
            typed |= Q(agency__isnull=False, unit_id=user.unit_id)  # an agency's report sent on paper
    return Submission.objects.filter(status=Submission.Status.RETURNED).filter(mine | (Q(submitted_by=user) & typed))


def index(request):
    user = request.user
    forms = Form.objects.filter(is_active=True).order_by("code")
    # Periods that have begun, the newest first: the default is the current one.
    periods = Period.objects.filter(start__lte=timezone.localdate()).order_by("-end", "type")
    if user.unit_id and user.unit.valid_to:
        # A commune merged on 01/07/2025 reports the periods it lived in; later ones under its successor.
        periods = periods.filter(start__lte=user.unit.valid_to)
    returned = _returned_to(user)
    recent, chosen = _recent_reports(request, Submission.objects.filter(unit_scope(user, ancestors=False)))
    recent = Paginator(recent, 50).get_page(request.GET.get("page"))
    # Late as the calendar counts it, beside each status: whom to chase, and who was late last time.
    due = calendar.deadlines_of(recent.object_list)
    for s in recent.object_list:
        s.due, s.days_late = due[s.pk], calendar.lateness(s, due[s.pk])
    units, agencies = _reportable_units(user), _reportable_agencies(user)
    to_review = actions.awaiting_review(user)
    return render(request, "reporting/index.html", {
        "forms": forms, "periods": periods, "units": units, "agencies": agencies,
        "agency_only": bool(agencies) and not units,
        # Only those who decide on reports (a coordinator, the administrator) are told none awaits them.
        "reviews": user.is_system_admin or user.role == user.Role.COORDINATOR or to_review.exists(),
        "to_review": to_review[:100], "due": calendar.due_reports(user),
        "recent": recent, "chosen": chosen,
        "statuses": Submission.Status.choices,
        # The filters carried from page to page.
        "extra_params": urlencode({k: v for k, v in chosen.items() if v}) + "&" if any(chosen.values()) else "",
        "returned": returned.select_related("form", "unit", "period", "agency", "decided_by")
                            .order_by("-decided_at", "-pk")[:100],
    })


def _recent_reports(request, reports):
    """The reports of the user's area as the list's filters choose them
    (form, period, status, a unit's name or code without accents, or its
    district's), the latest changed first; and the filters as chosen. A
    province holds thousands of reports: paging alone finds none of them."""
    chosen = {key: request.GET.get(key, "").strip() for key in ("form", "period", "status", "unit")}
    if chosen["form"]:
        reports = reports.filter(form__code=chosen["form"])
    if chosen["period"]:
        reports = reports.filter(period__code=chosen["period"])
    if chosen["status"]:
        reports = reports.filter(status=chosen["status"])
    if chosen["unit"]:
        # A district's name lists its communes' reports too: whom a coordinator chases, district by district.
        key = fold(chosen["unit"])
        reports = reports.filter(Q(unit__search_key__contains=key) | Q(unit__code=chosen["unit"])
                                 | Q(unit__parent__search_key__contains=key) | Q(unit__parent__code=chosen["unit"]))
    return reports.select_related("form", "unit", "period", "agency").order_by("-updated_at", "-pk"), chosen


def go(request):
    """The index's chooser: to the entry page of the chosen form, period and
    unit, or of an agency's report ("agency" given, for the agency's unit)."""
    try:
        if request.GET.get("agency"):
            agency = get_object_or_404(Agency, pk=int(request.GET["agency"]))
            return redirect("reporting:agency_entry", request.GET["form"], request.GET["period"], agency.unit_id,
                            agency.pk)
        return redirect("reporting:entry", request.GET["form"], request.GET["period"], int(request.GET["unit"]))
    except (KeyError, ValueError):
        raise Http404 from None


def _posted(request, prefix):
    out = {}
    for name, value in request.POST.items():
        if name.startswith(prefix):
            element, _sep, option = name[len(prefix):].rpartition(":")
            out[(element, option)] = value
    return out


def form_unit_period(user, form_code, period_code, unit_pk):
    """The form (its newest version), the unit the user may see, and the
    period; 404 for anything else."""
    if getattr(user, "unit_id", None) is not None and user.unit_id == unit_pk:
        unit = user.unit  # one's own unit needs no scope query: most requests are an officer's own report
    else:
        unit = get_visible_or_404(Unit.objects.all(), user, field="", ancestors=False, pk=unit_pk)
    form = current_form(form_code)
    if form is None:
        raise Http404
    period = current_period(period_code)
    if period is None:
        raise Http404
    return form, unit, period


def agency_of(unit_pk, agency_pk):
    """The agency of the unit an agency's report is for, or 404."""
    return None if agency_pk is None else get_object_or_404(Agency, pk=agency_pk, unit_id=unit_pk)


def _entry_url(name, form, period, unit, agency):
    if agency is not None:
        return reverse(f"reporting:agency_{name}", args=[form.code, period.code, unit.pk, agency.pk])
    return reverse(f"reporting:{name}", args=[form.code, period.code, unit.pk])


@require_http_methods(["GET", "POST"])
def entry(request, form_code, period_code, unit_pk, agency_pk=None):
    user = request.user
    agency = agency_of(unit_pk, agency_pk)
    form, unit, period = form_unit_period(user, form_code, period_code, unit_pk)
    may_report = actions.may_report(user, unit, agency)
    here = _entry_url("entry", form, period, unit, agency)
    posted, error_problems = None, None

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                # The report is created, if need be, in the transaction that saves it.
                # With each figure the one the page showed as saved ("o:"): a colleague's change since is
                # refused, not overwritten, as autosave refuses it.
                posted, seen = _posted(request, "v:"), _posted(request, "o:")
                if action == "submit":
                    actions.save_and_submit(user, form, unit, period, agency, posted, _posted(request, "c:"),
                                            expected=seen)
                    # Whether it came late, the page says under the status (deadline below).
                    messages.success(request, _("The report was submitted to the level above."))
                else:
                    actions.save_report_values(user, form, unit, period, agency, posted, _posted(request, "c:"),
                                               expected=seen)
                    messages.success(request, _("Saved."))
            elif action == "from_agencies" and agency is None:
                submission = actions.find_submission(form, unit, period) or actions.open_submission(
                    user, form, unit, period)
                filled = actions.fill_from_agencies(user, submission)
                messages.success(request, ngettext(
                    "%(n)s empty cell was filled with the agencies' figures.",
                    "%(n)s empty cells were filled with the agencies' figures.", filled) % {"n": filled})
            elif action in ("approve", "return", "reopen"):
                submission = actions.find_submission(form, unit, period, agency)
                if submission is None:
                    raise Http404
                _decide(request, submission, action)
            else:
                raise Http404
            return redirect(here)
        except PermissionDenied:
            raise
        except actions.ReportingError as e:
            messages.error(request, e.message)
            error_problems = e.problems
            if e.saved:
                posted = None  # the figures are saved: the page shows them as stored

    submission = actions.find_submission(form, unit, period, agency)  # as stored now, after a refusal too
    rows = form_rows(form)
    stored = actions.stored_values(submission) if submission else {}
    comments = actions.stored_comments(submission) if submission else {}
    previous = actions.previous_values(form, unit, period, agency)
    problems = error_problems if error_problems is not None else (
        validate_form_values(form, stored, previous=previous, rows=rows) if stored else [])
    saved = {k: (v if isinstance(v, str) else format_number(v)) for k, v in stored.items()}
    # After a refusal the page shows what was typed, except where a colleague's figure came in meanwhile:
    # theirs, as the message says. What is saved stays apart, so the page knows what is not.
    conflicts = {p.cell for p in error_problems or () if p.kind == "conflict"}
    shown = {**saved, **{k: v for k, v in (posted or {}).items() if k not in conflicts}}

    refusal = actions.reporting_refusal(unit, period) if submission is None else None
    # The deadline, for the officer, and for the reviewer whether it came late (as the calendar counts it).
    due = calendar.deadline_for(form, unit, period, agency)
    sent = submission.submitted_at if submission and submission.status in (
        Submission.Status.SUBMITTED, Submission.Status.APPROVED) else None
    late = calendar.lateness(submission, due) > 0
    editable = may_report and not refusal and (submission is None or submission.is_editable)
    # Above the communes, each cell shows what the approved reports below add up to.
    # A 2025 unit asked for a period before the reform sees what the old
    # communes whose area it took reported (communes split elsewhere listed apart).
    rolled, split = rollup_form_for(form, period, unit) if agency is None and (
        unit.level != Unit.Level.COMMUNE or unit.structure == Unit.Structure.Y2025) else ({}, [])
    # The unit's coordinator sees beside each cell what its agencies' approved reports add up to.
    by_agencies = rollup_agencies(form, period, unit) if agency is None else {}
    typed_below = rates_typed_below([r.element for r in rows if r.element_id], period, unit) if rolled else ()
    columns, table = entry_table(rows, stored, shown, previous, comments, problems, rolled, by_agencies, saved,
                                 typed_below)
    table = outline_wording(table, unit, period)
    # Who leads each line, as the unit's plan says; an agency sees its own lines marked.
    led = mark_leads(table, rows, plan_leads(unit, period.end.year), agency)
    flags = [(p, "" if p.is_error else explanation(p, comments)) for p in problems]
    # The cells an officer types in, as drawn (and as the page's "so few filled?" counts them), and how many
    # hold a figure.
    fillable = [tuple(c["name"].rsplit(":", 1)) for t in table if not t["row"].computed
                for c in (t["cells"][:1] if t["is_text"] else t["cells"]) if c]
    return render(request, "reporting/entry.html", {
        "form": form, "unit": unit, "agency": agency, "period": period, "submission": submission, "table": table,
        "autosave_url": _entry_url("autosave", form, period, unit, agency), "has_agencies": bool(by_agencies),
        "columns": columns, "problems": problems, "editable": editable,
        # A warning explained by a comment (its cell's, or its row's) says so: a reviewer reads it as answered.
        "flags": flags, "explained_count": sum(1 for _p, comment in flags if comment),
        "fillable": len(fillable), "filled": sum(1 for key in fillable if stored.get(key) not in (None, "")),
        "refusal": refusal, "has_rollup": bool(rolled), "split": split, "due": due, "sent": sent, "late": late,
        "through_successions": unit.structure == Unit.Structure.Y2025 and period.start < REFORM_DATE,
        "may_review": submission is not None and actions.may_review(user, submission),
        "may_reopen": submission is not None and submission.status == Submission.Status.APPROVED
        and (may_report or actions.may_review(user, submission)),
        "has_plan": any(c["code"] == "plan" for c in columns), "led": led,
        "js_messages": {
            # A cell is named as the server's checks name it: "Row II.1 “…” (male)".
            "row": _("Row %(row)s “%(label)s”"), "row_unnumbered": _("Row “%(label)s”"),
            "not_a_number": _("%(where)s: “%(value)s” is not a number."),
            "negative": _("%(where)s: must not be negative (%(value)s)."),
            "whole": _("%(where)s: a count must be a whole number (%(value)s)."),
            "percent": _("%(where)s: a percentage must be between 0 and 100 (%(value)s)."),
            "saving": _("Saving…"), "saved": _("Saved at %(time)s."), "offline": _(
                "Not saved: the connection was lost. Your figures stay on this page; Treem will try again."),
            "unsaved": _("Figures not yet saved"),
            # After the server's "your session has ended", the link to the login page (a new tab).
            "sign_in": _("Sign in again"),
            "not_allowed": _("Not saved: the account signed in now may not change this report (signed in again "
                             "as someone else?). Your figures stay on this page: sign in with your own account."),
            # Figures typed but not saved before a reload (or signing in again), put back in their cells.
            "restored": [ngettext("Restored %(n)s figure not saved last time.",
                                  "Restored %(n)s figures not saved last time.", n) for n in (1, 2)],
            # The page counts the held figures: the form for one and the form for several.
            "held": [ngettext("%(n)s figure not saved until corrected, first:",
                              "%(n)s figures not saved until corrected, first:", n) for n in (1, 2)],
            # The list of problems at the top, redrawn after each save as the rows are.
            "flags": [ngettext("%(n)s problem to look at", "%(n)s problems to look at", n) for n in (1, 2)],
            "explained": _("Explained: “%(comment)s”"), "comment": _("Comment"), "explained_short": _("(explained)"),
            "explained_count": _("(%(n)s explained)"),
            "few_filled": _("Only %(filled)s of the %(total)s cells of this report are filled. "
                            "Submit it to the level above all the same?") if agency is None else "",
        },
        # Named only when the unit reported figures for it: a label over empty cells misleads.
        "previous_period": actions.previous_period(period) if previous else None,
        "events": submission.events.select_related("user") if submission else [],
        "changes": DataValueChange.objects.filter(data_value__submission=submission)
        .select_related("data_value__element", "data_value__option", "user").order_by("-at", "-pk")[:200]
        if submission else [],
    }, status=200)


def _decide(request, submission, action):
    """The level above approves or returns a report; an approved one is reopened."""
    user = request.user
    if action == "approve":
        actions.approve(user, submission, request.POST.get("approve_comment", ""))
        messages.success(request, _("The report was approved."))
    elif action == "return":
        actions.return_submission(user, submission, request.POST.get("return_comment", ""))
        messages.success(request, _("The report was returned with your comment."))
    else:
        actions.reopen_after_approval(user, submission, request.POST.get("reason", ""))
        messages.success(request, _("The report was reopened as version %(version)s.")
                         % {"version": submission.version + 1})


def _latest_forms():
    """The newest active version of each form."""
    latest = {}
    for f in Form.objects.filter(is_active=True).order_by("code", "-version"):
        latest.setdefault(f.code, f)
    return list(latest.values())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tracking_plans(user):
    """The plans whose tracking pages a user may open. They list the reports
    of the plan's unit and those below it, with contacts: not for the units
    below the plan's (a commune reads the provincial plan, not who in the
    province is late). The calendar links to the tracking only through this."""
    return Plan.objects.select_related("unit").filter(unit_scope(user, ancestors=False))


@require_http_methods(["GET", "POST"])
def plan_calendar(request, plan_pk):
    """A plan's reporting calendar: its lines, and for each the current
    period's completeness and timeliness; coordinators add and remove lines."""
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=plan_pk)
    may_edit = can_edit_unit(request.user, plan.unit)
    forms = _latest_forms()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        chosen = [f for f in forms if f.code in request.POST.getlist("forms")]
        action = request.POST.get("action")
        try:
            if action == "add":
                agencies = Agency.objects.filter(unit=plan.unit, pk__in=[
                    a for a in map(_int, request.POST.getlist("agencies")) if a is not None])
                calendar.add_schedule(request.user, plan, chosen, request.POST.get("period_type", ""),
                                      request.POST.get("reporters", ""), _int(request.POST.get("day")),
                                      _int(request.POST.get("month")), _int(request.POST.get("year")),
                                      request.POST.get("recipient", ""), agencies=agencies)
                messages.success(request, _("The calendar was updated."))
            elif action == "from_regime":
                if not chosen:
                    raise calendar.CalendarError(_("Choose at least one form."))
                made, skipped = calendar.schedules_from_regime(request.user, plan, chosen)
                messages.success(request, _("%(count)s calendar lines made from the plan's reporting regime.")
                                 % {"count": len(made)})
                for req, why in skipped:
                    messages.warning(request, f"“{req.text[:120]}”: {why}")
            elif action == "remove":
                line = get_object_or_404(Schedule, plan=plan, pk=_int(request.POST.get("line")))
                calendar.remove_schedule(request.user, line)
                messages.success(request, _("The line was removed from the calendar."))
            else:
                raise Http404
            return redirect("reporting:calendar", plan.pk)
        except calendar.CalendarError as e:
            messages.error(request, e.message)
    # ?year=2023 shows that year's periods; no year or one outside the plan, this year's.
    shown, years, year = calendar.calendar_lines(
        plan, list(plan.schedules.select_related("form", "plan__unit").prefetch_related("agencies")),
        _int(request.GET.get("year")))
    lines = [{"line": line, "period": period, "tracking": calendar.tracking(line, period) if period else None}
             for line, period in shown]
    return render(request, "reporting/calendar.html", {
        "plan": plan, "lines": lines, "may_edit": may_edit, "forms": forms,
        "years": years, "year": year,
        # Links only where they open: plain text for a commune officer.
        "may_track": _tracking_plans(request.user).filter(pk=plan.pk).exists(),
        "regime": plan.reporting.all(), "period_types": Period.Type.choices,
        "reporter_choices": Schedule.Reporters.choices,
        "unit_agencies": by_name(Agency.objects.filter(unit=plan.unit)) if may_edit else [],
        "named_agencies": calendar.plan_agencies(plan) if may_edit else [],
    })


def schedule_tracking(request, plan_pk, line_pk, period_code):
    """Who has submitted, who is late, who has not started, with contacts
    (for the plan's unit and those above it, not for the units below)."""
    plan = get_object_or_404(_tracking_plans(request.user), pk=plan_pk)
    line = get_object_or_404(Schedule.objects.select_related("form", "plan__unit"), plan=plan, pk=line_pk)
    periods = calendar.periods_for(line)
    period = next((p for p in periods if p.code == period_code), None)
    if period is None:
        raise Http404
    result = calendar.tracking(line, period)
    show = request.GET.get("show", "")
    reporters = result.overdue if show == "overdue" else result.reporters
    return render(request, "reporting/tracking.html", {
        "plan": plan, "line": line, "period": period, "periods": periods, "t": result,
        "reporters": reporters, "show": show,
    })


@require_http_methods(["POST"])
def autosave(request, form_code, period_code, unit_pk, agency_pk=None):
    """The entry page saves as the officer types: the changed cells, with the
    figures the officer saw before typing them. Answers JSON: the problems of
    the whole form and the computed totals, or why nothing was saved."""
    user = request.user
    agency = agency_of(unit_pk, agency_pk)
    form, unit, period = form_unit_period(user, form_code, period_code, unit_pk)
    try:
        submission, problems = actions.save_report_values(
            user, form, unit, period, agency, _posted(request, "v:"), _posted(request, "c:"),
            expected=_posted(request, "o:"))
    except actions.ReportingError as e:
        return JsonResponse({"ok": False, "message": e.message, "problems": _problems_json(e.problems),
                             "values": _values_json(actions.find_submission(form, unit, period, agency))},
                            status=409 if any(
            p.kind == "conflict" for p in e.problems) else 400)
    return JsonResponse({
        "ok": True, "saved_at": timezone.localtime().strftime("%H:%M:%S"), "status": submission.status,
        # As the page writes it under "Status": the first save turns "not started" into a draft.
        "status_text": f"{submission.get_status_display()} · {_('version')} {submission.version}",
        "problems": _problems_json(problems), "values": _values_json(submission),
    })


def _problems_json(problems):
    return [{"cell": f"{p.cell[0]}:{p.cell[1]}" if p.cell else "", "cells": [f"{e}:{o}" for e, o in p.cells],
             "row": p.row.pk, "level": p.level, "kind": p.kind, "message": p.message,
             "explained_message": p.explained_message, "related": [r.pk for r in p.related]} for p in problems]


def _values_json(submission):
    if submission is None:
        return {}
    return {f"{e}:{o}": (v if isinstance(v, str) else format_number(v))
            for (e, o), v in actions.stored_values(submission).items()}
