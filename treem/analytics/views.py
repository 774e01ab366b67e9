"""Results dashboards: thin views over treem.analytics.results. Every view
finds the plan and the unit through `get_visible_or_404`: a unit the user may
not see is answered as if it did not exist."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from treem.accounts.access import can_edit_unit, can_view_unit, get_visible_or_404, unit_scope
from treem.agencies.models import Agency
from treem.plans.models import Plan, Scope, SubIndicator
from treem.reporting.actions import awaiting_review
from treem.reporting.models import Submission
from treem.reporting.validation import current_form, form_rows
from treem.units.models import Unit
from treem.units.sorting import vietnamese_key

from . import actions
from .charts import trend_svg
from .judging import lower_is_better
from .labels import JUDGEMENT_LABELS, SOURCE_LABELS, TRAJECTORY_LABELS, setback_label
from .models import IndicatorSource, PublicResults
from .reported import MIXED, ROLLUP
from .sources import appendix_refs
from .results import (
    coverage_shortfall,
    by_objective,
    completeness,
    indicator_results,
    latest_year_with_data,
    status_counts,
    trajectory_counts,
    unit_comparison,
    units_below,
)


def _plan(request, plan_pk):
    return get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=plan_pk)


def _plan_and_unit(request, plan_pk, unit_pk, year=None):
    plan = _plan(request, plan_pk)
    unit = get_visible_or_404(Unit.objects.all(), request.user, field="", pk=unit_pk)
    if not unit.is_within(plan.unit):
        raise Http404  # a plan is judged for its own unit and the units under it
    if year is not None and not (plan.period_start - 1 <= year <= plan.period_end):
        raise Http404
    return plan, unit


def _default_year(plan, unit):
    year = latest_year_with_data(plan, unit)
    if year is None:
        year = min(max(timezone.localdate().year - 1, plan.period_start), plan.period_end)
        if unit.valid_to:
            # A unit that ceased opens on its last whole year, not on one its successor reports.
            year = max(min(year, _last_whole_year(unit)), plan.period_start)
    return year


def _home_unit(user, plan):
    """Where a plan's results open: the user's own unit when it lies under the plan's."""
    own = getattr(user, "unit", None)
    return own if own is not None and own.is_within(plan.unit) else plan.unit


def index(request):
    plans = (Plan.objects.filter(unit_scope(request.user)).select_related("unit")
             .annotate(indicator_count=Count("indicators")).filter(indicator_count__gt=0)
             .order_by("unit__path", "-period_start"))
    rows = [{"plan": p, "unit": _home_unit(request.user, p)} for p in plans]
    return render(request, "analytics/index.html", {"rows": rows})


def plan_results(request, plan_pk):
    plan = _plan(request, plan_pk)
    return redirect("analytics:unit", plan.pk, _home_unit(request.user, plan).pk)


def unit_results(request, plan_pk, unit_pk):
    plan, unit = _plan_and_unit(request, plan_pk, unit_pk)
    return redirect("analytics:overview", plan.pk, unit.pk, _default_year(plan, unit))


def _labelled(results):
    refs = appendix_refs({r.source.element_code for r in results if r.source})
    for r in results:
        r.judgement_label = JUDGEMENT_LABELS[r.judgement]
        r.trajectory_label = TRAJECTORY_LABELS[r.trajectory]
        r.trajectory_2025_label = TRAJECTORY_LABELS[r.trajectory_2025.status]
        # The latest year went the wrong way, though the trend still reads on track or at risk:
        # beside the 2030 verdict of a row, beside both on an indicator's page.
        r.setback_label = setback_label(r, r.trajectory_2030)
        r.setback_any_label = setback_label(r, r.trajectory_2025, r.trajectory_2030)
        r.source_label = SOURCE_LABELS.get(r.actual_source, "")
        r.appendix_ref = refs.get(r.source.element_code, "") if r.source else ""
    return results


def _indicator_count(results):
    """Results are per sub-indicator (and per rural/urban scope): how many
    indicators they belong to, so the page says what it counts."""
    return len({r.indicator.pk for r in results})


def _last_whole_year(unit):
    """The last year `unit` existed through to 31/12; None if it has not ceased."""
    if not unit.valid_to:
        return None
    return unit.valid_to.year - (unit.valid_to < date(unit.valid_to.year, 12, 31))


def _years(plan):
    """The plan's years up to this one; for a unit that ceased (Bắc Kạn on
    30/06/2025), the years that ended while it existed, as its calendar."""
    last = min(plan.period_end, timezone.localdate().year)
    if plan.unit.valid_to:
        last = min(last, _last_whole_year(plan.unit))
    return list(range(plan.period_start, last + 1))


def _successor_plan(user, plan, successor, year):
    """The plan under which `user` may open `successor`'s results for `year`:
    `plan` when it covers the successor; else the nearest plan running that
    year from the successor up: its own plan, else the national programme
    (Bắc Kạn's plan does not cover Thái Nguyên). None when there is none or
    the user may not see the successor: no link that would answer 404."""
    if not can_view_unit(user, successor):
        return None
    if successor.is_within(plan.unit):
        return plan
    nearest_first = [successor.pk, *reversed(successor.ancestor_ids())]
    covering = (Plan.objects.filter(unit_scope(user), unit_id__in=nearest_first, period_start__lte=year,
                                    period_end__gte=year, indicators__isnull=False).distinct())
    return min(covering, key=lambda p: (nearest_first.index(p.unit_id), -p.period_start, p.pk), default=None)


def _counterpart(sub, plan):
    """`sub` in `plan`: itself, or the sub-indicator of `plan` that carries
    out the same national one. None when the plan has no such indicator."""
    if sub.indicator.plan_id == plan.pk:
        return sub
    national = sub.national_sub_indicator_id or sub.pk
    return SubIndicator.objects.filter(
        Q(pk=national) | Q(national_sub_indicator_id=national), indicator__plan=plan).first()


def _ceased(user, plan, unit, year, sub=None):
    """What to say when `unit` ceased before the end of `year`: its figures
    for that year are reported under the units that took its place, each
    linked to its page of the same year (of `sub`'s indicator, on an
    indicator's page) under a plan that covers it and the user may see. ""
    otherwise."""
    if not unit.valid_to or unit.valid_to >= date(year, 12, 31):
        return ""
    links = []
    for succession in unit.successions_out.select_related("successor").order_by("successor__name"):
        successor = succession.successor
        there = _successor_plan(user, plan, successor, year)
        if there is None:
            links.append(conditional_escape(successor.name))
            continue
        same = _counterpart(sub, there) if sub is not None else None
        if same is not None:
            url = reverse("analytics:indicator", args=[there.pk, successor.pk, year, same.pk])
        else:  # an overview, or a plan without this indicator: the successor's results of the year
            url = reverse("analytics:overview", args=[there.pk, successor.pk, year])
        links.append(format_html('<a href="{}">{}</a>', url, successor.name))
    successors = mark_safe(", ".join(links)) if links else _("the new unit")
    message = _("%(unit)s ceased on %(date)s: its figures for %(year)s are reported under %(successors)s.")
    return mark_safe(conditional_escape(message) % {
        "unit": conditional_escape(unit), "date": unit.valid_to.strftime("%d/%m/%Y"), "year": year,
        "successors": conditional_escape(successors)})


def _any_figure(results):
    """Whether any result holds a figure (or says it was not collected): a
    unit that ceased may still have values entered by hand for its last year."""
    return any(r.actual is not None or r.not_collected for r in results)


def _crumbs(plan, unit):
    """The units from the plan's unit down to `unit`, for the breadcrumbs."""
    return [u for u in unit.ancestors() if u.is_within(plan.unit)] + [unit]


def _own_not_approved(unit, year):
    """The unit's own Appendix 7 of the year when it exists but is not yet
    approved: its figures count only once the level above approves it."""
    return (Submission.objects.filter(unit=unit, agency=None, form__code="PL7", period__code=str(year))
            .exclude(status=Submission.Status.APPROVED).select_related("form", "period").first())


def _agencies_not_counted(unit, year):
    """How many approved Appendix 7 reports of the unit's agencies for the
    year wait for the unit's own report: their figures count only through
    it (filled in, then approved above), and the unit has none yet."""
    reports = Submission.objects.filter(unit=unit, form__code="PL7", period__code=str(year))
    if reports.filter(agency=None).exists():
        return 0
    return reports.filter(agency__isnull=False, status=Submission.Status.APPROVED).count()


def _openable(user, units):
    """Those of `units` whose pages `user` may open. A commune officer on the
    district's page finds their own commune among the district's, not the
    neighbours' figures (a commune's rate of abused children may name a child)."""
    ids = set(Unit.objects.filter(unit_scope(user, field=""), pk__in=[u.pk for u in units])
              .values_list("pk", flat=True))
    return [u for u in units if u.pk in ids]


def overview(request, plan_pk, unit_pk, year):
    plan, unit = _plan_and_unit(request, plan_pk, unit_pk, year)
    public = None
    if actions.can_publish(request.user, unit):
        public = {"on": PublicResults.objects.filter(unit=unit, enabled=True).exists()}
    page = {"plan": plan, "unit": unit, "year": year, "years": _years(plan), "crumbs": _crumbs(plan, unit),
            "public": public, "awaiting": awaiting_review(request.user).count(),
            # The official report of the user's unit or one below: a commune reads the province's
            # results, not the report the province sends up.
            "official_report": can_view_unit(request.user, unit, ancestors=False)}
    results = _labelled(indicator_results(plan, unit, year))
    ceased = _ceased(request.user, plan, unit, year)
    if ceased and not _any_figure(results):
        # The year's figures are the successor's: the page says where they are
        # instead of judging an empty table.
        return render(request, "analytics/overview.html", {**page, "ceased": ceased, "only_note": True})
    agencies = sorted({r.lead_agency for r in results if r.lead_agency}, key=lambda a: a.name)
    selected = request.GET.get("agency", "")
    if selected:
        results = [r for r in results if r.lead_agency and str(r.lead_agency.pk) == selected]
    counts = status_counts(results)
    trajectories = trajectory_counts(results)
    reported, expected = completeness(unit, year)[0]
    children = _openable(request.user, units_below(unit, year)) if unit.level != Unit.Level.COMMUNE else []
    return render(request, "analytics/overview.html", {
        **page, "groups": by_objective(results), "result_count": len(results),
        "indicator_count": _indicator_count(results),
        "counts": [(k, JUDGEMENT_LABELS[k], n) for k, n in counts.items()],
        "trajectories": [(k, TRAJECTORY_LABELS[k], n) for k, n in trajectories.items()],
        "agencies": agencies, "selected": selected, "children": children,
        "reported": reported, "expected": expected, "coverage": coverage_shortfall(unit, reported, expected),
        "own_pending": _own_not_approved(unit, year), "ceased": ceased,
        "agencies_waiting": _agencies_not_counted(unit, year), "may_edit": can_edit_unit(request.user, unit),
    })


def indicator(request, plan_pk, unit_pk, year, sub_pk):
    plan, unit = _plan_and_unit(request, plan_pk, unit_pk, year)
    sub = get_object_or_404(SubIndicator.objects.select_related("indicator"), pk=sub_pk, indicator__plan=plan)
    page = {"plan": plan, "unit": unit, "year": year, "years": _years(plan), "crumbs": _crumbs(plan, unit),
            "sub": sub, "indicator": sub.indicator}
    results = _labelled(indicator_results(plan, unit, year, only=[sub.pk]))
    comparison, hidden_below = {}, 0
    if unit.level != Unit.Level.COMMUNE:
        below = units_below(unit, year)
        children = _openable(request.user, below)
        hidden_below = len(below) - len(children)
        # Ranked among all the units below (a commune learns its place), shown for those the user may open.
        shown = {u.pk for u in children}
        comparison = {scope: [r for r in _labelled(rows) if r.unit.pk in shown]
                      for scope, rows in unit_comparison(plan, unit, year, sub).items()}
    (reported, expected), by_child = completeness(unit, year)
    # Last year's too: a change on it (a yearly reduction is one) added up from another number of
    # communes is partly the communes counted (a tenth trial: 9 → 6 couples, one commune not yet in).
    (reported_before, _), before_by_child = completeness(unit, year - 1)
    for rows in comparison.values():
        for r in rows:
            r.reported, r.expected = by_child.get(r.unit.pk, (0, 0))
            before = before_by_child.get(r.unit.pk, (0, 0))[0]
            r.reported_before = before if _counted_apart(r, r.reported, before) else None
    sections = [{"result": r, "comparison": comparison.get(r.scope, []),
                 "reported_before": reported_before if _counted_apart(r, reported, reported_before) else None,
                 "scope_label": Scope(r.scope).label if r.scope else "",
                 # how the units below are ranked and judged, said above their table
                 "lower_first": lower_is_better(r.direction),
                 "shared_target": bool(r.target and r.target.source in ("plan", "every_year")),
                 "trend_fit": _trend_fit(r), "source_cell": _source_cell(r.source)} for r in results]
    ceased = _ceased(request.user, plan, unit, year, sub)
    if ceased and not _any_figure(results + [c for rows in comparison.values() for c in rows]):
        # As on the overview: where the year's figures are, no empty result, chart or entry form.
        return render(request, "analytics/indicator.html", {**page, "ceased": ceased, "only_note": True})
    return render(request, "analytics/indicator.html", {
        **page, "sections": sections, "ceased": ceased, "hidden_below": hidden_below,
        "reported": reported, "expected": expected, "coverage": coverage_shortfall(unit, reported, expected),
        "can_enter": can_edit_unit(request.user, unit),
    })


def _counted_apart(result, reported, reported_before):
    """Whether `result` compares two years added up from different numbers
    of communes' reports: its change on last year, or a yearly reduction."""
    compared = result.change is not None or (
        result.actual is not None and result.source is not None
        and result.source.kind == IndicatorSource.Kind.ANNUAL_REDUCTION)
    return (compared and result.actual_from in (ROLLUP, MIXED) and reported and reported_before
            and reported != reported_before)


def _source_cell(source):
    """Where Appendix 7 holds the indicator: {"ref": the row's number on the
    form ("Chỉ tiêu 4", which need not be the plan's number of the
    indicator), "label", "column"}, or None when the form lacks it."""
    form = current_form("PL7") if source is not None else None
    found = form_rows(form).cells.get(source.element_code) if form is not None else None
    if found is None:
        return None
    row, _element, options = found
    option = (options or {}).get(source.option_code)
    return {"ref": getattr(row, "display_ref", row.number), "label": row.label,
            "column": option.label.lower() if option is not None and len(row.options) > 1 else ""}


def _trend_fit(result):
    """The projection whose years the page names (the trend is the same line
    toward 2025 and 2030), or None when there is no fitted trend."""
    return next((p for p in (result.trajectory_2030, result.trajectory_2025) if p.first_year), None)


def _chart_svg(result):
    return trend_svg(result, {"actual": _("Result"), "baseline": _("Baseline"), "target": _("Target"),
                              "trend": _("Trend")})


def chart(request, plan_pk, unit_pk, year, sub_pk):
    plan, unit = _plan_and_unit(request, plan_pk, unit_pk, year)
    sub = get_object_or_404(SubIndicator, pk=sub_pk, indicator__plan=plan)
    scope = request.GET.get("scope", "")
    result = next((r for r in indicator_results(plan, unit, year, only=[sub.pk]) if r.scope == scope), None)
    if result is None:
        raise Http404
    response = HttpResponse(_chart_svg(result), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_POST
def enter_value(request, plan_pk, unit_pk, year, sub_pk):
    plan, unit = _plan_and_unit(request, plan_pk, unit_pk, year)
    sub = get_object_or_404(SubIndicator, pk=sub_pk, indicator__plan=plan)
    scope = request.POST.get("scope", "")
    if scope not in Scope.values:
        raise Http404
    try:
        actions.enter_value(request.user, sub, unit, year, value=request.POST.get("value", ""),
                            not_collected=bool(request.POST.get("not_collected")),
                            note=request.POST.get("note", ""), scope=scope)
        messages.success(request, _("Saved."))
    except PermissionDenied:
        raise
    except actions.EntryError as e:
        messages.error(request, e.message)
    return redirect(reverse("analytics:indicator", args=[plan.pk, unit.pk, year, sub.pk]) + "#enter")


def agency(request, agency_pk):
    """What an agency leads, and where it stands, plan by plan."""
    agency = get_visible_or_404(Agency.objects.select_related("unit"), request.user, pk=agency_pk)
    plans = (Plan.objects.filter(unit_scope(request.user)).filter(Q(indicators__lead_agency=agency))
             .select_related("unit").distinct().order_by("unit__path", "-period_start"))
    sections = []
    for plan in plans:
        unit = _home_unit(request.user, plan)
        year = _default_year(plan, unit)
        results = _labelled([r for r in indicator_results(plan, unit, year)
                             if r.lead_agency and r.lead_agency.pk == agency.pk])
        sections.append({
            "plan": plan, "unit": unit, "year": year, "results": results,
            "counts": [(k, JUDGEMENT_LABELS[k], n) for k, n in status_counts(results).items()],
            "trajectories": [(k, TRAJECTORY_LABELS[k], n) for k, n in trajectory_counts(results).items()],
        })
    return render(request, "analytics/agency.html", {"agency": agency, "sections": sections})


@require_POST
def set_public(request, unit_pk):
    """The coordinator's switch for the province's public results page."""
    unit = get_visible_or_404(Unit.objects.all(), request.user, field="", pk=unit_pk)
    row = actions.set_public(request.user, unit, request.POST.get("enabled") == "1")
    if row.enabled:
        messages.success(request, _("The public page of %(unit)s is on.") % {"unit": unit})
    else:
        messages.success(request, _("The public page of %(unit)s is off.") % {"unit": unit})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("analytics:index")
    return redirect(back)


# Public pages: anyone may open them, signed in or not. They show the
# province's own plans judged for the whole province from approved data
# only: no names, no narrative, nothing below the province.

PUBLIC_MAX_AGE = 300


def _asked_language(request):
    """The language a public page's address asks for (?lang=en), kept in its links; "" for none."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else ""


def _public(response):
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])  # the language is chosen by a cookie
    return response


def _public_province(structure, code):
    row = (PublicResults.objects.filter(enabled=True, unit__structure=structure, unit__code=code,
                                        unit__level=Unit.Level.PROVINCE).select_related("unit").first())
    if row is None:
        raise Http404  # off, or no such province: the same answer
    return row.unit


def _public_plans(unit):
    return list(Plan.objects.filter(unit=unit).annotate(indicator_count=Count("indicators"))
                .filter(indicator_count__gt=0).order_by("-period_start", "number"))


@require_safe
def public_index(request):
    rows = PublicResults.objects.filter(enabled=True, unit__level=Unit.Level.PROVINCE).select_related("unit")
    provinces = sorted((r.unit for r in rows),
                       key=lambda u: (u.structure != Unit.Structure.Y2025, vietnamese_key(u.name)))
    return _public(render(request, "analytics/public_index.html", {"provinces": provinces,
                                                                   "lang": _asked_language(request)}))


def _served_from_cache(key, make, content_type=None):
    """Anyone may ask for the public pages, as often as they like: each page
    and chart is made at most once per PUBLIC_MAX_AGE, the age its
    Cache-Control header gives anyway. Whether the province's page is on is
    checked before, on every request, so turning it off takes effect at once."""
    key = f"public:{get_language()}:{key}"
    content = cache.get(key)
    if content is None:
        content = make()
        cache.set(key, content, PUBLIC_MAX_AGE)
    return _public(HttpResponse(content, content_type=content_type) if content_type else HttpResponse(content))


@require_safe
def public_province(request, structure, code):
    unit = _public_province(structure, code)
    asked = request.GET.get("year", "")
    asked = asked if asked.isdigit() else ""
    lang = _asked_language(request)

    def make():
        sections = []
        for plan in _public_plans(unit):
            years = _years(plan)
            year = int(asked) if asked and int(asked) in years else _default_year(plan, unit)
            results = _labelled(indicator_results(plan, unit, year))
            sections.append({
                "plan": plan, "year": year, "years": years, "groups": by_objective(results),
                "result_count": len(results), "indicator_count": _indicator_count(results),
                "counts": [(k, JUDGEMENT_LABELS[k], n) for k, n in status_counts(results).items()],
                "trajectories": [(k, TRAJECTORY_LABELS[k], n) for k, n in trajectory_counts(results).items()],
            })
        return render(request, "analytics/public_province.html",
                      {"unit": unit, "sections": sections, "lang": lang}).content

    return _served_from_cache(f"page:{unit.pk}:{asked}:{lang}", make)


@require_safe
def public_chart(request, structure, code, plan_pk, year, sub_pk):
    unit = _public_province(structure, code)
    plan = get_object_or_404(Plan, pk=plan_pk, unit=unit)
    if year not in _years(plan):
        raise Http404
    sub = get_object_or_404(SubIndicator, pk=sub_pk, indicator__plan=plan)
    scope = request.GET.get("scope", "")

    def make():
        result = next((r for r in indicator_results(plan, unit, year, only=[sub.pk]) if r.scope == scope), None)
        return _chart_svg(result) if result is not None else ""  # "": no such chart, answered 404

    response = _served_from_cache(f"chart:{unit.pk}:{plan.pk}:{year}:{sub.pk}:{scope[:20]}", make,
                                  "image/svg+xml; charset=utf-8")
    if not response.content:
        raise Http404
    return response
