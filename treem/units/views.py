"""The unit browser. Official units are public reference data: every signed-in
user may browse them; what belongs to a unit (plans, agencies, reports) stays
scoped to the user's own units."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from treem.accounts.access import unit_scope
from treem.agencies.models import Agency
from treem.core.search import fold
from treem.plans.models import Plan

from .models import Unit
from .sorting import by_name, vietnamese_key

LEVEL_RANK = {level: rank for rank, level in enumerate(Unit.Level.values)}


def unit_list(request):
    units = Unit.objects.select_related("parent")
    query = request.GET.get("q", "").strip()
    structure = request.GET.get("structure", "")
    level = request.GET.get("level", "")
    if query:
        units = units.filter(Q(search_key__contains=fold(query)) | Q(code=query))
    elif not level:
        # Without a search, start from the top: the nation and the provinces.
        units = units.filter(level__in=[Unit.Level.NATION, Unit.Level.PROVINCE])
    if structure in Unit.Structure.values:
        units = units.filter(structure=structure)
    if level in Unit.Level.values:
        units = units.filter(level=level)
    # Vietnamese order (Chợ Đồn before Chợ Mới) is not the database's: sort
    # the matching names in Python (tens of milliseconds for every commune of
    # the country), then read the page's units.
    found = sorted(units.values_list("pk", "level", "structure", "name"),
                   key=lambda u: (LEVEL_RANK[u[1]], u[2], vietnamese_key(u[3])))
    page = Paginator([u[0] for u in found], 50).get_page(request.GET.get("page"))
    shown = units.in_bulk(page.object_list)
    page.object_list = [shown[pk] for pk in page.object_list]
    return render(request, "units/unit_list.html", {
        "page": page, "query": query, "structure": structure, "level": level,
        "structures": Unit.Structure.choices, "levels": Unit.Level.choices,
    })


def unit_detail(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    children = Paginator(by_name(unit.children.all()), 100).get_page(request.GET.get("page"))
    return render(request, "units/unit_detail.html", {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": children,
        "successors": unit.successions_out.select_related("successor"),
        "predecessors": unit.successions_in.select_related("predecessor"),
        "plans": Plan.objects.filter(unit=unit).filter(unit_scope(request.user)),
        "agencies": Agency.objects.filter(unit=unit).filter(unit_scope(request.user)),
    })
