"""Admin classes that show and change only what the signed-in user may.

Each admin names `scope_field`, the path from its model to the Unit whose data
it is ("unit", "plan__unit", "" for Unit itself). Lists, change pages and
choice lists are narrowed to the user's units; an object outside them is
"not found", exactly as in the rest of Treem.
"""

from django import forms
from django.contrib import admin
from django.db import models

from treem.accounts.access import editable_unit_scope, unit_scope
from treem.core.models import audit
from treem.core.numbers import format_number, parse_number


def scope_path(model):
    """The path from `model` to the administrative unit its rows belong to,
    or None for models that belong to no unit (a measure's "unit" is not one)."""
    from treem.agencies.models import Agency
    from treem.plans.models import (
        Indicator,
        Objective,
        Plan,
        ReportingRequirement,
        SubIndicator,
        Target,
        Task,
    )
    from treem.units.models import Unit

    return {
        Unit: "",
        Agency: "unit",
        Plan: "unit",
        Objective: "plan__unit",
        Indicator: "plan__unit",
        Task: "plan__unit",
        ReportingRequirement: "plan__unit",
        SubIndicator: "indicator__plan__unit",
        Target: "sub_indicator__indicator__plan__unit",
    }.get(model)


class VietnameseDecimalField(forms.DecimalField):
    """Shows 2,3 rather than 2.300000 and reads what officials type (1.234,5)."""

    def prepare_value(self, value):
        return format_number(value) if value not in (None, "") else ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


class ScopedAdminMixin:
    scope_field = "unit"
    formfield_overrides = {
        models.DecimalField: {"form_class": VietnameseDecimalField, "widget": forms.TextInput},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user, self.scope_field)).distinct()

    def _editable(self, request, obj):
        model = type(obj)
        return model._default_manager.filter(pk=obj.pk).filter(editable_unit_scope(request.user, self.scope_field)).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.pk is None or self._editable(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.pk is None or self._editable(request, obj))

    # References to what the user may merely read: the national indicator a
    # local one carries out, the plan above, agencies named by the plan. Every
    # other relation attaches the row to something the user must be able to change.
    read_only_references = {"national_indicator", "national_sub_indicator", "lead_agency",
                            "coordinating_agencies", "lead_agencies"}

    def _related_queryset(self, request, db_field):
        model = db_field.related_model
        path = scope_path(model)
        if path is None:
            return None
        is_parent_plan = db_field.name == "parent" and db_field.model.__name__ == "Plan"
        read_only = db_field.name in self.read_only_references or is_parent_plan
        scope = unit_scope if read_only else editable_unit_scope
        return model._default_manager.filter(scope(request.user, path))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self._related_queryset(request, db_field)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self._related_queryset(request, db_field)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        before = {name: str(form.initial.get(name)) for name in form.changed_data} if change else {}
        audit(request.user, f"{obj._meta.model_name}.{'changed' if change else 'added'}", obj,
              before=before, after=changed)

    def delete_model(self, request, obj):
        audit(request.user, f"{obj._meta.model_name}.deleted", obj, repr=str(obj))
        super().delete_model(request, obj)


class ScopedInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0
    parent_scope_field = "unit"

    def has_change_permission(self, request, obj=None):
        # Inline rows belong to the parent object: editable if it is.
        return admin.TabularInline.has_change_permission(self, request, obj) and (
            obj is None or self._parent_editable(request, obj)
        )

    def has_add_permission(self, request, obj=None):
        return admin.TabularInline.has_add_permission(self, request, obj) and (
            obj is None or self._parent_editable(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return admin.TabularInline.has_delete_permission(self, request, obj) and (
            obj is None or self._parent_editable(request, obj)
        )

    def _parent_editable(self, request, parent):
        model = type(parent)
        return model._default_manager.filter(pk=parent.pk).filter(
            editable_unit_scope(request.user, self.parent_scope_field)
        ).exists()
