"""The unit browser. Official units are public reference data: every signed-in
user may browse them; what belongs to a unit (plans, agencies, reports) stays
scoped to the user's own units."""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, render

from treem.accounts.access import unit_scope
from treem.agencies.models import Agency
from treem.core.search import fold
from treem.plans.models import Plan

from .models import Unit

LEVEL_RANK = Case(
    *[When(level=level, then=Value(rank)) for rank, level in enumerate(Unit.Level.values)],
    output_field=IntegerField(),
)


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
    units = units.annotate(level_rank=LEVEL_RANK).order_by("level_rank", "structure", "search_key")
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {
        "page": page, "query": query, "structure": structure, "level": level,
        "structures": Unit.Structure.choices, "levels": Unit.Level.choices,
    })


def unit_detail(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    children = Paginator(unit.children.order_by("search_key"), 100).get_page(request.GET.get("page"))
    return render(request, "units/unit_detail.html", {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": children,
        "successors": unit.successions_out.select_related("successor"),
        "predecessors": unit.successions_in.select_related("predecessor"),
        "plans": Plan.objects.filter(unit=unit).filter(unit_scope(request.user)),
        "agencies": Agency.objects.filter(unit=unit).filter(unit_scope(request.user)),
    })
