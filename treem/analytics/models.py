"""Where an indicator's actual value comes from: a data element of the
reporting forms (the mapping is data, loaded from data/indicator_sources.json
and editable in the admin), or a value entered by hand."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treem.plans.models import Scope, SubIndicator
from treem.units.models import Unit


class IndicatorSource(models.Model):
    """A national sub-indicator defined by a reported data element.

    The national sub-indicator is named as the programme numbers it:
    indicator "14", sub-indicator 1 (the first under it). Local plans reach
    the mapping through their sub-indicators' `national_sub_indicator`.
    """

    class Kind(models.TextChoices):
        VALUE = "value", _("the element's value")
        # The percentage by which the element fell against the year before
        # ("giảm số cuộc tảo hôn từ 2 đến 3% hằng năm").
        ANNUAL_REDUCTION = "annual_reduction", _("yearly reduction (%)")

    national_indicator = models.CharField(_("national indicator number"), max_length=20)
    sub_number = models.PositiveSmallIntegerField(_("sub-indicator (1 = the first)"), default=1)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, blank=True, default="")
    element_code = models.CharField(_("data element code"), max_length=60)
    option_code = models.CharField(_("column (option) of the actual"), max_length=40, default="actual")
    plan_option_code = models.CharField(_("column (option) of the year's plan"), max_length=40, blank=True,
                                        default="plan")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VALUE)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("indicator source")
        verbose_name_plural = _("indicator sources")
        ordering = ["national_indicator", "sub_number", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["national_indicator", "sub_number", "scope"], name="indicator_source_key"),
        ]

    def __str__(self):
        scope = f" ({self.get_scope_display()})" if self.scope else ""
        return f"{self.national_indicator}.{self.sub_number}{scope} ← {self.element_code}:{self.option_code}"


class IndicatorValue(models.Model):
    """An actual entered by hand, for a sub-indicator no data element defines."""

    class Status(models.TextChoices):
        VALUE = "value", _("value")
        NOT_COLLECTED = "not_collected", _("not collected")

    sub_indicator = models.ForeignKey(SubIndicator, on_delete=models.CASCADE, related_name="entered_values",
                                      verbose_name=_("sub-indicator"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="indicator_values", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, blank=True, default="")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.VALUE)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entered indicator value")
        verbose_name_plural = _("entered indicator values")
        ordering = ["sub_indicator", "unit", "year", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["sub_indicator", "unit", "year", "scope"], name="indicator_value_key"),
        ]

    def __str__(self):
        return f"{self.sub_indicator} · {self.unit} · {self.year}"


class PublicResults(models.Model):
    """Whether a province shows its indicators and progress on a public page
    (/public/…), which anyone may open without signing in. Off unless the
    province's coordinator turns it on."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="public_results",
                                limit_choices_to={"level": Unit.Level.PROVINCE}, verbose_name=_("province"))
    enabled = models.BooleanField(_("public page on"), default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public results page")
        verbose_name_plural = _("public results pages")

    def __str__(self):
        return f"{self.unit} · {'on' if self.enabled else 'off'}"
