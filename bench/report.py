"""Time building the annual report and its appendices for a province whose
communes all sent approved Appendices 1–7, against the queries underneath
(the roll-ups and the indicator results) alone.

    python -m bench.report [--runs N] [--province CODE]

Uses its own SQLite database in a temporary directory, thrown away after.
"""

import argparse
import os
import random
import shutil
import tempfile
import time
from decimal import Decimal


def best_of(runs, fn):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _setup(province_code):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import json

    from treem.agencies.loading import load_agencies, load_agency_changes
    from treem.analytics.loading import load_indicator_sources
    from treem.demo.loading import DATA, load_plans
    from treem.reporting.loading import load_forms
    from treem.units.loading import load_units

    load_units("legacy", province_codes=[province_code])
    load_agencies(json.loads((DATA / "agencies.json").read_text(encoding="utf-8")))
    load_agency_changes(json.loads((DATA / "agency_changes.json").read_text(encoding="utf-8")))
    load_plans()
    load_forms()
    load_indicator_sources()


def _value(rng, element, option, dens):
    """A plausible figure for one cell: a rate's numerator below its
    denominator, plan and actual close together, male + female = total."""
    if element.value_type == "percent":
        return Decimal(rng.randint(700, 1000)) / 10
    if element.value_type == "number":
        return Decimal(rng.randint(50, 200)) / 10
    if element.code.endswith("_d") and element.code[:-2] in dens:
        base = dens[element.code[:-2]]
    elif element.code in dens:
        base = rng.randint(dens[element.code] // 2, dens[element.code])
    else:
        base = rng.randint(20, 400) if element.value_type == "count" else rng.randint(5, 900) * 1000
    if option in ("male", "female"):
        return Decimal(base // 2)
    if option == "actual" and element.code not in dens:
        return Decimal(int(base * rng.uniform(0.8, 1.2)))
    return Decimal(base)


def _generate(province, periods, rng):
    """Approved PL1–PL7 for every commune of the province, written in bulk."""
    from treem.reporting.models import DataValue, Form, Submission
    from treem.reporting.validation import compute_rows, form_rows
    from treem.units.models import Unit

    communes = list(Unit.objects.filter(path__startswith=province.path, level=Unit.Level.COMMUNE))
    forms = [Form.objects.get(code=f"PL{n}") for n in range(1, 8)]
    rows = {f.pk: form_rows(f) for f in forms}
    submissions = [Submission(form=f, unit=c, period=p, status=Submission.Status.APPROVED)
                   for p in periods for c in communes for f in forms]
    Submission.objects.bulk_create(submissions, batch_size=500)
    values = []
    for s in Submission.objects.filter(unit__in=communes, period__in=periods).select_related("form"):
        form_rows_ = rows[s.form_id]
        cells = {}
        # Each rate's denominator, so its numerator stays below it.
        dens = {r.element.code[:-2]: rng.randint(200, 900) for r in form_rows_
                if r.element_id and r.element.code.endswith("_d")}
        for row in form_rows_:
            if row.element_id is None or row.computed or row.element.is_rate:
                continue
            if row.element.value_type == "text":
                cells[(row.element, "total")] = "Nội dung do xã nhập."
                continue
            for o in row.options:
                if o.sum_of:
                    continue
                cells[(row.element, o.code)] = _value(rng, row.element, o.code, dens)
            for o in row.options:
                if o.sum_of:
                    cells[(row.element, o.code)] = sum((cells.get((row.element, p), 0) for p in o.sum_of), Decimal(0))
        by_code = {(e.code, o): v for (e, o), v in cells.items() if not isinstance(v, str)}
        computed = compute_rows(form_rows_, by_code)
        elements = {r.element.code: r.element for r in form_rows_ if r.element_id}
        for (code, o), v in computed.items():
            if v is not None:
                cells[(elements[code], o)] = v
        options = {(r.element.code, o.code): o for r in form_rows_ if r.element_id for o in r.options}
        for (element, o), v in cells.items():
            option = options[(element.code, o)]
            values.append(DataValue(element=element, option=option, unit=s.unit, period=s.period, submission=s,
                                    value=None if isinstance(v, str) else v, text=v if isinstance(v, str) else ""))
    DataValue.objects.bulk_create(values, batch_size=2000)
    return len(communes), len(submissions), len(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--province", default="06", help="legacy province code (06: Bắc Kạn, whose plan is loaded)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="treem-bench-report-")
    os.environ["TREEM_DATA_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    try:
        import django

        django.setup()
        from treem.analytics.results import indicator_results
        from treem.plans.models import Plan
        from treem.reporting.models import Form, Period
        from treem.reporting.rollup import rollup_form
        from treem.reports.appendices import build_appendices
        from treem.reports.docx_report import build_report
        from treem.units.models import Unit

        start = time.perf_counter()
        _setup(args.province)
        province = Unit.objects.get(structure="legacy", level="province", code=args.province)
        periods = list(Period.objects.filter(code__in=["2022", "2023"]))
        communes, submissions, values = _generate(province, periods, random.Random(2023))
        print(f"setup: {communes} communes, {submissions} approved reports, {values} values "
              f"in {time.perf_counter() - start:.1f} s")
        plan = Plan.objects.get(number="592/QĐ-UBND")
        period = Period.objects.get(code="2023")
        forms = [Form.objects.get(code=f"PL{n}") for n in range(1, 8)]

        def queries():
            for p in periods:
                for f in forms:
                    rollup_form(f, p, province)
            indicator_results(plan, province, 2023)

        def build():
            build_report(plan, province, period)
            build_appendices(period, province, plan=plan)

        build()  # warm up: imports, templates, query plans
        base = best_of(args.runs, queries)
        docx = best_of(args.runs, lambda: build_report(plan, province, period))
        xlsx = best_of(args.runs, lambda: build_appendices(period, province, plan=plan))
        full = best_of(args.runs, build)
        print(f"roll-ups + indicator results alone, best of {args.runs}: {base * 1000:.0f} ms")
        print(f"annual report (DOCX) alone: {docx * 1000:.0f} ms; appendices (XLSX) alone: {xlsx * 1000:.0f} ms")
        print(f"annual report (DOCX) + appendices (XLSX), best of {args.runs}: {full * 1000:.0f} ms")
        print(f"build / queries: {full / base:.1f}x")
        print("OK: under 5 s" if full < 5 else "SLOW: the target is at most 5 s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
