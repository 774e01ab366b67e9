"""Time building the annual report and its appendices for a province whose
communes all sent approved Appendices 1–7, against the queries underneath
(the roll-ups and the indicator results) alone.

    python -m bench.report [--runs N] [--province CODE]

Uses its own SQLite database in a temporary directory, thrown away after.
"""

import argparse
import time

from bench.common import best_of, throwaway_database


def _setup(province_code):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--province", default="06", help="legacy province code (06: Bắc Kạn, whose plan is loaded)")
    args = parser.parse_args()
    with throwaway_database():
        run(args)


def run(args):
    from treem.analytics.results import indicator_results
    from treem.demo.synthetic import generate
    from treem.plans.models import Plan
    from treem.reporting.models import Form, Period
    from treem.reporting.rollup import rollup_form
    from treem.reports.appendices import build_appendices
    from treem.reports.docx_report import build_report
    from treem.units.models import Unit

    start = time.perf_counter()
    _setup(args.province)
    province = Unit.objects.get(structure="legacy", level="province", code=args.province)
    communes = list(Unit.objects.filter(path__startswith=province.path, level=Unit.Level.COMMUNE))
    periods = list(Period.objects.filter(code__in=["2022", "2023"]))
    forms = [Form.objects.get(code=f"PL{n}") for n in range(1, 8)]
    values = generate(communes, forms, periods)
    print(f"setup: {len(communes)} communes, {len(communes) * len(forms) * len(periods)} approved reports, "
          f"{values} values in {time.perf_counter() - start:.1f} s")
    plan = Plan.objects.get(number="592/QĐ-UBND")
    period = Period.objects.get(code="2023")

    def queries():
        for p in periods:
            for f in forms:
                rollup_form(f, p, province)
        indicator_results(plan, province, 2023)

    def build():
        build_report(plan, province, period)
        build_appendices(period, province, plan=plan)

    build()  # warm up: imports, templates, query plans
    base, _ = best_of(args.runs, queries)
    docx, _ = best_of(args.runs, lambda: build_report(plan, province, period))
    xlsx, _ = best_of(args.runs, lambda: build_appendices(period, province, plan=plan))
    full, _ = best_of(args.runs, build)
    print(f"roll-ups + indicator results alone, best of {args.runs}: {base * 1000:.0f} ms")
    print(f"annual report (DOCX) alone: {docx * 1000:.0f} ms; appendices (XLSX) alone: {xlsx * 1000:.0f} ms")
    print(f"annual report (DOCX) + appendices (XLSX), best of {args.runs}: {full * 1000:.0f} ms")
    print(f"build / queries: {full / base:.1f}x")
    print("OK: under 5 s" if full < 5 else "SLOW: the target is at most 5 s")


if __name__ == "__main__":
    main()
