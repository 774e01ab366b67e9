from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from treem.core.middleware import session_ended, wants_json

FAVICON = Path(settings.BASE_DIR) / "static" / "treem" / "favicon.ico"


def home(request):
    """Where signing in lands: a coordinator on the results of their
    province's plan, a commune officer or an agency's reporter on the
    reports they owe, everyone else on the plans."""
    user = request.user
    if user.role in (user.Role.COMMUNE_OFFICER, user.Role.REPORTER):
        return redirect("reporting:index")
    if user.role == user.Role.COORDINATOR and user.unit_id:
        plan = _own_plan(user)
        return redirect("analytics:plan", plan.pk) if plan is not None else redirect("analytics:index")
    return redirect("plans:list")


def _own_plan(user):
    """The newest plan with indicators of the user's unit, else of a unit
    under it or one it succeeded (Thái Nguyên's coordinator gets Bắc Kạn's
    plan); never a plan of a unit above it."""
    from treem.accounts.access import unit_scope
    from treem.plans.models import Plan

    plans = list(Plan.objects.filter(unit_scope(user)).exclude(unit_id__in=user.unit.ancestor_ids())
                 .annotate(n=Count("indicators")).filter(n__gt=0).order_by("-period_start", "pk"))
    own = [p for p in plans if p.unit_id == user.unit_id]
    return (own or plans or [None])[0]


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A form sent after its session ended (signed in again in another tab, or
    left open for hours): say so in the user's language and how to get the
    typed values back, instead of Django's English page. A page's script
    (autosave) gets it as JSON it can show, and tries again with the new token."""
    if wants_json(request):
        return session_ended(request, status=403)
    return render(request, "403_csrf.html", status=403)
