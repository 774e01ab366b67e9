"""Roll up one period for the whole country against one hand-written SQL
GROUP BY over the same rows, on a synthetic national dataset.

    python -m bench.rollup                      # SQLite in a temporary directory
    python -m bench.rollup --postgres postgres://postgres@127.0.0.1:5432/test
    python -m bench.rollup --provinces 06,19,37 # a quick, smaller run

The dataset: every commune of both structures (10,035 communes before
01/07/2025, 3,321 after) with an approved Appendix 6 and Appendix 7 — every
element and column — for the legacy periods (default 2024) and the 2025
periods (default 2026). The target: the roll-up takes at most 1.5× the
GROUP BY.
"""

import argparse
import time

from bench.common import best_of, throwaway_database

HAND_SQL = """
SELECT dv.element_id, o.code, SUM(dv.value)
FROM reporting_datavalue dv
JOIN reporting_submission s ON s.id = dv.submission_id
JOIN units_unit u ON u.id = dv.unit_id
JOIN reporting_disaggregationoption o ON o.id = dv.option_id
WHERE dv.period_id = %s AND s.status = 'approved' AND dv.value IS NOT NULL AND dv.agency_id IS NULL
  AND u.level = 'commune' AND u.path LIKE %s AND dv.element_id IN ({ids})
GROUP BY dv.element_id, o.code
"""
BARE_SQL = "SELECT element_id, option_id, SUM(value) FROM reporting_datavalue WHERE period_id = %s " \
           "GROUP BY element_id, option_id"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL (a database treem_bench is made)")
    parser.add_argument("--provinces", default="", help="only these province codes, e.g. 06,19,37")
    parser.add_argument("--legacy-periods", default="2024")
    parser.add_argument("--new-periods", default="2026")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with throwaway_database(args.postgres):
        run(args)


def run(args):
    from django.db import connection

    from treem.demo.synthetic import generate
    from treem.reporting.loading import ensure_periods, load_forms
    from treem.reporting.models import Form, Period
    from treem.reporting.rollup import rollup_form
    from treem.units.loading import load_units
    from treem.units.models import Unit

    load_units("both", province_codes=args.provinces.split(",") if args.provinces else None)
    load_forms()
    ensure_periods(range(2021, 2031))
    forms = [Form.objects.filter(code=c).order_by("-version").first() for c in ("PL6", "PL7")]
    nation = Unit.objects.get(level="nation")
    print(f"database: {connection.vendor}")
    for structure, period_codes in (("legacy", args.legacy_periods), ("2025", args.new_periods)):
        communes = list(Unit.objects.filter(structure=structure, level="commune"))
        periods = [Period.objects.get(code=c) for c in period_codes.split(",") if c]
        start = time.perf_counter()
        written = generate(communes, forms, periods)
        print(f"{structure}: {len(communes):,} communes × {len(periods)} period(s) × PL6+PL7: "
              f"{written:,} values written in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    for code in [*args.legacy_periods.split(","), *args.new_periods.split(",")]:
        period = Period.objects.get(code=code)

        def treem_rollup():
            return {f.code: rollup_form(f, period, nation) for f in forms}

        element_ids = sorted({e for f in forms for r in f.rows.select_related("element") if r.element_id
                              for e in _summed(r.element)})
        sql = HAND_SQL.format(ids=", ".join(["%s"] * len(element_ids)))

        def hand_group_by():
            with connection.cursor() as c:
                c.execute(sql, [period.pk, nation.path + "%", *element_ids])
                return c.fetchall()

        def bare_group_by():
            with connection.cursor() as c:
                c.execute(BARE_SQL, [period.pk])
                return c.fetchall()

        if not hand_group_by():
            print(f"period {code}: no reports of these provinces in this period")
            continue
        treem_rollup()  # warm the caches both ways
        t_treem, result = best_of(args.runs, treem_rollup)
        t_hand, rows = best_of(args.runs, hand_group_by)
        t_bare, _ = best_of(args.runs, bare_group_by)
        check = {(eid, opt): total for eid, opt, total in rows}
        pl6 = forms[0]
        e = pl6.rows.get(code="I.1").element
        assert result["PL6"][(e.code, "total")] == check[(e.pk, "total")], "the roll-up and the SQL disagree"
        print(f"period {code}: {len(rows):,} sums over the whole country")
        print(f"  Treem rollup_form (PL6 + PL7, rates derived), best of {args.runs}: {t_treem * 1000:.0f} ms")
        print(f"  hand-written GROUP BY (same filters),        best of {args.runs}: {t_hand * 1000:.0f} ms")
        print(f"  bare GROUP BY of the period (no filters),    best of {args.runs}: {t_bare * 1000:.0f} ms")
        ratio = t_treem / t_hand
        print(f"  rollup / GROUP BY: {ratio:.2f}x  ({'OK' if ratio <= 1.5 else 'ABOVE'} the 1.5x target); "
              f"rollup / bare GROUP BY: {t_treem / t_bare:.2f}x")


def _summed(element):
    from treem.reporting.rollup import summable

    if element.is_rate:
        return [element.numerator_id, element.denominator_id]
    return [element.pk] if summable(element) else []


if __name__ == "__main__":
    main()
