from django.contrib import admin

from .models import IndicatorSource


@admin.register(IndicatorSource)
class IndicatorSourceAdmin(admin.ModelAdmin):
    """The mapping is the same for every province: only system administrators
    (who hold the model permissions) change it."""

    list_display = ["national_indicator", "sub_number", "scope", "element_code", "option_code", "kind"]
    search_fields = ["national_indicator", "element_code"]
