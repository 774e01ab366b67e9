from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from treem.accounts.access import get_visible_or_404, unit_scope, visible_units
from treem.plans.models import Plan

from .models import Unit


def unit_list(request):
    units = visible_units(request.user).select_related("parent")
    query = request.GET.get("q", "").strip()
    structure = request.GET.get("structure", "")
    level = request.GET.get("level", "")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code=query))
    elif not level:
        # Without a search, start from the top: the nation and the provinces.
        units = units.filter(level__in=[Unit.Level.NATION, Unit.Level.PROVINCE])
    if structure in Unit.Structure.values:
        units = units.filter(structure=structure)
    if level in Unit.Level.values:
        units = units.filter(level=level)
    page = Paginator(units.order_by("structure", "level", "code"), 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {
        "page": page, "query": query, "structure": structure, "level": level,
        "structures": Unit.Structure.choices, "levels": Unit.Level.choices,
    })


def unit_detail(request, pk):
    unit = get_visible_or_404(Unit.objects.all(), request.user, field="", pk=pk)
    children = Paginator(
        unit.children.filter(unit_scope(request.user, field="")).order_by("code"), 100
    ).get_page(request.GET.get("page"))
    return render(request, "units/unit_detail.html", {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": children,
        "successors": unit.successions_out.select_related("successor"),
        "predecessors": unit.successions_in.select_related("predecessor"),
        "plans": Plan.objects.filter(unit=unit).filter(unit_scope(request.user)),
        "agencies": unit.agencies.all(),
    })
