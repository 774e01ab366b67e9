from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from treem.accounts.access import can_edit_unit, get_visible_or_404, unit_scope

from .models import Plan
from .summary import agency_summary, summary_table


def plan_list(request):
    plans = Plan.objects.filter(unit_scope(request.user)).select_related("unit").annotate(
        indicator_count=Count("indicators")
    )
    query = request.GET.get("q", "").strip()
    if query:
        plans = plans.filter(Q(number__icontains=query) | Q(title__icontains=query) | Q(unit__name__icontains=query))
    page = Paginator(plans.order_by("unit__path", "-period_start", "number"), 25).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {"page": page, "query": query})


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


def plan_source(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=pk)
    try:
        highlight = int(request.GET.get("line", ""))
    except ValueError:
        highlight = None
    lines = [(n, text, n == highlight) for n, text in enumerate(plan.source_lines(), start=1)]
    return render(request, "plans/plan_source.html", {"plan": plan, "lines": lines, "highlight": highlight})
