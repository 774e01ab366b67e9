"""Synthetic approved reports: plausible figures for many units, periods and
forms at once, for the demo's dashboards and for the national-scale
benchmarks. The figures hold together the way real ones must (male + female
= total, a sub-item below its total, a numerator below its denominator,
computed rows the sum of their sub-items), so the pages and roll-ups show
what real data would. Written in bulk, not through the actions: this is
made-up data, and it says so in its submissions' history."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from treem.core.bulk import db_datetime, insert_rows
from treem.reporting.models import DataValue, Submission, SubmissionEvent
from treem.reporting.validation import compute_rows, form_rows

# Typical size of a commune's figure, by the row's unit of measure.
BASE = {"count": 900, "number": 20, "money": 150_000}


# Appendix 6, section I, holds together as a commune's population does
# (orders of magnitude of the General Statistics Office): under-6s some 40 %
# of the under-16s, 16–17-year-olds some 12 %; nearly every under-6 insured,
# about half of them treated on the card in a year; under-16s about a quarter
# of the whole population. (group: (the group it is a share of, low, high))
AGE_GROUPS = {"PL6_I_2": ("PL6_I_1", 0.36, 0.42), "PL6_I_4": ("PL6_I_1", 0.11, 0.14),
              "PL6_I_3": ("PL6_I_2", 0.88, 0.99), "PL6_I_3_1": ("PL6_I_3", 0.40, 0.75)}
SHARES_OF_POPULATION = {"PL6_I_1r": "PL6_I_1", "PL6_I_2r": "PL6_I_2", "PL6_I_4r": "PL6_I_4"}
UNDER_16_SHARE = (0.22, 0.27)
# Rates whose numerator is far from the default share (see figures()):
# orders of magnitude of Vietnam's own statistics, as shares of the denominator.
RATE_SHARES = {
    "PL7_CT14_r": (0.04, 0.07),  # children in special circumstances
    "PL7_CT16_r": (0.00005, 0.0002),  # abused
    "PL7_CT17_r": (0.03, 0.08),  # child labour, 5 to 17
    "PL7_CT18_r": (0.003, 0.008),  # injured, ‰
    "PL7_CT19_r": (0.00008, 0.0002),  # died of an injury, ‰
    "PL7_CT27_r": (0.003, 0.012),  # lower-secondary drop-out
}


def _depth(row, by_pk):
    d, r = 0, row
    while r.parent_id in by_pk:
        d, r = d + 1, by_pk[r.parent_id]
    return d


def _top(row, by_pk):
    while row.parent_id in by_pk:
        row = by_pk[row.parent_id]
    return row


def cell_plan(form):
    """What to generate for a form: its rows (with options), each numeric
    row's depth, and whether it counts a population (the form's first
    section: children by age) or cases (the later sections: children in
    special circumstances, abuse, accidents…), computed once per form."""
    rows = form_rows(form)
    by_pk = {r.pk: r for r in rows}
    first = rows[0] if rows else None
    parents = {r.parent_id for r in rows}
    # A lone top-level row (Appendix 7's denominators: children aged 8,
    # births…) counts a population too.
    return [(r, _depth(r, by_pk), _top(r, by_pk) is first or not r.parent_id and r.pk not in parents)
            for r in rows], rows


def figures(plan, rows, rng, scale=1.0):
    """{(element code, option code): Decimal} for one unit and period."""
    values, ids = {}, {}
    rates = []
    for row, depth, population in plan:
        e = row.element
        if e is None or not e.is_numeric or row.computed:
            continue
        if e.is_rate:
            rates.append(row)
            continue
        for o in row.options:
            ids[(e.code, o.code)] = (e.pk, o.pk)
        lower_is_better = e.direction == "decrease"
        if e.value_type == "percent" or e.unit_label in ("%", "‰"):
            low, high = (5, 150) if lower_is_better else (700, 1000)  # tenths: 0,5–15 or 70–100
            for o in row.options:
                values[(e.code, o.code)] = Decimal(rng.randint(low, high)) / 10
            continue
        # Cases (children abused, trafficked, in special circumstances) are a
        # few per commune a year, not a share of its children.
        size = BASE.get(e.value_type, 100) * scale * 0.5 ** depth * (1 if population else 0.004)
        if e.unit_label.startswith("Xã"):
            size = 1  # a count of communes, reported by one commune
        by_option = {o.code: o for o in row.options}
        for o in row.options:
            if o.sum_of:  # filled from its parts below
                continue
            parts = sum(1 for p in row.options if o.code in (p.sum_of or []))
            share = 1 / parts if parts else 1
            values[(e.code, o.code)] = Decimal(round(size * share * rng.uniform(0.6, 1.0)))
        for o in row.options:
            if o.sum_of:
                values[(e.code, o.code)] = sum((values[(e.code, p)] for p in o.sum_of if p in by_option), Decimal(0))
    for row in rates:
        # A rate's numerator stays below its denominator: most children
        # reached by a service, few harmed.
        e = row.element
        low, high = RATE_SHARES.get(e.code, (0.001, 0.02) if e.direction == "decrease" else (0.75, 0.99))
        for o in row.options:
            num, den = e.numerator.code, e.denominator.code
            if (den, o.code) in values:
                if values[(den, o.code)] <= 1:
                    values[(num, o.code)] = Decimal(1 if rng.random() < high else 0)
                else:
                    # Rounded up or down at random, so that rare events (0,3 a commune) add up right.
                    expected = float(values[(den, o.code)]) * rng.uniform(low, high)
                    values[(num, o.code)] = Decimal(int(expected) + (rng.random() < expected % 1))
                if values[(den, o.code)]:
                    values[(e.code, o.code)] = (values[(num, o.code)] * (e.factor or 100)
                                                / values[(den, o.code)]).quantize(Decimal("0.01"))
    _age_groups(values, rng)
    compute_rows(rows, values)
    _lift_totals(plan, rows, values)
    return values


def _age_groups(values, rng):
    """Appendix 6's population section as shares of the under-16s (see
    AGE_GROUPS), male and female apart, totals their sum."""
    if ("PL6_I_1", "total") not in values:
        return
    for group, (of, low, high) in AGE_GROUPS.items():
        if (group, "male") not in values or (of, "male") not in values:
            continue
        for sex in ("male", "female"):
            values[(group, sex)] = Decimal(round(values[(of, sex)] * Decimal(rng.uniform(low, high))))
        values[(group, "total")] = values[(group, "male")] + values[(group, "female")]
    population = values[("PL6_I_1", "total")] / Decimal(rng.uniform(*UNDER_16_SHARE))
    for share, group in SHARES_OF_POPULATION.items():
        if (share, "total") in values and population:
            values[(share, "total")] = (values[(group, "total")] * 100 / population).quantize(Decimal("0.1"))


def _lift_totals(plan, rows, values):
    """A total typed by hand is raised to its largest sub-item (a computed
    sub-item can add up beyond it), deepest first, then totals recomputed."""
    by_pk = {r.pk: r for r in rows}
    for row, _depth_, _population in sorted(plan, key=lambda p: -p[1]):
        parent = by_pk.get(row.parent_id)
        if (parent is None or parent.computed or not parent.element_id or not row.element_id
                or parent.element.value_type != row.element.value_type or row.element.is_rate):
            continue
        pe, ce = parent.element.code, row.element.code
        for o in parent.options:
            child = values.get((ce, o.code))
            if not o.sum_of and child is not None and values.get((pe, o.code)) is not None:
                values[(pe, o.code)] = max(values[(pe, o.code)], child)
        for o in parent.options:
            if o.sum_of and values.get((pe, o.code)) is not None:
                values[(pe, o.code)] = sum((values.get((pe, p), 0) for p in o.sum_of), Decimal(0))
    compute_rows(rows, values)


def _ids(rows):
    out = {}
    for r in rows:
        if r.element_id:
            for o in r.options:
                out[(r.element.code, o.code)] = (r.element_id, o.pk)
    return out


@transaction.atomic
def generate(units, forms, periods, approver=None, seed=2021, scale=1.0, batch=20_000, due=None):
    """Approved submissions with figures for every unit × form × period that
    has none yet. With `due` (period → deadline date), each report also gets
    its submission date: most a few days before the deadline, one in ten
    late. Returns the number of values written."""
    rng = random.Random(seed)
    now = timezone.now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes stay in memory while loading
    written = 0
    for form in forms:
        plan, rows = cell_plan(form)
        ids = _ids(rows)
        for period in periods:
            done = set(Submission.objects.filter(form=form, period=period, agency=None)
                       .values_list("unit_id", flat=True))
            todo = [u for u in units if u.pk not in done]
            subs = Submission.objects.bulk_create([
                Submission(form=form, unit=u, period=period, status=Submission.Status.APPROVED, submitted_by=approver,
                           submitted_at=now, decided_by=approver, decided_at=now) for u in todo], batch_size=2000)
            if connection.vendor == "sqlite" or subs and subs[0].pk is None:
                by_unit = dict(Submission.objects.filter(form=form, period=period, agency=None, unit__in=todo)
                               .values_list("unit_id", "pk"))
            else:
                by_unit = {s.unit_id: s.pk for s in subs}
            SubmissionEvent.objects.bulk_create([
                SubmissionEvent(submission_id=by_unit[u.pk], version=1, action=action, status=action,
                                user=approver, comment="Số liệu mô phỏng (demo)")
                for u in todo for action in (("submitted", "approved") if due else ("approved",))], batch_size=2000)
            if due and todo:
                _date_submissions([by_unit[u.pk] for u in todo], due(period), rng)
            # A few dozen sets of figures, each unit given one of them: as
            # varied as a benchmark or a demo needs, without computing
            # every commune's figures one by one.
            variants = [[(*ids[k], v) for k, v in figures(plan, rows, rng, scale).items()]
                        for _i in range(min(len(todo), 40))]
            pending = []
            for u in todo:
                for element_id, option_id, value in rng.choice(variants):
                    pending.append((element_id, option_id, u.pk, period.pk, by_unit[u.pk], value))
                if len(pending) >= batch:
                    written += _insert(pending, now)
                    pending = []
            written += _insert(pending, now)
    return written


def _date_submissions(submission_ids, deadline, rng):
    """Submitted a few days before the deadline, or (one in ten) weeks after."""
    late = {pk for pk in submission_ids if rng.random() < 0.1}
    tz = timezone.get_current_timezone()
    for ids, day in ((late, deadline + timedelta(days=20)),
                     (set(submission_ids) - late, deadline - timedelta(days=5))):
        at = datetime(day.year, day.month, day.day, 9, tzinfo=tz)
        for chunk in range(0, len(ids), 500):
            part = sorted(ids)[chunk:chunk + 500]
            SubmissionEvent.objects.filter(submission_id__in=part, action="submitted").update(at=at)
            Submission.objects.filter(pk__in=part).update(submitted_at=at, decided_at=at + timedelta(days=3))


def _insert(rows, now):
    now = db_datetime(now)
    return insert_rows(DataValue, ["element_id", "option_id", "unit_id", "period_id", "submission_id", "value",
                                   "text", "comment", "updated_at"], ((*r, "", "", now) for r in rows))
