"""Checking a form's values: plain functions, called by the actions, the
views and the tests. Errors block submission; warnings ask for a comment."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from treem.core import versions
from treem.core.numbers import format_number, format_rate, parse_number

from .models import DataElement, Form, Period

ERROR, WARNING = "error", "warning"
NUMERIC_SUMMABLE = (DataElement.ValueType.COUNT, DataElement.ValueType.NUMBER, DataElement.ValueType.MONEY)


@dataclass
class Problem:
    level: str  # ERROR or WARNING
    row: object  # FormRow
    option: str  # option code, "" for the whole row
    message: str
    kind: str = ""  # not_a_number, whole, negative, percent, columns, sub_item, rate_part, tenfold
    also: tuple = ()  # other option codes of the row the problem is about (a total's parts)
    explained_message: str = ""  # a warning's message once a comment explains it (no longer asking for one)
    related: tuple = ()  # other rows whose comment explains it too (FormRows.rate_family)

    @property
    def is_error(self):
        return self.level == ERROR

    @property
    def cell(self):
        return (self.row.element.code, self.option) if self.row.element_id and self.option else None

    @property
    def cells(self):
        """Every cell the problem is about, its own first: male, female and
        total all show a sum that does not add up."""
        if self.cell is None:
            return []
        return [self.cell] + [(self.cell[0], o) for o in self.also if o != self.option]


def shown_message(problem, explained):
    """A problem's message as the page shows it: a warning explained no
    longer asks for a comment."""
    return problem.explained_message if explained and problem.explained_message else problem.message


def explanation(problem, comments):
    """The comment that explains a warning: its cell's, or else one on
    another cell of its row, or of a related row (a rate and its parts).
    One comment says why a row's total, male and female all jumped, as the
    workbook's one comment column does."""
    if problem.cell is None:
        return ""
    own = comments.get(problem.cell)
    if own and own.strip():
        return own.strip()
    for code in [problem.cell[0]] + [r.element.code for r in problem.related]:
        text = next((text.strip() for (e, _o), text in comments.items() if e == code and text and text.strip()), "")
        if text:
            return text
    return ""


# A form's rows change when someone edits the form, not when a report is
# typed: every request reads them from memory, and any change to a form's
# structure (a signal, see apps.py) gives the cache a new version, shared
# between processes through Django's cache.
_ROWS = {}
_VERSION_KEY = "reporting:form-structure-version"


def structure_version():
    return versions.current(_VERSION_KEY)


def form_structure_changed(**kwargs):
    _new_version()
    # Again once the change is committed: a request reading the old rows in
    # the meantime must not keep them under the new version.
    transaction.on_commit(_new_version)


def _new_version():
    versions.renew(_VERSION_KEY)
    _ROWS.clear()


def form_rows(form):
    """The rows with what validation and entry need, in order (shared, read
    only: do not change them)."""
    key = (form.pk, structure_version())
    rows = _ROWS.get(key)
    if rows is None:
        rows = _load_rows(form)
        _remember(key, rows)
    return rows


def current_form(code):
    """The newest active version of the form with this code, or None; kept
    in memory like the rows (a Form saved gives the cache a new version)."""
    key = ("form", code, structure_version())
    form = _ROWS.get(key)
    if form is None:
        form = Form.objects.filter(is_active=True, code=code).order_by("-version").first()
        if form is not None:  # a made-up code is not kept: it would crowd out the rows
            _remember(key, form)
    return form


def current_period(code):
    """The period with this code, or None, with the period before it (whose
    figures a report is checked against), kept in memory like the forms: a
    period saved or deleted gives the cache a new version (see apps.py).
    Shared, read only."""
    key = ("period", code, structure_version())
    period = _ROWS.get(key)
    if period is None:
        from .actions import previous_period  # actions imports this module

        period = Period.objects.filter(code=code).first()
        if period is not None:
            previous_period(period)
            _remember(key, period)
    return period


def _remember(key, value):
    # Another thread may clear the cache at any moment: callers keep their own reference.
    if len(_ROWS) > 100:
        _ROWS.clear()
    _ROWS[key] = value


def _load_rows(form):
    """One query for rows with their elements, one per disaggregation."""
    rows = list(form.rows.select_related("element__numerator", "element__denominator", "element__at_most",
                                         "text_element",
                                         "disaggregation"))
    options = {}
    by_pk = {r.pk: r for r in rows}
    for row in rows:
        if row.disaggregation_id and row.disaggregation_id not in options:
            options[row.disaggregation_id] = list(row.disaggregation.options.all())
        row.options = options.get(row.disaggregation_id, [])
        row.display_ref = _display_ref(row, by_pk)
    return FormRows(rows)


class FormRows(list):
    """A form's rows in order, with the look-ups that every save, check and
    import needs worked out once, when the rows are read (a whole form is
    checked after every autosave)."""

    def __init__(self, rows):
        super().__init__(rows)
        self.by_pk = {r.pk: r for r in rows}
        self.order = {r.pk: i for i, r in enumerate(rows)}
        self.options_of = {r.pk: {o.code: o for o in r.options} for r in rows}
        # element code -> (row, element, {option code: option}); a text
        # column's element has None for options (its one cell is "total").
        self.cells = {r.element.code: (r, r.element, {o.code: o for o in r.options}) for r in rows if r.element_id}
        self.cells.update({r.text_element.code: (r, r.text_element, None) for r in rows if r.text_element_id})
        self.elements = {code: element for code, (_r, element, _o) in self.cells.items()}
        self.options = {}  # (element code, option code) -> option, None for a text column's cell
        for code, (_r, _e, options) in self.cells.items():
            if options is None:
                self.options[(code, "total")] = None
            else:
                self.options.update({(code, o): option for o, option in options.items()})
        self.codes_by_id = {r.element_id: r.element.code for r in rows if r.element_id}
        self.option_codes_by_id = {o.pk: o.code for r in rows for o in r.options}
        # A rate's row and the rows of its numerator and denominator, each to
        # the others: a comment on one explains a warning on another (births
        # ten times last year's, and so their rate; a comment says why once).
        self.rate_family = {}
        for code, (row, element, _o) in self.cells.items():
            if element.is_rate and element.numerator.code in self.cells and element.denominator.code in self.cells:
                family = [row] + [self.cells[part.code][0] for part in (element.numerator, element.denominator)]
                for member in family:
                    others = self.rate_family.setdefault(member.element.code, [])
                    others += [r for r in family if r is not member and r not in others]
        # The computed rows, deepest first, each with its numeric sub-items.
        children = {}
        for row in rows:
            if row.parent_id:
                children.setdefault(row.parent_id, []).append(row)

        def depth(row):
            d, r = 0, row
            while r.parent_id in self.by_pk:
                d, r = d + 1, self.by_pk[r.parent_id]
            return d

        self.parts = {pk: [c for c in found if c.element_id and c.element.is_numeric] for pk, found in children.items()}
        self.computed = [(row, self.parts.get(row.pk, []))
                         for row in sorted((r for r in rows if r.computed and r.element_id), key=depth, reverse=True)]


def structure(rows):
    """`rows` as FormRows (form_rows gives them so; a plain list is indexed here)."""
    return rows if isinstance(rows, FormRows) else FormRows(rows)


def _display_ref(row, by_pk):
    """The row's printed number with its section, as a reader finds it: "II.1"
    (sections I–IV each restart at 1); "" for an unnumbered row."""
    number = row.number if row.number not in ("", "-", "+") else ""
    top = row
    while top.parent_id in by_pk:
        top = by_pk[top.parent_id]
    if number and top is not row and top.number and not number.startswith(top.number + "."):
        return f"{top.number}.{number}"
    return number


def cell_name(row, option=None):
    """ "Dòng 1.1 'Trẻ em mồ côi…'" and, for a column other than the only one, its name."""
    ref = getattr(row, "display_ref", row.number)
    if ref:
        text = _("Row %(row)s “%(label)s”") % {"row": ref, "label": row.label}
    else:
        text = _("Row “%(label)s”") % {"label": row.label}
    if option is not None and len(row.options) > 1:
        text += f" ({option.label.lower()})"
    return text


def parse_cell(element, raw):
    """A typed value as Decimal (numbers) or str (text); None when empty.
    Raises ValueError for text in a number cell."""
    if raw is None:
        return None
    if isinstance(raw, Decimal) and element.is_numeric:
        return raw
    raw = str(raw).strip()
    if raw == "":
        return None
    if not element.is_numeric:
        return raw
    if raw.endswith("%") or raw.endswith("‰"):
        raw = raw[:-1].strip()
    return parse_number(raw)


def compute_rows(rows, values, unreadable=None):
    """Fill the computed rows (sum of their sub-items) into `values`, deepest
    first, so a total of totals adds up. Returns the computed cells. A sum
    with a cell of `unreadable` (cells that are not numbers) among its parts
    is unknown: None, and added to `unreadable`."""
    computed = {}
    for row, parts in structure(rows).computed:
        for option in row.options:
            keys = [(c.element.code, option.code) for c in parts]
            numbers = [n for n in (values.get(k) for k in keys) if isinstance(n, Decimal)]
            key = (row.element.code, option.code)
            values[key] = sum(numbers, Decimal(0)) if numbers else None
            if unreadable and any(k in unreadable for k in keys):
                values[key] = None
                unreadable.add(key)
            computed[key] = values[key]
    return computed


def validate_form_values(form, values, previous=None, rows=None):
    """Check one form's values.

    `values` maps (element code, option code) to what was typed ("1.234,5")
    or to a Decimal; `previous` maps the same keys to last period's values.
    Returns a list of Problem, errors first in row order, then warnings.
    """
    rows = structure(rows if rows is not None else form_rows(form))
    previous = previous or {}
    problems, parsed = [], {}
    # A cell that is not a number is reported once, as such: the checks that
    # need its figure (sums, columns, a rate's parts) are not made with it
    # taken for empty.
    unreadable = set()
    by_code = rows.cells

    for (code, option_code), raw in values.items():
        found = by_code.get(code)
        if found is None:
            continue
        row, element, options = found
        option = options.get(option_code) if options is not None else None
        def where(row=row, option=option):  # worded only when a problem is found
            return cell_name(row, option)
        try:
            value = parse_cell(element, raw)
        except ValueError:
            problems.append(Problem(ERROR, row, option_code, _("%(where)s: “%(value)s” is not a number.") % {
                "where": where(), "value": raw}, kind="not_a_number"))
            unreadable.add((code, option_code))
            continue
        parsed[(code, option_code)] = value
        if value is None or not element.is_numeric:
            continue
        if element.value_type == DataElement.ValueType.COUNT and value != value.to_integral_value():
            problems.append(Problem(ERROR, row, option_code, _("%(where)s: a count must be a whole number (%(value)s).")
                                    % {"where": where(), "value": format_number(value)}, kind="whole"))
        if element.value_type in (DataElement.ValueType.COUNT, DataElement.ValueType.MONEY) and value < 0:
            problems.append(Problem(ERROR, row, option_code, _("%(where)s: must not be negative (%(value)s).")
                                    % {"where": where(), "value": format_number(value)}, kind="negative"))
        if element.value_type == DataElement.ValueType.PERCENT and not (0 <= value <= 100):
            problems.append(Problem(ERROR, row, option_code,
                                    _("%(where)s: a percentage must be between 0 and 100 (%(value)s).")
                                    % {"where": where(), "value": format_number(value)}, kind="percent"))

    compute_rows(rows, parsed, unreadable)

    by_pk = rows.by_pk
    # The checks below are about a row's own figures, except a rate's, which
    # looks at its parts: a row with none is passed over (a commune fills a
    # few dozen of a form's three hundred cells).
    filled = {code for (code, _o), value in parsed.items() if value is not None}
    for row in rows:
        if not row.element_id:
            continue
        element = row.element
        parts_filled = row.parts_add_up and any(p.element.code in filled for p in rows.parts.get(row.pk, ()))
        if not element.is_numeric or element.code not in filled and not element.is_rate and not parts_filled:
            continue
        code = element.code
        # Totals of the columns: total = male + female.
        by_option = rows.options_of[row.pk]
        for option in row.options:
            if not option.sum_of:
                continue
            total = parsed.get((code, option.code))
            parts = [(by_option[p], parsed.get((code, p))) for p in option.sum_of if p in by_option]
            given = [(o, v) for o, v in parts if v is not None]
            if total is None or not given:
                continue
            added = sum((v for _o, v in given), Decimal(0))
            if len(given) == len(parts) and added != total or added > total:
                plus = _("plus")
                problems.append(Problem(ERROR, row, option.code, _("%(where)s: %(parts)s differ from %(total)s.") % {
                    "where": cell_name(row),
                    "parts": f" {plus} ".join(f"{o.label.lower()} ({format_number(v)})" for o, v in given),
                    "total": f"{option.label.lower()} ({format_number(total)})",
                }, kind="columns", also=tuple(o.code for o, _v in given)))
        # Sub-items that split the total (girls, boys) add up to it: all
        # given, to the total; some given, to no more than it.
        if row.parts_add_up:
            for option in row.options:
                total = parsed.get((code, option.code))
                parts = [(part, parsed.get((part.element.code, option.code))) for part in rows.parts.get(row.pk, ())]
                given = [(part, v) for part, v in parts if v is not None]
                if total is None and given:
                    # Girls and boys given, the total left empty: the sums above would count none of them.
                    words = {"where": cell_name(row, option),
                             "parts": f" {_('plus')} ".join(f"{p.label.lower()} ({format_number(v)})" for p, v in given),
                             "sum": format_number(sum((v for _p, v in given), Decimal(0)))}
                    message = _("%(where)s: the total is empty while %(parts)s are given; enter the total "
                                "(%(sum)s).") % words if len(given) == len(parts) else _(
                        "%(where)s: the total is empty while %(parts)s is given; enter the total.") % words
                    problems.append(Problem(ERROR, row, option.code, message, kind="sub_item"))
                    continue
                if total is None or not given:
                    continue
                added = sum((v for _p, v in given), Decimal(0))
                if len(given) == len(parts) and added != total or added > total:
                    plus = _("plus")
                    problems.append(Problem(ERROR, row, option.code, _("%(where)s: %(parts)s differ from %(total)s.") % {
                        "where": cell_name(row, option),
                        "parts": f" {plus} ".join(f"{p.label.lower()} ({format_number(v)})" for p, v in given),
                        "total": _("the total (%(value)s)") % {"value": format_number(total)}}, kind="sub_item"))
        # Sub-items not above their total (same unit of measure only: the
        # people running a model are not a part of the number of models).
        parent = by_pk.get(row.parent_id)
        if (parent is not None and parent.element_id and element.value_type in NUMERIC_SUMMABLE
                and parent.element.value_type == element.value_type
                and parent.element.unit_label == element.unit_label):
            for option in row.options:
                value = parsed.get((code, option.code))
                total = parsed.get((parent.element.code, option.code))
                if value is not None and total is not None and value > total:
                    problems.append(Problem(ERROR, row, option.code, _(
                        "%(where)s: %(value)s is more than the total in row %(parent)s (%(total)s).") % {
                        "where": cell_name(row, option), "value": format_number(value),
                        "parent": parent.display_ref or f"“{parent.label}”",
                        "total": format_number(total)}, kind="sub_item"))
        # A part listed beside its whole (under 6 among under 16).
        whole = element.at_most
        if whole is not None and whole.code in rows.cells:
            whole_row = rows.cells[whole.code][0]
            for option in row.options:
                value, total = parsed.get((code, option.code)), parsed.get((whole.code, option.code))
                if value is not None and total is not None and value > total:
                    words = {"where": cell_name(row, option), "value": format_number(value),
                             "whole": whole_row.display_ref or f"“{whole_row.label}”", "total": format_number(total),
                             "unit": element.unit_label.lower(), "whole_unit": whole.unit_label.lower()}
                    if element.unit_label.lower() != whole.unit_label.lower():
                        # Couples beside the people who married as children: each couple counts one at least.
                        message = _("%(where)s: %(value)s is more than row %(whole)s (%(total)s): each %(unit)s "
                                    "counts at least one of those %(whole_unit)s.") % words
                    else:
                        message = _("%(where)s: %(value)s is more than row %(whole)s (%(total)s), which counts it.") \
                            % words
                    problems.append(Problem(ERROR, row, option.code, message, kind="sub_item"))
        # A rate's numerator and denominator go together: summed alone, one
        # commune's numerator would lift the province's rate.
        if element.is_rate and element.numerator.code in rows.cells and element.denominator.code in rows.cells:
            problems += _rate_parts(rows, element, row.options, parsed, unreadable)
            problems += _rate_typed(row, element, parsed)
        # A value ten times last period's, or a tenth of it, asks for an
        # explanation (a drop from 10 or more: 3 orphans last year and none
        # now is no news, 4.820 children under 6 and then 490 is a slip).
        for option in row.options if previous else ():
            value, before = parsed.get((code, option.code)), previous.get((code, option.code))
            if value is None or before is None or before <= 0:
                continue
            words = {"where": cell_name(row, option), "value": format_number(value),
                     "previous": format_number(before)}
            related = tuple(rows.rate_family.get(code, ()))
            if value >= 10 * before:
                problems.append(Problem(WARNING, row, option.code, _(
                    "%(where)s: %(value)s is ten times last period's value (%(previous)s) or more; "
                    "please explain in a comment.") % words, kind="tenfold", explained_message=_(
                    "%(where)s: %(value)s is ten times last period's value (%(previous)s) or more.") % words,
                    related=related))
            elif before >= 10 and value * 10 <= before:
                problems.append(Problem(WARNING, row, option.code, _(
                    "%(where)s: %(value)s is a tenth of last period's value (%(previous)s) or less; "
                    "please explain in a comment.") % words, kind="tenfold", explained_message=_(
                    "%(where)s: %(value)s is a tenth of last period's value (%(previous)s) or less.") % words,
                    related=related))

    problems.sort(key=lambda p: (p.level != ERROR, rows.order.get(p.row.pk, 0)))
    return problems


def _rate_typed(row, rate, parsed):
    """Errors where a rate typed beside its numerator and denominator is not
    what they give (50 % typed, 600 of 702 given): the reports recompute it
    from the parts, so the typed one would be silently replaced. It may be
    rounded as typed: "85" for 85,47, "85,5" too."""
    problems = []
    parts = (rate.numerator.code, rate.denominator.code)
    for option in row.options:
        typed = parsed.get((rate.code, option.code))
        num, den = (parsed.get((code, option.code)) for code in parts)
        if typed is None or num is None or not den:
            continue
        given = num * (rate.factor or 100) / den
        # Half of the last digit typed: stored figures carry four decimals, the typed ones fewer.
        places = min(typed.normalize().as_tuple().exponent, 0)
        if abs(typed - given) <= Decimal(5).scaleb(places - 1) + Decimal("0.00005"):
            continue
        unit = rate.rate_suffix
        problems.append(Problem(ERROR, row, option.code, _(
            "%(where)s: %(value)s%(unit)s is not what its numerator (%(num)s) and denominator (%(den)s) give, "
            "%(rate)s%(unit)s.") % {"where": cell_name(row, option), "value": format_number(typed),
                                    "num": format_number(num), "den": format_number(den), "rate": format_rate(given),
                                    "unit": unit}, kind="rate_part"))
    return problems


def _rate_parts(rows, rate, options, parsed, unreadable=()):
    """Errors where only one part of `rate` is given, the denominator is 0
    under a numerator, or a share's numerator exceeds its denominator (5
    children vaccinated among 1 is 500 %). A part in `unreadable` (not a
    number) is neither given nor missing: its column is left alone."""
    problems = []
    parts = (rate.numerator.code, rate.denominator.code)
    for option in options:
        if any((code, option.code) in unreadable for code in parts):
            continue
        num, den = (parsed.get((code, option.code)) for code in parts)
        if rate.is_share and num is not None and den and num > den:
            row = rows.cells[parts[0]][0]
            other = rows.cells[parts[1]][0]
            problems.append(Problem(ERROR, row, option.code, _(
                "%(where)s: %(value)s is more than the denominator in row %(other)s (%(whole)s): the rate would be "
                "%(rate)s%(unit)s.") % {
                "where": cell_name(row, rows.options_of[row.pk].get(option.code)), "value": format_number(num),
                "other": other.display_ref or f"“{other.label}”", "whole": format_number(den),
                "rate": format_rate(num * (rate.factor or 100) / den),
                "unit": rate.rate_suffix}, kind="rate_part"))
            continue
        if num is None and den is None or num is not None and den is not None and not (den == 0 and num):
            continue
        if num is None and den == 0:
            continue  # none to count among none: nothing to rate
        given, missing = (parts[0], parts[1]) if den is None or den == 0 else (parts[1], parts[0])
        row = rows.cells[missing][0]
        where = cell_name(row, rows.options_of[row.pk].get(option.code))
        if den == 0:
            message = _("%(where)s: the denominator is 0 while the numerator is %(value)s.") % {
                "where": where, "value": format_number(num)}
        else:
            other = rows.cells[given][0]
            message = _("%(where)s: empty, while row %(other)s gives %(value)s; a rate needs both its numerator and "
                        "its denominator.") % {"where": where, "other": other.display_ref or f"“{other.label}”",
                                                "value": format_number(parsed[(given, option.code)])}
        problems.append(Problem(ERROR, row, option.code, message, kind="rate_part"))
    return problems


def parse_values(form, values, rows=None):
    """The typed values of `values`, with the computed rows filled in.
    Call only after validate_form_values found no parse error."""
    rows = structure(rows if rows is not None else form_rows(form))
    by_code = rows.elements
    parsed = {key: parse_cell(by_code[key[0]], raw) for key, raw in values.items() if key[0] in by_code}
    compute_rows(rows, parsed)
    return parsed


def assess(plan, actual, direction):
    """Met / not met / exceeded the plan; lower is better for a decrease."""
    if plan is None or actual is None:
        return ""
    if actual == plan:
        return "met"
    better = actual < plan if direction == DataElement.Direction.DECREASE else actual > plan
    return "exceeded" if better else "not_met"
