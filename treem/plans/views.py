import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.accounts.access import (
    EDITOR_ROLES,
    can_edit_unit,
    get_visible_or_404,
    unit_scope,
)
from treem.agencies.models import Agency
from treem.core.search import fold

from . import drafts
from .importing.checks import flag_message
from .importing.text import MAX_UPLOAD_BYTES, TOO_LARGE, PlanImportError
from .importing.units import complete_unit
from .models import (
    Comparator,
    Direction,
    MeasureUnit,
    Plan,
    PlanDraft,
    ReportingRequirement,
    Scope,
    SubIndicator,
)
from .plan_format import PlanExists, PlanFormatError, export_plan
from .summary import agency_summary, summary_table
from .unit_choices import unit_choices


def plan_list(request):
    plans = Plan.objects.filter(unit_scope(request.user)).select_related("unit").annotate(
        indicator_count=Count("indicators")
    )
    query = request.GET.get("q", "").strip()
    if query:
        # The unit as its search finds it, without accents: "bac kan" finds Bắc Kạn's plans.
        plans = plans.filter(Q(number__icontains=query) | Q(title__icontains=query) | Q(unit__name__icontains=query)
                             | Q(unit__search_key__contains=fold(query)))
    page = Paginator(plans.order_by("unit__path", "-period_start", "number"), 25).get_page(request.GET.get("page"))
    can_import = getattr(request.user, "is_system_admin", False) or (request.user.role in EDITOR_ROLES and request.user.unit_id)
    return render(request, "plans/plan_list.html", {"page": page, "query": query, "can_import": can_import})


def plan_detail(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("unit", "parent"), request.user, pk=pk)
    return render(request, "plans/plan_detail.html", {
        "plan": plan,
        "table": summary_table(plan),
        "can_edit": can_edit_unit(request.user, plan.unit),
        "reporting": plan.reporting.all(),
    })


def plan_agencies(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=pk)
    summary = agency_summary(plan)
    selected = request.GET.get("agency")
    if selected:
        summary["rows"] = [r for r in summary["rows"] if str(r["agency"].pk) == selected]
    return render(request, "plans/plan_agencies.html", {"plan": plan, "summary": summary, "selected": selected})


def plan_export(request, pk):
    """The plan in Treem's plan format, to move it to another installation."""
    plan = get_visible_or_404(Plan.objects.select_related("unit", "parent"), request.user, pk=pk)
    body = json.dumps(export_plan(plan, include_source=True), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(f"{plan.unit.short_name or plan.unit.name} {plan.number or plan.pk}") or f"plan-{plan.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


def plan_source(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=pk)
    try:
        highlight = int(request.GET.get("line", ""))
    except ValueError:
        highlight = None
    lines = [(n, text, n == highlight) for n, text in enumerate(plan.source_lines(), start=1)]
    return render(request, "plans/plan_source.html", {"plan": plan, "lines": lines, "highlight": highlight})


# Importing a plan from its document: upload -> review -> confirm.


def _require_editor(user):
    if not (user.is_system_admin or (user.role in EDITOR_ROLES and user.unit_id)):
        raise Http404


def _own_draft(request, pk):
    draft = get_object_or_404(PlanDraft, pk=pk, status=PlanDraft.Status.DRAFT)
    if draft.created_by_id != request.user.pk and not getattr(request.user, "is_system_admin", False):
        raise Http404
    return draft


def plan_import(request):
    _require_editor(request.user)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("document")
        pasted = request.POST.get("text", "")
        try:
            if upload is not None:
                if upload.size > MAX_UPLOAD_BYTES:  # refuse before reading it into memory
                    raise PlanImportError(TOO_LARGE)
                draft = drafts.create_draft(request.user, data=upload.read(), filename=upload.name)
            elif pasted.strip():
                draft = drafts.create_draft(request.user, data=pasted.encode("utf-8"), filename="van-ban-dan.txt")
            else:
                raise PlanImportError(_("Choose a file or paste the plan's text."))
            return redirect("plans:draft", draft.pk)
        except PlanImportError as exc:
            error = str(exc)
    recent = PlanDraft.objects.filter(created_by=request.user, status=PlanDraft.Status.DRAFT)[:10]
    return render(request, "plans/plan_import.html", {"error": error, "recent": recent}, status=400 if error else 200)


def draft_review(request, pk):
    draft = _own_draft(request, pk)
    errors = []
    if request.method == "POST":
        errors = drafts.apply_edits(draft, request.POST)
        if not errors and "confirm" in request.POST:
            try:
                plan = drafts.confirm_draft(request.user, draft)
            except PlanExists as exc:
                errors = [str(exc)]
            except PlanFormatError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("Plan %(number)s has been saved.") % {
                    "number": plan.number or Truncator(plan.title).words(12)})
                return redirect("plans:detail", plan.pk)
        elif not errors:
            url = reverse("plans:draft", args=[draft.pk])
            query = request.POST.get("unit_q", "").strip()
            if not (query and request.POST.get("save") == "find-unit"):
                messages.success(request, _("Your corrections are saved in the draft."))
            # The unit search is part of the review form: the corrections are kept, then the matches shown.
            return redirect(f"{url}?{urlencode({'unit_q': query})}#unit-choice" if query else url)
    unit = complete_unit(draft.data)
    lines = list(enumerate(draft.source_text.splitlines(), start=1))
    frequencies = dict(ReportingRequirement.Frequency.choices)
    reporting = [{**r, "label": frequencies.get(r.get("frequency"), r.get("frequency"))}
                 for r in draft.data.get("reporting") or []]
    return render(request, "plans/draft_review.html", {
        "draft": draft,
        "flags": [{**f, "message": flag_message(f)} for f in draft.flags],
        "doc": draft.data,
        "unit": unit,
        "unit_choice": unit_choices(request.user, draft.data, unit,
                                    (request.POST if request.method == "POST" else request.GET).get("unit_q", "")),
        "parents": Plan.objects.filter(unit_scope(request.user)).order_by("unit__path", "number"),
        "agencies": Agency.objects.filter(unit=unit) if unit else Agency.objects.none(),
        "lines": lines,
        "errors": errors,
        "save_problem": drafts.save_problem(request.user, draft),
        "reporting": reporting,
        "comparators": Comparator.choices,
        "directions": Direction.choices,
        "measure_units": MeasureUnit.choices,
        "scopes": Scope.choices,
        "baseline_statuses": SubIndicator.BaselineStatus.choices,
    }, status=400 if errors else 200)


@require_POST
def draft_discard(request, pk):
    draft = _own_draft(request, pk)
    draft.status = PlanDraft.Status.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
    messages.info(request, _("The draft has been discarded."))
    return redirect("plans:import")
