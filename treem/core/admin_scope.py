"""Admin classes that show and change only what the signed-in user may.

Each admin names `scope_field`, the path from its model to the Unit whose data
it is ("unit", "plan__unit", "" for Unit itself). Lists, change pages and
choice lists are narrowed to the user's units; an object outside them is
"not found", exactly as in the rest of Treem.
"""

from django.contrib import admin

from treem.accounts.access import editable_unit_scope, unit_scope
from treem.core.models import audit


class ScopedAdminMixin:
    scope_field = "unit"

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from treem.plans.models import Plan
        from treem.units.models import Unit

        model = db_field.related_model
        if model is Unit:
            kwargs["queryset"] = Unit.objects.filter(editable_unit_scope(request.user, ""))
        elif model is Plan and db_field.name == "plan":
            kwargs["queryset"] = Plan.objects.filter(editable_unit_scope(request.user, "unit"))
        elif model is Plan:
            kwargs["queryset"] = Plan.objects.filter(unit_scope(request.user, "unit"))
        elif hasattr(model, "unit"):
            kwargs["queryset"] = model._default_manager.filter(unit_scope(request.user, "unit"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        model = db_field.related_model
        if hasattr(model, "unit"):
            kwargs["queryset"] = model._default_manager.filter(unit_scope(request.user, "unit"))
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

    parent_scope_field = "unit"

    def _parent_editable(self, request, parent):
        model = type(parent)
        return model._default_manager.filter(pk=parent.pk).filter(
            editable_unit_scope(request.user, self.parent_scope_field)
        ).exists()
