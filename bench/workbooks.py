"""Time importing 700 filled district workbooks (Appendix 6, 2023, every
district of the 63-province structure: 696) through Treem's import, against
the time openpyxl alone needs to load them and read every cell.

    python -m bench.workbooks [--files N] [--form PL6] [--postgres URL]

It builds its own throwaway database: SQLite in a temporary directory, or
with --postgres a fresh PostgreSQL database named as in the URL.
"""

import argparse
import io
import time
from decimal import Decimal
from urllib.parse import urlsplit

from bench import common
from bench.common import best_of, throwaway_database


def district_values(rows, seed):
    """Valid figures for one district: a total is its own part plus its
    sub-items (so never below any of them), total = male + female."""
    children = {}
    for row in rows:
        if row.parent_id:
            children.setdefault(row.parent_id, []).append(row)
    memo = {}

    def amount(row):  # (male, female); a computed row is the sum of its sub-items only
        if row.pk not in memo:
            own = (0, 0) if row.computed else ((seed % 9 + 1) * 10, (seed % 5 + 1) * 10)
            parts = [amount(c) for c in children.get(row.pk, [])
                     if c.element_id and c.element.value_type == "count"]
            memo[row.pk] = (own[0] + sum(m for m, _f in parts), own[1] + sum(f for _m, f in parts))
        return memo[row.pk]

    # A row counted within another ("of whom insured", at most the children
    # under 6 it counts among) takes no more than that row.
    by_element = {row.element_id: row for row in rows if row.element_id}
    for row in rows:
        whole = by_element.get(row.element.at_most_id) if row.element_id else None
        if whole is not None:
            memo[row.pk] = tuple(min(a, b) for a, b in zip(amount(row), amount(whole)))

    values = {}
    for row in rows:
        if not row.element_id or row.computed or not row.element.is_numeric:
            continue
        if row.element.value_type == "percent":
            values[(row.element.code, "total")] = Decimal(f"{20 + seed % 7}.5")
            continue
        male, female = amount(row)
        codes = {o.code for o in row.options}
        if {"male", "female"} <= codes:
            values[(row.element.code, "male")] = male
            values[(row.element.code, "female")] = female
        if "total" in codes:
            values[(row.element.code, "total")] = male + female
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=700)
    parser.add_argument("--form", default="PL6")
    parser.add_argument("--runs", type=int, default=1, help="runs of the openpyxl baselines (best taken)")
    parser.add_argument("--chunk", type=int, default=50, help="files read and imported in turn (one batch each)")
    parser.add_argument("--verbose", action="store_true", help="print the times of each chunk")
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL (the URL's database is dropped and made)")
    args = parser.parse_args()

    if args.postgres:
        # The URL's own database, so this can run beside another benchmark.
        common.BENCH_DATABASE = urlsplit(args.postgres).path.strip("/") or common.BENCH_DATABASE
    with throwaway_database(args.postgres):
        run(args)


def run(args):
    import openpyxl
    from django.db import connection

    from treem.accounts.models import User
    from treem.reporting.loading import load_forms
    from treem.reporting.models import DataValue, Form, Period
    from treem.reporting.validation import form_rows
    from treem.units.loading import load_units
    from treem.units.models import Unit
    from treem.workbooks import batches
    from treem.workbooks.models import WorkbookFile
    from treem.workbooks.template_workbook import build_template

    start = time.perf_counter()
    load_units("legacy")
    load_forms()
    admin = User.objects.create_user(username="bench", password="bench-password-1", role=User.Role.ADMIN)
    form = Form.objects.get(code=args.form, version=1)
    period = Period.objects.get(code="2023")
    rows = form_rows(form)
    districts = list(Unit.objects.filter(structure="legacy", level="district").order_by("code")[:args.files])
    files = [(f"{u.code}.xlsx", build_template(form, u, period, stored=district_values(rows, i)))
             for i, u in enumerate(districts)]
    size = sum(len(d) for _n, d in files)
    print(f"setup: {len(districts)} districts, {len(files)} workbooks of {form.code} "
          f"({size / len(files) / 1024:.1f} KB each), {time.perf_counter() - start:.0f} s")

    def openpyxl_alone(chunk, read_only):
        cells = 0
        for _name, data in chunk:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    cells += len(row)
            wb.close()
        return cells

    # The files go in chunks, each timed read by openpyxl alone and then
    # imported, so that other work on the machine weighs on both alike.
    # openpyxl as one calls it (load_workbook, every cell read), and in its
    # fastest mode (read_only=True, which the import itself uses). The import
    # is the bulk path as a coordinator uses it: the files stored as a batch,
    # then each checked and imported all or nothing.
    baseline = fastest = imported = 0.0
    cells, statuses = 0, []
    for first in range(0, len(files), args.chunk):
        chunk = files[first:first + args.chunk]
        took, found = best_of(args.runs, lambda: openpyxl_alone(chunk, False))
        baseline, cells = baseline + took, cells + found
        fastest += best_of(args.runs, lambda: openpyxl_alone(chunk, True))[0]
        batch = batches.create_batch(admin, chunk)
        start = time.perf_counter()
        batches.run_batch(batch.pk)
        took_import = time.perf_counter() - start
        imported += took_import
        if args.verbose:
            print(f"  files {first + 1}-{first + len(chunk)}: openpyxl {took * 1000 / len(chunk):.1f} ms a file, "
                  f"import {took_import * 1000 / len(chunk):.1f} ms a file")
        statuses += WorkbookFile.objects.filter(batch=batch).values_list("status", "message")
    refused = [m for s, m in statuses if s != "imported"]
    values = DataValue.objects.filter(period=period, unit__level="district").count()
    print(f"imported: {len(statuses) - len(refused)} of {len(statuses)} workbooks, {values} values saved "
          f"({connection.vendor}, batches of {args.chunk})" + (f"; refused: {refused[:3]}" if refused else ""))
    per_file = 1000 / len(files)
    print(f"openpyxl alone, load_workbook() + read {cells} cells, best of {args.runs}: {baseline:.2f} s "
          f"({baseline * per_file:.1f} ms a file)")
    print(f"openpyxl alone, read_only=True, best of {args.runs}: {fastest:.2f} s ({fastest * per_file:.1f} ms a file)")
    print(f"Treem import (checks + openpyxl read-only + validation + save with history and audit): "
          f"{imported:.2f} s ({imported * per_file:.1f} ms a file)")
    ratio = imported / baseline
    print(f"import / openpyxl load_workbook(): {ratio:.2f}x   (import / openpyxl read-only: {imported / fastest:.2f}x)")
    if refused:  # a refused file is checked, not saved: the ratio would not measure an import
        print(f"NOT MET: {len(refused)} workbooks refused; the figures above do not measure an import")
    else:
        print("OK: within 2x" if ratio <= 2 else "SLOW: the target is 2x or less")


if __name__ == "__main__":
    main()
