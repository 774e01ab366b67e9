"""The reporting calendar of a plan: who reports which form, for which
periods, by when; and, for a period, who has submitted, who is late and who
has not started, as a coordinator needs it to chase people.

Reading functions first, then the changes (one function, one transaction,
one audit row each)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.access import EDITOR_ROLES, can_edit_unit
from treem.accounts.models import User
from treem.agencies.models import Agency
from treem.core.models import audit
from treem.core.search import fold
from treem.units.models import Unit, existing_on
from treem.units.sorting import by_name

from .models import Period, Schedule, Submission

S = Submission.Status


# Reading -------------------------------------------------------------------

def periods_for(schedule):
    """The periods a calendar line asks for, oldest first, within the plan's
    years and ending while the plan's unit existed (Bắc Kạn's plan stops at
    2024 and the mid-term review: its communes report 2025 under the new ones)."""
    plan = schedule.plan
    qs = Period.objects.filter(type=schedule.period_type)
    if schedule.period_type == Period.Type.ONE_OFF:
        qs = qs.filter(end__year=schedule.deadline_year) if schedule.deadline_year else qs.none()
    else:
        qs = qs.filter(start__year__gte=plan.period_start, end__year__lte=plan.period_end)
        if schedule.period_type == Period.Type.SEMI_ANNUAL:
            qs = qs.filter(start__month=1)
    if plan.unit.valid_to:
        qs = qs.filter(end__lte=plan.unit.valid_to)
    if plan.unit.valid_from:
        qs = qs.filter(end__gte=plan.unit.valid_from)
    return list(qs.order_by("start"))


def asks_for(schedule, period):
    """Whether `period` is among periods_for(schedule), without a query."""
    plan, unit = schedule.plan, schedule.plan.unit
    if period.type != schedule.period_type:
        return False
    if schedule.period_type == Period.Type.ONE_OFF:
        if not (schedule.deadline_year and period.end.year == schedule.deadline_year):
            return False
    elif not (plan.period_start <= period.start.year and period.end.year <= plan.period_end) or (
            schedule.period_type == Period.Type.SEMI_ANNUAL and period.start.month != 1):
        return False
    return (not unit.valid_to or period.end <= unit.valid_to) and (
        not unit.valid_from or period.end >= unit.valid_from)


def deadline(schedule, period):
    """The day the reports for `period` are due: the schedule's day and month
    in the year the period ends (a one-off report: in its own year)."""
    year = schedule.deadline_year if schedule.period_type == Period.Type.ONE_OFF and schedule.deadline_year \
        else period.end.year
    day = schedule.deadline_day
    while True:  # 30/02 is read as the last day of February
        try:
            return date(year, schedule.deadline_month, day)
        except ValueError:
            day -= 1


def expected_units(schedule, period):
    """The units that owe a report: those of the schedule's level under the
    plan's unit that still existed at the period's end (a commune merged on
    01/07/2025 reports the year 2025 under the new commune), in code order."""
    plan_unit = schedule.plan.unit
    return list(Unit.objects.filter(path__startswith=plan_unit.path, level=schedule.reporters)
                .filter(existing_on(period.end)).select_related("parent").order_by("parent__code", "code"))


def expected_agencies(schedule, period):
    """The agencies a line names that still existed at the period's end."""
    return by_name(schedule.agencies.filter(existing_on(period.end)).select_related("unit"))


def expected_reporters(schedule, period):
    """[(unit, agency or None)] owing the period's report."""
    if schedule.reporters == Schedule.Reporters.AGENCIES:
        return [(a.unit, a) for a in expected_agencies(schedule, period)]
    return [(u, None) for u in expected_units(schedule, period)]


def plan_agencies(plan):
    """The agencies of the plan's unit that lead or coordinate one of its
    indicators or tasks: those the plan asks to report on their part."""
    named = (Q(led_indicators__plan=plan) | Q(coordinated_indicators__plan=plan)
             | Q(led_tasks__plan=plan) | Q(coordinated_tasks__plan=plan))
    return by_name(Agency.objects.filter(unit=plan.unit).filter(named).distinct())


@dataclass
class Reporter:
    unit: Unit
    status: str  # not_started, draft, returned, submitted, approved
    submitted_at: object = None  # the first submission, for timeliness
    on_time: bool = False
    overdue: bool = False  # the deadline passed and nothing was submitted
    contacts: list = field(default_factory=list)
    agency: Agency = None  # when an agency of the unit reports
    form_code: str = ""
    period_code: str = ""

    @property
    def has_submitted(self):
        return self.status in (S.SUBMITTED, S.APPROVED)

    @property
    def status_label(self):
        if self.status == "not_started":
            return _("not started")
        return S(self.status).label

    @property
    def url(self):
        if self.agency is not None:
            return reverse("reporting:agency_entry", args=[self.form_code, self.period_code, self.unit.pk,
                                                           self.agency.pk])
        return reverse("reporting:entry", args=[self.form_code, self.period_code, self.unit.pk])


@dataclass
class Tally:
    expected: int = 0
    submitted: int = 0  # submitted or approved
    approved: int = 0
    on_time: int = 0
    overdue: int = 0
    not_started: int = 0

    def add(self, r):
        self.expected += 1
        self.submitted += r.has_submitted
        self.approved += r.status == S.APPROVED
        self.on_time += r.on_time
        self.overdue += r.overdue
        self.not_started += r.status == "not_started"

    @property
    def completeness(self):
        """Share of the expected reports submitted, in %."""
        return 100 * self.submitted / self.expected if self.expected else None

    @property
    def timeliness(self):
        """Share of the expected reports submitted by the deadline, in %."""
        return 100 * self.on_time / self.expected if self.expected else None


@dataclass
class Tracking:
    schedule: Schedule
    period: Period
    deadline: date
    reporters: list
    total: Tally
    groups: list  # [(parent unit, Tally)], for every level between the plan's unit and the reporters

    @property
    def overdue(self):
        return [r for r in self.reporters if r.overdue]


def contacts_of(units):
    """{unit id: [users who report for it]}, the people to chase."""
    out = {}
    for u in (User.objects.filter(unit__in=units, role__in=EDITOR_ROLES, is_active=True)
              .order_by("last_name", "username")):
        out.setdefault(u.unit_id, []).append(u)
    return out


def agency_contacts(agencies):
    """{agency id: [its reporters]}."""
    out = {}
    for u in (User.objects.filter(agency__in=agencies, role=User.Role.REPORTER, is_active=True)
              .order_by("last_name", "username")):
        out.setdefault(u.agency_id, []).append(u)
    return out


def tracking(schedule, period, today=None):
    """Who owes the period's report, who sent it and when, in three queries."""
    today = today or timezone.localdate()
    due = deadline(schedule, period)
    expected = expected_reporters(schedule, period)
    by_agency = schedule.reporters == Schedule.Reporters.AGENCIES
    wanted = Submission.objects.filter(form__code=schedule.form.code, period=period)
    if by_agency:
        wanted = wanted.filter(agency__in=[a for _u, a in expected])
        contacts = agency_contacts([a for _u, a in expected])
    else:
        wanted = wanted.filter(agency=None, unit__in=[u for u, _a in expected])
        contacts = contacts_of([u for u, _a in expected])
    submissions = {(s.unit_id, s.agency_id): s for s in wanted.annotate(
        first_submitted=Min("events__at", filter=Q(events__action="submitted")))}
    reporters, total, groups = [], Tally(), {}
    for unit, agency in expected:
        s = submissions.get((unit.pk, agency.pk if agency else None))
        status = s.status if s else "not_started"
        sent = s.first_submitted if s else None
        r = Reporter(unit=unit, agency=agency, status=status, submitted_at=sent,
                     contacts=contacts.get(agency.pk if agency else unit.pk, []),
                     form_code=schedule.form.code, period_code=period.code)
        r.on_time = r.has_submitted and sent is not None and timezone.localtime(sent).date() <= due
        r.overdue = not r.has_submitted and today > due
        reporters.append(r)
        total.add(r)
        if not by_agency and unit.parent_id != schedule.plan.unit_id:
            groups.setdefault(unit.parent, Tally()).add(r)
    return Tracking(schedule=schedule, period=period, deadline=due, reporters=reporters, total=total,
                    groups=sorted(groups.items(), key=lambda g: g[0].code))


def _chased(periods, unit, today):
    """Of `periods` (oldest first), the latest that has begun and ended while
    `unit` still existed, else the first."""
    begun = [p for p in periods if p.start <= today and (unit.valid_to is None or p.end <= unit.valid_to)]
    return begun[-1] if begun else (periods[0] if periods else None)


def current_period(schedule, today=None):
    """The period a coordinator most likely chases: the latest one that has
    begun and ended while the plan's unit still existed (Bắc Kạn's plan ends
    with the 2025 reform), else the first."""
    return _chased(periods_for(schedule), schedule.plan.unit, today or timezone.localdate())


def calendar_lines(plan, schedules, year=None, today=None):
    """What the plan's calendar page shows, one year at a time:
    ([(line, its period of that year or None)], years, year).

    `years` are those the lines' periods end in while the plan's unit
    existed (Bắc Kạn's plan stops at 2024: its communes report 2025 under
    the new ones). A `year` not among them gives this year, or the last
    offered before it (the current periods, as current_period finds them)."""
    today, unit = today or timezone.localdate(), plan.unit
    periods = [(s, periods_for(s)) for s in schedules]
    years = sorted({p.end.year for _s, ps in periods for p in ps})
    if year not in years:
        year = max((y for y in years if y <= today.year), default=years[0] if years else today.year)
    return [(s, _chased([p for p in ps if p.end.year == year], unit, today)) for s, ps in periods], years, year


def deadline_for(form, unit, period, agency=None):
    """The earliest deadline any plan's calendar sets for this unit's report
    (calendars of the plans of the units above it), or for its agency's
    report (calendars of the unit's own plans), or None."""
    lines = Schedule.objects.filter(form__code=form.code, period_type=period.type).select_related("form", "plan__unit")
    if agency is not None:
        lines = lines.filter(reporters=Schedule.Reporters.AGENCIES, plan__unit=unit, agencies=agency)
    else:
        lines = lines.filter(reporters=unit.level, plan__unit_id__in=unit.ancestor_ids())
    return _earliest_deadline(lines.prefetch_related("agencies"), form.code, unit, period, agency and agency.pk)


def deadlines_of(submissions):
    """{submission pk: deadline_for(...) or None} for a page of reports, in
    two queries whatever their number."""
    submissions = list(submissions)
    lines = list(Schedule.objects.filter(form__code__in={s.form.code for s in submissions})
                 .select_related("form", "plan__unit").prefetch_related("agencies"))
    return {s.pk: _earliest_deadline(lines, s.form.code, s.unit, s.period, s.agency_id) for s in submissions}


def _earliest_deadline(lines, form_code, unit, period, agency_id):
    """The earliest deadline among calendar `lines` (with their plan's unit
    and agencies at hand) that ask `unit` (or its agency) for `form_code`
    and `period`, or None: deadline_for's rule, on lines already read."""
    if agency_id is not None:
        mine = [line for line in lines if line.reporters == Schedule.Reporters.AGENCIES
                and line.plan.unit_id == unit.pk and any(a.pk == agency_id for a in line.agencies.all())]
    else:
        above = unit.ancestor_ids()
        mine = [line for line in lines if line.reporters == unit.level and line.plan.unit_id in above]
    dates = [deadline(line, period) for line in mine
             if line.form.code == form_code and line.period_type == period.type and asks_for(line, period)]
    return min(dates) if dates else None


def lateness(submission, due, today=None):
    """How late a report is as the calendar counts it, in days: sent after
    its deadline (by how much), or not yet sent and the deadline past (days
    since); 0 when on time or with no deadline. `submission` None: not started."""
    if due is None:
        return 0
    sent = submission.submitted_at if submission is not None and submission.status in (
        Submission.Status.SUBMITTED, Submission.Status.APPROVED) else None
    day = timezone.localtime(sent).date() if sent else (today or timezone.localdate())
    return max(0, (day - due).days)


@dataclass
class Due:
    form: object
    period: Period
    deadline: date
    status: str  # as shown: "chưa bắt đầu", "nháp", "đã gửi"…
    url: str
    days_overdue: int = 0  # since the deadline passed with nothing submitted

    @property
    def overdue(self):
        return self.days_overdue > 0


def due_reports(user, today=None):
    """What the calendars ask of this user, newest period first: for an
    agency's reporter, the agency's reports; for a commune officer or a
    coordinator, their unit's reports to the level above. For each line, the
    period a coordinator would chase (current_period), and every earlier one
    past its deadline and still not submitted: the officer called about last
    year's report finds it here too."""
    if user.unit_id is None:
        return []
    unit = user.unit
    if user.role == User.Role.REPORTER and user.agency_id:
        lines = Schedule.objects.filter(reporters=Schedule.Reporters.AGENCIES, agencies=user.agency_id,
                                        plan__unit=unit)
        agency = user.agency
    elif user.role in EDITOR_ROLES:
        lines = Schedule.objects.filter(reporters=unit.level, plan__unit_id__in=unit.ancestor_ids())
        agency = None
    else:
        return []
    today = today or timezone.localdate()
    out = []
    for line in lines.select_related("form", "plan__unit"):
        periods = periods_for(line)
        current = _chased(periods, line.plan.unit, today)
        if current is None:
            continue
        # Earlier periods the unit owed (it existed at their end) whose deadline has passed.
        owed = [p for p in periods if p == current or (
            p.end < current.end and deadline(line, p) < today and (unit.valid_from is None or p.end >= unit.valid_from)
            and (unit.valid_to is None or p.end <= unit.valid_to))]
        status = dict(Submission.objects.filter(form__code=line.form.code, unit=unit, agency=agency,
                                                period__in=owed).values_list("period_id", "status"))
        for period in owed:
            r = Reporter(unit=unit, agency=agency, status=status.get(period.pk, "not_started"),
                         form_code=line.form.code, period_code=period.code)
            if period != current and r.has_submitted:
                continue
            due = deadline(line, period)
            out.append(Due(form=line.form, period=period, deadline=due, status=r.status_label, url=r.url,
                           days_overdue=0 if r.has_submitted else max(0, (today - due).days)))
    return sorted(out, key=lambda d: (-d.period.end.toordinal(), d.deadline, d.form.code))


# Changes -------------------------------------------------------------------

class CalendarError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _check_editor(user, plan):
    if not can_edit_unit(user, plan.unit):
        raise PermissionDenied


def _validate(plan, period_type, reporters, day, month, year, agencies):
    if period_type not in Period.Type.values or reporters not in Schedule.Reporters.values:
        raise CalendarError(_("Choose how often and who reports."))
    if reporters == Schedule.Reporters.AGENCIES:
        if not agencies:
            raise CalendarError(_("Choose the agencies that report."))
        if any(a.unit_id != plan.unit_id for a in agencies):
            raise CalendarError(_("Only agencies of %(unit)s can report on its plan.") % {"unit": plan.unit})
    elif reporters == Schedule.Reporters.DISTRICTS and not Unit.objects.filter(
            path__startswith=plan.unit.path, level=Unit.Level.DISTRICT).exists():
        raise CalendarError(_("%(unit)s has no districts: choose the communes.") % {"unit": plan.unit})
    elif not Unit.objects.filter(path__startswith=plan.unit.path, level=reporters).exists():
        raise CalendarError(_("%(unit)s has no units of that level below it.") % {"unit": plan.unit})
    try:
        date(year or 2024, month, min(day, 28) if month == 2 else day)
    except (TypeError, ValueError):
        raise CalendarError(_("The deadline %(day)s/%(month)s is not a date.") % {"day": day, "month": month}) from None
    if period_type == Period.Type.ONE_OFF and not year:
        raise CalendarError(_("A one-off report needs the year it is due."))


@transaction.atomic
def add_schedule(user, plan, forms, period_type, reporters, day, month, year=None, recipient="", requirement=None,
                 agencies=()):
    """Add one calendar line per form; a line already there gets the new
    deadline, recipient and agencies. `agencies` name who reports when
    agencies do. Returns the lines."""
    _check_editor(user, plan)
    if not forms:
        raise CalendarError(_("Choose at least one form."))
    agencies = list(agencies) if reporters == Schedule.Reporters.AGENCIES else []
    _validate(plan, period_type, reporters, day, month, year, agencies)
    lines = []
    for form in forms:
        line, _created = Schedule.objects.update_or_create(
            plan=plan, form=form, period_type=period_type, reporters=reporters,
            defaults=dict(deadline_day=day, deadline_month=month, recipient=recipient.strip(), requirement=requirement,
                          deadline_year=year if period_type == Period.Type.ONE_OFF else None))
        line.agencies.set(agencies)
        lines.append(line)
    audit(user, "reporting.schedule_set", plan, unit=plan.unit, forms=[f.code for f in forms],
          period_type=period_type, reporters=reporters, deadline=f"{day:02d}/{month:02d}" + (f"/{year}" if year else ""),
          recipient=recipient.strip(), agencies=[a.name for a in agencies])
    return lines


@transaction.atomic
def remove_schedule(user, schedule):
    _check_editor(user, schedule.plan)
    audit(user, "reporting.schedule_removed", schedule.plan, unit=schedule.plan.unit, form=schedule.form.code,
          period_type=schedule.period_type, reporters=schedule.reporters)
    schedule.delete()


def reporters_in(requirement, plan_unit):
    """Who reports, read from the regime's text ("Ủy ban nhân dân các huyện"
    → districts); communes where the text names them or the unit has no
    districts."""
    text = fold(requirement.reporters_text)
    has_districts = Unit.objects.filter(path__startswith=plan_unit.path, level=Unit.Level.DISTRICT).exists()
    names_districts = any(w in text for w in ("huyen", "thi xa", "thanh pho"))
    names_communes = any(w in text for w in ("cac xa", "cap xa", "phuong", "thi tran"))
    if has_districts and names_districts and not names_communes:
        return Schedule.Reporters.DISTRICTS
    return Schedule.Reporters.COMMUNES


def names_agencies(requirement):
    """Whether the regime asks the unit's agencies to report too ("các Sở,
    ban, ngành, đoàn thể của tỉnh … báo cáo … gửi về Sở Y tế")."""
    text = fold(requirement.reporters_text)
    return any(w in text for w in ("cac so", "so, ban", "ban, nganh", "ban nganh", "cac co quan"))


@transaction.atomic
def schedules_from_regime(user, plan, forms):
    """Calendar lines for the forms, from each line of the plan's reporting
    regime that has a deadline Treem can place in a period. Returns the lines
    made and the regime lines skipped, with why."""
    _check_editor(user, plan)
    made, skipped = [], []
    for req in plan.reporting.all():
        frequency = req.frequency
        period_type = {"semi_annual": Period.Type.SEMI_ANNUAL, "annual": Period.Type.ANNUAL,
                       "one_off": Period.Type.ONE_OFF}.get(frequency)
        if period_type == Period.Type.ONE_OFF and req.deadline_year != 2025:
            # Only the 2025 mid-term review is a reporting period in Treem.
            skipped.append((req, _("Treem has no reporting period for this one-off report.")))
            continue
        if period_type is None:
            skipped.append((req, _("Treem reports by half-year and year only.")))
            continue
        day, month = req.deadline_day, req.deadline_month
        if not (day and month):
            if period_type != Period.Type.ONE_OFF:
                skipped.append((req, _("The plan gives no day for this report; add it by hand.")))
                continue
            day, month = 31, 12  # "sơ kết vào năm 2025": by the end of that year
        made += add_schedule(user, plan, forms, period_type, reporters_in(req, plan.unit), day, month,
                             req.deadline_year, req.recipient_text[:300], requirement=req)
        if names_agencies(req):
            agencies = plan_agencies(plan)
            if agencies:
                made += add_schedule(user, plan, forms, period_type, Schedule.Reporters.AGENCIES, day, month,
                                     req.deadline_year, req.recipient_text[:300], requirement=req, agencies=agencies)
            else:
                skipped.append((req, _("The regime names the agencies, but no agency of %(unit)s leads or "
                                       "coordinates a part of this plan.") % {"unit": plan.unit}))
    return made, skipped
