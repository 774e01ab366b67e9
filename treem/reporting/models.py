"""Periodic reporting, DHIS2-style: the core cell is data element ×
disaggregation option × unit × period (× the reporting agency, where an agency
reports). Forms are data: rows, their elements and their columns are rows in
these tables, loaded from treem/reporting/forms/*.json and editable in the
admin, so a province can add a row without a programmer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from treem.agencies.models import Agency
from treem.units.models import Unit

# The units (ĐVT) a rate is written in. Per 1.000 or 100.000 children as the
# plans write it ("4/1.000 trẻ em", "550/100.000 trẻ em"): "1/1.000", a
# figure "4/1.000"; ‰ is the mortality of live births ("dưới 5‰").
RATE_UNITS = ("%", "‰", "1/1.000", "1/100.000")


class DataElement(models.Model):
    class ValueType(models.TextChoices):
        COUNT = "count", _("count")
        NUMBER = "number", _("number")
        PERCENT = "percent", _("percentage")
        MONEY = "money", _("money")
        TEXT = "text", _("text")

    class Aggregation(models.TextChoices):
        # Flows (trainings, cases) add up over time; snapshots (child
        # population, staff in post) take the last value. Both add over space.
        SUM = "sum", _("sum over time (flow)")
        LAST = "last", _("last value over time (snapshot)")

    class Direction(models.TextChoices):
        NONE = "", _("none")
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=500)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices, default=ValueType.COUNT)
    aggregation = models.CharField(_("aggregation over time"), max_length=4, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    unit_label = models.CharField(_("unit of measure"), max_length=60, blank=True)  # ĐVT: Người, Cái, 1000đ
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, blank=True)
    # A rate defined from two elements is recomputed at every level from the
    # summed parts: numerator / denominator × factor. Never averaged.
    numerator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("numerator"))
    denominator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("denominator"))
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=0, null=True, blank=True)
    # A count that is part of another outside the row tree: the children
    # under 6 are among the children under 16, listed beside them.
    at_most = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("not above"),
                                help_text=_("An element this one is part of: its figure may not be larger."))

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_numeric(self):
        return self.value_type != self.ValueType.TEXT

    @property
    def is_rate(self):
        return self.numerator_id is not None and self.denominator_id is not None

    @property
    def is_share(self):
        """A rate of a part among a whole, in % or ‰ (children vaccinated
        among the children, deaths per 1.000 children): its numerator
        cannot exceed its denominator. A ratio (boys per 100 girls) can."""
        return self.is_rate and (self.value_type == self.ValueType.PERCENT or self.unit_label.strip() in RATE_UNITS)

    @property
    def rate_suffix(self):
        """What follows a figure of this rate: "%", "‰", "/1.000" for the ĐVT
        "1/1.000" (4,94/1.000, as the report prints it); "%" when unnamed."""
        unit = self.unit_label.strip() or "%"
        return unit[1:] if unit.startswith("1/") else unit


class Disaggregation(models.Model):
    """The columns of a row: sex (total, male, female), plan and result, staff
    type × sex. "default" has one option, so every value has an option."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")

    def __str__(self):
        return self.name


# The standard columns of the forms, as the loader names them in Vietnamese.
STANDARD_OPTION_NAMES = {
    "Số liệu": pgettext_lazy("form column", "Figure"), "Tổng số": pgettext_lazy("form column", "Total"),
    "Nam": pgettext_lazy("form column", "Male"), "Nữ": pgettext_lazy("form column", "Female"),
    "Kế hoạch năm": pgettext_lazy("form column", "Year's plan"),
    "Kết quả thực hiện": pgettext_lazy("form column", "Result"),
    "Kế hoạch năm sau": pgettext_lazy("form column", "Next year's plan"),
    "Chuyên trách - Nam": pgettext_lazy("form column", "Full-time - male"),
    "Chuyên trách - Nữ": pgettext_lazy("form column", "Full-time - female"),
    "Kiêm nhiệm - Nam": pgettext_lazy("form column", "Part-time - male"),
    "Kiêm nhiệm - Nữ": pgettext_lazy("form column", "Part-time - female"),
    "Cộng tác viên - Nam": pgettext_lazy("form column", "Collaborators - male"),
    "Cộng tác viên - Nữ": pgettext_lazy("form column", "Collaborators - female"),
    "Tổng số - Nam": pgettext_lazy("form column", "Total - male"),
    "Tổng số - Nữ": pgettext_lazy("form column", "Total - female"),
    "Ban BVCSTE (số thành viên) - Nam": pgettext_lazy("form column", "Child protection board (members) - male"),
    "Ban BVCSTE (số thành viên) - Nữ": pgettext_lazy("form column", "Child protection board (members) - female"),
}


class DisaggregationOption(models.Model):
    disaggregation = models.ForeignKey(Disaggregation, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    # Codes of the options this one is the total of: total = male + female.
    sum_of = models.JSONField(_("total of"), default=list, blank=True)

    class Meta:
        verbose_name = _("disaggregation option")
        verbose_name_plural = _("disaggregation options")
        ordering = ["disaggregation", "order"]
        constraints = [models.UniqueConstraint(fields=["disaggregation", "code"], name="option_code")]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name in the user's language where it is one the loader gives
        (forms/disaggregations.json); a name typed in the admin as typed."""
        return str(STANDARD_OPTION_NAMES.get(self.name, self.name))


class Form(models.Model):
    """A data set: one appendix ("PL6") or the narrative outline ("BC")."""

    class PeriodType(models.TextChoices):
        SEMI_ANNUAL = "semi_annual", _("semi-annual")
        ANNUAL = "annual", _("annual")
        ONE_OFF = "one_off", _("one-off")

    code = models.CharField(_("code"), max_length=20)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=500, blank=True)
    period_type = models.CharField(_("period type"), max_length=12, choices=PeriodType.choices,
                                   default=PeriodType.ANNUAL)
    text_column = models.CharField(_("text column"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="form_code_version")]

    def __str__(self):
        return f"{self.code} {self.name}"


class FormRow(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="rows")
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=40)  # unique in the form: "II.1.2"
    number = models.CharField(_("number as printed"), max_length=20, blank=True)  # "1.2", "I", "Chỉ tiêu 3"
    label = models.TextField(_("label"))
    element = models.ForeignKey(DataElement, null=True, blank=True, on_delete=models.PROTECT, related_name="rows",
                                verbose_name=_("data element"))  # none for a heading
    text_element = models.ForeignKey(DataElement, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="text_rows", verbose_name=_("text column element"))
    disaggregation = models.ForeignKey(Disaggregation, null=True, blank=True, on_delete=models.PROTECT,
                                       verbose_name=_("columns"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
                               verbose_name=_("sub-item of"))
    computed = models.BooleanField(_("sum of its sub-items"), default=False)
    # Typed, but its sub-items split it (people married as children: girls,
    # boys): they must add up to it. Sub-items that may overlap ("of which:
    # orphans, disabled") are only each at most the total.
    parts_add_up = models.BooleanField(_("its sub-items add up to it"), default=False)
    lead = models.CharField(_("lead agency"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The outline's wording where a level words it otherwise: {"nation": "Đối với Quốc hội, Chính phủ",
    # "no_districts": ""}. Keys: a unit level, "no_districts" (from 01/07/2025, or in the 34 provinces)
    # or both ("nation/no_districts"); "" leaves the row out there. See label_for.
    level_labels = models.JSONField(_("wording by level"), default=dict, blank=True)

    class Meta:
        verbose_name = _("form row")
        verbose_name_plural = _("form rows")
        ordering = ["form", "order"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="form_row_code")]

    def __str__(self):
        return f"{self.form.code} {self.ref}"

    def label_for(self, unit, period):
        """The row's wording in `unit`'s report for `period`: a ministry does
        not report to "Trung ương" nor budget "cấp huyện", and from 01/07/2025
        there are no districts. "" for a row not asked of that unit."""
        if not self.level_labels:
            return self.label
        keys = [unit.level]
        if not unit.has_districts_on(period.end):
            keys = [f"{unit.level}/no_districts", unit.level, "no_districts"]
        return next((self.level_labels[key] for key in keys if key in self.level_labels), self.label)

    @property
    def ref(self):
        """How messages name the row: its printed number, else its code."""
        return self.number if self.number and self.number not in ("-", "+") else self.code


class Period(models.Model):
    class Type(models.TextChoices):
        SEMI_ANNUAL = "semi_annual", _("semi-annual")
        ANNUAL = "annual", _("annual")
        ONE_OFF = "one_off", _("one-off")

    code = models.CharField(_("code"), max_length=20, unique=True)  # 2023H1, 2023, 2025MTR
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "type"]

    def __str__(self):
        # The names the loader generates ("6 tháng đầu năm 2026") read in the
        # user's language; a name typed in the admin is shown as typed.
        from .loading import period_for_code

        try:
            generated = period_for_code(self.code)["name"]
        except ValueError:
            generated = None
        if generated is not None and self.name in ("", generated):
            return str(PERIOD_NAMES[self.code[4:] or "year"]) % {"year": self.code[:4]}
        return self.name or self.code


# The generated period names, by the code's suffix ("2026H1" -> "H1").
PERIOD_NAMES = {
    "year": _("Year %(year)s"),
    "H1": _("First half of %(year)s"),
    "H2": _("Second half of %(year)s"),
    "MTR": _("Mid-term review 2021–%(year)s"),
}


def _unique_with_optional_agency(fields, name):
    """NULL agencies are distinct in SQL: one constraint with, one without."""
    return [
        models.UniqueConstraint(fields=[*fields, "agency"], condition=Q(agency__isnull=False), name=f"{name}_agency"),
        models.UniqueConstraint(fields=fields, condition=Q(agency__isnull=True), name=f"{name}_unit"),
    ]


class Submission(models.Model):
    """One form for one unit (and agency) and period, and its approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("form"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("unit"))
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions",
                               verbose_name=_("agency"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("period"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at"]
        constraints = _unique_with_optional_agency(["form", "unit", "period"], "submission")

    def __str__(self):
        return f"{self.form.code} · {self.unit} · {self.period} (v{self.version})"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def reporter_name(self):
        """Who reports: the unit, or the agency and its unit."""
        return f"{self.agency} · {self.unit}" if self.agency_id else str(self.unit)

    def get_absolute_url(self):
        if self.agency_id:
            return reverse("reporting:agency_entry", args=[self.form.code, self.period.code, self.unit_id,
                                                           self.agency_id])
        return reverse("reporting:entry", args=[self.form.code, self.period.code, self.unit_id])


class SubmissionEvent(models.Model):
    """The history of a submission: every status change, with its version."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=20)  # created, submitted, approved, returned, reopened
    status = models.CharField(max_length=10, choices=Submission.Status.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # On approval: the values as approved, so every approved version can be read back.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class DataValue(models.Model):
    # Keys the database does not check row by row: at COMMIT, PostgreSQL
    # checks each key of each new row one by one (an imported workbook writes
    # some 300 values: 900 checks, a tenth of its import). Values are written
    # by one function only (actions._save_locked), with the element and
    # option of the form's own rows and the locked submission's unit, period
    # and agency; Django protects all of them on delete. The submission is
    # the one key still checked by the database.
    # No index of its own: data_value_element_period starts with it.
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values", db_index=False,
                                db_constraint=False)
    option = models.ForeignKey(DisaggregationOption, on_delete=models.PROTECT, related_name="values",
                               db_constraint=False)
    # Unit, period and agency are the submission's, copied here for the
    # roll-up's indexes.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="data_values", db_constraint=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="data_values", db_constraint=False)
    # No index of its own: nearly every value has no agency, and SQLite would
    # otherwise read a national roll-up through "agency IS NULL". The partial
    # unique constraints below index the agencies' values.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="data_values",
                               db_index=False, db_constraint=False)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Who changed it last, as its change log says: not checked row by row
    # either, and not indexed (no page looks values up by their editor).
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_constraint=False, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        # Unit and period first: a saved form's rows sit together in these
        # indexes (a few pages touched per form, not one per element), and
        # last period's figures of a unit are read through them.
        constraints = _unique_with_optional_agency(["unit", "period", "element", "option"], "data_value")
        indexes = [models.Index(fields=["element", "period"], name="data_value_element_period")]

    def display(self):
        from treem.core.numbers import format_number

        return self.text if self.element.value_type == DataElement.ValueType.TEXT else format_number(self.value)


class DataValueChange(models.Model):
    """Every change to a value: who, when, the old and the new."""

    # A log, written a row per changed cell: its keys are not checked by the
    # database row by row (as for the submission's copies in DataValue).
    data_value = models.ForeignKey(DataValue, on_delete=models.CASCADE, related_name="changes", db_constraint=False)
    version = models.PositiveIntegerField()
    # Not indexed: the history is read by value, never by user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                             db_constraint=False, db_index=False)
    at = models.DateTimeField(auto_now_add=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    old_comment = models.TextField(blank=True)
    new_comment = models.TextField(blank=True)
    # "workbook:<the template download's mark>" for an Excel import ("workbook"
    # from templates made before they carried one), "" on the web: a
    # template's upload may overwrite what the same person's earlier upload
    # of the same download saved, not what was typed on the web or imported
    # from another file since (a commune's one login shared by two).
    source = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]


class Schedule(models.Model):
    """One line of a plan's reporting calendar: the units of one level below
    the plan's unit report one form, every period of a type, by a day of the
    year, to a recipient. A semi-annual line covers the first half-year (the
    annual report covers the whole year, as the plans write it: "định kỳ 6
    tháng (ngày 10 tháng 5), báo cáo năm (ngày 30 tháng 10)")."""

    class Reporters(models.TextChoices):
        DISTRICTS = "district", _("districts")
        COMMUNES = "commune", _("communes")
        AGENCIES = "agency", _("agencies")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="schedules",
                             verbose_name=_("plan"))
    requirement = models.ForeignKey("plans.ReportingRequirement", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="schedules", verbose_name=_("from the reporting regime"))
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("form"))
    period_type = models.CharField(_("how often"), max_length=12, choices=Period.Type.choices)
    reporters = models.CharField(_("who reports"), max_length=10, choices=Reporters.choices)
    deadline_day = models.PositiveSmallIntegerField(_("deadline day"))
    deadline_month = models.PositiveSmallIntegerField(_("deadline month"))
    # A one-off report (the 2025 mid-term review) names its year.
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"), null=True, blank=True)
    recipient = models.CharField(_("reports to"), max_length=300, blank=True)
    # When agencies report: which agencies of the plan's unit (Sở Y tế, Công an tỉnh…).
    agencies = models.ManyToManyField(Agency, blank=True, related_name="schedules",
                                      verbose_name=_("reporting agencies"))

    class Meta:
        verbose_name = _("reporting calendar line")
        verbose_name_plural = _("reporting calendar")
        ordering = ["plan", "period_type", "deadline_month", "deadline_day", "form__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "form", "period_type", "reporters"],
                                               name="schedule_line")]

    def __str__(self):
        return f"{self.form.code} · {self.get_period_type_display()} · {self.deadline_day:02d}/{self.deadline_month:02d}"
