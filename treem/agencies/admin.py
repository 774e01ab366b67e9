from django.contrib import admin

from treem.core.admin_scope import ScopedAdmin

from .models import Agency, AgencyChange


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    scope_field = "unit"
    list_display = ["name", "short_name", "unit", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["unit"]


@admin.register(AgencyChange)
class AgencyChangeAdmin(ScopedAdmin):
    scope_field = "from_agency__unit"
    list_display = ["date", "kind", "from_agency", "to_agency", "duty"]
    list_filter = ["kind"]
