"""The roll-up of the approved reports through the hierarchy, cached: the
sums of a unit's own approved report and of the approved reports below it,
agencies' reports left out, each unit right below counted as its own
results page shows it. The results page (treem.analytics.results) and the
official report (treem.reports, through `rollup_through`) read it, so both
print the same figures."""

import decimal
import hashlib
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction

from treem.core import versions
from treem.reporting.models import DisaggregationOption, FormRow, Submission
from treem.reporting.rollup import added_element_ids, rate_parts, rollup_form_for, with_rates
from treem.reporting.validation import structure_version
from treem.units.models import Unit

CACHE_SECONDS = 24 * 3600
_FROM_SQLITE = decimal.Context(prec=15).create_decimal_from_float
_DATA_VERSION_KEY = "analytics:reported-data-version"


# The unit's own approved report (not its agencies' reports: those its
# coordinator consolidates into it, as treem.reports reads it), and the
# sums of the approved reports of the communes below it. Both are read
# through the approved submissions and then their values, so that the
# database reads the province's reports and no more, not every commune's
# values of an element across the country. On SQLite, CROSS JOIN keeps that
# order and a unary + keeps it from looking the values up by any index but
# their submission's ({plus} is "+" there); PostgreSQL plans it well from
# its statistics. The value's own unit, period and agency are checked too,
# so the rows are those `treem.reporting.rollup` adds. Grouped by option id
# (named in Python), not by a join per value. Only the reports of forms
# that ask for these elements are read (any version of the form: the
# roll-up adds an element's values whatever report gave them).
OWN_SQL = """
SELECT s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE s.unit_id = %s AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = s.unit_id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY s.period_id, dv.element_id, dv.option_id
"""
BELOW_SQL = """
SELECT s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.level = %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY s.period_id, dv.element_id, dv.option_id
"""
# The own approved reports of the units between a unit and its communes
# (the provinces and districts under the nation, the districts under a
# province of the old structure), unit by unit: a few hundred reports at
# most, read in the same order as above.
BETWEEN_OWN_SQL = """
SELECT u.id, s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.id <> %s AND u.level <> %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY u.id, s.period_id, dv.element_id, dv.option_id
"""
# The communes' sums as BELOW_SQL reads them, apart for each commune's
# parent (its district, or its province in the 2025 structure): as fast as
# BELOW_SQL on both databases (a CASE naming the units, or a join to the
# parent, was not), some 80.000 rows for the nation.
BY_PARENT_SQL = """
SELECT u.parent_id, s.period_id, dv.element_id, dv.option_id, SUM(dv.value)
FROM units_unit u
CROSS JOIN reporting_submission s
CROSS JOIN reporting_datavalue dv
WHERE u.path LIKE %s AND u.level = %s
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
  AND dv.submission_id = s.id AND {plus}dv.unit_id = u.id AND {plus}dv.period_id = s.period_id
  AND {plus}dv.agency_id IS NULL AND dv.value IS NOT NULL AND {plus}dv.element_id IN ({elements})
GROUP BY u.parent_id, s.period_id, dv.element_id, dv.option_id
"""
# What changes whenever the set of approved reports below a unit changes
# (the communes', and the own reports of the units between, see above):
# approving, returning or reopening a report saves it (a new updated_at).
FINGERPRINT_SQL = """
SELECT s.period_id, COUNT(*), MAX(s.updated_at)
FROM units_unit u
CROSS JOIN reporting_submission s
WHERE u.path LIKE %s AND (u.level = %s OR u.id <> %s)
  AND s.unit_id = u.id AND s.status = %s AND {plus}s.period_id IN ({periods}) AND {plus}s.form_id IN ({forms})
GROUP BY s.period_id
"""


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def _query(sql, params, **lists):
    if not all(lists.values()):
        return []  # "IN ()" matches nothing, and PostgreSQL refuses to parse it
    plus = "+" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(plus=plus, **{k: _placeholders(v) for k, v in lists.items()}), params)
        return cursor.fetchall()


def _by_option_code(rows):
    """{key: {(element id, option code): sum}} from rows of (*key, element
    id, option id, sum), adding up options of the same code. The key is the
    first column (the period id), or a tuple of the columns before the
    element."""
    codes = _option_codes({r[-2] for r in rows})
    sums = {}
    for *key, element_id, option_id, total in rows:
        into = sums.setdefault(key[0] if len(key) == 1 else tuple(key), {})
        cell = (element_id, codes[option_id])
        into[cell] = into[cell] + _decimal(total) if cell in into else _decimal(total)
    return sums


def _option_codes(ids):
    return dict(DisaggregationOption.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


def forms_asking(element_ids):
    """The forms (every version) with a row for one of these elements: the
    reports that can hold their values."""
    return sorted(set(FormRow.objects.filter(element_id__in=element_ids).values_list("form_id", flat=True)))


def own_sums(unit, periods, forms, element_ids):
    period_ids, element_ids = [p.pk for p in periods], sorted(element_ids)
    return _by_option_code(_query(OWN_SQL, [unit.pk, Submission.Status.APPROVED, *period_ids, *forms, *element_ids],
                                  periods=period_ids, forms=forms, elements=element_ids))


def _below_sums(unit, periods, forms, element_ids, rates=None):
    """{period id: {(element id, option code): sum}}: what the units below
    `unit` add up to, agencies' reports left out, as in `rollup_form`. Each
    unit right below counts as its own results page shows it: under the
    nation, a province's own approved report where it gives the cell, else
    its communes' sum (and a district's own report likewise, in a province
    of the old structure). A rate's parts are taken so, part by part, and
    the rate recomputed from them (results._rolled, rollup_through).

    One query while no unit between `unit` and its communes has an approved
    report of its own (the communes' sums, BELOW_SQL); else three: those
    reports, the units between (their paths), and the communes' sums apart
    under each of their parents. `rates` ({rate id: (numerator id,
    denominator id)}, rate_parts) are the rates whose parts `element_ids`
    holds: a unit between that typed one without its parts counts as its
    page shows it, by that rate, which cannot be added (see roll_through)."""
    period_ids = [p.pk for p in periods]
    lists = {"periods": period_ids, "forms": forms, "elements": element_ids}
    tail = [Submission.Status.APPROVED, *period_ids, *forms, *element_ids]
    between = {}
    if _has_units_between(unit):
        with_typed = sorted(set(element_ids) | set(rates or ()))
        between = _by_option_code(_query(
            BETWEEN_OWN_SQL, [unit.path + "%", unit.pk, Unit.Level.COMMUNE, Submission.Status.APPROVED, *period_ids,
                              *forms, *with_typed], **{**lists, "elements": with_typed}))  # {(unit id, period id): sums}
    if not between:
        rows = _query(BELOW_SQL, [unit.path + "%", Unit.Level.COMMUNE, *tail], **lists)
        return {p: {} for p in period_ids} | _by_option_code(rows)
    paths = dict(Unit.objects.filter(path__startswith=unit.path).exclude(level=Unit.Level.COMMUNE)
                 .values_list("pk", "path"))
    reporting = {uid for uid, _p in between} | {unit.pk}
    # Each unit with an own report: its depth and the unit it is under,
    # `unit` or another of them.
    units = {uid: (paths[uid].count("/"), anchor(path_ids(paths[uid])[:-1], reporting))
             for uid in reporting - {unit.pk}}
    rolled = {p: {} for p in period_ids}  # {period id: {unit id: sums}}
    by_parent = _query(BY_PARENT_SQL, [unit.path + "%", Unit.Level.COMMUNE, *tail], **lists)
    for (parent, p), sums in _by_option_code(by_parent).items():
        # The communes' sums go to the nearest unit with an own report above them, or to `unit`.
        nearest = anchor(path_ids(paths.get(parent, unit.path)), reporting)
        into = rolled[p].setdefault(nearest, {})
        for cell, value in sums.items():
            into[cell] = into[cell] + value if cell in into else value
    return {p: roll_through(units, {uid: sums for (uid, q), sums in between.items() if q == p},
                             rolled[p], rates).get(unit.pk, {})
            for p in period_ids}


def _has_units_between(unit):
    """Whether units report between `unit` and its communes: provinces and
    districts under the nation, districts under a province of the old
    structure."""
    return unit.level == Unit.Level.NATION or (
        unit.level == Unit.Level.PROVINCE and unit.structure == Unit.Structure.LEGACY)


def path_ids(path):
    return [int(x) for x in path.strip("/").split("/") if x]


def anchor(ancestor_ids, candidates):
    """The nearest of `ancestor_ids` (from the root down) among
    `candidates`, or None."""
    return next((i for i in reversed(ancestor_ids) if i in candidates), None)


def roll_through(units, own, rolled, rates=None):
    """Adds each unit's figure into the unit it is under, the deepest
    first: its own report's value where it gives the cell, else what
    `rolled` holds for it (its communes' sums, plus the figures of the
    units under it added before). `units` {id: (depth, id of the unit it is
    under)}, `own` {id: sums}, `rolled` {id: sums}, completed in place and
    returned.

    A unit whose own report types a rate of `rates` ({rate id: (numerator
    id, denominator id)}) without both its parts has that rate for figure,
    as its page shows it (Bắc Kạn's 1,5% HIV transmission, from Sở Y tế):
    its communes' parts, which give another rate (0 of 14), are not added
    above it, and the rate itself cannot be. The pages then say the rate
    was typed below (rollup.rates_typed_below)."""
    rates = rates or {}
    for uid, (_depth, anchor) in sorted(units.items(), key=lambda u: -u[1][0]):
        if anchor is None:
            continue
        mine = own.get(uid, {})
        figure = rolled.get(uid, {}) | mine
        for (eid, option) in list(mine):
            if eid in rates:
                del figure[(eid, option)]
                parts = [(part, option) for part in rates[eid]]
                if not all(cell in mine for cell in parts):
                    for cell in parts:
                        figure.pop(cell, None)
        into = rolled.setdefault(anchor, {})
        for cell, value in figure.items():
            into[cell] = into[cell] + value if cell in into else value
    return rolled


def _decimal(value):
    # SQLite hands back a sum of decimals as an int or a float: read it as
    # Django reads the ORM's sums there (rollup_form's), to 15 digits.
    return value if value is None or isinstance(value, Decimal) else _FROM_SQLITE(value)


def reported_data_version():
    return versions.current(_DATA_VERSION_KEY)


def reported_data_changed(**kwargs):
    """A signal receiver (apps.py): a value, a unit or a succession link
    saved or deleted outside the reporting actions (the admin, a shell)
    gives the cached roll-ups a new version, again once committed so a
    request reading the old rows meanwhile does not keep them under it."""
    _new_data_version()
    transaction.on_commit(_new_data_version)


def _new_data_version():
    versions.renew(_DATA_VERSION_KEY)


def _fingerprint(unit, period_ids, forms):
    """{period id: (approved reports, latest saved)} of the units below `unit`."""
    return {p: (n, str(at)) for p, n, at in _query(
        FINGERPRINT_SQL, [unit.path + "%", Unit.Level.COMMUNE, unit.pk, Submission.Status.APPROVED, *period_ids,
                          *forms], periods=period_ids, forms=forms)}


def cached_below_sums(unit, periods, forms, element_ids, rates=None):
    """_below_sums, cached per unit and period, keyed by what they depend
    on: the form structure's version, the reported data's version (bumped
    by signals, see apps.py) and a fingerprint of the approved reports below
    the unit read from the database (so a report approved in another
    process is seen too). A new approval, return or reopening changes the
    fingerprint; the cached sums are never read again."""
    period_ids = [p.pk for p in periods]
    fingerprint = _fingerprint(unit, period_ids, forms)
    if not fingerprint:
        return {p: {} for p in period_ids}  # nothing approved below: nothing to add, nothing to cache
    scope = (structure_version(), reported_data_version(), unit.pk, unit.path, forms, element_ids,
             sorted((rates or {}).items()))
    keys = {p: "analytics:below:" + hashlib.sha1(repr((scope, p, fingerprint[p])).encode()).hexdigest()
            if p in fingerprint else None for p in period_ids}
    found = cache.get_many([k for k in keys.values() if k])
    sums = {p: found.get(k, {}) if k else {} for p, k in keys.items()}
    missing = [p for p in periods if keys[p.pk] and keys[p.pk] not in found]
    if missing:
        fresh = _below_sums(unit, missing, forms, element_ids, rates)
        sums.update(fresh)
        # Kept only if no report was approved or reopened meanwhile: the
        # sums would otherwise be filed under the fingerprint of before.
        if _fingerprint(unit, [p.pk for p in missing], forms) == {p.pk: fingerprint[p.pk] for p in missing}:
            cache.set_many({keys[p]: s for p, s in fresh.items()}, timeout=CACHE_SECONDS)
    return sums


def rollup_through(form, period, unit):
    """What the approved reports below `unit` add up to for `form` in
    `period`, as the results page adds them up: {(element code, option code):
    value}. Under the nation and a province of the old structure, each unit
    right below counts as its own page shows it (its own report where it
    gives the cell, else its communes'); elsewhere it is the communes' sum,
    as `rollup_form_for` gives it. The official report's appendices read it,
    so that they print what the results page shows."""
    if not _has_units_between(unit):
        return rollup_form_for(form, period, unit)[0]
    elements = [r.element for r in form.rows.select_related("element") if r.element_id]
    ids = added_element_ids(elements)
    forms = forms_asking(ids) if ids else []
    if not forms:
        return {}
    sums = cached_below_sums(unit, [period], forms, ids, rate_parts(elements))[period.pk]
    return with_rates(elements, sums) if sums else {}
