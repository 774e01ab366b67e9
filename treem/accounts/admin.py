from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["unit", "agency"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Treem"), {"fields": ("role", "unit", "agency", "phone")}),)

    def has_module_permission(self, request):
        return getattr(request.user, "is_system_admin", False)

    def has_view_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)

    def has_change_permission(self, request, obj=None):
        return getattr(request.user, "is_system_admin", False)

    def has_add_permission(self, request):
        return getattr(request.user, "is_system_admin", False)
