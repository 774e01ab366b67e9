from django.contrib import admin

from .models import (
    DataElement,
    Disaggregation,
    DisaggregationOption,
    Form,
    FormRow,
    Period,
)


class FormRowInline(admin.TabularInline):
    model = FormRow
    extra = 1
    fields = ["order", "code", "number", "label", "element", "text_element", "disaggregation", "parent", "computed",
              "parts_add_up", "lead", "level_labels"]
    raw_id_fields = ["element", "text_element", "parent"]


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "period_type", "is_active"]
    inlines = [FormRowInline]


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "aggregation", "unit_label"]
    search_fields = ["code", "name"]
    raw_id_fields = ["numerator", "denominator"]


class OptionInline(admin.TabularInline):
    model = DisaggregationOption
    extra = 1


@admin.register(Disaggregation)
class DisaggregationAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [OptionInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "type", "start", "end", "name"]
