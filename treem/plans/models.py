"""A plan and what it contains: objectives, indicators, sub-indicators with
baselines and targets, tasks and the reporting regime.

Every row that comes from a document keeps `source_line`, the line of the
document's text it was read from, so every figure can be traced back.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from treem.agencies.models import Agency
from treem.units.models import Unit


class Plan(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        DECISION = "decision", _("Decision")
        PLAN = "plan", _("Plan")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("unit"))
    number = models.CharField(_("document number"), max_length=60, blank=True)  # "592/QĐ-UBND"
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    title = models.TextField(_("title"))
    issuer = models.CharField(_("issuer"), max_length=255)  # "Ủy ban nhân dân tỉnh Bắc Kạn"
    place = models.CharField(_("place"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("from year"))
    period_end = models.PositiveSmallIntegerField(_("to year"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        verbose_name=_("parent plan"),
    )
    implements = models.TextField(_("carries out"), blank=True)  # "Thực hiện Quyết định số 23/QĐ-TTg …"
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["unit__path", "-period_start", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"], condition=~models.Q(number=""), name="plan_unit_number"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip() if self.number else self.title

    def source_lines(self):
        return self.source_text.splitlines()

    @property
    def document_kind(self):
        """The kind of document the plan was issued in, as its number says:
        the programme is carried by Decision 23/QĐ-TTg, and "Chương trình
        số 23/QĐ-TTg" is no document's name. The plan's kind otherwise."""
        found = re.search(r"/([^\W\d_]+)-", self.number)
        code = found.group(1).upper() if found else ""
        return {"QĐ": self.Kind.DECISION, "KH": self.Kind.PLAN, "CTR": self.Kind.PROGRAMME}.get(code, self.kind)

    @property
    def document_label(self):
        return self.Kind(self.document_kind).label

    def national_plan(self):
        """The national programme this plan carries out, following parents up."""
        plan, seen = self, set()
        while plan is not None and plan.pk not in seen:
            if plan.unit.level == Unit.Level.NATION:
                return plan
            seen.add(plan.pk)
            plan = plan.parent
        return None


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    number = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(default=0)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Indicator(models.Model):
    """A "chỉ tiêu": numbered as the plan numbers it; holds one or more
    sub-indicators, each with its own unit, baseline and targets."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators",
        verbose_name=_("objective"),
    )
    number = models.CharField(_("number"), max_length=20)
    name = models.TextField(_("text as written"))
    order = models.PositiveIntegerField(default=0)
    lead_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_indicators",
        verbose_name=_("lead agency"),
    )
    lead_text = models.CharField(_("lead agency as written"), max_length=255, blank=True)
    coordinating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="coordinated_indicators", verbose_name=_("coordinating agencies")
    )
    coordinating_text = models.TextField(_("coordinating agencies as written"), blank=True)
    national_indicator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="local_indicators",
        verbose_name=_("national indicator carried out"),
    )
    note = models.TextField(_("note"), blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    lead_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number}: {Truncator(self.name).words(14)}"

    def clean(self):
        if self.objective_id and self.plan_id and self.objective.plan_id != self.plan_id:
            raise ValidationError({"objective": _("The objective belongs to another plan.")})


class MeasureUnit(models.TextChoices):
    """What a figure measures in. `factor` turns the rate into a fraction."""

    PERCENT = "percent", "%"
    PER_MILLE = "per_mille", "‰"
    PER_1000_LIVE_BIRTHS = "per_1000_live_births", _("‰ live births")
    PER_1000_CHILDREN = "per_1000_children", _("per 1,000 children")
    PER_100000_CHILDREN = "per_100000_children", _("per 100,000 children")
    COUNT = "count", _("count")
    MONEY = "money", _("VND")


UNIT_FACTORS = {
    MeasureUnit.PERCENT: Decimal(100),
    MeasureUnit.PER_MILLE: Decimal(1000),
    MeasureUnit.PER_1000_LIVE_BIRTHS: Decimal(1000),
    MeasureUnit.PER_1000_CHILDREN: Decimal(1000),
    MeasureUnit.PER_100000_CHILDREN: Decimal(100000),
}

UNIT_SUFFIX = {
    MeasureUnit.PERCENT: "%",
    MeasureUnit.PER_MILLE: "‰",
    MeasureUnit.PER_1000_LIVE_BIRTHS: "‰",
    MeasureUnit.PER_1000_CHILDREN: "/1.000",
    MeasureUnit.PER_100000_CHILDREN: "/100.000",
    MeasureUnit.COUNT: "",
    MeasureUnit.MONEY: " đ",
}


class Direction(models.TextChoices):
    INCREASE = "increase", _("increase")
    DECREASE = "decrease", _("decrease")
    MAINTAIN = "maintain", _("maintain")
    ELIMINATE = "eliminate", _("eliminate")


class Comparator(models.TextChoices):
    # "" keeps a target written without one ("16,5"); its meaning then follows
    # the direction: at most for a decrease, at least for an increase.
    NONE = "", _("as written")
    LT = "<", "<"
    LE = "<=", "≤"
    EQ = "=", "="
    GE = ">=", "≥"
    GT = ">", ">"
    RANGE = "range", _("range")


class Scope(models.TextChoices):
    ALL = "", _("all")
    RURAL = "rural", _("rural")
    URBAN = "urban", _("urban")


class SubIndicator(models.Model):
    class BaselineStatus(models.TextChoices):
        VALUE = "value", _("value")
        NOT_COLLECTED = "not_collected", _("not collected")
        NOT_ASSESSED = "not_assessed", _("not assessed")
        NONE = "none", _("not given")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="sub_indicators")
    order = models.PositiveIntegerField(default=0)
    name = models.TextField(_("name"))
    unit = models.CharField(_("unit"), max_length=24, choices=MeasureUnit.choices, default=MeasureUnit.PERCENT)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_status = models.CharField(
        _("baseline"), max_length=14, choices=BaselineStatus.choices, default=BaselineStatus.NONE
    )
    baseline_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_comparator = models.CharField(max_length=6, choices=Comparator.choices, blank=True, default="")
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_text = models.CharField(_("baseline as written"), max_length=255, blank=True)
    baseline_line = models.PositiveIntegerField(null=True, blank=True)
    national_sub_indicator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="local_sub_indicators",
        verbose_name=_("national sub-indicator"),
    )
    note = models.TextField(_("note"), blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("sub-indicator")
        verbose_name_plural = _("sub-indicators")
        ordering = ["indicator", "order"]

    def __str__(self):
        return Truncator(self.name).words(14)

    def clean(self):
        national = self.national_sub_indicator
        if national and self.indicator_id and national.indicator_id != self.indicator.national_indicator_id:
            raise ValidationError({"national_sub_indicator": _(
                "Choose a sub-indicator of the national indicator this indicator carries out."
            )})

    @property
    def unit_suffix(self):
        return UNIT_SUFFIX.get(self.unit, "")

    @property
    def factor(self):
        return UNIT_FACTORS.get(self.unit)


class Target(models.Model):
    sub_indicator = models.ForeignKey(SubIndicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    comparator = models.CharField(_("comparator"), max_length=6, choices=Comparator.choices, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    value_max = models.DecimalField(_("upper bound"), max_digits=20, decimal_places=6, null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, blank=True, default="")
    text = models.CharField(_("as written"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)  # "81/108"
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["sub_indicator", "year", "scope"]

    def __str__(self):
        return f"{self.year}: {self.text or self.value}"


class Task(models.Model):
    class Timeframe(models.TextChoices):
        ONGOING = "ongoing", _("ongoing in the year")
        DATE = "date", _("date")
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        RANGE = "range", _("range")
        YEAR = "year", _("year")
        UNSPECIFIED = "", _("not stated")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks")
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(default=0)
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_tasks", verbose_name=_("lead"))
    lead_text = models.TextField(_("lead as written"), blank=True)
    coordinating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="coordinated_tasks", verbose_name=_("coordinating")
    )
    coordinating_text = models.TextField(_("coordinating as written"), blank=True)
    timeframe_kind = models.CharField(_("timeframe"), max_length=10, choices=Timeframe.choices, blank=True)
    timeframe_text = models.CharField(_("timeframe as written"), max_length=255, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number} {Truncator(self.title).words(14)}".strip()

    def clean(self):
        if self.parent_id and self.plan_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent task belongs to another plan.")})


class ReportingRequirement(models.Model):
    """One line of a plan's reporting regime: who reports what, how often, by when."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        SEMI_ANNUAL = "semi_annual", _("semi-annual")
        ANNUAL = "annual", _("annual")
        ONE_OFF = "one_off", _("one-off")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting")
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    deadline_day = models.PositiveSmallIntegerField(_("deadline day"), null=True, blank=True)
    deadline_month = models.PositiveSmallIntegerField(_("deadline month"), null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"), null=True, blank=True)
    reporters_text = models.TextField(_("who reports"), blank=True)
    recipient_text = models.TextField(_("reports to"), blank=True)
    text = models.TextField(_("as written"), blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting requirement")
        verbose_name_plural = _("reporting regime")
        ordering = ["plan", "deadline_month", "deadline_day"]

    def __str__(self):
        if self.deadline_day and self.deadline_month:
            return f"{self.get_frequency_display()} {self.deadline_day:02d}/{self.deadline_month:02d}"
        return self.get_frequency_display()


class PlanDraft(models.Model):
    """A plan read from an uploaded document, waiting for a person to check it.
    Nothing reaches the plan tables until the draft is confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("to review")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")

    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="plan_drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_name = models.CharField(_("source file"), max_length=255)
    source_text = models.TextField(_("source text"))
    data = models.JSONField(_("plan as read"))
    flags = models.JSONField(_("points to check"), default=list)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("plan draft")
        verbose_name_plural = _("plan drafts")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source_name} ({self.get_status_display()})"
