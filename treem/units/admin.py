from django.contrib import admin

from treem.core.admin_scope import ScopedAdmin

from .models import Succession, Unit


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    scope_field = ""
    list_display = ["code", "name", "level", "structure", "valid_from", "valid_to"]
    list_filter = ["structure", "level"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]

    def has_change_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)  # official lists come from `treem load-units`

    def has_add_permission(self, request):
        return getattr(request.user, "is_system_admin", False)

    def has_delete_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "date", "is_default"]
    list_filter = ["kind"]
    raw_id_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name"]

    def has_module_permission(self, request):
        return getattr(request.user, "is_system_admin", False)

    def has_view_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)
