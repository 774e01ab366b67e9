from django.db.models import Count, Q
from django.shortcuts import render

from treem.accounts.access import get_visible_or_404, unit_scope

from .models import Agency, AgencyChange


def agency_list(request):
    agencies = Agency.objects.filter(unit_scope(request.user)).select_related("unit").annotate(
        lead_count=Count("led_indicators", distinct=True)
    )
    query = request.GET.get("q", "").strip()
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(unit__name__icontains=query))
    return render(request, "agencies/agency_list.html", {"agencies": agencies.order_by("unit__path", "name"), "query": query})


def agency_detail(request, pk):
    agency = get_visible_or_404(Agency.objects.select_related("unit"), request.user, pk=pk)
    changes = AgencyChange.objects.filter(Q(from_agency=agency) | Q(to_agency=agency)).select_related(
        "from_agency__unit", "to_agency__unit"
    )
    led = agency.led_indicators.select_related("plan").filter(unit_scope(request.user, "plan__unit")).order_by("plan", "order")
    coordinated = agency.coordinated_indicators.select_related("plan").filter(
        unit_scope(request.user, "plan__unit")
    ).order_by("plan", "order")
    return render(request, "agencies/agency_detail.html", {
        "agency": agency, "changes": changes, "led": led, "coordinated": coordinated,
    })
