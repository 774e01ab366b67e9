from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from treem.accounts.access import (
    EDITOR_ROLES,
    editable_unit_scope,
    get_visible_or_404,
    unit_scope,
)
from treem.core.numbers import format_number
from treem.units.models import Unit

from . import actions
from .entry import entry_table
from .models import DataValueChange, Form, Period, Submission
from .rollup import rollup_form
from .validation import form_rows, validate_form_values


def _reportable_units(user):
    """The units a user reports for, offered on the index: their own unit and
    the units right below it (deeper units are reached from the unit pages)."""
    if user.unit_id is None or not (user.is_system_admin or user.role in EDITOR_ROLES):
        return []
    return [user.unit, *Unit.objects.filter(parent=user.unit).order_by("code")]


def index(request):
    user = request.user
    forms = Form.objects.filter(is_active=True).order_by("code")
    # Periods that have begun, the newest first: the default is the current one.
    periods = Period.objects.filter(start__lte=timezone.localdate()).order_by("-end", "type")
    to_review = Submission.objects.filter(status=Submission.Status.SUBMITTED).select_related("form", "unit", "period")
    if not user.is_system_admin:
        if user.role in EDITOR_ROLES and user.unit_id:
            to_review = to_review.filter(unit__parent__path__startswith=user.unit.path)
        else:
            to_review = to_review.none()
    # Reports the level above sent back to this user's units, to correct.
    returned = (Submission.objects.filter(status=Submission.Status.RETURNED)
                .filter(editable_unit_scope(user)).select_related("form", "unit", "period")[:100])
    recent = (Submission.objects.filter(unit_scope(user)).select_related("form", "unit", "period")
              .order_by("-updated_at")[:50])
    return render(request, "reporting/index.html", {
        "forms": forms, "periods": periods, "units": _reportable_units(user),
        "to_review": to_review[:100], "returned": returned, "recent": recent,
    })


def go(request):
    """The index's chooser: to the entry page of the chosen form, period and unit."""
    try:
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


@require_http_methods(["GET", "POST"])
def entry(request, form_code, period_code, unit_pk):
    user = request.user
    unit = get_visible_or_404(Unit.objects.all(), user, field="", pk=unit_pk)
    form = Form.objects.filter(is_active=True, code=form_code).order_by("-version").first()
    if form is None:
        raise Http404
    period = get_object_or_404(Period, code=period_code)
    submission = Submission.objects.filter(form=form, unit=unit, period=period, agency=None).first()
    may_report = actions.may_report(user, unit)
    here = reverse("reporting:entry", args=[form.code, period.code, unit.pk])
    posted, error_problems = None, None

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                if submission is None:
                    submission = actions.open_submission(user, form, unit, period)
                posted = _posted(request, "v:")
                actions.save_values(user, submission, posted, _posted(request, "c:"))
                if action == "submit":
                    actions.submit(user, submission)
                    messages.success(request, _("The report was submitted to the level above."))
                else:
                    messages.success(request, _("Saved."))
            elif submission is None:
                raise Http404
            elif action == "approve":
                actions.approve(user, submission)
                messages.success(request, _("The report was approved."))
            elif action == "return":
                actions.return_submission(user, submission, request.POST.get("return_comment", ""))
                messages.success(request, _("The report was returned with your comment."))
            elif action == "reopen":
                actions.reopen_after_approval(user, submission, request.POST.get("reason", ""))
                messages.success(request, _("The report was reopened as version %(version)s.")
                                 % {"version": submission.version + 1})
            else:
                raise Http404
            return redirect(here)
        except PermissionDenied:
            raise
        except actions.ReportingError as e:
            messages.error(request, e.message)
            error_problems = e.problems
            if submission is not None:
                submission.refresh_from_db()

    rows = form_rows(form)
    stored = actions.stored_values(submission) if submission else {}
    comments = actions.stored_comments(submission) if submission else {}
    previous = actions.previous_values(form, unit, period)
    problems = error_problems if error_problems is not None else (
        validate_form_values(form, stored, previous=previous, rows=rows) if stored else [])
    shown = {**{k: (v if isinstance(v, str) else format_number(v)) for k, v in stored.items()}, **(posted or {})}

    refusal = actions.reporting_refusal(unit, period) if submission is None else None
    editable = may_report and not refusal and (submission is None or submission.is_editable)
    # Above the communes, each cell shows what the approved reports below add up to.
    rolled = rollup_form(form, period, unit) if unit.level != Unit.Level.COMMUNE else {}
    columns, table = entry_table(rows, stored, shown, previous, comments, problems, rolled)
    return render(request, "reporting/entry.html", {
        "form": form, "unit": unit, "period": period, "submission": submission, "table": table,
        "columns": columns, "problems": problems, "editable": editable,
        "refusal": refusal, "has_rollup": bool(rolled),
        "may_review": submission is not None and actions.may_review(user, submission),
        "may_reopen": submission is not None and submission.status == Submission.Status.APPROVED
        and (may_report or actions.may_review(user, submission)),
        "has_plan": any(c["code"] == "plan" for c in columns),
        "previous_period": actions.previous_period(period),
        "events": submission.events.select_related("user") if submission else [],
        "changes": DataValueChange.objects.filter(data_value__submission=submission)
        .select_related("data_value__element", "data_value__option", "user").order_by("-at", "-pk")[:200]
        if submission else [],
    }, status=200)
