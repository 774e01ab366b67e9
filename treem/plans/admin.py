from django.contrib import admin

from treem.core.admin_scope import ScopedAdmin, ScopedInline

from .models import (
    Indicator,
    Objective,
    Plan,
    ReportingRequirement,
    SubIndicator,
    Target,
    Task,
)


class ObjectiveInline(ScopedInline):
    model = Objective
    scope_field = "plan__unit"
    fields = ["number", "title", "order", "source_line"]


class ReportingInline(ScopedInline):
    model = ReportingRequirement
    scope_field = "plan__unit"
    fields = ["frequency", "deadline_day", "deadline_month", "deadline_year", "reporters_text", "recipient_text"]


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    scope_field = "unit"
    list_display = ["number", "title", "unit", "issued_on", "period_start", "period_end"]
    list_filter = ["kind", "unit__level"]
    search_fields = ["number", "title", "unit__name"]
    exclude = ["source_text"]
    autocomplete_fields = ["unit"]
    inlines = [ObjectiveInline, ReportingInline]


class SubIndicatorInline(ScopedInline):
    model = SubIndicator
    scope_field = "indicator__plan__unit"
    parent_scope_field = "plan__unit"
    fields = ["order", "name", "unit", "direction", "baseline_status", "baseline_value", "baseline_comparator",
              "baseline_year", "baseline_text"]
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    scope_field = "plan__unit"
    list_display = ["number", "short_name", "plan", "lead_agency"]
    list_filter = ["plan"]
    search_fields = ["name", "number"]
    inlines = [SubIndicatorInline]

    @admin.display(description="chỉ tiêu")
    def short_name(self, obj):
        return obj.name[:90]


class TargetInline(ScopedInline):
    model = Target
    scope_field = "sub_indicator__indicator__plan__unit"
    parent_scope_field = "indicator__plan__unit"
    fields = ["year", "comparator", "value", "value_max", "scope", "text", "note"]


@admin.register(SubIndicator)
class SubIndicatorAdmin(ScopedAdmin):
    scope_field = "indicator__plan__unit"
    list_display = ["name", "indicator", "unit", "direction"]
    search_fields = ["name"]
    inlines = [TargetInline]


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    scope_field = "plan__unit"
    list_display = ["number", "title", "plan", "timeframe_text"]
    search_fields = ["title", "number"]
