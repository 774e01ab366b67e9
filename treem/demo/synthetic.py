"""Synthetic approved reports: plausible figures for many units, periods and
forms at once, for the demo's dashboards and for the national-scale
benchmarks. The figures hold together the way real ones must (male + female
= total, a sub-item below its total, a numerator below its denominator,
computed rows the sum of their sub-items), so the pages and roll-ups show
what real data would. Written in bulk, not through the actions: this is
made-up data, and it says so in its submissions' history."""

import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from treem.reporting.models import DataValue, Submission, SubmissionEvent
from treem.reporting.validation import compute_rows, form_rows

# Typical size of a commune's figure, by the row's unit of measure.
BASE = {"count": 900, "number": 20, "money": 150_000}


def _depth(row, by_pk):
    d, r = 0, row
    while r.parent_id in by_pk:
        d, r = d + 1, by_pk[r.parent_id]
    return d


def cell_plan(form):
    """What to generate for a form: its rows (with options) and each numeric
    row's depth, computed once per form."""
    rows = form_rows(form)
    by_pk = {r.pk: r for r in rows}
    return [(r, _depth(r, by_pk)) for r in rows], rows


def figures(plan, rows, rng, scale=1.0):
    """{(element code, option code): Decimal} for one unit and period."""
    values, ids = {}, {}
    rates = []
    for row, depth in plan:
        e = row.element
        if e is None or not e.is_numeric or row.computed:
            continue
        if e.is_rate:
            rates.append(row)
            continue
        for o in row.options:
            ids[(e.code, o.code)] = (e.pk, o.pk)
        if e.value_type == "percent":
            for o in row.options:
                values[(e.code, o.code)] = Decimal(rng.randint(600, 1000)) / 10
            continue
        size = BASE.get(e.value_type, 100) * scale * 0.5 ** depth
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
    for row in rates:  # a rate's numerator stays below its denominator
        e = row.element
        for o in row.options:
            num, den = e.numerator.code, e.denominator.code
            if (den, o.code) in values:
                values[(num, o.code)] = Decimal(round(values[(den, o.code)] * Decimal(rng.uniform(0.6, 0.99))))
                if values[(den, o.code)]:
                    values[(e.code, o.code)] = (values[(num, o.code)] * (e.factor or 100)
                                                / values[(den, o.code)]).quantize(Decimal("0.01"))
    compute_rows(rows, values)
    _lift_totals(plan, rows, values)
    return values


def _lift_totals(plan, rows, values):
    """A total typed by hand is raised to its largest sub-item (a computed
    sub-item can add up beyond it), deepest first, then totals recomputed."""
    by_pk = {r.pk: r for r in rows}
    for row, _depth_ in sorted(plan, key=lambda p: -p[1]):
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
def generate(units, forms, periods, approver=None, seed=2021, scale=1.0, batch=20_000):
    """Approved submissions with figures for every unit × form × period that
    has none yet. Returns the number of values written."""
    rng = random.Random(seed)
    now = timezone.now()
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
                SubmissionEvent(submission_id=by_unit[u.pk], version=1, action="approved", status="approved",
                                user=approver, comment="Số liệu mô phỏng (demo)") for u in todo], batch_size=2000)
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


def _insert(rows, now):
    """Many values at once: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return 0
    now = connection.ops.adapt_datetimefield_value(now)
    table = DataValue._meta.db_table
    columns = ["element_id", "option_id", "unit_id", "period_id", "submission_id", "value", "text", "comment",
               "updated_at"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((*r, "", "", now))
        else:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes stay in memory while loading
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                [(*r[:5], str(r[5]), "", "", now) for r in rows])
    return len(rows)
