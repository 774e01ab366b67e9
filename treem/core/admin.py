from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id", "unit"]
    list_filter = ["action"]
    search_fields = ["action", "object_id", "user__username"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return getattr(request.user, "is_system_admin", False)

    def has_view_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
