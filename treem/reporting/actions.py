"""Every change to reported data: one function, one transaction, one audit
row naming the acting user. Views and tests call these and nothing else."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.access import EDITOR_ROLES, can_edit_unit
from treem.accounts.models import User
from treem.core.bulk import db_datetime, insert_objects, insert_rows, insert_unless_exists
from treem.core.models import audit, audit_entry
from treem.core.numbers import format_number

from .models import (
    DataElement,
    DataValue,
    DataValueChange,
    DisaggregationOption,
    Period,
    Submission,
    SubmissionEvent,
)
from .rollup import rollup_agencies
from .validation import (
    ERROR,
    Problem,
    cell_name,
    explanation,
    form_rows,
    parse_cell,
    parse_values,
    structure,
    validate_form_values,
)

S = Submission.Status
_Q4 = Decimal("0.0001")  # values are stored with four decimals
# New figures up to this many come back with their keys from their INSERT;
# more are COPYed and their keys read (insert_rows says why).
_RETURNED_KEYS = 50


class Log:
    """The report-history events and audit rows of one action, written at its
    end in one statement each: at a deadline fifty communes press "submit"
    together, and each statement of a submission counts."""

    def __init__(self, user):
        self.user, self.events, self.audits = user, [], []

    def event(self, submission, action):
        self.events.append(SubmissionEvent(submission=submission, version=submission.version, action=action,
                                           status=submission.status, user=self.user))

    def audit(self, action, submission, **detail):
        self.audits.append(audit_entry(self.user, action, submission, unit=submission.unit, **detail))

    def write(self):
        insert_objects(self.events)
        insert_objects(self.audits)
        self.events, self.audits = [], []


class ReportingError(Exception):
    """An action refused, with a message for the user."""

    def __init__(self, message, problems=(), saved=False):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.saved = saved  # the figures were saved all the same (a submission refused, its draft kept)


def may_report(user, unit, agency=None):
    """A unit's report: those who may edit the unit. An agency's report (Sở Y
    tế reporting to the province's coordinating department): the agency's
    own reporters, or the unit's coordinator typing in a report sent on paper."""
    if agency is None:
        return can_edit_unit(user, unit)
    if not user.is_authenticated or agency.unit_id != unit.pk:
        return False
    if user.is_system_admin:
        return True
    return user.unit_id == unit.pk and (
        (user.role == User.Role.REPORTER and user.agency_id == agency.pk) or user.role == User.Role.COORDINATOR)


def may_review(user, submission):
    """The level above the submitting unit decides: a user who may edit the
    parent unit, or a system administrator. An agency's report is decided by
    the coordinator of its own unit, who consolidates the agencies' reports."""
    if getattr(user, "is_system_admin", False):
        return True
    if submission.agency_id:
        return user.role == User.Role.COORDINATOR and user.unit_id == submission.unit_id
    parent = submission.unit.parent
    return parent is not None and can_edit_unit(user, parent)


def awaiting_review(user):
    """The submitted reports this user decides: those of the units right
    below theirs, and deeper ones where no one in between could (a province
    without district officers decides its communes' reports); for a
    coordinator also the reports of their own unit's agencies. A ministry
    coordinator thus finds the provinces' reports here, not every commune's
    of the country, which the provinces decide."""
    qs = Submission.objects.filter(status=S.SUBMITTED).select_related("form", "unit", "period", "agency")
    if user.is_system_admin:
        return qs
    if user.role not in EDITOR_ROLES or not user.unit_id:
        return qs.none()
    # Someone who may decide it, at a unit between this user's and the report's.
    nearer = User.objects.filter(is_active=True, role__in=EDITOR_ROLES, unit__path__startswith=user.unit.path).exclude(
        unit_id=user.unit_id).exclude(unit_id=OuterRef("unit_id")).alias(
        below=ExpressionWrapper(OuterRef("unit__path"), output_field=CharField())).filter(
        below__startswith=F("unit__path"))
    mine = Q(agency__isnull=True, unit__parent__path__startswith=user.unit.path) & ~Exists(nearer)
    if user.role == User.Role.COORDINATOR:
        mine |= Q(agency__isnull=False, unit_id=user.unit_id)
    return qs.filter(mine)


def _lock(submission):
    # of=self: PostgreSQL cannot lock the nullable side of the agency join.
    return Submission.objects.select_for_update(of=("self",)).select_related(
        "form", "unit", "period", "agency").get(pk=submission.pk)


def _text(element, value):
    if value is None:
        return ""
    return value if element.value_type == DataElement.ValueType.TEXT else format_number(value)


def stored_values(submission, raw=False):
    """{(element code, option code): Decimal or str} of a submission."""
    # Plain tuples, not model instances: a whole form is read after every save.
    rows = DataValue.objects.filter(submission=submission).values_list(
        "element__code", "option__code", "element__value_type", "value", "text")
    return {(e, o): text if value_type == DataElement.ValueType.TEXT else value
            for e, o, value_type, value, text in rows}


def stored_comments(submission):
    return {(v.element.code, v.option.code): v.comment
            for v in DataValue.objects.filter(submission=submission).exclude(comment="").select_related("element", "option")}


def _periods_before(period):
    return Period.objects.filter(type=period.type, end__lt=period.start).order_by("-end")


def previous_period(period):
    """The period of the same type just before `period`, or None. Kept on
    the instance: a page asks it several times, and a batch of workbooks of
    one period once per file."""
    if not hasattr(period, "_previous_period"):
        period._previous_period = _periods_before(period).first()
    return period._previous_period


def previous_values(form, unit, period, agency=None, rows=None):
    """Last period's values of the same unit (and agency) for the form's elements."""
    if hasattr(period, "_previous_period"):  # already looked up: a page, a batch of workbooks
        if period._previous_period is None:
            return {}
        before = period._previous_period.pk
    else:  # within the one query: a submission needs the figures, not the period
        before = Subquery(_periods_before(period).values("pk")[:1])
    rows = structure(rows if rows is not None else form_rows(form))
    codes, options = rows.codes_by_id, rows.option_codes_by_id
    # All of the unit's figures of that period (one form's worth or a few),
    # kept here: cheaper than asking the database for a hundred elements by id.
    found = DataValue.objects.filter(unit=unit, period_id=before, agency=agency, value__isnull=False).values_list(
        "element_id", "option_id", "value")
    return {(codes[e], options[o]): v for e, o, v in found if e in codes and o in options}


def reporting_refusal(unit, period, today=None):
    """Why `unit` cannot report for `period`, or None: the period has not
    begun, or the unit did not exist then. A unit reports the periods that
    end while it exists, as the calendars ask: a commune merged on
    01/07/2025 reports the first half of 2025, and the new commune the year
    2025 and after."""
    today = today or timezone.localdate()
    if period.start > today:
        return _("The period “%(period)s” has not begun yet.") % {"period": period}
    if unit.valid_to and unit.valid_to < period.end:
        successors = ", ".join(s.successor.name for s in unit.successions_out.select_related("successor"))
        return _("%(unit)s ceased on %(date)s; report this period under %(successors)s.") % {
            "unit": unit, "date": unit.valid_to.strftime("%d/%m/%Y"), "successors": successors or _("the new unit")}
    if unit.valid_from and unit.valid_from > period.end:
        return _("%(unit)s did not exist yet in the period “%(period)s”.") % {"unit": unit, "period": period}
    return None


def find_submission(form, unit, period, agency=None):
    """The unit's (or `agency`'s) submission of a form for a period, or None."""
    return Submission.objects.filter(form=form, unit=unit, period=period, agency=agency).first()


@transaction.atomic
def open_submission(user, form, unit, period, agency=None):
    """The submission of a form for a unit and period, created on first use."""
    _check_may_open(user, unit, period, agency)
    submission, created = Submission.objects.get_or_create(form=form, unit=unit, period=period, agency=agency)
    if created:
        log = Log(user)
        _record_created(log, submission)
        log.write()
    return submission


def lock_or_open(user, form, unit, period, agency=None, log=None):
    """Inside the caller's transaction: the submission of a form for a unit
    and period, locked and checked as save_values checks it, or created on
    first use. Returns (submission, created). With `save_locked_values` an
    import saves a whole form with no savepoint and no second lock, which
    each cost a round trip to PostgreSQL for every one of hundreds of files.
    A creation is recorded in `log` (Log), or at once without one."""
    submission = _locked(user, form, unit, period, agency)
    if submission is not None:
        return submission, False
    _check_may_open(user, unit, period, agency)
    submission = Submission(form=form, unit=unit, period=period, agency=agency)
    if not insert_unless_exists(submission):
        # A colleague created it meanwhile (PostgreSQL): theirs, locked once
        # they committed (or, were it deleted since, made again).
        return lock_or_open(user, form, unit, period, agency, log)
    own_log = log or Log(user)
    _record_created(own_log, submission)
    if log is None:
        own_log.write()
    return submission, True


def _locked(user, form, unit, period, agency):
    """The existing submission, locked and checked as editable by `user`, or None."""
    try:  # get(), not first(): its ORDER BY costs each of fifty submissions at a deadline
        submission = Submission.objects.select_for_update().get(form=form, unit=unit, period=period, agency=agency)
    except Submission.DoesNotExist:
        return None
    # The caller's objects, not a join to read them again.
    submission.form, submission.unit, submission.period, submission.agency = form, unit, period, agency
    _check_editable(user, submission)
    return submission


def _check_may_open(user, unit, period, agency):
    if not may_report(user, unit, agency):
        raise PermissionDenied
    refusal = reporting_refusal(unit, period)
    if refusal:
        raise ReportingError(refusal)


def _record_created(log, submission):
    log.event(submission, "created")
    log.audit("reporting.submission_created", submission, form=submission.form.code, period=submission.period.code,
              agency=submission.agency.name if submission.agency else "")


@transaction.atomic
def save_values(user, submission, values, comments=None, expected=None, rows=None):
    """Save typed values (and comments) of a draft or returned submission.

    `values` maps (element code, option code) to text as typed; cells not in
    `values` are left alone, an empty string clears a cell. Nothing is saved
    if a cell cannot be read as a number. `expected` may map the same keys to
    the text the user saw before typing: if someone else has changed such a
    cell since, nothing is saved and the conflicts come back as problems, so
    two people editing one form never silently overwrite each other. Returns
    the problems found in the whole form after saving (validation errors do
    not block a draft). `rows` (validation.form_rows of the form) spares
    reading the form again when many reports of it are saved in a row.
    """
    submission = _lock_editable(user, submission)
    log = Log(user)
    problems, _comments = _save_locked(user, submission, values, log, comments, expected, rows)
    log.write()
    return problems


@transaction.atomic
def save_report_values(user, form, unit, period, agency, values, comments=None, expected=None):
    """save_values for the web form, whose report may not exist yet: the
    first save creates it, in the same transaction. Returns (submission,
    problems)."""
    log = Log(user)
    submission, created = lock_or_open(user, form, unit, period, agency, log)
    problems, _comments = _save_locked(user, submission, values, log, comments, expected, created=created)
    log.write()
    return submission, problems


def _lock_editable(user, submission):
    submission = _lock(submission)
    _check_editable(user, submission)
    return submission


def _check_editable(user, submission):
    if not may_report(user, submission.unit, submission.agency):
        raise PermissionDenied
    if not submission.is_editable:
        raise ReportingError(_("This report is %(status)s and can no longer be changed.")
                             % {"status": submission.get_status_display()})


def save_locked_values(user, submission, values, log, comments=None, expected=None, rows=None, created=False,
                       source=""):
    """save_values inside the caller's transaction, on a submission from
    `lock_or_open` (`created`: it was just made, and holds no figures yet).
    Returns the problems of the whole form after saving; the caller ends
    its transaction on a refusal (ReportingError), and writes `log` (Log).
    `source` is kept with each change ("workbook")."""
    return _save_locked(user, submission, values, log, comments, expected, rows, created=created, source=source)[0]


def _save_locked(user, submission, values, log, comments=None, expected=None, rows=None, save_submission=True,
                 previous=None, created=False, source=""):
    """save_values on a submission already locked and checked. Returns the
    problems of the whole form after saving, and its comments then. With
    save_submission=False the caller saves the submission's status and time.
    `previous` (previous_values) may be read before the lock is taken; a
    submission just `created` holds no figures to read."""
    comments = comments or {}
    rows = structure(rows if rows is not None else form_rows(submission.form))
    unreadable = _unreadable(submission.form, values, rows)
    if unreadable:
        raise ReportingError(_("Nothing was saved: some cells are not numbers."), unreadable)

    # One read of what is stored: the figures, and the rows to update.
    existing, current = {}, {}
    stored = () if created else DataValue.objects.filter(submission=submission).values_list(
        "pk", "element__code", "option__code", "element__value_type", "value", "text", "comment")
    for pk, e, o, value_type, value, text, comment in stored:
        existing[(e, o)] = DataValue(pk=pk, value=value, text=text, comment=comment)
        current[(e, o)] = text if value_type == DataElement.ValueType.TEXT else value
    conflicts = _conflicts(submission, rows, current, values, expected or {})
    if conflicts:
        raise ReportingError(_("Nothing was saved: someone else changed these cells after you opened the form. "
                               "Their figures are shown now; check them and type yours again."), conflicts)
    merged = {**current, **parse_values(submission.form, {**current, **values}, rows=rows)}
    elements, options = rows.elements, rows.options
    default_option = None  # read only when a text cell is new
    now = timezone.now()
    at = db_datetime(now)
    # New cells are written as plain rows (a whole form at once, an Excel
    # import, is a few statements, not a model instance and two per cell).
    created, updated, history = [], [], []
    final = dict(current)  # what is stored once saved, validated below without reading it back
    for key, new in merged.items():
        comment = comments.get(key)
        old_row = existing.get(key)
        element = elements.get(key[0])
        if element is None or key not in options:
            continue
        if element.is_numeric:
            old = None if old_row is None else old_row.value
            new = None if new is None else new.quantize(_Q4)
        else:
            old = (old_row.text if old_row else "") or None
            new = new or None
        final[key] = new
        old_comment = old_row.comment if old_row else ""
        comment = None if comment is None else comment.strip()
        if old == new and (comment is None or comment == old_comment):
            continue
        new_comment = old_comment if comment is None else comment
        change = (_text(element, old), _text(element, new), old_comment, new_comment)
        if old_row is None:
            option = options[key]
            if option is None:
                option = default_option = default_option or _default_option()
            created.append((key, (element.pk, option.pk), (
                element.pk, option.pk, submission.unit_id, submission.period_id, submission.agency_id,
                submission.pk, new if element.is_numeric else None, "" if element.is_numeric else (new or ""),
                new_comment, user.pk, at), change))
            continue
        if element.is_numeric:
            old_row.value = new
        else:
            old_row.text = new or ""
        old_row.comment = new_comment
        old_row.updated_by, old_row.updated_at = user, now
        updated.append(old_row)
        history.append((old_row.pk, change))
    columns = ["element_id", "option_id", "unit_id", "period_id", "agency_id", "submission_id", "value", "text",
               "comment", "updated_by_id", "updated_at"]
    new_rows = [r for _c, _k, r, _ch in created]
    if len(new_rows) <= _RETURNED_KEYS:  # a web form's few new cells: keys back from the INSERT itself
        ids = insert_rows(DataValue, columns, new_rows, returning=["element_id", "option_id", "id"])
    else:  # a workbook's hundreds: COPY, then one read of their keys
        insert_rows(DataValue, columns, new_rows)
        ids = DataValue.objects.filter(submission=submission).values_list("element_id", "option_id", "pk")
    ids = {(e, o): pk for e, o, pk in ids}
    history += [(ids[k], change) for _c, k, _r, change in created]
    DataValue.objects.bulk_update(updated, ["value", "text", "comment", "updated_by", "updated_at"])
    insert_rows(DataValueChange, ["data_value_id", "version", "user_id", "at", "old", "new", "old_comment",
                                  "new_comment", "source"],
                [(pk, submission.version, user.pk, at, *change, source) for pk, change in history])
    changed = len(history)
    if changed:
        if submission.status == S.RETURNED:
            submission.status = S.DRAFT
        if save_submission:
            submission.save(update_fields=["status", "updated_at"])
        log.audit("reporting.values_saved", submission, changed=changed, version=submission.version,
                  form=submission.form.code, period=submission.period.code)
    if previous is None:
        previous = previous_values(submission.form, submission.unit, submission.period, submission.agency, rows=rows)
    problems = validate_form_values(submission.form, final, rows=rows, previous=previous)
    final_comments = {key: v.comment for key, v in existing.items() if v.comment}  # updated in place above
    final_comments.update({key: change[3] for key, _k, _r, change in created if change[3]})
    return problems, {key: text for key, text in final_comments.items() if text}


def _unreadable(form, values, rows):
    """The cells that are not numbers. Reading them is enough to know; the
    whole validation only words the problems when there are some."""
    try:
        parse_values(form, values, rows=rows)
    except ValueError:
        return [p for p in validate_form_values(form, values, rows=rows) if p.kind == "not_a_number"]
    return []


def _conflicts(submission, rows, current, values, expected):
    """Cells the user changed whose stored figure is no longer the one the
    user saw, saying who last changed them and when (read only when there
    is a conflict to word)."""
    cells = rows.cells
    found = []
    for key, seen in expected.items():
        if key not in values or key[0] not in cells:
            continue
        row, element, options = cells[key[0]]
        if _same(element, values[key], current.get(key)):
            continue  # the colleague's figure is the one being saved: nothing is overwritten
        if not _same(element, seen, current.get(key)):
            found.append((key, row, element, options))
    who = _changed_by(submission, [key for key, *_rest in found]) if found else {}
    problems = []
    for key, row, element, options in found:
        # Named as every other check names a cell: row, and column where the row has several.
        where = cell_name(row, (options or {}).get(key[1]))
        words = {"where": where, "value": _text(element, current.get(key)) or "—"}
        if key in who:
            words["who"], words["time"], words["date"] = who[key]
            message = _("%(where)s: changed meanwhile to “%(value)s” by %(who)s at %(time)s on %(date)s.") % words
        else:
            message = _("%(where)s: changed meanwhile to “%(value)s”.") % words
        problems.append(Problem(ERROR, row, key[1], message, kind="conflict"))
    return problems


def _changed_by(submission, keys):
    """{(element code, option code): (person's name, "HH:MM", "dd/mm/yyyy")} of
    the last change of these cells: two officers editing one form learn
    whom to call before they type again."""
    wanted = set(keys)
    found = {}
    for e, o, first, last, username, at in DataValue.objects.filter(
            submission=submission, element__code__in={e for e, _o in wanted}, updated_by__isnull=False).values_list(
            "element__code", "option__code", "updated_by__first_name", "updated_by__last_name",
            "updated_by__username", "updated_at"):
        if (e, o) in wanted:
            name = f"{first} {last}".strip() or username
            at = timezone.localtime(at)
            found[(e, o)] = (name, at.strftime("%H:%M"), at.strftime("%d/%m/%Y"))
    return found


def _same(element, seen, stored):
    """Whether the figure the user saw is the one stored: "3000", "3.000" and
    "3 000" are the same number; text is compared without extra spaces."""
    if element.is_numeric:
        try:
            seen = parse_cell(element, seen)
        except ValueError:
            return False
        return seen == stored or (seen is not None and stored is not None and seen.quantize(_Q4) == stored)
    return " ".join((seen or "").split()) == " ".join((stored or "").split())


def _default_option():
    return DisaggregationOption.objects.get(disaggregation__code="default", code="total")


def check_before_submit(submission):
    """The problems that stop a submission: errors, and warnings whose cell
    carries no comment."""
    rows = form_rows(submission.form)
    problems = validate_form_values(submission.form, stored_values(submission), rows=rows, previous=previous_values(
        submission.form, submission.unit, submission.period, submission.agency, rows=rows))
    return _blocking(problems, stored_comments(submission))


def _blocking(problems, comments):
    return [p for p in problems if p.level == ERROR or not explanation(p, comments)]


@transaction.atomic
def fill_from_agencies(user, submission):
    """The coordinator's consolidation: copy what the unit's agencies
    reported (approved reports only) into the cells of the unit's own report
    that are still empty; figures already there are kept. Returns how many
    cells were filled."""
    submission = _lock(submission)
    if submission.agency_id or not may_report(user, submission.unit):
        raise PermissionDenied
    by_agencies = rollup_agencies(submission.form, submission.period, submission.unit)
    stored = stored_values(submission)
    rows = form_rows(submission.form)
    inputs = {(r.element.code, o.code) for r in rows if r.element_id and not r.computed for o in r.options}
    # A rate the agencies gave with its counts follows from them once they
    # are copied: copied itself, it would be a typed rate that need not
    # match the unit's own counts (95,15% beside 1.400 of 1.400). One an
    # agency typed alone is copied as it is.
    counted = {(r.element.code, o.code) for r in rows if r.element_id and r.element.is_rate for o in r.options
               if by_agencies.get((r.element.numerator.code, o.code)) is not None
               and by_agencies.get((r.element.denominator.code, o.code)) is not None}
    values = {key: format_number(value.quantize(_Q4)) for key, value in by_agencies.items()
              if key in inputs and key not in counted and value is not None and stored.get(key) is None}
    if values:
        save_values(user, submission, values)
        audit(user, "reporting.filled_from_agencies", submission, unit=submission.unit, cells=len(values),
              version=submission.version)
    return len(values)


@transaction.atomic
def submit(user, submission):
    submission = _lock(submission)
    if not may_report(user, submission.unit, submission.agency):
        raise PermissionDenied
    if not submission.is_editable:
        raise ReportingError(_("Only a draft or a returned report can be submitted."))
    blocking = check_before_submit(submission)
    if blocking:
        raise _refused(blocking)
    log = Log(user)
    _mark_submitted(user, submission, log)
    log.write()
    return submission


def save_and_submit(user, form, unit, period, agency, values, comments=None, expected=None):
    """The web form's "Save and submit": the typed figures are saved, and
    stay saved as a draft when the submission is refused; the report
    (created if need be) is submitted if nothing blocks it. One transaction,
    the form read once: at a deadline, fifty communes press the button
    together. `expected` as for save_values: a colleague's change since the
    page was drawn refuses the whole of it."""
    # Last period's figures are read before the report is locked: on SQLite
    # the lock stops every other writer, so it is held for as little as can be.
    rows = form_rows(form)
    previous = previous_values(form, unit, period, agency, rows=rows)
    log = Log(user)
    with transaction.atomic():
        submission, created = lock_or_open(user, form, unit, period, agency, log)
        problems, comments_now = _save_locked(user, submission, values, log, comments, expected, rows=rows,
                                              save_submission=False, previous=previous, created=created)
        blocking = _blocking(problems, comments_now)
        if blocking:
            submission.save(update_fields=["status", "updated_at"])  # the figures stay, as a draft
        else:
            _mark_submitted(user, submission, log)
        log.write()
    if blocking:
        raise _refused(blocking, saved=True)
    return submission


def _refused(blocking, saved=False):
    """Says what stops the report: errors to correct, warnings to explain, or both."""
    errors = any(p.level == ERROR for p in blocking)
    if errors and len(blocking) > sum(p.level == ERROR for p in blocking):
        message = _("The report cannot be submitted: correct the errors and explain the warnings.")
    elif errors:
        message = _("The report cannot be submitted: correct the errors.")
    else:
        message = _("The report cannot be submitted: explain the warnings in a comment.")
    return ReportingError(message, blocking, saved=saved)


def _mark_submitted(user, submission, log):
    submission.status = S.SUBMITTED
    submission.submitted_by, submission.submitted_at = user, timezone.now()
    submission.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    log.event(submission, "submitted")
    log.audit("reporting.submitted", submission, version=submission.version)


@transaction.atomic
def approve(user, submission, comment=""):
    """The level above accepts the report, with an optional comment kept in its history."""
    submission = _lock(submission)
    if not may_review(user, submission):
        raise PermissionDenied
    if submission.status != S.SUBMITTED:
        raise ReportingError(_("Only a submitted report can be approved."))
    submission.status = S.APPROVED
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission.return_comment = ""
    submission.save()
    snapshot = {f"{e}:{o}": (v if isinstance(v, str) else format_number(v))
                for (e, o), v in stored_values(submission).items()}
    comment = (comment or "").strip()[:1000]
    SubmissionEvent.objects.create(submission=submission, version=submission.version, action="approved",
                                   status=submission.status, user=user, snapshot=snapshot, comment=comment)
    audit(user, "reporting.approved", submission, unit=submission.unit, version=submission.version, comment=comment)
    return submission


@transaction.atomic
def return_submission(user, submission, comment):
    submission = _lock(submission)
    if not may_review(user, submission):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise ReportingError(_("Say why the report is returned."))
    if submission.status != S.SUBMITTED:
        raise ReportingError(_("Only a submitted report can be returned."))
    submission.status = S.RETURNED
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission.return_comment = comment
    submission.save()
    SubmissionEvent.objects.create(submission=submission, version=submission.version, action="returned",
                                   status=submission.status, user=user, comment=comment)
    audit(user, "reporting.returned", submission, unit=submission.unit, version=submission.version, comment=comment)
    return submission


@transaction.atomic
def reopen_after_approval(user, submission, reason=""):
    """Open an approved report for correction: a new version, in draft. Its
    values leave the roll-up until the new version is approved; the approved
    version stays readable in the history (its snapshot)."""
    submission = _lock(submission)
    if not (may_report(user, submission.unit, submission.agency) or may_review(user, submission)):
        raise PermissionDenied
    if submission.status != S.APPROVED:
        raise ReportingError(_("Only an approved report is reopened as a new version."))
    submission.version += 1
    submission.status = S.DRAFT
    submission.submitted_by = submission.submitted_at = submission.decided_by = submission.decided_at = None
    submission.save()
    SubmissionEvent.objects.create(submission=submission, version=submission.version, action="reopened",
                                   status=submission.status, user=user, comment=reason or "")
    audit(user, "reporting.reopened", submission, unit=submission.unit, version=submission.version, reason=reason or "")
    return submission
