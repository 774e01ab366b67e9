from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treem.accounts.access import get_visible_or_404, unit_scope
from treem.plans.models import Plan
from treem.reporting.models import Period, Submission
from treem.units.models import Unit
from treem.units.sorting import by_name

from .appendices import CODES, build_appendices
from .docx_report import (ReportOptions, build_mid_term_review, build_report, default_recipients,
                          default_signer_title)
from .values import MIXED, OWN, ROLLUP, current_form, form_figures, reports_between
from .wording import ascii_name, default_day, issuer_code, issuer_for, lower_first, period_phrase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _plan_unit_period(request, plan_pk, unit_pk, period_code):
    """The plan, unit and period of a report, each checked: a unit the user
    may not see, or one outside the plan's unit, is answered 404."""
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=plan_pk)
    # A commune reads the province's plan, not the report the province sends
    # up (its text may still be a draft): the user's unit and those below.
    unit = get_visible_or_404(Unit.objects.all(), request.user, field="", ancestors=False, pk=unit_pk)
    if not unit.is_within(plan.unit):
        raise Http404
    period = get_object_or_404(Period, code=period_code)
    return plan, unit, period


def _periods(plan):
    """The periods of the plan's years that have begun, the newest first."""
    today = timezone.localdate()
    periods = Period.objects.filter(start__lte=today, start__year__gte=plan.period_start,
                                    end__year__lte=plan.period_end)
    if plan.unit.valid_to:  # a unit ended by the 2025 reform reports no later period
        periods = periods.filter(end__lte=plan.unit.valid_to)
    return [p for p in periods.order_by("-end", "type") if p.type != Period.Type.ONE_OFF or p.code == "2025MTR"]


def _default_period(plan, periods, today):
    """The period the choice opens on. A coordinator reports on a period
    that is over, or nearly: the latest ordinary one (a year or a half-year;
    the mid-term review is chosen on purpose, never by default) with
    approved reports under the plan's unit, among those that have ended
    and those under way that already have some. The annual report is due
    before the year ends (15/12 in Nghệ An), on the communes' annual reports
    approved in November. Without approved reports, the latest period that
    has ended: a report of a period nobody has reported yet is empty. A
    year and its second half end on the same day, and the annual report,
    which covers both, comes first in `periods`. When none has ended yet (a
    plan's first half-year), the newest ordinary period. Any other period
    stays one choice away."""
    ordinary = [p for p in periods if p.type != Period.Type.ONE_OFF] or periods
    ended = [p for p in ordinary if p.end < today]
    begun = [p for p in ordinary if p.start <= today]
    reported = set(Submission.objects.filter(
        status=Submission.Status.APPROVED, unit__path__startswith=plan.unit.path,
        period__in=begun).values_list("period_id", flat=True).distinct()) if begun else set()
    return next((p for p in begun if p.pk in reported), ended[0] if ended else (ordinary[0] if ordinary else None))


def _units(request, plan):
    """The units whose report the user may open: the plan's unit (for those
    at or above it), the user's own unit where it lies under it, and the
    units right below."""
    reportable = Unit.objects.filter(unit_scope(request.user, field="", ancestors=False))
    units = [plan.unit] if reportable.filter(pk=plan.unit.pk).exists() else []
    own = request.user.unit
    if own is not None and own.pk != plan.unit.pk and own.is_within(plan.unit):
        units.append(own)
    below = by_name(reportable.filter(parent=plan.unit))
    return units + [u for u in below if u not in units]


def choose(request, plan_pk):
    """The plan page's link: pick a unit and a period, then the report page."""
    plan = get_visible_or_404(Plan.objects.select_related("unit"), request.user, pk=plan_pk)
    periods = _periods(plan)
    if "unit" in request.GET and "period" in request.GET:
        try:
            return redirect("reports:report", plan.pk, int(request.GET["unit"]), request.GET["period"])
        except ValueError:
            raise Http404 from None
    return render(request, "reports/choose.html", {"plan": plan, "units": _units(request, plan),
                                                   "periods": periods,
                                                   "default_period": _default_period(plan, periods, timezone.localdate())})


def source_text(source, count, between=0):
    """Where a form's figures come from, as the report page says it; `between`
    the own reports of provinces or districts read in place of their communes'."""
    if source == OWN:
        return _("the unit's own approved report")
    if source in (MIXED, ROLLUP) and between:
        below = ngettext(
            "the approved reports below: %(between)s of a province or district (in place of its communes' "
            "figures where it gives them) and %(n)s of communes",
            "the approved reports below: %(between)s of provinces or districts (each in place of its communes' "
            "figures where it gives them) and %(n)s of communes", between) % {"between": between, "n": count}
        if source == MIXED:
            return _("the unit's own approved report, completed where it is empty with the sum of %(below)s") % {
                "below": below}
        return _("the sum of %(below)s") % {"below": below}
    if source == MIXED and count:
        return ngettext(
            "the unit's own approved report, completed where it is empty with the sum of %(n)s approved "
            "commune report",
            "the unit's own approved report, completed where it is empty with the sum of %(n)s approved "
            "commune reports", count) % {"n": count}
    if source == MIXED:
        return _("the unit's own approved report, completed where it is empty with the sum of the approved "
                 "reports of the former communes")
    if source == ROLLUP and count:
        return _("the sum of %(n)s approved commune reports") % {"n": count}
    if source == ROLLUP:
        return _("the sum of the approved reports of the former communes")
    return _("no approved report yet")


def form_label(form):
    """A form's name in the user's language: the names the loader gives
    ("Phụ lục 7", "Báo cáo") are the appendices' official names, stored in
    Vietnamese; a name typed in the admin is shown as typed."""
    if form.code == "BC" and form.name == "Báo cáo":
        return _("Report (text)")
    if form.code in CODES and form.name == f"Phụ lục {form.code[2:]}":
        return _("Appendix %(n)s") % {"n": form.code[2:]}
    return form.name


def report(request, plan_pk, unit_pk, period_code):
    plan, unit, period = _plan_unit_period(request, plan_pk, unit_pk, period_code)
    sources = []
    for code in [*CODES, "BC"]:
        form = current_form(code)
        if form is None:
            continue
        if code == "BC":
            sources.append({"form": form, "label": form_label(form), "text": ""})
            continue
        f = form_figures(code, period, unit, with_previous=False)
        between = reports_between(form, f.period, unit) if f.source in (ROLLUP, MIXED) else 0
        text = source_text(f.source, f.below, between)
        if f.source and f.period != period:  # the mid-term review: its latest year with figures
            text += " " + _("(figures of %(period)s)") % {"period": lower_first(str(f.period))}
        sources.append({"form": form, "label": form_label(form), "text": text, "missing": not f.source})
    day = default_day(unit)
    issuer = issuer_for(plan, unit, day)
    return render(request, "reports/report.html", {
        "plan": plan, "unit": unit, "period": period, "sources": sources, "issuer": issuer,
        "signer_title": default_signer_title(issuer),
        "number_suffix": f"/BC-{issuer_code(issuer)}",
        "is_review": period.code.endswith("MTR"), "day": day, "ceased": day != timezone.localdate(),
        "recipients": request.GET["recipients"] if "recipients" in request.GET else "\n".join(
            default_recipients(unit, day)),
        "typed": request.GET,  # back from a download refused (a date that is not one): nothing typed is lost
        "periods": _periods(plan), "units": _units(request, plan),
        # The forms are linked to those who may open them: a commune officer
        # reads the district's report, not the district's own entry pages.
        "entries_open": Unit.objects.filter(unit_scope(request.user, field="", ancestors=False), pk=unit.pk).exists(),
    })


class _NotADate(ValueError):
    pass


def _options(request, unit):
    """What the person set on the report page. An empty date is the default
    (today, or the last day of a unit that has ceased: default_day); a date
    that cannot be read (31/02/2024) raises _NotADate: a report dated today
    instead, without a word, would go out with the wrong date."""
    get = request.GET
    day = default_day(unit)
    typed = get.get("day", "").strip()
    if typed:
        try:
            day = datetime.strptime(typed, "%d/%m/%Y").date()
        except ValueError:
            raise _NotADate(typed) from None
    recipients = [line.strip().lstrip("-").strip() for line in get.get("recipients", "").splitlines()]
    return ReportOptions(number=get.get("number", "").strip()[:20], day=day,
                         signer_name=get.get("signer_name", "").strip()[:120],
                         signer_title=get.get("signer_title", "").strip()[:200],
                         recipients=[r for r in recipients if r][:30])


def _attachment(body, content_type, name):
    """A download named in Vietnamese where the browser reads RFC 5987, in
    plain ASCII where it does not."""
    response = HttpResponse(body, content_type=content_type)
    fallback = ascii_name(name).replace(" ", "_") or "bao_cao"
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return response


def _file_name(kind, unit, period, extension):
    return f"{kind} - {unit.name} - {period_phrase(period)}.{extension}"


def _back_to_the_page(request, plan, unit, period, typed):
    """The report page again, with what was typed, and why nothing was made."""
    messages.error(request, _("“%(day)s” is not a date: write it as dd/mm/yyyy, for example %(example)s. "
                              "Nothing was downloaded.") % {
        "day": typed, "example": timezone.localdate().strftime("%d/%m/%Y")})
    return redirect(reverse("reports:report", args=[plan.pk, unit.pk, period.code]) + "?" + request.GET.urlencode())


@translation.override("vi")  # the official documents are in Vietnamese, whatever the page's language
def download_report(request, plan_pk, unit_pk, period_code):
    plan, unit, period = _plan_unit_period(request, plan_pk, unit_pk, period_code)
    try:
        options = _options(request, unit)
    except _NotADate as e:
        return _back_to_the_page(request, plan, unit, period, str(e))
    if options.recipients == default_recipients(unit, default_day(unit)):
        # The page's list for today, left as it was: the default of the report's own date instead.
        options.recipients = []
    if period.code.endswith("MTR"):
        body = build_mid_term_review(plan, unit, period, options)
        name = _file_name("Báo cáo sơ kết giữa kỳ", unit, period, "docx")
    else:
        body = build_report(plan, unit, period, options)
        name = _file_name("Báo cáo công tác trẻ em", unit, period, "docx")
    return _attachment(body, DOCX, name)


@translation.override("vi")
def download_appendices(request, plan_pk, unit_pk, period_code):
    plan, unit, period = _plan_unit_period(request, plan_pk, unit_pk, period_code)
    try:
        options = _options(request, unit)
    except _NotADate as e:
        return _back_to_the_page(request, plan, unit, period, str(e))
    day = options.day
    issuer = issuer_for(plan, unit, day)
    number = f"{options.number}/BC-{issuer_code(issuer)}" if options.number else f"…/BC-{issuer_code(issuer)}"
    ref = f"Báo cáo số {number} ngày {day:%d/%m/%Y} của {issuer}"
    body = build_appendices(period, unit, plan=plan, report_ref=ref)
    return _attachment(body, XLSX, _file_name("Phụ lục báo cáo", unit, period, "xlsx"))
